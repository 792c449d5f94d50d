// Percentiles of many samples in memory that does not grow with their number.
#pragma once

#include <cstdint>
#include <vector>

namespace gpuslice {

/// Nearest-rank percentiles of non-negative values (negative ones count as zero). Up to
/// kExactSamples samples are kept and the percentile is exact. Past that they go into a
/// log-scale histogram whose buckets are 1/128 of a power of two wide ([lower, upper) with
/// upper <= lower * 1.0079, from a double's exponent and top mantissa bits), read back as their
/// upper edge, so a percentile is never below the exact one and less than 0.8% above it (a size
/// errs on the safe side; where a shared GPU's figures were split, scaling adds up to 0.8%
/// more). The histogram has one counter per bucket between the smallest and largest value
/// (about 4,300 from 1e-3 to 1e7), whatever the sample count; zero (below 1e-9) is counted
/// exactly.
class QuantileSketch {
 public:
  static constexpr std::size_t kExactSamples = 1024;

  void add(double v);
  /// Adds every sample of `other`, each multiplied by `scale` (> 0).
  void merge(const QuantileSketch& other, double scale = 1.0);
  std::uint64_t count() const { return count_; }
  /// Whether quantile() is exact: no more than kExactSamples samples.
  bool exact() const { return !histogram_; }
  /// The nearest-rank `percentile` (0 < p <= 100): the value at rank ceil(p/100 * count);
  /// 0 when empty.
  double quantile(double percentile) const;

 private:
  void addToHistogram(double v, std::uint64_t n);
  void toHistogram();
  std::vector<double> samples_;  // while exact
  bool histogram_ = false;
  std::vector<std::uint64_t> buckets_;
  int first_ = 0;  // bucket index of buckets_[0]
  std::uint64_t zeros_ = 0;
  std::uint64_t count_ = 0;
  double lastValue_ = -1;  // the last value added and its bucket: DCGM values repeat
  int lastIndex_ = 0;
};

}  // namespace gpuslice
