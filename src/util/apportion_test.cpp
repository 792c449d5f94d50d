#include "util/apportion.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

using gpuslice::apportion;
using Parts = std::vector<std::int64_t>;

TEST_CASE("apportion: exact quotas stay as they are") {
  CHECK(apportion(100, {1, 1, 2}) == Parts{25, 25, 50});
  CHECK(apportion(0, {3, 4}) == Parts{0, 0});
}

TEST_CASE("apportion: the units left go to the largest remainders, ties to the earlier part") {
  // 10 x 1/3 = 3.33 each: one unit left, to the first.
  CHECK(apportion(10, {1, 1, 1}) == Parts{4, 3, 3});
  // 100 x {1, 2, 4} / 7 = 14.29, 28.57, 57.14: floors 14 + 28 + 57 = 99, the one left to 28.57.
  CHECK(apportion(100, {1, 2, 4}) == Parts{14, 29, 57});
}

TEST_CASE("apportion: no weight above zero gives nothing") {
  CHECK(apportion(5, {0, 0}) == Parts{0, 0});
  CHECK(apportion(5, {}).empty());
}

TEST_CASE("apportion: weights and totals whose products overflow 64 bits") {
  const std::int64_t big = std::int64_t{1} << 40;
  // (2^40 x 2^40) needs 81 bits; quotas 2^40 / 3 (rounded down: 366503875925) and twice that.
  CHECK(apportion(big, {big, 2 * big}) == Parts{366503875925, 733007751851});
}
