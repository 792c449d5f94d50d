#include "io/json_text.h"

#include <fmt/format.h>

#include "util/utf8.h"

namespace gpuslice::io {

bool isJsonNumber(std::string_view s) {
  std::size_t i = 0;
  auto at = [&](char c) { return i < s.size() && s[i] == c; };
  auto digits = [&] {
    const std::size_t from = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i > from;
  };
  if (at('-')) ++i;
  if (at('0'))
    ++i;
  else if (!digits())
    return false;
  if (at('.')) {
    ++i;
    if (!digits()) return false;
  }
  if (at('e') || at('E')) {
    ++i;
    if (at('+') || at('-')) ++i;
    if (!digits()) return false;
  }
  return i == s.size();
}

void appendUtf8(std::string& out, std::uint32_t cp) {
  static constexpr unsigned char kLead[] = {0x00, 0xC0, 0xE0, 0xF0};
  const int extra = cp < 0x80 ? 0 : cp < 0x800 ? 1 : cp < 0x10000 ? 2 : 3;
  out += static_cast<char>(kLead[extra] | (cp >> (6 * extra)));
  for (int i = extra - 1; i >= 0; --i) out += static_cast<char>(0x80 | ((cp >> (6 * i)) & 0x3F));
}

namespace {

/// The four hex digits of a "\uXXXX" at the start of `s`, consumed; nullopt if there are none.
std::optional<std::uint32_t> unicodeEscape(std::string_view& s) {
  if (s.size() < 6 || s[0] != '\\' || s[1] != 'u') return std::nullopt;
  std::uint32_t v = 0;
  for (std::size_t i = 2; i < 6; ++i) {
    const char h = s[i];
    const char lower = static_cast<char>(h | 0x20);
    if (h >= '0' && h <= '9')
      v = v << 4 | static_cast<std::uint32_t>(h - '0');
    else if (lower >= 'a' && lower <= 'f')
      v = v << 4 | static_cast<std::uint32_t>(lower - 'a' + 10);
    else
      return std::nullopt;
  }
  s.remove_prefix(6);
  return v;
}

/// The escape at the start of `s` (a backslash), consumed and decoded into `out`.
std::optional<std::string> escape(std::string_view& s, std::string& out) {
  if (s.size() < 2) return "unterminated string";
  const char e = s[1];
  static constexpr std::string_view kFrom = "\"\\/bfnrt", kTo = "\"\\/\b\f\n\r\t";
  if (const auto i = kFrom.find(e); i != std::string_view::npos) {
    out += kTo[i];
    s.remove_prefix(2);
    return std::nullopt;
  }
  if (e != 'u')
    return e > ' ' && e < 0x7F ? fmt::format("invalid escape '\\{}' in string", e) : "invalid escape in string";
  const auto cp = unicodeEscape(s);
  if (!cp) return "invalid \\u escape in string";
  const std::string lone = fmt::format("lone surrogate \\u{:04X} in string", *cp);
  if (*cp >= 0xDC00 && *cp <= 0xDFFF) return lone;
  if (*cp >= 0xD800 && *cp <= 0xDBFF) {
    const auto low = unicodeEscape(s);
    if (!low || *low < 0xDC00 || *low > 0xDFFF) return lone;
    appendUtf8(out, 0x10000 + ((*cp - 0xD800) << 10) + (*low - 0xDC00));
  } else {
    appendUtf8(out, *cp);
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> decodeJsonString(std::string_view s, std::string& out) {
  out.clear();
  while (!s.empty()) {
    std::size_t n = 0;  // characters that stand for themselves
    while (n < s.size()) {
      const auto c = static_cast<unsigned char>(s[n]);
      if (c == '\\' || c < 0x20) break;
      const std::size_t len = c < 0x80 ? 1 : utf8SequenceLength(s.substr(n));
      if (len == 0) return "invalid UTF-8 in string";
      n += len;
    }
    out.append(s.substr(0, n));
    s.remove_prefix(n);
    if (s.empty()) break;
    if (s.front() != '\\') return "unescaped control character in string";
    if (auto e = escape(s, out)) return e;
  }
  return std::nullopt;
}

}  // namespace gpuslice::io
