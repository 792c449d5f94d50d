#include "util/yaml_scalar.h"

#include <algorithm>

namespace gpuslice {

namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isHex(char c) { return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool allowedFirst(char c) { return isLetter(c) || isDigit(c) || c == '.' || c == '/' || c == '_' || c == '<'; }

bool allowed(char c) {
  static constexpr std::string_view kPunctuation = " -._/+=%:,()@<>;";
  return isLetter(c) || isDigit(c) || kPunctuation.find(c) != std::string_view::npos;
}

bool equalsIgnoringCase(std::string_view s, std::string_view lowerWord) {
  return s.size() == lowerWord.size() &&
         std::equal(s.begin(), s.end(), lowerWord.begin(), [](char a, char b) { return lower(a) == b; });
}

/// null, the booleans of YAML 1.1 and 1.2, the merge key, infinity and not-a-number.
bool isReservedWord(std::string_view s) {
  for (std::string_view w : {"null", "y", "n", "yes", "no", "on", "off", "true", "false", "<<", ".inf", ".nan"}) {
    if (equalsIgnoringCase(s, w)) return true;
  }
  return false;
}

/// 0b, 0o or 0x (either case), then hex digits and underscores: binary, octal and hex
/// integers of either version, a little wider.
bool isRadixNumber(std::string_view s) {
  if (s.size() < 2 || s[0] != '0') return false;
  const char radix = lower(s[1]);
  if (radix != 'b' && radix != 'o' && radix != 'x') return false;
  return std::all_of(s.begin() + 2, s.end(), [](char c) { return isHex(c) || c == '_'; });
}

/// A digit or '.', then digits, '_', '.' and ':', then an optional exponent: decimal, 1.1
/// octal ("017"), sexagesimal ("1:30") and float forms of either version, a little wider.
/// An exponent alone ("e5") counts too: the npm yaml package's 1.1 schema reads it as a float.
bool isDecimalNumber(std::string_view s) {
  std::size_t i = 0;
  if (isDigit(s[0]) || s[0] == '.') {
    while (i < s.size() && (isDigit(s[i]) || s[i] == '_' || s[i] == '.' || s[i] == ':')) ++i;
    if (i == s.size()) return true;
  }
  if (lower(s[i]) != 'e') return false;
  if (++i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  const std::size_t digits = i;
  while (i < s.size() && (isDigit(s[i]) || s[i] == '_')) ++i;
  return i == s.size() && i > digits;
}

/// YYYY-M-D, with one or two digits for month and day, alone or followed by the T, t or
/// space that starts a time: the dates and timestamps of YAML 1.1 and go-yaml, a little wider.
bool isTimestamp(std::string_view s) {
  std::size_t i = 0;
  auto digits = [&](std::size_t least, std::size_t most) {
    const std::size_t from = i;
    while (i < s.size() && i - from < most && isDigit(s[i])) ++i;
    return i - from >= least;
  };
  auto dash = [&] { return i < s.size() && s[i++] == '-'; };
  if (!(digits(4, 4) && dash() && digits(1, 2) && dash() && digits(1, 2))) return false;
  return i == s.size() || s[i] == 'T' || s[i] == 't' || s[i] == ' ';
}

void appendEscape(std::string& out, unsigned code) {
  static constexpr char kDigits[] = "0123456789abcdef";
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out += kDigits[(code >> shift) & 0xF];
}

}  // namespace

bool yamlPlainSafe(std::string_view s) {
  if (s.empty() || s.size() > 200 || !allowedFirst(s.front())) return false;
  if (s.back() == ' ' || s.back() == ':' || s.substr(0, 3) == "...") return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (!allowed(s[i])) return false;
    if (s[i] == ':' && s[i + 1] == ' ') return false;  // "a: b" is a mapping (s.back() is not ':')
  }
  return !isReservedWord(s) && !isRadixNumber(s) && !isDecimalNumber(s) && !isTimestamp(s);
}

std::string yamlDoubleQuoted(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  auto byte = [&](std::size_t i) { return i < s.size() ? static_cast<unsigned char>(s[i]) : 0u; };
  for (std::size_t i = 0; i < s.size(); ++i) {
    const unsigned c = byte(i);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c == 0x7F) {
      appendEscape(out, c);
    } else if (c == 0xC2 && byte(i + 1) >= 0x80 && byte(i + 1) <= 0x9F) {  // U+0080..U+009F
      appendEscape(out, byte(++i));
    } else if (c == 0xE2 && byte(i + 1) == 0x80 && (byte(i + 2) == 0xA8 || byte(i + 2) == 0xA9)) {
      appendEscape(out, 0x2000 | (byte(i + 2) - 0x80));  // U+2028, U+2029
      i += 2;
    } else if (c == 0xEF && byte(i + 1) == 0xBB && byte(i + 2) == 0xBF) {
      appendEscape(out, 0xFEFF);
      i += 2;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
  return out;
}

std::string yamlScalar(std::string_view s) { return yamlPlainSafe(s) ? std::string(s) : yamlDoubleQuoted(s); }

}  // namespace gpuslice
