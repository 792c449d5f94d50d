#include "io/document.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "io/document_detail.h"

using gpuslice::Error;
using gpuslice::ErrorKind;
using gpuslice::io::Node;
using gpuslice::io::parseDocument;
using gpuslice::io::parseJson;
using gpuslice::io::parseYaml;

namespace {

Node json(std::string_view text) {
  auto r = parseJson(text, "in.json");
  if (!r) FAIL_CHECK(r.error().message);
  REQUIRE(r.ok());
  return std::move(*r);
}

Node yaml(std::string_view text) {
  auto r = parseYaml(text, "in.yaml");
  if (!r) FAIL_CHECK(r.error().message);
  REQUIRE(r.ok());
  return std::move(*r);
}

Error jsonError(std::string_view text) {
  auto r = parseJson(text, "in.json");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::BadInput);
  CHECK(r.error().file == "in.json");
  CHECK(r.error().field.empty());
  return r.error();
}

Error yamlError(std::string_view text) {
  auto r = parseYaml(text, "in.yaml");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::BadInput);
  CHECK(r.error().file == "in.yaml");
  CHECK(r.error().field.empty());
  return r.error();
}

std::vector<std::string> keys(const Node& n) {
  std::vector<std::string> out;
  for (const auto& m : n.members) out.push_back(m.first);
  return out;
}

std::string repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

}  // namespace

TEST_CASE("json: values, kinds and line numbers") {
  const Node doc = json(R"({
  "name": "a",
  "count": 3,
  "ratio": -1.5e3,
  "on": true,
  "off": false,
  "none": null,
  "list": [1, "2",
    {"x": []}],
  "empty": {}
})");
  REQUIRE(doc.isMapping());
  CHECK(doc.line == 1);
  CHECK(keys(doc) == std::vector<std::string>{"name", "count", "ratio", "on", "off", "none", "list", "empty"});
  CHECK(doc.keyLines() == std::vector<int>{2, 3, 4, 5, 6, 7, 8, 10});

  const Node* name = doc.find("name");
  REQUIRE(name);
  CHECK(name->isScalar());
  CHECK(name->quoted);
  CHECK(name->text == "a");
  CHECK(name->line == 2);
  CHECK(doc.find("count")->text == "3");
  CHECK_FALSE(doc.find("count")->quoted);
  CHECK(doc.find("ratio")->text == "-1.5e3");
  CHECK(doc.find("on")->text == "true");
  CHECK_FALSE(doc.find("on")->quoted);
  CHECK(doc.find("off")->text == "false");
  CHECK(doc.find("none")->isNull());
  CHECK(doc.find("none")->text == "null");
  CHECK(doc.find("none")->line == 7);

  const Node* list = doc.find("list");
  REQUIRE(list->isSequence());
  REQUIRE(list->items.size() == 3);
  CHECK(list->line == 8);
  CHECK(list->items[0].text == "1");
  CHECK_FALSE(list->items[0].quoted);
  CHECK(list->items[1].text == "2");
  CHECK(list->items[1].quoted);
  CHECK(list->items[2].isMapping());
  CHECK(list->items[2].line == 9);
  CHECK(list->items[2].keyLines() == std::vector<int>{9});
  CHECK(list->items[2].find("x")->isSequence());
  CHECK(list->items[2].find("x")->items.empty());
  CHECK(doc.find("empty")->isMapping());
  CHECK(doc.find("empty")->members.empty());
  CHECK(doc.find("missing") == nullptr);
  CHECK(list->find("x") == nullptr);
}

TEST_CASE("json: top-level scalars, byte order mark and CRLF") {
  CHECK(json("42").text == "42");
  CHECK(json(" \"x\" ").quoted);
  CHECK(json("null").isNull());
  CHECK(json("\xEF\xBB\xBF{}").isMapping());
  const Node doc = json("{\r\n\"a\": 1,\r\n\"b\": [\r\n2]}");
  CHECK(doc.keyLines() == std::vector<int>{2, 3});
  CHECK(doc.find("b")->items[0].line == 4);
}

TEST_CASE("json: numbers are kept verbatim") {
  for (const char* n : {"0", "-0", "0.5", "1E+10", "-12.5e-3", "1e5", "123456789012345678901234567890"}) {
    CAPTURE(n);
    const Node v = json(n);
    CHECK(v.isScalar());
    CHECK_FALSE(v.quoted);
    CHECK(v.text == n);
  }
}

TEST_CASE("json: string escapes are decoded") {
  CHECK(json(R"("\"\\\/\b\f\n\r\t")").text == "\"\\/\b\f\n\r\t");
  CHECK(json(R"("caf\u00e9")").text == "caf\xC3\xA9");
  CHECK(json(R"("\u20AC \u20ac")").text == "\xE2\x82\xAC \xE2\x82\xAC");
  CHECK(json(R"("\uD83D\uDE00")").text == "\xF0\x9F\x98\x80");
  CHECK(json(R"("\u0000")").text == std::string(1, '\0'));
  CHECK(json(R"("a\u0041b")").text == "aAb");
  CHECK(json("\"caf\xC3\xA9 \xF0\x9F\x98\x80\"").text == "caf\xC3\xA9 \xF0\x9F\x98\x80");
  CHECK(json(R"({"k\u00e9y": 1})").members[0].first == "k\xC3\xA9y");
}

TEST_CASE("json: errors name the line and what was expected") {
  struct Case {
    std::string text;
    int line;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"{\n  \"name\": 1,\n  \"name\": 2\n}", 3, "invalid JSON: duplicate key \"name\""},
      {"{\"a\": 1\n \"b\": 2}", 2, "invalid JSON: expected ',' or '}' after object member"},
      {"[1 2]", 1, "invalid JSON: expected ',' or ']' after array element"},
      {"{\"a\": 1,}", 1, "invalid JSON: expected a string key after ','"},
      {"[1,\n]", 2, "invalid JSON: expected a value but found ']'"},
      {"{a: 1}", 1, "invalid JSON: expected a string key or '}'"},
      {"{\"a\" 1}", 1, "invalid JSON: expected ':' after object key"},
      {"{\"a\": \"b", 1, "invalid JSON: unterminated string"},
      {"[1,", 1, "invalid JSON: unexpected end of input"},
      {"{\"a\": 1\n", 2, "invalid JSON: unexpected end of input"},
      {"{\n\"a\":", 2, "invalid JSON: unexpected end of input"},
      {"{}\n\n x", 3, "invalid JSON: unexpected content after the document"},
      {"[1] [2]", 1, "invalid JSON: unexpected content after the document"},
      {"01", 1, "invalid JSON: invalid number \"01\""},
      {"[1.]", 1, "invalid JSON: invalid number \"1.\""},
      {"-", 1, "invalid JSON: invalid number \"-\""},
      {"1e+", 1, "invalid JSON: invalid number \"1e+\""},
      {"--1", 1, "invalid JSON: invalid number \"--1\""},
      {"1.5.5", 1, "invalid JSON: invalid number \"1.5.5\""},
      {".5", 1, "invalid JSON: expected a value but found '.'"},
      {"+1", 1, "invalid JSON: expected a value but found '+'"},
      {"[tru]", 1, "invalid JSON: invalid literal \"tru\""},
      {"nulls", 1, "invalid JSON: invalid literal \"nulls\""},
      {"True", 1, "invalid JSON: invalid literal \"True\""},
      {"NaN", 1, "invalid JSON: invalid literal \"NaN\""},
      {"'a'", 1, "invalid JSON: expected a value but found '''"},
      {"\n\"\\x\"", 2, "invalid JSON: invalid escape '\\x' in string"},
      {"\"\\u12\"", 1, "invalid JSON: invalid \\u escape in string"},
      {"\"\\uZZZZ\"", 1, "invalid JSON: invalid \\u escape in string"},
      {"\"\\uD800\"", 1, "invalid JSON: lone surrogate \\uD800 in string"},
      {"\"\\ud800\\u0041\"", 1, "invalid JSON: lone surrogate \\uD800 in string"},
      {"\"\\uDC00\"", 1, "invalid JSON: lone surrogate \\uDC00 in string"},
      {"\"\\uD800\\uD800\"", 1, "invalid JSON: lone surrogate \\uD800 in string"},
      {"[\"a\nb\"]", 1, "invalid JSON: unescaped control character in string"},
      {"\"a\tb\"", 1, "invalid JSON: unescaped control character in string"},
      {"\"\xFF\"", 1, "invalid JSON: invalid UTF-8 in string"},
      {"\"\xC0\xAF\"", 1, "invalid JSON: invalid UTF-8 in string"},      // overlong
      {"\"\xED\xA0\x80\"", 1, "invalid JSON: invalid UTF-8 in string"},  // encoded surrogate
      {"\"\xE2\x82\"", 1, "invalid JSON: invalid UTF-8 in string"},      // truncated
      {"\"a\\\"", 1, "invalid JSON: unterminated string"},
      {"", 0, "empty document"},
      {" \n\t\r\n", 0, "empty document"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    const Error e = jsonError(c.text);
    CHECK(e.message == c.message);
    CHECK(e.line == c.line);
  }
}

TEST_CASE("json: duplicate keys in a large object") {
  std::string text = "{\n";
  for (int i = 0; i < 40; ++i) text += "\"k" + std::to_string(i) + "\": 1,\n";
  const Node ok = json(text + "\"last\": 2\n}");
  CHECK(ok.members.size() == 41);
  CHECK(ok.keyLines().back() == 42);
  const Error e = jsonError(text + "\"k7\": 2\n}");
  CHECK(e.message == "invalid JSON: duplicate key \"k7\"");
  CHECK(e.line == 42);
}

TEST_CASE("json: nesting is limited to 256 levels") {
  const Node deep = json(repeat("[", 256) + repeat("]", 256));
  CHECK(deep.items.size() == 1);
  Error e = jsonError(repeat("[", 257) + repeat("]", 257));
  CHECK(e.message == "invalid JSON: nesting deeper than 256 levels");
  CHECK(e.line == 1);
  e = jsonError(repeat("{\"a\":\n", 300));
  CHECK(e.message == "invalid JSON: nesting deeper than 256 levels");
  CHECK(e.line == 257);
  e = jsonError(repeat("[", 1000000));
  CHECK(e.line == 1);
}

/// A JSON object {"big": [...], "after": true} whose array, one element per line from line 2,
/// is long enough to be parsed in two parts. Element i is `element(i)`; its strings hold
/// brackets, braces, commas and escaped quotes, which must not be taken for structure.
std::string bigArray(const std::function<std::string(int)>& element, int* count = nullptr) {
  std::string text = "{\"big\": [";
  int i = 0;
  for (; text.size() < 3 * gpuslice::io::detail::kSplitBytes; ++i) text += (i ? ",\n" : "\n") + element(i);
  if (count) *count = i;
  return text + "\n],\n\"after\": true}";
}

std::string trickyElement(int i) {
  return "{\"s\": \"],[{\\\"x\\\": " + std::to_string(i) +
         "},\\\\\", \"n\": [1, {\"k\": \"}\\n]\"}], \"i\": " + std::to_string(i) + "}";
}

TEST_CASE("json: a large array is parsed in two parts into the same nodes and lines" * doctest::test_suite("threads")) {
  int count = 0;
  const Node root = json(bigArray(trickyElement, &count));
  const Node& big = *root.find("big");
  REQUIRE(big.items.size() == static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    const Node& item = big.items[static_cast<std::size_t>(i)];
    CAPTURE(i);
    REQUIRE(item.members.size() == 3);
    CHECK(item.line == i + 2);
    CHECK(item.find("s")->text == "],[{\"x\": " + std::to_string(i) + "},\\");
    CHECK(item.find("n")->items[1].find("k")->text == "}\n]");
    CHECK(item.find("i")->text == std::to_string(i));
  }
  CHECK(root.members[1].keyLine == count + 3);
  CHECK(root.find("after")->text == "true");
}

TEST_CASE("json: errors in a large array name the first problem in the document" * doctest::test_suite("threads")) {
  int count = 0;
  bigArray(trickyElement, &count);
  const int late = count - 10, early = 10;
  auto with = [&](std::initializer_list<int> bad, const std::string& wrong) {
    return bigArray(
        [&](int i) { return std::find(bad.begin(), bad.end(), i) != bad.end() ? wrong : trickyElement(i); });
  };
  Error e = jsonError(with({late}, "{\"a\": tru}"));
  CHECK(e.message == "invalid JSON: invalid literal \"tru\"");
  CHECK(e.line == late + 2);
  e = jsonError(with({late}, "{\"a\": 1, \"a\": 2}"));
  CHECK(e.message == "invalid JSON: duplicate key \"a\"");
  CHECK(e.line == late + 2);
  e = jsonError(with({early, late}, "[1 2]"));
  CHECK(e.message == "invalid JSON: expected ',' or ']' after array element");
  CHECK(e.line == early + 2);
  // An unterminated string early on runs to the end of its line.
  e = jsonError(with({early}, "{\"a\": \"b}"));
  CHECK(e.message == "invalid JSON: unescaped control character in string");
  CHECK(e.line == early + 2);
  // A stray closing bracket early on ends the array there.
  e = jsonError(with({early}, "1]"));
  CHECK(e.message == "invalid JSON: expected a string key after ','");
  CHECK(e.line == early + 3);
  // Cut after an element's comma, past the middle: the second part meets the end.
  std::string cut = bigArray(trickyElement);
  cut.resize(cut.rfind('\n', 2 * gpuslice::io::detail::kSplitBytes) + 1);
  e = jsonError(cut);
  CHECK(e.message == "invalid JSON: unexpected end of input");
  CHECK(e.line == static_cast<int>(std::count(cut.begin(), cut.end(), '\n')) + 1);
}

TEST_CASE("yaml: values, kinds and line numbers") {
  const Node doc = yaml(R"(name: demo
count: 3
quoted: "3"
single: '7'
tilde: ~
word: null
empty:
tagged: !!str 5
list:
  - a
  - "b"
  -
  # a comment

nested:
  key: value
capital: NULL
str: "null"
)");
  REQUIRE(doc.isMapping());
  CHECK(doc.line == 1);
  CHECK(keys(doc) == std::vector<std::string>{"name", "count", "quoted", "single", "tilde", "word", "empty", "tagged",
                                              "list", "nested", "capital", "str"});
  CHECK(doc.keyLines() == std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 17, 18});
  CHECK(doc.find("name")->text == "demo");
  CHECK_FALSE(doc.find("name")->quoted);
  CHECK(doc.find("count")->text == "3");
  CHECK_FALSE(doc.find("count")->quoted);
  CHECK(doc.find("count")->line == 2);
  CHECK(doc.find("quoted")->text == "3");
  CHECK(doc.find("quoted")->quoted);
  CHECK(doc.find("single")->text == "7");
  CHECK(doc.find("single")->quoted);
  for (const char* k : {"tilde", "word", "empty", "capital"}) {
    CAPTURE(k);
    CHECK(doc.find(k)->isNull());
    CHECK(doc.find(k)->text == "null");
  }
  CHECK(doc.find("tilde")->line == 5);
  CHECK(doc.find("empty")->line == 7);
  CHECK(doc.find("tagged")->text == "5");
  CHECK(doc.find("tagged")->quoted);
  CHECK(doc.find("str")->isScalar());
  CHECK(doc.find("str")->quoted);

  const Node* list = doc.find("list");
  REQUIRE(list->isSequence());
  REQUIRE(list->items.size() == 3);
  CHECK(list->line == 10);
  CHECK(list->items[0].line == 10);
  CHECK_FALSE(list->items[0].quoted);
  CHECK(list->items[1].quoted);
  CHECK(list->items[2].isNull());
  CHECK(list->items[2].line == 12);

  const Node* nested = doc.find("nested");
  CHECK(nested->isMapping());
  CHECK(nested->line == 16);
  CHECK(nested->keyLines() == std::vector<int>{16});
  CHECK(nested->find("key")->text == "value");
}

TEST_CASE("yaml: flow style, JSON, aliases, byte order mark and CRLF") {
  const Node flow = yaml("{\"a\": [1, \"2\"],\n \"b\": null, c: {}}");
  CHECK(keys(flow) == std::vector<std::string>{"a", "b", "c"});
  CHECK(flow.keyLines() == std::vector<int>{1, 2, 2});
  CHECK_FALSE(flow.find("a")->items[0].quoted);
  CHECK(flow.find("a")->items[1].quoted);
  CHECK(flow.find("b")->isNull());
  CHECK(flow.find("c")->isMapping());

  const Node aliased = yaml("base: &b {x: 1}\ncopy: *b\n");
  REQUIRE(aliased.find("copy")->isMapping());
  CHECK(aliased.find("copy")->find("x")->text == "1");

  const Node bom = yaml(
      "\xEF\xBB\xBF"
      "a:\nb: 1\n");
  CHECK(bom.find("a")->isNull());
  CHECK(bom.find("a")->line == 1);
  CHECK(bom.keyLines() == std::vector<int>{1, 2});

  const Node crlf = yaml("a: 1\r\nb:\r\nc: 2\r\n");
  CHECK(crlf.find("b")->isNull());
  CHECK(crlf.find("b")->line == 2);
  CHECK(crlf.keyLines() == std::vector<int>{1, 2, 3});

  const Node empty = yaml("---\n");
  CHECK(empty.isNull());
  CHECK(empty.line == 1);
  CHECK(yaml("- a\n-\n- b\n").items[1].line == 2);
}

TEST_CASE("yaml: errors") {
  struct Case {
    std::string text;
    int line;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"a: 1\n  b: 2\n", 2, "invalid YAML: illegal map value"},
      {"a: 1\nb: [1, 2\nc: 3\n", 3, "invalid YAML: end of sequence flow not found"},
      {"a: 1\nb: 2\na: 3\n", 3, "invalid YAML: duplicate key \"a\""},
      {"a: 1\n'a': 2\n", 2, "invalid YAML: duplicate key \"a\""},
      {"top:\n  x: 1\n  y: 2\n  x: 3\n", 4, "invalid YAML: duplicate key \"x\""},
      {"a: 1\n---\nb: 2\n", 2, "invalid YAML: more than one document"},
      {"a: 1\n\n---\nb: 2\n---\nc: 3\n", 3, "invalid YAML: more than one document"},
      {"[a],", 1, "invalid YAML: unexpected ','"},
      {"- a\n- b\n,\n", 3, "invalid YAML: unexpected ','"},
      {", a", 1, "invalid YAML: unexpected ','"},
      {"\xEF\xBB\xBF[a],", 1, "invalid YAML: unexpected ','"},
      {"a: 1\n---\n", 2, "invalid YAML: more than one document"},
      {"? [a]\n: 1\n", 1, "invalid YAML: mapping keys must be scalars"},
      {"x: 1\n~: 1\n", 2, "invalid YAML: empty or null mapping key"},
      {"&a [*a]", 1, "invalid YAML: nesting deeper than 256 levels"},
      {"", 0, "empty document"},
      {"# only a comment\n\n", 0, "empty document"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    const Error e = yamlError(c.text);
    CHECK(e.message == c.message);
    CHECK(e.line == c.line);
  }
}

TEST_CASE("yaml: nesting is limited to 256 levels") {
  CHECK(yaml(repeat("[", 256) + repeat("]", 256)).isSequence());
  Error e = yamlError(repeat("[", 257) + repeat("]", 257));
  CHECK(e.message == "invalid YAML: nesting deeper than 256 levels");
  CHECK(e.line == 1);
  e = yamlError("a: " + repeat("{b: ", 100000));
  CHECK(e.message == "invalid YAML: nesting deeper than 256 levels");
  CHECK(e.line == 1);

  auto indented = [](int levels) {
    std::string text;
    for (int i = 0; i < levels; ++i) text += std::string(static_cast<std::size_t>(i), ' ') + "k:\n";
    return text;
  };
  CHECK(yaml(indented(256)).isMapping());
  for (int levels : {257, 258, 300, 5000}) {
    CAPTURE(levels);
    e = yamlError(indented(levels));
    CHECK(e.message == "invalid YAML: nesting deeper than 256 levels");
    CHECK(e.line == 257);
  }

  // A sequence and a mapping on each line: two levels per line.
  std::string mixed = "a:\n";
  for (int i = 0; i < 200; ++i) mixed += std::string(static_cast<std::size_t>(2 * i), ' ') + "- b:\n";
  e = yamlError(mixed);
  CHECK(e.message == "invalid YAML: nesting deeper than 256 levels");
  CHECK(e.line == 129);

  e = yamlError(repeat("- ", 300) + "x\n");
  CHECK(e.message == "invalid YAML: nesting deeper than 256 levels");
  CHECK(e.line == 1);
}

TEST_CASE("yaml: deep-looking text in strings, comments and block scalars is not nesting") {
  const std::string brackets = repeat("[", 400);
  const Node doc = yaml("a: \"" + brackets + "\"\nb: '" + brackets + "'\n# " + brackets + "\nc: |\n  " + brackets +
                        "\n  " + brackets + "\nd: x" + brackets + "\n");
  CHECK(doc.find("a")->text == brackets);
  CHECK(doc.find("b")->text == brackets);
  CHECK(doc.find("c")->text == brackets + "\n" + brackets + "\n");
  CHECK(doc.find("d")->text == "x" + brackets);
  CHECK(doc.keyLines() == std::vector<int>{1, 2, 4, 7});
}

TEST_CASE("yaml: alias expansion is capped") {
  std::string text = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i <= 8; ++i) {
    const std::string prev = "*l" + std::to_string(i - 1);
    text += "l" + std::to_string(i) + ": &l" + std::to_string(i) + " [" + repeat(prev + ", ", 9) + prev + "]\n";
  }
  const Error e = yamlError(text);
  CHECK(e.message == "invalid YAML: document too large after expanding aliases");
  CHECK(e.line == 0);
}

TEST_CASE("parseDocument picks JSON or YAML by the first character") {
  CHECK(parseDocument(" \n{\"a\": 1, \"a\": 2}", "f").error().message == "invalid JSON: duplicate key \"a\"");
  CHECK(parseDocument("\xEF\xBB\xBF[1, 2", "f").error().message == "invalid JSON: unexpected end of input");
  CHECK(parseDocument("a: 1\na: 2", "f").error().message == "invalid YAML: duplicate key \"a\"");
  CHECK(parseDocument("# note\n{\"a\": 1, \"a\": 2}", "f").error().message == "invalid YAML: duplicate key \"a\"");
  CHECK(parseDocument("", "f").error().message == "empty document");
  const auto ok = parseDocument("[1, {\"b\": \"c\"}]", "f");
  REQUIRE(ok.ok());
  CHECK(ok->items[1].find("b")->text == "c");
  CHECK(ok->items[1].find("b")->quoted);
}

TEST_CASE("parseDocuments: every document of a stream, lines counted in the whole text") {
  auto r = gpuslice::io::parseDocuments("# head\n---\na: 1\n---\n# only a comment\n---\nb:\n  c: 2\n...\n", "s.yaml");
  REQUIRE(r.ok());
  REQUIRE(r->size() == 2);
  CHECK((*r)[0].find("a")->line == 3);
  CHECK((*r)[1].find("b")->find("c")->line == 8);
  auto bad = gpuslice::io::parseDocuments("a: 1\n---\nb: [\n", "s.yaml");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().line >= 3);
  auto json = gpuslice::io::parseDocuments(" {\"kind\": \"List\", \"items\": []}", "s.json");
  REQUIRE(json.ok());
  CHECK(json->size() == 1);
}
