// How old a price table's prices are, and when that is worth a warning.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "model/catalog.h"

namespace gpuslice {

/// Prices dated more than this many days before today get a warning: AWS changes prices and
/// adds types between the snapshots a table is made from.
constexpr int kPriceAgeLimitDays = 90;

/// The warning for `catalog`'s prices on day `today` (days since 1970-01-01, UTC): when its
/// date is more than kPriceAgeLimitDays before today, or is not a date (YYYY-MM-DD). nullopt
/// otherwise (a date after today included).
std::optional<std::string> priceAgeWarning(const Catalog& catalog, std::int64_t today);

}  // namespace gpuslice
