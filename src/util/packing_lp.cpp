#include "util/packing_lp.h"

#include <algorithm>
#include <cstddef>

namespace gpuslice {

namespace {

constexpr double kTolerance = 1e-12;
constexpr int kMaxPivots = 10000;

/// Rows 0..m-1: [row entries | slack identity | rhs 1]; row m: the objective, negated.
struct Tableau {
  std::size_t m = 0;     ///< constraint rows
  std::size_t cols = 0;  ///< columns, rhs included
  std::vector<std::vector<double>> t;
  std::vector<std::size_t> basis;  ///< the basic column of each row

  Tableau(const std::vector<std::vector<double>>& rows, const std::vector<double>& objective,
          const std::vector<std::size_t>& vars)
      : m(rows.size()), cols(vars.size() + rows.size() + 1), t(m + 1, std::vector<double>(cols, 0.0)), basis(m) {
    const std::size_t d = vars.size();
    for (std::size_t r = 0; r < m; ++r) {
      for (std::size_t v = 0; v < d; ++v) t[r][v] = rows[r][vars[v]];
      t[r][d + r] = 1.0;
      t[r][cols - 1] = 1.0;
      basis[r] = d + r;
    }
    for (std::size_t v = 0; v < d; ++v) t[m][v] = -objective[vars[v]];
  }

  /// The first column whose reduced cost improves the objective; cols when optimal.
  std::size_t entering() const {
    for (std::size_t c = 0; c + 1 < cols; ++c) {
      if (t[m][c] < -kTolerance) return c;
    }
    return cols;
  }

  /// The row the ratio test picks for `enter`, ties to the lowest basic column; m when none.
  std::size_t leaving(std::size_t enter) const {
    std::size_t leave = m;
    double ratio = 0;
    for (std::size_t r = 0; r < m; ++r) {
      if (t[r][enter] <= kTolerance) continue;
      const double q = t[r][cols - 1] / t[r][enter];
      if (leave == m || q < ratio - kTolerance || (q <= ratio + kTolerance && basis[r] < basis[leave])) {
        leave = r;
        ratio = q;
      }
    }
    return leave;
  }

  void pivot(std::size_t leave, std::size_t enter) {
    const double p = t[leave][enter];
    for (double& x : t[leave]) x /= p;
    for (std::size_t r = 0; r <= m; ++r) {
      if (r == leave || t[r][enter] == 0) continue;
      const double f = t[r][enter];
      for (std::size_t c = 0; c < cols; ++c) t[r][c] -= f * t[leave][c];
    }
    basis[leave] = enter;
  }

  /// Pivots until optimal (or unbounded, or out of pivots).
  void solve() {
    for (int i = 0; i < kMaxPivots; ++i) {
      const std::size_t enter = entering();
      if (enter == cols) return;
      const std::size_t leave = leaving(enter);
      if (leave == m) return;
      pivot(leave, enter);
    }
  }
};

/// Divides y by its largest row sum (at least 1), and a hair more.
void scaleIntoRows(const std::vector<std::vector<double>>& rows, std::vector<double>& y) {
  double most = 0;
  for (const std::vector<double>& row : rows) {
    double load = 0;
    for (std::size_t p = 0; p < y.size(); ++p) load += row[p] * y[p];
    most = std::max(most, load);
  }
  const double scale = std::max(1.0, most) * (1 + 1e-9);
  for (double& w : y) w /= scale;
}

}  // namespace

std::vector<double> maximizePacking(const std::vector<std::vector<double>>& rows,
                                    const std::vector<double>& objective) {
  std::vector<double> y(objective.size(), 0.0);
  std::vector<std::size_t> vars;  // columns worth anything; the others stay 0
  for (std::size_t p = 0; p < objective.size(); ++p) {
    if (objective[p] > 0) vars.push_back(p);
  }
  if (vars.empty() || rows.empty()) return y;
  Tableau tab(rows, objective, vars);
  tab.solve();
  for (std::size_t r = 0; r < tab.m; ++r) {
    if (tab.basis[r] < vars.size()) y[vars[tab.basis[r]]] = std::max(0.0, tab.t[r][tab.cols - 1]);
  }
  scaleIntoRows(rows, y);
  return y;
}

}  // namespace gpuslice
