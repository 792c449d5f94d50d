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

namespace {
void items(TreeWriter& w, int from, int to) {
  for (int i = from; i < to; ++i) {
    w.beginMap();
    w.field("i", i);
    w.key("tags");
    w.beginList();
    w.string("t" + std::to_string(i));
    w.endList();
    w.endMap();
  }
}

template <class Writer>
std::string document(bool split) {
  std::string out;
  Writer w(out);
  w.beginMap();
  w.field("a", 1);
  w.key("list");
  w.beginList();
  if (split) {
    std::string first, second;
    auto one = w.itemWriter(first, false);
    auto two = w.itemWriter(second, true);
    items(*two, 2, 5);  // written out of order on purpose
    items(*one, 0, 2);
    w.appendItems(first, 2);
    w.appendItems(second, 3);
  } else {
    items(w, 0, 5);
  }
  w.endList();
  w.field("z", 2);
  w.endMap();
  return out;
}
}  // namespace

TEST_CASE("list items written in pieces come out as if written in one go") {
  CHECK(document<JsonWriter>(true) == document<JsonWriter>(false));
  CHECK(document<YamlWriter>(true) == document<YamlWriter>(false));
  CHECK(document<YamlWriter>(false) ==
        "a: 1\nlist:\n- i: 0\n  tags:\n  - t0\n- i: 1\n  tags:\n  - t1\n- i: 2\n  tags:\n  - t2\n"
        "- i: 3\n  tags:\n  - t3\n- i: 4\n  tags:\n  - t4\nz: 2\n");
}
