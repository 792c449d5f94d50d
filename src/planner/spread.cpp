#include "planner/spread.h"

#include <algorithm>

#include "planner/mig_packing.h"

namespace gpuslice::detail {

int minNodesOf(const Workload& w, const PlanOptions& options) {
  if (w.minNodes) return *w.minNodes;
  if (w.replicas < 2) return 1;
  return std::clamp(options.minNodes, 1, w.replicas);
}

void spreadPools(const PlanContext& ctx, const std::vector<Workload>& ws, std::vector<PackedPool>& pools) {
  for (PackedPool& p : pools) {
    int need = 1;
    for (std::size_t wi : p.workloads) need = std::max(need, minNodesOf(ws[wi], *ctx.options));
    if (need <= p.shape.nodes) continue;
    p.nodesBeforeSpread = p.shape.nodes;
    p.shape.nodes = need;
  }
}

namespace {

/// MIG pools: instances per profile that one node of `p` offers.
std::vector<int> migSupply(const PackedPool& p) {
  std::vector<int> supply(p.migGpu->profiles.size(), 0);
  for (const MigGeometry& g : p.migLayout) {
    for (const MigPlacement& placement : g.placements) ++supply[placement.profile];
  }
  return supply;
}

}  // namespace

int nodesAtMaxReplicas(const PlanContext& ctx, const std::vector<Workload>& ws, const PackedPool& p) {
  long long pods = 0;
  bool grows = false;
  for (std::size_t wi : p.workloads) {
    const Workload& w = ws[wi];
    grows = grows || (w.maxReplicas && *w.maxReplicas > w.replicas);
    pods += std::max(w.replicas, w.maxReplicas.value_or(0));
  }
  if (!grows || p.shape.podsPerNode < 1) return p.shape.nodes;
  long long nodes = (pods + p.shape.podsPerNode - 1) / p.shape.podsPerNode;
  if (p.mode == Mode::Mig && p.migGpu) {
    const Candidate& c = ctx.candidates[static_cast<std::size_t>(p.candidate)];
    std::vector<int> demand(p.migGpu->profiles.size(), 0);
    for (std::size_t wi : p.workloads) {
      const Workload& w = ws[wi];
      if (auto profile = migProfileFor(ctx, w, c)) demand[*profile] += std::max(w.replicas, w.maxReplicas.value_or(0));
    }
    nodes = std::max(nodes, migNodesFor(demand, migSupply(p), p.minNodeCap));
  }
  return static_cast<int>(std::max<long long>(nodes, p.shape.nodes));
}

}  // namespace gpuslice::detail
