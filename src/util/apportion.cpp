#include "util/apportion.h"

#include <algorithm>
#include <numeric>

namespace gpuslice {

std::vector<std::int64_t> apportion(std::int64_t total, const std::vector<std::int64_t>& weights) {
  std::vector<std::int64_t> parts(weights.size(), 0);
  __int128 sum = 0;
  for (std::int64_t w : weights) sum += w;
  if (sum <= 0 || total <= 0) return parts;
  std::vector<__int128> remainders(weights.size(), 0);
  std::int64_t given = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const __int128 exact = static_cast<__int128>(total) * weights[i];
    parts[i] = static_cast<std::int64_t>(exact / sum);
    remainders[i] = exact % sum;
    given += parts[i];
  }
  std::vector<std::size_t> order(weights.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return remainders[a] > remainders[b]; });
  for (std::size_t k = 0; given < total; ++k, ++given) ++parts[order[k]];
  return parts;
}

}  // namespace gpuslice
