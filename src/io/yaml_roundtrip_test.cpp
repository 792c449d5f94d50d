// The YAML scalar rule (util/yaml_scalar.h) against a real reader: every string written by it,
// and by both YAML writers that use it, reads back through yaml-cpp as the same string, and no
// string that yaml-cpp resolves to null, a boolean or a number is written plain.
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <string>
#include <vector>

#include "io/tree_writer.h"
#include "render/value.h"
#include "util/yaml_scalar.h"

using namespace gpuslice;

namespace {

std::vector<std::string> trickyStrings() {
  std::vector<std::string> out = {
      // plain
      "p3-2xlarge-mps4", "ml/chat", "nvidia.com/gpu", "a100", "T4", "16Gi", "500m", "12abc", "1-2", "a:b", "x y:z",
      "http://x.y/z", "a  b", "a,b", "a;b", "a=b", "a@b", "<a>", "<", "(x)", "100%", ".abc", "_1", "1e", "0x1g",
      "0x1p3", "2001-12-14x", "nil", "inf", "nan", "...x",
      // syntax
      "", " a", "a ", "a: b", "a:", "-a", "- a", "?a", ": a", "#a", "a #b", "'q'", "\"q\"", "!a", "&a", "*a", "|a",
      ">a", "%a", "@a", "`a", "[a]", "{a: 1}", "~", "=", "+1", "a\tb", "a\nb", "a\n", "\na", "a\\b", "...", "... x",
      "---", "--- x", std::string(201, 'a'),
      // words
      "null", "Null", "NULL", "y", "Y", "n", "N", "yes", "Yes", "YES", "no", "NO", "on", "On", "OFF", "true", "True",
      "FALSE", "<<", ".inf", "-.inf", "+.INF", ".nan", ".NaN",
      // numbers and dates
      "0", "-0", "17", "-17", "017", "08", "1_000", "1.5", "1.", ".5", ".", "1.2.3", "10.0.0.1", "1e3", "1E3", "-1e-3",
      "1.5e+3", "e5", "0x1F", "0X1f", "0x", "0o17", "0b101", "1:30", "190:20:30.15", "2026-07-20",
      "2001-12-14T21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5",
      // controls and characters outside ASCII
      std::string("\0", 1), "\x01", "\x1B[31m", "\x7F", "caf\xC3\xA9", "\xE6\x97\xA5\xE6\x9C\xAC", "\xC2\x85",
      "a\xE2\x80\xA8z", "\xE2\x80\xA9", "\xEF\xBB\xBFx", "\xC2\xA0"};
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

/// True when yaml-cpp resolves `n`, a plain scalar, to something other than a string.
bool resolvesToNonString(const YAML::Node& n) {
  bool b;
  long long i;
  double d;
  return n.IsNull() || YAML::convert<bool>::decode(n, b) || YAML::convert<long long>::decode(n, i) ||
         YAML::convert<double>::decode(n, d);
}

}  // namespace

TEST_CASE("each string written by yamlScalar reads back through yaml-cpp unchanged, in every place") {
  for (const std::string& s : trickyStrings()) {
    const std::string w = yamlScalar(s);
    CAPTURE(s);
    CAPTURE(w);
    const YAML::Node value = YAML::Load("k: " + w + "\n")["k"];
    CHECK(value.Scalar() == s);
    CHECK(value.Tag() == (yamlPlainSafe(s) ? "?" : "!"));
    const YAML::Node map = YAML::Load("o:\n  " + w + ": v\n")["o"];
    REQUIRE(map.IsMap());
    CHECK(map.begin()->first.Scalar() == s);
    CHECK(YAML::Load("- " + w + "\n")[0].Scalar() == s);
    CHECK(YAML::Load(w + "\n").Scalar() == s);
    if (yamlPlainSafe(s)) CHECK_FALSE(resolvesToNonString(value));
  }
}

TEST_CASE("a string yaml-cpp reads as null, a boolean or a number when plain is quoted") {
  int nonStrings = 0;
  for (const std::string& s : trickyStrings()) {
    YAML::Node plain;
    try {
      plain = YAML::Load("k: " + s + "\n")["k"];
    } catch (const YAML::Exception&) {
      continue;  // not even YAML when plain
    }
    if (!resolvesToNonString(plain)) continue;
    ++nonStrings;
    CAPTURE(s);
    CHECK_FALSE(yamlPlainSafe(s));
  }
  CHECK(nonStrings >= 40);  // the list does exercise this
}

TEST_CASE("YamlWriter and toYaml write every tricky string, as key and as value, so that it reads back") {
  const std::vector<std::string> strings = trickyStrings();
  std::string report;
  io::YamlWriter w(report);
  w.beginMap();
  for (const std::string& s : strings) w.field(s, s);  // sorted and unique, as the writer requires
  w.endMap();
  Value manifest = Value::map();
  Value list = Value::list();
  for (const std::string& s : strings) {
    manifest.set(s, Value::string(s));
    list.push(Value::string(s));
  }
  for (const std::string& text : {report, toYaml(manifest)}) {
    const YAML::Node doc = YAML::Load(text);
    REQUIRE(doc.size() == strings.size());
    std::size_t i = 0;
    for (auto it = doc.begin(); it != doc.end(); ++it, ++i) {
      CAPTURE(strings[i]);
      CHECK(it->first.Scalar() == strings[i]);
      CHECK(it->second.Scalar() == strings[i]);
    }
  }
  const YAML::Node items = YAML::Load(toYaml(list));
  REQUIRE(items.size() == strings.size());
  for (std::size_t i = 0; i < strings.size(); ++i) CHECK(items[i].Scalar() == strings[i]);
}
