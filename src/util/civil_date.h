// Calendar dates (proleptic Gregorian, UTC) as day numbers, for telling how old a date is.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gpuslice {

/// Days since 1970-01-01 of the date "YYYY-MM-DD" (years 1970 to 9999); nullopt for any other
/// text or a day the month does not have.
std::optional<std::int64_t> daysOfDate(std::string_view date);

/// The date "YYYY-MM-DD" of a day number (days since 1970-01-01, from 0).
std::string dateOfDays(std::int64_t days);

/// The day number of "today" for output that must not depend on when it is run: the
/// SOURCE_DATE_EPOCH convention of reproducible builds. `sourceDateEpoch` is the variable's
/// value (nullptr: unset, then `clockSeconds` counts): seconds since 1970-01-01 UTC, decimal
/// digits only; nullopt when it is set to anything else.
std::optional<std::int64_t> todayDays(const char* sourceDateEpoch, std::int64_t clockSeconds);

}  // namespace gpuslice
