#include "profile/sketch.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace gpuslice {

namespace {

constexpr double kZero = 1e-9;
// A bucket is a double's exponent and the top 7 bits of its mantissa: [lower, upper) with
// upper / lower <= 1 + 1/128, found without a logarithm.
constexpr int kDropBits = 52 - 7;

int indexOf(double v) { return static_cast<int>(std::bit_cast<std::uint64_t>(v) >> kDropBits); }
double upperEdge(int i) { return std::bit_cast<double>((static_cast<std::uint64_t>(i) + 1) << kDropBits); }

std::uint64_t rankOf(double percentile, std::uint64_t count) {
  const auto rank = static_cast<std::uint64_t>(std::ceil(percentile / 100.0 * static_cast<double>(count) - 1e-9));
  return std::clamp<std::uint64_t>(rank, 1, count);
}

}  // namespace

void QuantileSketch::add(double v) {
  ++count_;
  if (!histogram_ && samples_.size() < kExactSamples) {
    samples_.push_back(v > 0 ? v : 0);
    return;
  }
  toHistogram();
  addToHistogram(v, 1);
}

void QuantileSketch::toHistogram() {
  if (histogram_) return;
  histogram_ = true;
  for (double s : samples_) addToHistogram(s, 1);
  samples_ = {};
}

void QuantileSketch::addToHistogram(double v, std::uint64_t n) {
  if (!(v > kZero)) {
    zeros_ += n;
    return;
  }
  int i = lastIndex_;
  if (v != lastValue_) {
    i = indexOf(v);
    lastValue_ = v;
    lastIndex_ = i;
  }
  if (buckets_.empty()) first_ = i;
  if (i < first_) {
    buckets_.insert(buckets_.begin(), static_cast<std::size_t>(first_ - i), 0);
    first_ = i;
  }
  const auto at = static_cast<std::size_t>(i - first_);
  if (at >= buckets_.size()) buckets_.resize(at + 1, 0);
  buckets_[at] += n;
}

void QuantileSketch::merge(const QuantileSketch& other, double scale) {
  if (!other.histogram_) {
    for (double s : other.samples_) add(s * scale);
    return;
  }
  toHistogram();
  count_ += other.count_;
  zeros_ += other.zeros_;
  for (std::size_t k = 0; k < other.buckets_.size(); ++k) {
    if (other.buckets_[k] == 0) continue;
    // The bucket's upper edge, scaled, lands in the bucket that keeps the result an upper bound.
    addToHistogram(upperEdge(other.first_ + static_cast<int>(k)) * scale, other.buckets_[k]);
  }
}

double QuantileSketch::quantile(double percentile) const {
  if (count_ == 0) return 0;
  const std::uint64_t rank = rankOf(percentile, count_);
  if (!histogram_) {
    std::vector<double> sorted = samples_;
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(rank - 1), sorted.end());
    return sorted[rank - 1];
  }
  if (rank <= zeros_) return 0;
  std::uint64_t seen = zeros_;
  for (std::size_t k = 0; k < buckets_.size(); ++k) {
    seen += buckets_[k];
    if (seen >= rank) return upperEdge(first_ + static_cast<int>(k));
  }
  return upperEdge(first_ + static_cast<int>(buckets_.size()) - 1);
}

}  // namespace gpuslice
