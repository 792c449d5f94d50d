#include "model/money.h"

#include <fmt/format.h>

#include <cstdlib>

namespace gpuslice {

Micros shownCents(Micros m) {
  const Micros c = (std::llabs(m) + 5000) / 10000 * 10000;
  return m < 0 ? -c : c;
}

std::string moneyText(Micros m) {
  const bool negative = m < 0;
  const long long cents = (std::llabs(m) + 5000) / 10000;
  const std::string digits = std::to_string(cents / 100);
  std::string whole;  // digits with a comma before every group of three from the right
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) whole += ',';
    whole += digits[i];
  }
  return fmt::format("{}${}.{:02d}", negative ? "-" : "", whole, cents % 100);
}

}  // namespace gpuslice
