#include "util/yaml_scalar.h"

#include <doctest/doctest.h>

#include <string>
#include <string_view>

using gpuslice::yamlDoubleQuoted;
using gpuslice::yamlPlainSafe;
using gpuslice::yamlScalar;

namespace {

void checkAll(std::initializer_list<std::string_view> strings, bool plain) {
  for (std::string_view s : strings) {
    CAPTURE(s);
    CHECK(yamlPlainSafe(s) == plain);
  }
}

}  // namespace

TEST_CASE("plain: names, paths, quantities and words no reader takes for anything else") {
  checkAll({"p3-2xlarge-mps4",
            "ml/chat",
            "nvidia.com/gpu",
            "time-slicing",
            "a100",
            "A100",
            "b200",
            "T4",
            "16Gi",
            "500m",
            "1.5Gi",
            "12abc",
            "1-2",
            "a:b",
            "x y:z",
            "http://x.y/z",
            "a b",
            "a  b",
            "a,b",
            "a;b",
            "a=b",
            "a@b",
            "<a>",
            "<",
            "a(x)",
            "100%",
            ".abc",
            "_a",
            "/a",
            "_1",
            "1e",
            "1e+",
            ".e",
            "0x1g",
            "0x1p3",
            "2001-12-14x",
            "2001-1-2x",
            "201-1-2",
            "nil",
            "yess",
            "onn",
            "no1",
            "inf",
            "nan",
            "..x",
            std::string(200, 'a')},
           true);
}

TEST_CASE("quoted: what breaks plain syntax") {
  checkAll({"",      std::string(201, 'a'),
            " a",    "a ",
            "a: b",  "a:",
            "a::",   "-a",
            "- a",   "?a",
            ":a",    "#a",
            "a #b",  "a#b",
            "'q'",   "\"q\"",
            "a'b",   "!a",
            "&a",    "*a",
            "|a",    ">a",
            "%a",    "@a",
            "`a",    "[a",
            "a[b",   "{a",
            "a}",    "~",
            "=a",    "+1",
            "+a",    ",a",
            ";a",    "(a",
            "a\tb",  "a\nb",
            "a\\b",  "\x7F",
            "a\x01", "é",
            "日本",  "...",
            "... x", "...x",
            "...:"},
           false);
}

TEST_CASE("quoted: null, booleans of YAML 1.1 and 1.2, the merge key, infinity, not-a-number") {
  checkAll({"null",  "Null",  "NULL",  "nULL", "y",    "Y",    "n",    "N",    "yes",  "Yes",  "YES",  "yEs",
            "no",    "No",    "NO",    "on",   "On",   "ON",   "off",  "Off",  "OFF",  "true", "True", "TRUE",
            "false", "False", "FALSE", "<<",   ".inf", ".Inf", ".INF", ".nan", ".NaN", ".NAN", ".iNf"},
           false);
}

TEST_CASE("quoted: numbers of YAML 1.2 and 1.1") {
  checkAll({"0",     "17",   "017",   "08",       "1_000",   "1__",  "1.5",          "1.",    ".5",
            ".",     "..",   "1.2.3", "10.0.0.1", "1_0.0_1", "1e3",  "1E3",          "1e+3",  "1.5e-3",
            "1e1_0", ".5e3", "e5",    "E+9",      "e-1",     ".e5",  "0x1F",         "0X1f",  "0x_f",
            "0x",    "0o17", "0O17",  "0b101",    "0B1_0",   "1:30", "190:20:30.15", "1:2:3", "0:0"},
           false);
}

TEST_CASE("quoted: dates and timestamps of YAML 1.1 and go-yaml") {
  checkAll({"2026-07-20", "2001-1-2", "2001-12-14T21:59:43.10-05:00", "2001-12-14t21:59:43Z",
            "2001-12-14 21:59:43.10 -5", "2001-12-14 x", "2001-12-14Tx"},
           false);
}

TEST_CASE("double-quoted: escapes for quotes, backslashes, controls and YAML 1.1 line breaks") {
  CHECK(yamlDoubleQuoted("") == "\"\"");
  CHECK(yamlDoubleQuoted("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(yamlDoubleQuoted("\n\t\r") == "\"\\n\\t\\r\"");
  CHECK(yamlDoubleQuoted(std::string_view("\0\x01\x1B\x1F\x7F", 5)) == "\"\\u0000\\u0001\\u001b\\u001f\\u007f\"");
  CHECK(yamlDoubleQuoted("\xC2\x80\xC2\x85\xC2\x9F") == "\"\\u0080\\u0085\\u009f\"");  // C1, NEL among them
  CHECK(yamlDoubleQuoted("\xE2\x80\xA8|\xE2\x80\xA9") == "\"\\u2028|\\u2029\"");
  CHECK(yamlDoubleQuoted("\xEF\xBB\xBFx") == "\"\\ufeffx\"");
  // Printable characters outside ASCII stay as they are: U+00A0, U+00E9, U+2026, U+2030, CJK.
  CHECK(yamlDoubleQuoted("\xC2\xA0\xC3\xA9\xE2\x80\xA6\xE2\x80\xB0 日本") ==
        "\"\xC2\xA0\xC3\xA9\xE2\x80\xA6\xE2\x80\xB0 日本\"");
  CHECK(yamlDoubleQuoted("yes # 'x'") == "\"yes # 'x'\"");
}

TEST_CASE("yamlScalar: plain when safe, double-quoted otherwise") {
  CHECK(yamlScalar("p3.2xlarge") == "p3.2xlarge");
  CHECK(yamlScalar("a100") == "a100");
  CHECK(yamlScalar("yes") == "\"yes\"");
  CHECK(yamlScalar("2026-07-20") == "\"2026-07-20\"");
  CHECK(yamlScalar("x: y #z") == "\"x: y #z\"");
  CHECK(yamlScalar("a\nb") == "\"a\\nb\"");
}
