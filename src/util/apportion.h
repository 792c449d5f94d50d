// Splitting a whole amount among parts in proportion to their weights, so that the parts are
// whole and add up to the amount exactly: largest-remainder (Hamilton) apportionment.
#pragma once

#include <cstdint>
#include <vector>

namespace gpuslice {

/// Splits `total` (>= 0) into one whole part per weight (each >= 0), in proportion to the
/// weights: each part is its exact quota total x weight / sum of weights rounded down, and the
/// units still left go one each to the largest remainders (ties: the earlier part). The parts
/// add up to `total`; each is its quota rounded down or up. With no weight above 0 every part
/// is 0. Exact integer arithmetic (128-bit products), so no weight or total loses precision.
std::vector<std::int64_t> apportion(std::int64_t total, const std::vector<std::int64_t>& weights);

}  // namespace gpuslice
