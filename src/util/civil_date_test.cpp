#include "util/civil_date.h"

#include <doctest/doctest.h>

using namespace gpuslice;

TEST_CASE("civil date: day numbers of dates, and back") {
  CHECK(daysOfDate("1970-01-01") == 0);
  CHECK(daysOfDate("2026-07-20") == 20654);
  CHECK(daysOfDate("2026-10-18") == 20744);  // 90 days later
  CHECK(daysOfDate("2024-02-29") == 19782);
  CHECK(daysOfDate("2000-03-01") == 11017);
  CHECK(dateOfDays(20654) == "2026-07-20");
  CHECK(dateOfDays(19782) == "2024-02-29");
  CHECK(dateOfDays(0) == "1970-01-01");
  for (std::int64_t d = 0; d < 40000; d += 37) CHECK(daysOfDate(dateOfDays(d)) == d);
  CHECK_FALSE(daysOfDate("2025-02-29"));
  CHECK_FALSE(daysOfDate("1900-03-01"));
  CHECK_FALSE(daysOfDate("2026-13-01"));
  CHECK_FALSE(daysOfDate("2026-7-20"));
  CHECK_FALSE(daysOfDate("2026-07-20T00:00:00Z"));
  CHECK_FALSE(daysOfDate("2026-07-0x"));
}

TEST_CASE("civil date: today from SOURCE_DATE_EPOCH, else the clock") {
  CHECK(todayDays(nullptr, 1796601600) == 20794);       // 2026-12-07T00:00:00Z
  CHECK(todayDays(nullptr, 1796601600 - 1) == 20793);   // a second before
  CHECK(todayDays("1784505600", 1796601600) == 20654);  // 2026-07-20T00:00:00Z
  CHECK(todayDays("1784591999", 0) == 20654);           // its last second
  CHECK(todayDays("0", 1796601600) == 0);
  CHECK_FALSE(todayDays("", 0));
  CHECK_FALSE(todayDays("-1", 0));
  CHECK_FALSE(todayDays("17e8", 0));
  CHECK_FALSE(todayDays(" 1784505600", 0));
  CHECK_FALSE(todayDays("1234567890123", 0));
}
