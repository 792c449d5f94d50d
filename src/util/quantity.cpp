#include "util/quantity.h"

#include <algorithm>
#include <array>
#include <string>

namespace gpuslice {

namespace {

/// Exponents beyond this behave the same (everything overflows or rounds to one),
/// so larger ones are clamped rather than risking integer overflow.
constexpr std::int64_t kExponentClamp = 1'000'000'000;

struct Suffix {
  std::string_view text;
  int exp10;
  int exp2;
};

constexpr std::array<Suffix, 15> kSuffixes{{
    {"Ki", 0, 10},
    {"Mi", 0, 20},
    {"Gi", 0, 30},
    {"Ti", 0, 40},
    {"Pi", 0, 50},
    {"Ei", 0, 60},
    {"n", -9, 0},
    {"u", -6, 0},
    {"m", -3, 0},
    {"k", 3, 0},
    {"M", 6, 0},
    {"G", 9, 0},
    {"T", 12, 0},
    {"P", 15, 0},
    {"E", 18, 0},
}};

/// The integer after 'e' or 'E': an optional sign and at least one digit.
std::optional<std::int64_t> parseExponent(std::string_view s) {
  std::size_t i = 0;
  const bool negative = i < s.size() && s[i] == '-';
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  if (i == s.size()) return std::nullopt;
  std::int64_t v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    v = std::min(v * 10 + (s[i] - '0'), kExponentClamp);
  }
  return negative ? -v : v;
}

/// ceil(digits * 2^exp2 * 10^exp10), where `digits` is a positive decimal integer
/// without leading zeros; nothing if the result exceeds int64.
std::optional<std::int64_t> scale(std::string digits, int exp2, std::int64_t exp10) {
  for (int i = 0; i < exp2 / 10; ++i) {  // multiply by 1024, exp2 being a multiple of 10
    unsigned carry = 0;
    for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
      const unsigned v = static_cast<unsigned>(*it - '0') * 1024 + carry;
      *it = static_cast<char>('0' + v % 10);
      carry = v / 10;
    }
    for (; carry > 0; carry /= 10) digits.insert(digits.begin(), static_cast<char>('0' + carry % 10));
  }
  std::size_t whole = digits.size();  // digits left of the decimal point
  bool fraction = false;
  if (exp10 < 0) {
    if (static_cast<std::uint64_t>(-exp10) >= digits.size()) return 1;  // 0 < value < 1
    whole = digits.size() - static_cast<std::size_t>(-exp10);
    fraction = digits.find_first_not_of('0', whole) != std::string::npos;
    exp10 = 0;
  }
  if (static_cast<std::int64_t>(whole) + exp10 > 19) return std::nullopt;  // at least 10^19
  std::uint64_t v = 0;  // below 10^19, so no uint64 overflow from here on
  for (std::size_t i = 0; i < whole; ++i) v = v * 10 + static_cast<std::uint64_t>(digits[i] - '0');
  for (std::int64_t i = 0; i < exp10; ++i) v *= 10;
  if (fraction) ++v;
  if (v > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
  return static_cast<std::int64_t>(v);
}

/// Parses a quantity and returns it in units of 10^-unitExp10 (3 for thousandths).
std::optional<std::int64_t> parseQuantity(std::string_view s, int unitExp10) {
  std::size_t i = 0;
  const bool negative = i < s.size() && s[i] == '-';
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  std::string digits;  // significant digits, leading zeros dropped
  std::int64_t fractionDigits = 0;
  bool anyDigit = false, point = false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c >= '0' && c <= '9') {
      anyDigit = true;
      if (c != '0' || !digits.empty()) digits += c;
      if (point) ++fractionDigits;
    } else if (c == '.' && !point) {
      point = true;
    } else {
      break;
    }
  }
  if (!anyDigit) return std::nullopt;
  const std::string_view suffix = s.substr(i);
  int exp2 = 0;
  std::int64_t exp10 = 0;
  const auto named = std::find_if(kSuffixes.begin(), kSuffixes.end(), [&](const auto& x) { return x.text == suffix; });
  if (named != kSuffixes.end()) {
    exp10 = named->exp10;
    exp2 = named->exp2;
  } else if (!suffix.empty()) {  // "Ei" and "E" are suffixes, any other "e..." or "E..." an exponent
    if (suffix[0] != 'e' && suffix[0] != 'E') return std::nullopt;
    const auto e = parseExponent(suffix.substr(1));
    if (!e) return std::nullopt;
    exp10 = *e;
  }
  if (digits.empty()) return 0;  // zero, whatever its sign and suffix
  if (negative) return std::nullopt;
  return scale(std::move(digits), exp2, exp10 - fractionDigits + unitExp10);
}

}  // namespace

std::optional<std::int64_t> parseCpuMillis(std::string_view text) { return parseQuantity(text, 3); }

std::optional<std::int64_t> parseMemoryBytes(std::string_view text) { return parseQuantity(text, 0); }

std::string cpuQuantity(std::int64_t millis) {
  return millis % 1000 == 0 ? std::to_string(millis / 1000) : std::to_string(millis) + "m";
}

std::string memoryQuantity(std::int64_t bytes) {
  static constexpr std::array<std::string_view, 6> kBinary{"Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
  std::size_t used = 0;
  while (bytes != 0 && used < kBinary.size() && bytes % 1024 == 0) {
    bytes /= 1024;
    ++used;
  }
  return std::to_string(bytes) + (used == 0 ? "" : std::string(kBinary[used - 1]));
}

}  // namespace gpuslice
