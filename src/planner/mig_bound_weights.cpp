// chooseMigBoundWeights (planner/mig_packing.h): what the lower bound charges a MIG pod, per
// profile, from the dual of the covering LP over the layouts the planner uses.
#include "planner/mig_packing.h"

#include <algorithm>
#include <map>
#include <vector>

#include "mig/cover.h"

namespace gpuslice::detail {

namespace {

/// Per-profile weights y >= 0 with, on every layout the planner uses, sum of count x y <= 1:
/// each pod then needs at least y of a GPU, so the weights summed over pods bound the GPUs
/// from below. Of all such y, the one with the largest y . demand: the dual of the covering
/// LP, solved by the simplex method (Bland's rule, so it cannot cycle). The origin is a
/// vertex, so no first phase is needed.
std::vector<double> boundWeights(const MigCover& cover, const std::vector<long long>& demand) {
  const std::size_t profiles = demand.size();
  std::vector<std::size_t> vars;  // demanded profiles; the others weigh 0
  for (std::size_t p = 0; p < profiles; ++p) {
    if (demand[p] > 0) vars.push_back(p);
  }
  std::vector<double> y(profiles, 0.0);
  const std::size_t d = vars.size();
  const std::size_t m = cover.geometries().size();
  if (d == 0 || m == 0) return y;
  // Tableau: m rows [counts | slack identity | rhs]; objective row z = -demand.
  const std::size_t cols = d + m + 1;
  std::vector<std::vector<double>> t(m + 1, std::vector<double>(cols, 0.0));
  std::vector<std::size_t> basis(m);
  for (std::size_t g = 0; g < m; ++g) {
    for (std::size_t v = 0; v < d; ++v) t[g][v] = cover.counts(g)[vars[v]];
    t[g][d + g] = 1.0;
    t[g][cols - 1] = 1.0;
    basis[g] = d + g;
  }
  for (std::size_t v = 0; v < d; ++v) t[m][v] = -static_cast<double>(demand[vars[v]]);
  for (int iteration = 0; iteration < 10000; ++iteration) {
    std::size_t enter = cols;
    for (std::size_t c = 0; c + 1 < cols; ++c) {
      if (t[m][c] < -1e-12) {
        enter = c;
        break;
      }
    }
    if (enter == cols) break;  // optimal
    std::size_t leave = m;
    double ratio = 0;
    for (std::size_t r = 0; r < m; ++r) {
      if (t[r][enter] <= 1e-12) continue;
      const double q = t[r][cols - 1] / t[r][enter];
      if (leave == m || q < ratio - 1e-12 || (q <= ratio + 1e-12 && basis[r] < basis[leave])) {
        leave = r;
        ratio = q;
      }
    }
    if (leave == m) break;  // unbounded: cannot happen, every profile is in some layout
    const double pivot = t[leave][enter];
    for (double& x : t[leave]) x /= pivot;
    for (std::size_t r = 0; r <= m; ++r) {
      if (r == leave || t[r][enter] == 0) continue;
      const double f = t[r][enter];
      for (std::size_t c = 0; c < cols; ++c) t[r][c] -= f * t[leave][c];
    }
    basis[leave] = enter;
  }
  for (std::size_t r = 0; r < m; ++r) {
    if (basis[r] < d) y[vars[basis[r]]] = std::max(0.0, t[r][cols - 1]);
  }
  // Rounding must never let a layout's load pass 1: scale down by the largest load.
  double most = 0;
  for (std::size_t g = 0; g < m; ++g) {
    double load = 0;
    for (std::size_t p = 0; p < profiles; ++p) load += cover.counts(g)[p] * y[p];
    most = std::max(most, load);
  }
  const double scale = std::max(1.0, most) * (1 + 1e-9);
  for (double& w : y) w /= scale;
  return y;
}

}  // namespace

void chooseMigBoundWeights(PlanContext& ctx, MigCovers& covers, const std::vector<Workload>& workloads) {
  std::map<const MigGpu*, std::vector<long long>> demand;
  for (const Candidate& c : ctx.candidates) {
    if (c.mig) demand[c.mig].assign(c.mig->profiles.size(), 0);
  }
  if (demand.empty()) return;
  for (const Workload& w : workloads) {
    if (!(effectiveModes(w, *ctx.options) & bit(Mode::Mig))) continue;
    for (const Candidate& c : ctx.candidates) {
      if (!c.mig || !admits(ctx, w, c)) continue;
      if (const auto p = migProfileFor(ctx, w, c)) demand[c.mig][*p] += w.replicas;
    }
  }
  for (const auto& [gpu, d] : demand) {
    ctx.migBoundWeights[gpu] = boundWeights(covers.of(*gpu), d);
  }
}

}  // namespace gpuslice::detail
