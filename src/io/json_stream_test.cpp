#include "io/json_stream.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "support/json_differential.h"

using namespace gpuslice;
using namespace gpuslice::io;
using gpuslice::test::JsonEvents;

namespace {

/// The events of `text` read in pieces of `piece` bytes, or the error as the user sees it.
std::string read(std::string_view text, std::size_t piece = 1 << 20) {
  JsonEvents events;
  JsonStream<JsonEvents> stream(events);
  for (std::size_t at = 0; at < text.size(); at += piece) {
    if (!stream.feed(text.substr(at, piece)))
      return stream.locate("t.json", "", "invalid JSON: " + stream.syntaxError()).describe();
  }
  if (!stream.finish()) return stream.locate("t.json", "", "invalid JSON: " + stream.syntaxError()).describe();
  return events.out;
}

const std::vector<std::string> kTexts = {
    R"({"status":"success","data":{"result":[{"metric":{"pod":"a-1"},"values":[[1733011200,"37"],[1733011260.5,"NaN"]]}]}})",
    "  {\n \"a\" : [ 1 , -2.5e3 , 0 , 1E-2 , true , false , null ] ,\n \"b\" : { } , \"c\" : [ ] }  \n",
    R"(["\u00e9\ud83d\ude00\n\t\"\\\/", "caf\u00E9", "", "x"])",
    "[12345678, 123456789012345678, 1234567890123456789, 12345678901234567890, 0.000001, -0]",
    R"([[1,"2"],[ 1 , "2" ],[1,"2",3],[1],["1","2"],[1,2],[-1,"x"],[1e2,"y"],[01]])",
};

/// An error without its excerpt, which holds only the bytes of the piece in hand.
std::string withoutExcerpt(const std::string& s) { return s.substr(0, s.find(", near")); }

}  // namespace

TEST_CASE("json_stream: events are the same in pieces of any size") {
  for (const std::string& text : kTexts) {
    const std::string whole = read(text);
    CAPTURE(text);
    for (std::size_t piece : {1, 2, 3, 7, 64}) CHECK(withoutExcerpt(read(text, piece)) == withoutExcerpt(whole));
  }
}

TEST_CASE("json_stream: numbers") {
  CHECK(read("[12345678,123456789012345678,1234567890123456789]") ==
        "[n:12345678|n:1.23456789012e+17|n:1.23456789012e+18|]");
  CHECK(read("[1e-400,-1e-400]") == "[n:0|n:0|]");  // too small to tell from zero
  CHECK(read("[1e400]") ==
        "t.json:1: invalid JSON: number \"1e400\" is out of range (at byte offset 1, near \"[1e400]\")");
  CHECK(read("[01]") == "t.json:1: invalid JSON: invalid number \"01\" (at byte offset 1, near \"[01]\")");
  CHECK(read("[1.]") == "t.json:1: invalid JSON: invalid number \"1.\" (at byte offset 1, near \"[1.]\")");
  CHECK(read("[-]") == "t.json:1: invalid JSON: invalid number \"-\" (at byte offset 1, near \"[-]\")");
  // The eight-digit step reads exactly what the digit-by-digit loop reads.
  std::uint64_t state = 7;
  for (int i = 0; i < 2000; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const std::uint64_t n = (state >> 11) % 1000000000000000000ULL;
    const std::string text = "[" + std::to_string(n) + "," + std::to_string(n) + "]";
    JsonEvents e;
    JsonStream<JsonEvents> s(e);
    REQUIRE(s.feed(text));
    REQUIRE(s.finish());
    char want[40];
    std::snprintf(want, sizeof want, "n:%.12g|", static_cast<double>(n));
    CHECK(e.out == "[" + std::string(want) + want + "]");
  }
}

TEST_CASE("json_stream: malformed JSON, located at the byte that is wrong") {
  CHECK(read("{\"a\": 1\n \"b\": 2}") ==
        "t.json:2: invalid JSON: expected ',' or '}' after object member (at byte offset 9, near \"{\"a\": 1  \"b\": "
        "2}\")");
  CHECK(read("[1 2]") ==
        "t.json:1: invalid JSON: expected ',' or ']' after array element (at byte offset 3, near \"[1 2]\")");
  CHECK(read("{\"a\": 1,}") ==
        "t.json:1: invalid JSON: expected a string key after ',' (at byte offset 8, near \"{\"a\": 1,}\")");
  CHECK(read("[1,\n]") == "t.json:2: invalid JSON: expected a value but found ']' (at byte offset 4, near \"[1, ]\")");
  CHECK(read("{a: 1}") == "t.json:1: invalid JSON: expected a string key or '}' (at byte offset 1, near \"{a: 1}\")");
  CHECK(read("{\"a\" 1}") ==
        "t.json:1: invalid JSON: expected ':' after object key (at byte offset 5, near \"{\"a\" 1}\")");
  CHECK(read("[tru]") == "t.json:1: invalid JSON: invalid literal \"tru\" (at byte offset 1, near \"[tru]\")");
  CHECK(read("[\"a\\qb\"]") ==
        "t.json:1: invalid JSON: invalid escape '\\q' in string (at byte offset 1, near \"[\"a\\qb\"]\")");
  CHECK(read("[\"\\ud800\"]") ==
        "t.json:1: invalid JSON: lone surrogate \\uD800 in string (at byte offset 1, near \"[\"\\ud800\"]\")");
  CHECK(read("[\"a\xff\"]") ==
        "t.json:1: invalid JSON: invalid UTF-8 in string (at byte offset 1, near \"[\"a\\xff\"]\")");
  CHECK(read("[\"a\tb\"]") ==
        "t.json:1: invalid JSON: unescaped control character in string (at byte offset 1, near \"[\"a\\x09b\"]\")");
  CHECK(read("{} x") ==
        "t.json:1: invalid JSON: unexpected content after the document (at byte offset 3, near \"{} x\")");
  CHECK(read("") == "t.json:1: invalid JSON: unexpected end of input");
  CHECK(read("[1,") == "t.json:1: invalid JSON: unexpected end of input");
  CHECK(read("[\"abc") == "t.json:1: invalid JSON: unterminated string (at byte offset 1, near \"\"abc\")");
  CHECK(read(std::string(257, '[')) ==
        "t.json:1: invalid JSON: nesting deeper than 256 levels (at byte offset 256, near \"" + std::string(25, '[') +
            "\")");
  CHECK(read(std::string(256, '[') + std::string(256, ']')).size() == 512);
}

TEST_CASE("json_stream: errors are located alike in pieces of any size") {
  for (const char* text : {"{\"a\": 1\n \"b\": 2}", "[1,\n]", "[\"a\\qb\"]", "[1e400]", "{} x", "[\"abc"}) {
    CAPTURE(text);
    const std::string whole = read(text);
    for (std::size_t piece : {1, 2, 5}) CHECK(withoutExcerpt(read(text, piece)) == withoutExcerpt(whole));
  }
}

TEST_CASE("json_stream: agrees with Boost.JSON on what is JSON") {
  for (const std::string& text : kTexts) {
    for (std::size_t cut = 0; cut <= text.size(); ++cut) {
      const auto diff = test::jsonDifference(text, cut);
      CHECK_MESSAGE(!diff, text, " cut at ", cut, ": ", diff.value_or(""));
    }
  }
  // Texts a byte or two away from JSON, as a fuzzer would try: of every kind of token.
  const std::string alphabet = "{}[]\",:\\ -+.eE0123456789tfnulrsaxu\xc3\xa9\xff\x01\n";
  std::uint64_t state = 42;
  auto next = [&](std::uint64_t n) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::size_t>((state >> 33) % n);
  };
  int accepted = 0, refused = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string text = kTexts[next(kTexts.size())];
    for (std::size_t edits = 1 + next(2); edits > 0; --edits) {
      const std::size_t at = next(text.size() + 1);
      const char c = alphabet[next(alphabet.size())];
      switch (next(3)) {
        case 0: text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), c); break;
        case 1:
          if (at < text.size()) text.erase(at, 1);
          break;
        default:
          if (at < text.size()) text[at] = c;
      }
    }
    const auto diff = test::jsonDifference(text, next(text.size() + 1));
    CHECK_MESSAGE(!diff, text, ": ", diff.value_or(""));
    (test::boostEvents(text) ? accepted : refused)++;
  }
  // Both kinds were tried, many times each.
  CHECK(accepted > 1000);
  CHECK(refused > 1000);
}
