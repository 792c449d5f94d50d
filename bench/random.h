// A small deterministic random generator for the benchmark fleet generator.
//
// std::uniform_*_distribution may give different sequences on different standard
// libraries; this generator and its helpers give the same numbers everywhere.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace gpuslice::bench {

inline std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

/// splitmix64: expands one 64-bit seed into well-mixed state words.
inline std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// xoshiro256** with helpers that draw the shapes the fleet needs.
class Random {
 public:
  explicit Random(std::uint64_t seed) {
    for (auto& word : s_) word = splitmix64(seed);
  }

  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  /// Uniform integer in [0, n) for n <= 2^32, by multiply-shift of the high 32 bits
  /// (bias below n / 2^32, negligible for the small n used here).
  std::uint64_t below(std::uint64_t n) { return ((next() >> 32) * n) >> 32; }

  /// Uniform integer in [lo, hi].
  std::int64_t between(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo + 1)));
  }

  /// True with probability percent/100.
  bool chance(int percent) { return below(100) < static_cast<std::uint64_t>(percent); }

  /// Uniform in [0, 1) with 53 random bits.
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  /// An integer in [lo, hi] skewed towards lo (density falls linearly-ish; mean at
  /// about 40% of the range), like most utilization and memory figures in a fleet.
  std::int64_t skewedLow(std::int64_t lo, std::int64_t hi) {
    const double u = unit();
    const double f = (u + u * u) / 2;
    return lo + static_cast<std::int64_t>(f * static_cast<double>(hi - lo));
  }

  /// Index into `weights`, chosen with probability proportional to its weight.
  template <std::size_t N>
  std::size_t weighted(const std::array<int, N>& weights) {
    int total = 0;
    for (int w : weights) total += w;
    auto r = static_cast<int>(below(static_cast<std::uint64_t>(total)));
    for (std::size_t i = 0; i < N; ++i) {
      if (r < weights[i]) return i;
      r -= weights[i];
    }
    return N - 1;
  }

 private:
  std::array<std::uint64_t, 4> s_{};
};

}  // namespace gpuslice::bench
