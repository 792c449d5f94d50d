#include "model/price_age.h"

#include <fmt/format.h>

#include "util/civil_date.h"

namespace gpuslice {

std::optional<std::string> priceAgeWarning(const Catalog& catalog, std::int64_t today) {
  const std::optional<std::int64_t> day = daysOfDate(catalog.date);
  if (!day) {
    return fmt::format(
        "the prices for {} are dated \"{}\" ({}), which is not a date (YYYY-MM-DD): how old they "
        "are is unknown",
        catalog.region, catalog.date, catalog.file);
  }
  const std::int64_t age = today - *day;
  if (age <= kPriceAgeLimitDays) return std::nullopt;
  return fmt::format(
      "the prices for {} are of {}, {} days before today ({}): older than {} days, they may no "
      "longer be what AWS charges; make a newer table with gpuslice pricing import (README \"Prices "
      "for other regions\")",
      catalog.region, catalog.date, age, dateOfDays(today), kPriceAgeLimitDays);
}

}  // namespace gpuslice
