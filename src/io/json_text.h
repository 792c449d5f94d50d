// The pieces of JSON's grammar that both JSON readers share: the number rule and the decoding
// of a string's contents (escapes, UTF-8). parseJson (io/document.h) reads a whole document
// into a tree; JsonStream (io/json_stream.h) reads one in pieces as events.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gpuslice::io {

/// Whether `s` is a number as JSON writes one: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
bool isJsonNumber(std::string_view s);

/// What is between a string's quotes, from `p`: `end` when no closing quote comes before `end`,
/// else the closing quote. `plain` is left true when the contents are printable ASCII without
/// escapes, so they stand for themselves.
inline const char* jsonStringEnd(const char* p, const char* end, bool& plain) {
  for (; p < end; ++p) {
    const auto c = static_cast<unsigned char>(*p);
    if (c == '"') return p;
    if (c == '\\') {
      plain = false;
      if (++p == end) return end;  // the escaped character cannot end the string
    } else if (c < 0x20 || c >= 0x7F) {
      plain = false;
    }
  }
  return end;
}

/// A string's contents (between its quotes) decoded into `out`: escapes resolved, UTF-8
/// checked. nullopt when well-formed, else what is wrong ("invalid escape '\q' in string").
std::optional<std::string> decodeJsonString(std::string_view contents, std::string& out);

/// `cp` (at most U+10FFFF) appended to `out` as UTF-8.
void appendUtf8(std::string& out, std::uint32_t cp);

}  // namespace gpuslice::io
