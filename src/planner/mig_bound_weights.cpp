// chooseMigBoundWeights (planner/mig_packing.h): what the lower bound charges a MIG pod, per
// profile, from the dual of the covering LP over the layouts the planner uses.
#include "planner/mig_packing.h"

#include <map>
#include <vector>

#include "mig/cover.h"
#include "util/packing_lp.h"

namespace gpuslice::detail {

namespace {

/// Per-profile weights y >= 0 with, on every layout the planner uses, sum of count x y <= 1:
/// each pod then needs at least y of a GPU, so the weights summed over pods bound the GPUs
/// from below. Of all such y, the one with the largest y . demand: the dual of the covering
/// LP, a packing LP (util/packing_lp.h).
std::vector<double> boundWeights(const MigCover& cover, const std::vector<long long>& demand) {
  std::vector<std::vector<double>> rows;
  rows.reserve(cover.geometries().size());
  for (std::size_t g = 0; g < cover.geometries().size(); ++g) {
    rows.emplace_back(cover.counts(g).begin(), cover.counts(g).end());
  }
  const std::vector<double> objective(demand.begin(), demand.end());
  return maximizePacking(rows, objective);
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
