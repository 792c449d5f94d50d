// How money is shown: the one rounding and format of every printed figure.
#pragma once

#include <cstdint>
#include <string>

#include "model/catalog.h"

namespace gpuslice {

/// Hours in the month the monthly figures use.
constexpr int kHoursPerMonth = 730;

/// `m` rounded to whole cents (half away from zero), in micro-dollars: the figure moneyText prints.
Micros shownCents(Micros m);

/// `m` as dollars and cents with thousands separators: "$1,234.56", "-$0.50".
std::string moneyText(Micros m);

}  // namespace gpuslice
