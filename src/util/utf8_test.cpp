#include "util/utf8.h"

#include <doctest/doctest.h>

#include <string>
#include <string_view>

using gpuslice::EscapeAlso;
using gpuslice::escapeBytes;
using gpuslice::firstInvalidUtf8;
using gpuslice::isValidUtf8;
using gpuslice::utf8Prefix;
using gpuslice::utf8SequenceLength;

namespace {
constexpr std::size_t npos = std::string_view::npos;
}

TEST_CASE("well-formed sequences of every length, at the edges of each range") {
  CHECK(utf8SequenceLength("") == 0);
  CHECK(utf8SequenceLength(std::string_view("\0", 1)) == 1);
  CHECK(utf8SequenceLength("\x7F") == 1);
  CHECK(utf8SequenceLength("\xC2\x80") == 2);          // U+0080
  CHECK(utf8SequenceLength("\xDF\xBF") == 2);          // U+07FF
  CHECK(utf8SequenceLength("\xE0\xA0\x80") == 3);      // U+0800
  CHECK(utf8SequenceLength("\xED\x9F\xBF") == 3);      // U+D7FF, just below the surrogates
  CHECK(utf8SequenceLength("\xEE\x80\x80") == 3);      // U+E000, just above them
  CHECK(utf8SequenceLength("\xEF\xBF\xBF") == 3);      // U+FFFF
  CHECK(utf8SequenceLength("\xEF\xBB\xBF") == 3);      // U+FEFF, the byte order mark
  CHECK(utf8SequenceLength("\xF0\x90\x80\x80") == 4);  // U+10000
  CHECK(utf8SequenceLength("\xF4\x8F\xBF\xBF") == 4);  // U+10FFFF
  CHECK(utf8SequenceLength("\xE6\x97\xA5x") == 3);     // only the first character counts
  CHECK(isValidUtf8(""));
  CHECK(isValidUtf8("# 日本語のコメント\nname: a\n"));
  CHECK(isValidUtf8("\xEF\xBB\xBFname: a\n"));
  CHECK(isValidUtf8("😀 U+1F600"));
}

TEST_CASE("each kind of malformed sequence, with the offset of its first byte") {
  struct Case {
    std::string_view text;
    std::size_t offset;
  };
  const Case cases[] = {
      // lone continuation bytes
      {"\x80", 0},
      {"ab\xBF", 2},
      // bytes that never occur: C0/C1 (overlong 2-byte leads), F5..FF
      {"\xC0\x80", 0},
      {"\xC1\xBF", 0},
      {"\xF5\x80\x80\x80", 0},
      {"\xF8\x88\x80\x80\x80", 0},
      {"\xFE", 0},
      {"\xFF", 0},
      // overlong 3- and 4-byte forms
      {"\xE0\x80\x80", 0},
      {"\xE0\x9F\xBF", 0},
      {"\xF0\x80\x80\x80", 0},
      {"\xF0\x8F\xBF\xBF", 0},
      // UTF-16 surrogates
      {"\xED\xA0\x80", 0},
      {"\xED\xBF\xBF", 0},
      {"x\xED\xB0\x80", 1},
      // past U+10FFFF
      {"\xF4\x90\x80\x80", 0},
      {"\xF4\xBF\xBF\xBF", 0},
      // truncated at the end of the text
      {"\xC3", 0},
      {"ok \xE2\x82", 3},
      {"\xF0\x9F\x98", 0},
      // cut short by a byte that is not a continuation
      {"\xC3"
       "A",
       0},
      {"\xE2\x82"
       "A",
       0},
      {"\xF0\x9F\x98 ", 0},
      {"\xE2\xE2\x82\xAC", 0},
      // after valid multi-byte characters
      {"é\x80", 2},
      {"日本\xE8\xAA", 6},
  };
  for (const Case& c : cases) {
    CAPTURE(escapeBytes(c.text));
    CHECK(firstInvalidUtf8(c.text) == c.offset);
    CHECK_FALSE(isValidUtf8(c.text));
  }
  CHECK(utf8SequenceLength("\xE0\x80\x80") == 0);
  CHECK(utf8SequenceLength("\xF0\x9F\x98") == 0);
}

TEST_CASE("the first invalid byte is found wherever it falls against the 16-byte steps") {
  for (std::size_t at = 0; at < 40; ++at) {
    std::string text(48, 'a');
    text[at] = '\xFF';
    CAPTURE(at);
    CHECK(firstInvalidUtf8(text) == at);
  }
  // A character straddling a step boundary is valid; the byte after it is found.
  for (std::size_t at = 12; at < 20; ++at) {
    std::string text(at, 'a');
    text += "\xF0\x9F\x98\x80";
    text += std::string(20, 'b');
    CAPTURE(at);
    CHECK(isValidUtf8(text));
    text[at + 5] = '\x80';
    CHECK(firstInvalidUtf8(text) == at + 5);
  }
  CHECK(firstInvalidUtf8(std::string(100, 'a')) == npos);
}

TEST_CASE("utf8Prefix cuts before a character that would not fit whole") {
  CHECK(utf8Prefix("abc", 5) == "abc");
  CHECK(utf8Prefix("abc", 3) == "abc");
  CHECK(utf8Prefix("abcd", 3) == "abc");
  CHECK(utf8Prefix("ab\xC3\xA9", 3) == "ab");  // 'é' would need byte 4
  CHECK(utf8Prefix("ab\xC3\xA9z", 4) == "ab\xC3\xA9");
  CHECK(utf8Prefix("\xE6\x97\xA5\xE6\x9C\xAC", 5) == "\xE6\x97\xA5");  // 日 of 日本
  CHECK(utf8Prefix("\xF0\x9F\x98\x80", 3).empty());
  CHECK(utf8Prefix("abc", 0).empty());
}

TEST_CASE("escapeBytes writes each byte that is not well-formed as \\xNN and keeps the rest") {
  CHECK(escapeBytes("plain ascii") == "plain ascii");
  CHECK(escapeBytes("caf\xE9.yaml") == "caf\\xe9.yaml");
  CHECK(escapeBytes("café 日本") == "café 日本");
  CHECK(escapeBytes("\xE2\x82"
                    "A") == "\\xe2\\x82A");
  CHECK(escapeBytes("\xF0\x9F\x98") == "\\xf0\\x9f\\x98");
  CHECK(escapeBytes("\xC0\x80") == "\\xc0\\x80");
  CHECK(escapeBytes("\xED\xA0\x80") == "\\xed\\xa0\\x80");
  CHECK(escapeBytes("\xFF\xFE") == "\\xff\\xfe");
  CHECK(escapeBytes("a\\xffb") == "a\\xffb");  // a backslash stays a backslash
  // Controls pass unless asked for.
  CHECK(escapeBytes("a\tb\n") == "a\tb\n");
}

TEST_CASE("escapeBytes with controls: C0, DEL and C1 become \\xNN, other characters stay") {
  const EscapeAlso controls = EscapeAlso::Controls;
  CHECK(escapeBytes("a\nb\tc\r", controls) == "a\\x0ab\\x09c\\x0d");
  CHECK(escapeBytes("\x1B[31mred", controls) == "\\x1b[31mred");
  CHECK(escapeBytes(std::string_view("\0\x7F", 2), controls) == "\\x00\\x7f");
  CHECK(escapeBytes("\xC2\x9B"
                    "2J",
                    controls) == "\\xc2\\x9b2J");                              // U+009B, the C1 CSI
  CHECK(escapeBytes("\xC2\xA0\xC2\xA9 é", controls) == "\xC2\xA0\xC2\xA9 é");  // U+00A0, U+00A9
  CHECK(escapeBytes("bad \xFF\n", controls) == "bad \\xff\\x0a");
}
