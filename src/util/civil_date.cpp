#include "util/civil_date.h"

#include <fmt/format.h>

namespace gpuslice {

namespace {

bool leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int monthDays(std::int64_t y, int m) {
  constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

std::optional<int> digits(std::string_view s) {
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

}  // namespace

std::optional<std::int64_t> daysOfDate(std::string_view date) {
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return std::nullopt;
  const auto y = digits(date.substr(0, 4)), m = digits(date.substr(5, 2)), d = digits(date.substr(8, 2));
  if (!y || !m || !d || *y < 1970 || *m < 1 || *m > 12 || *d < 1 || *d > monthDays(*y, *m)) return std::nullopt;
  std::int64_t days = 0;
  for (std::int64_t year = 1970; year < *y; ++year) days += leap(year) ? 366 : 365;
  for (int month = 1; month < *m; ++month) days += monthDays(*y, month);
  return days + *d - 1;
}

std::string dateOfDays(std::int64_t days) {
  std::int64_t y = 1970;
  while (days >= (leap(y) ? 366 : 365)) days -= leap(y++) ? 366 : 365;
  int m = 1;
  while (days >= monthDays(y, m)) days -= monthDays(y, m++);
  return fmt::format("{:04}-{:02}-{:02}", y, m, days + 1);
}

std::optional<std::int64_t> todayDays(const char* sourceDateEpoch, std::int64_t clockSeconds) {
  if (!sourceDateEpoch) return clockSeconds / 86400;
  const std::string_view s(sourceDateEpoch);
  if (s.empty() || s.size() > 12) return std::nullopt;  // 12 digits: past the year 9999 already
  std::int64_t seconds = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    seconds = seconds * 10 + (c - '0');
  }
  return seconds / 86400;
}

}  // namespace gpuslice
