#include "profile/sketch.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

using namespace gpuslice;

namespace {

double exactPercentile(std::vector<double> all, double p) {
  std::sort(all.begin(), all.end());
  return all[static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(all.size()))) - 1];
}

}  // namespace

TEST_CASE("sketch: exact up to 1024 samples") {
  QuantileSketch s;
  for (int v : {5, 1, 4, 2, 3}) s.add(v);
  CHECK(s.exact());
  CHECK(s.quantile(20) == 1);
  CHECK(s.quantile(21) == 2);
  CHECK(s.quantile(99) == 5);
  CHECK(s.quantile(100) == 5);
  QuantileSketch t;
  t.add(-3);
  CHECK(t.quantile(50) == 0);
  CHECK(QuantileSketch().quantile(99) == 0);
}

TEST_CASE("sketch: past 1024 samples, never below and at most 1% above the exact percentile") {
  QuantileSketch s;
  std::vector<double> all;
  for (int i = 1; i <= 100000; ++i) {
    const double v = static_cast<double>((i * 7919) % 10007) * 3.7;
    s.add(v);
    all.push_back(v);
  }
  CHECK_FALSE(s.exact());
  CHECK(s.count() == 100000);
  for (double p : {1.0, 50.0, 95.0, 99.0, 100.0}) {
    const double exact = exactPercentile(all, p);
    CHECK(s.quantile(p) >= exact);
    CHECK(s.quantile(p) <= exact * 1.01);
  }
}

TEST_CASE("sketch: zeros stay exact in the histogram") {
  QuantileSketch s;
  for (int i = 0; i < 1900; ++i) s.add(0);
  for (int i = 0; i < 100; ++i) s.add(0.5);
  CHECK(s.quantile(95) == 0);
  CHECK(s.quantile(96) >= 0.5);
  CHECK(s.quantile(96) <= 0.505);
}

TEST_CASE("sketch: merge, scaled") {
  QuantileSketch a, b;
  for (int i = 0; i < 10; ++i) a.add(100);
  b.merge(a, 0.5);
  b.merge(a);
  CHECK(b.count() == 20);
  CHECK(b.exact());
  CHECK(b.quantile(50) == 50);
  CHECK(b.quantile(51) == 100);
  QuantileSketch big, into;
  for (int i = 0; i < 2000; ++i) big.add(100);
  into.merge(big, 0.5);
  CHECK(into.count() == 2000);
  CHECK(into.quantile(50) >= 50);
  CHECK(into.quantile(50) <= 50 * 1.016);
}
