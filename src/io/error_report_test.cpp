#include "io/error_report.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace gpuslice;

namespace {

std::vector<std::string> lines(const ErrorList& errors) {
  std::vector<std::string> out;
  for (const Error& e : errors) out.push_back(e.describe());
  return out;
}

}  // namespace

TEST_CASE("errors are reported by file in the order given, then by line; at most 20 bad-input errors a file") {
  ErrorList errors;
  for (int i = 25; i >= 1; --i) errors.push_back(badInput("b.yaml", i, "f", "bad " + std::to_string(i)));
  errors.push_back(badInput("a.yaml", 3, "x", "late"));
  errors.push_back(badInput("a.yaml", 3, "y", "same line, found second"));
  errors.push_back(badInput("a.yaml", 1, "z", "early"));
  errors.push_back(Error{ErrorKind::Infeasible, "", 0, "", "no file"});
  const std::vector<std::string> got = lines(io::errorsToReport(errors, {"a.yaml", "b.yaml"}));
  std::vector<std::string> want{"no file", "a.yaml:1: z: early", "a.yaml:3: x: late",
                                "a.yaml:3: y: same line, found second"};
  for (int i = 1; i <= 20; ++i) want.push_back("b.yaml:" + std::to_string(i) + ": f: bad " + std::to_string(i));
  want.push_back("b.yaml: and 5 more errors (only the first 20 of a file are shown)");
  CHECK(got == want);
  // Exactly 20, or 21 (one more): the count is right either way.
  ErrorList twenty(errors.begin() + 5, errors.begin() + 25);
  CHECK(io::errorsToReport(twenty, {"b.yaml"}).size() == 20);
  ErrorList more(errors.begin() + 4, errors.begin() + 25);
  CHECK(io::errorsToReport(more, {"b.yaml"}).back().message ==
        "and 1 more error (only the first 20 of a file are shown)");
  // Infeasible workloads are all reported.
  ErrorList infeasible;
  for (int i = 1; i <= 30; ++i) infeasible.push_back(Error{ErrorKind::Infeasible, "w.yaml", i, "", "fits nowhere"});
  CHECK(io::errorsToReport(infeasible, {"w.yaml"}).size() == 30);
}

TEST_CASE("the exit code of several errors: usage, then bad input, then infeasible") {
  const Error usage{ErrorKind::Usage, "", 0, "--x", "u"};
  const Error bad = badInput("w.yaml", 1, "", "b");
  const Error infeasible{ErrorKind::Infeasible, "w.yaml", 2, "", "i"};
  CHECK(io::exitCode({infeasible}) == 3);
  CHECK(io::exitCode({infeasible, bad}) == 1);
  CHECK(io::exitCode({infeasible, bad, usage}) == 2);
}

TEST_CASE("the error document: keys sorted, every error, text escaped as on stderr") {
  const ErrorList errors{badInput("w.yaml", 7, "workloads[0].gpu.compute", "must be in (0, 1], got 1.5"),
                         Error{ErrorKind::Infeasible, "caf\xe9.yaml", 3, "workloads[1]", "a\tb"},
                         Error{ErrorKind::Usage, "", 0, "--headroom", "steers planning"}};
  CHECK(io::errorsJsonText(errors) ==
        "{\n"
        "  \"errors\": [\n"
        "    {\n"
        "      \"field\": \"workloads[0].gpu.compute\",\n"
        "      \"file\": \"w.yaml\",\n"
        "      \"kind\": \"bad-input\",\n"
        "      \"line\": 7,\n"
        "      \"message\": \"must be in (0, 1], got 1.5\"\n"
        "    },\n"
        "    {\n"
        "      \"field\": \"workloads[1]\",\n"
        "      \"file\": \"caf\\\\xe9.yaml\",\n"
        "      \"kind\": \"infeasible\",\n"
        "      \"line\": 3,\n"
        "      \"message\": \"a\\\\x09b\"\n"
        "    },\n"
        "    {\n"
        "      \"field\": \"--headroom\",\n"
        "      \"file\": \"\",\n"
        "      \"kind\": \"usage\",\n"
        "      \"line\": 0,\n"
        "      \"message\": \"steers planning\"\n"
        "    }\n"
        "  ]\n"
        "}\n");
  CHECK(io::errorsYamlText({errors[0]}) ==
        "errors:\n"
        "- field: \"workloads[0].gpu.compute\"\n"
        "  file: w.yaml\n"
        "  kind: bad-input\n"
        "  line: 7\n"
        "  message: \"must be in (0, 1], got 1.5\"\n");
}
