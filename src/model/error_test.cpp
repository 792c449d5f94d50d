#include "model/error.h"

#include <doctest/doctest.h>

using gpuslice::badInput;
using gpuslice::Error;
using gpuslice::ErrorKind;

TEST_CASE("describe leaves out the parts that are empty") {
  CHECK(badInput("w.yaml", 3, "workloads[0].name", "required").describe() == "w.yaml:3: workloads[0].name: required");
  CHECK(badInput("w.yaml", 0, "", "empty document").describe() == "w.yaml: empty document");
  CHECK(Error{ErrorKind::Usage, "", 0, "--format", "bad"}.describe() == "--format: bad");
}

TEST_CASE("describe escapes bytes that are not UTF-8 and control characters, wherever they are") {
  CHECK(badInput("caf\xE9.yaml", 2, "", "not valid UTF-8").describe() == "caf\\xe9.yaml:2: not valid UTF-8");
  CHECK(badInput("w.yaml", 5, "workloads[0].gpu.model", "unknown GPU model \"\xFF\xFE\"").describe() ==
        "w.yaml:5: workloads[0].gpu.model: unknown GPU model \"\\xff\\xfe\"");
  CHECK(badInput("w.yaml", 1, "spec.\xC3", "x").describe() == "w.yaml:1: spec.\\xc3: x");
  // A value that would start a new line or recolour the terminal stays on one line, inert.
  CHECK(badInput("w.yaml", 1, "", "unknown key \"a\nb\x1B[2J\"").describe() ==
        "w.yaml:1: unknown key \"a\\x0ab\\x1b[2J\"");
  // Well-formed text outside ASCII is kept.
  CHECK(badInput("日本.yaml", 1, "", "naïve").describe() == "日本.yaml:1: naïve");
}
