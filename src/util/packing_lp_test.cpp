#include "util/packing_lp.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstddef>
#include <random>
#include <vector>

using gpuslice::maximizePacking;

namespace {

using Rows = std::vector<std::vector<double>>;

constexpr double kShrink = 1 + 1e-9;  // the safety scale every answer carries

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

/// The best objective over two variables by brute force: every vertex where two of the
/// constraints (the rows as equalities, y0 = 0, y1 = 0) meet, kept when feasible.
double bestOfTwo(const Rows& rows, const std::vector<double>& c) {
  struct Line {
    double a, b, rhs;
  };
  std::vector<Line> lines{{1, 0, 0}, {0, 1, 0}};
  for (const auto& r : rows) lines.push_back({r[0], r[1], 1});
  double best = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    for (std::size_t j = i + 1; j < lines.size(); ++j) {
      const double det = lines[i].a * lines[j].b - lines[i].b * lines[j].a;
      if (det == 0) continue;
      const double y0 = (lines[i].rhs * lines[j].b - lines[i].b * lines[j].rhs) / det;
      const double y1 = (lines[i].a * lines[j].rhs - lines[i].rhs * lines[j].a) / det;
      if (y0 < -1e-12 || y1 < -1e-12) continue;
      bool feasible = true;
      for (const auto& r : rows) feasible = feasible && r[0] * y0 + r[1] * y1 <= 1 + 1e-9;
      if (feasible) best = std::max(best, c[0] * y0 + c[1] * y1);
    }
  }
  return best;
}

}  // namespace

TEST_CASE("packing LP: two rows meet at the optimum") {
  // max y0 + y1 with 2 y0 + y1 <= 1 and y0 + 3 y1 <= 1: the rows meet at (0.4, 0.2), worth
  // 0.6; the axis vertices (0.5, 0) and (0, 1/3) are worth less.
  const std::vector<double> y = maximizePacking({{2, 1}, {1, 3}}, {1, 1});
  REQUIRE(y.size() == 2);
  CHECK(y[0] == doctest::Approx(0.4 / kShrink).epsilon(1e-12));
  CHECK(y[1] == doctest::Approx(0.2 / kShrink).epsilon(1e-12));
}

TEST_CASE("packing LP: MIG-like layouts of an A100 (7 x 1g, 3 x 2g + 1 x 1g, 1 x 7g)") {
  // Columns 1g, 2g, 7g; a demand of 7 1g and 1 7g. The 1g pod can weigh at most 1/7 and the
  // 7g pod 1, so the bound is 7/7 + 1 = 2 GPUs; 2g, with no demand, weighs 0.
  const Rows layouts{{7, 0, 0}, {1, 3, 0}, {0, 0, 1}};
  const std::vector<double> y = maximizePacking(layouts, {7, 0, 1});
  CHECK(y[0] == doctest::Approx(1.0 / 7 / kShrink).epsilon(1e-12));
  CHECK(y[1] == 0.0);
  CHECK(y[2] == doctest::Approx(1.0 / kShrink).epsilon(1e-12));
}

TEST_CASE("packing LP: columns of no worth and unbounded columns stay 0") {
  CHECK(maximizePacking({{1, 1}}, {0, 1}) == std::vector<double>{0, 1 / kShrink});
  // Column 1 is in no row: unbounded, left at 0; column 0 still reaches its row's limit.
  CHECK(maximizePacking({{1, 0}}, {1, 1}) == std::vector<double>{1 / kShrink, 0});
  CHECK(maximizePacking({}, {1, 2}) == std::vector<double>{0, 0});
  CHECK(maximizePacking({{1, 2}}, {}).empty());
}

TEST_CASE("packing LP: random two-column LPs reach the brute-force optimum and stay feasible") {
  std::mt19937 rng(20261207);
  std::uniform_int_distribution<int> entry(0, 7);
  std::uniform_int_distribution<int> rowCount(1, 5);
  for (int round = 0; round < 500; ++round) {
    Rows rows(static_cast<std::size_t>(rowCount(rng)));
    for (auto& r : rows) r = {static_cast<double>(entry(rng)), static_cast<double>(entry(rng))};
    rows.push_back({1, 1});  // keeps every column bounded
    const std::vector<double> c{static_cast<double>(entry(rng)), static_cast<double>(entry(rng))};
    const std::vector<double> y = maximizePacking(rows, c);
    for (const auto& r : rows) CHECK(dot(r, y) < 1.0);
    CHECK(dot(c, y) == doctest::Approx(bestOfTwo(rows, c)).epsilon(1e-7));
  }
}
