#include "io/tree_writer.h"

#include <doctest/doctest.h>

#include <stdexcept>

using namespace gpuslice::io;

namespace {
void sample(TreeWriter& w) {
  w.beginMap();
  w.field("a", 1.5);
  w.key("b");
  w.beginList();
  w.beginMap();
  w.field("k", "v");
  w.field("n", 3);
  w.endMap();
  w.string("true");
  w.endList();
  w.key("c");
  w.beginMap();
  w.endMap();
  w.field("d", std::vector<std::string>{});
  w.field("e", "x: y #z");
  w.endMap();
}
}  // namespace

TEST_CASE("JSON writer: indentation, empty containers, numbers") {
  std::string out;
  JsonWriter w(out);
  sample(w);
  CHECK(out ==
        "{\n  \"a\": 1.5,\n  \"b\": [\n    {\n      \"k\": \"v\",\n      \"n\": 3\n    },\n    \"true\"\n  ],\n"
        "  \"c\": {},\n  \"d\": [],\n  \"e\": \"x: y #z\"\n}\n");
}

TEST_CASE("YAML writer: the same tree, quoting only where YAML would misread") {
  std::string out;
  YamlWriter w(out);
  sample(w);
  CHECK(out == "a: 1.5\nb:\n- k: v\n  \"n\": 3\n- \"true\"\nc: {}\nd: []\ne: \"x: y #z\"\n");
}

TEST_CASE("keys out of order are a programming error") {
  std::string out;
  JsonWriter w(out);
  w.beginMap();
  w.field("b", 1);
  CHECK_THROWS_AS(w.field("a", 2), std::logic_error);
}

TEST_CASE("plain-safe strings") {
  CHECK(yamlPlainSafe("p3-2xlarge-mps4"));
  CHECK(yamlPlainSafe("ml/chat"));
  for (std::string s : {"", "yes", "No", "null", "1.5", "2026-07-20", "0x1F", "a: b", "a #b", "-a", "'q'", "x:", ".inf", "1e3"}) {
    CAPTURE(s);
    CHECK_FALSE(yamlPlainSafe(s));
  }
}
