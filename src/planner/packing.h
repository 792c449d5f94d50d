// Grouping workloads into pools: each pool one instance type and one sharing config.
#pragma once

#include <cstddef>
#include <vector>

#include "planner/fit.h"

namespace gpuslice::detail {

/// A pool before naming: the candidate, mode, shape and members, plus the member
/// minima that decide whether it can be merged with another pool.
struct PackedPool {
  int candidate = 0;  ///< index into PlanContext::candidates
  Mode mode = Mode::Dedicated;
  PoolShape shape;
  long long pods = 0;
  int minTimeSlicing = 0;
  int minMps = 0;
  int minNodeCap = 0;
  /// Every mode all members allow, and their safe replicas in it, before each pod was put
  /// in one family: what lets a time-slicing and an MPS pool merge.
  ModeMask modesAll = 0;
  int minTimeSlicingAll = 0;
  int minMpsAll = 0;
  std::vector<std::size_t> workloads;
  // MIG pools (mode Mig) only: the MIG GPU and each GPU's geometry, the same on every node.
  const MigGpu* migGpu = nullptr;
  std::vector<MigGeometry> migLayout;
  /// Nodes before spreadPools raised them for a member's minNodes; 0 when it did not.
  int nodesBeforeSpread = 0;
};

/// Result of packing one class of workloads (all admitted by the same candidates).
struct Packing {
  std::vector<PackedPool> pools;
  double lowerBoundMicros = 0;      ///< sum over pods of the cheapest standalone slot
  Micros cheapestNodeForAll = 0;    ///< every plan buys a node at least this dear: the largest,
                                    ///< over members, of the cheapest candidate that fits it
  std::vector<double> perPod;       ///< per member: its cheapest standalone cost per pod (inf if none)
  std::vector<Micros> cheapestFit;  ///< per member: the cheapest candidate that fits it (0 if none)
};

/// Packs `members` (indices into `workloads`), all of which admit exactly the candidates
/// `classCandidates`, minimising hourly cost, then node count, then isolation penalty.
/// Every member must fit at least one candidate in one of its modes (checked before).
Packing packClass(const PlanContext& ctx, const std::vector<Workload>& workloads,
                  const std::vector<std::size_t>& members, const std::vector<int>& classCandidates);

/// Merges pools of the same candidate and mode where one pool costs no more than two.
void mergePools(const PlanContext& ctx, std::vector<PackedPool>& pools);

/// The cost of a pool, per hour.
inline Micros poolCost(const PlanContext& ctx, const PackedPool& p) {
  return ctx.candidates[static_cast<std::size_t>(p.candidate)].price * p.shape.nodes;
}

/// How pools, or sets of them, compare, least first: hourly cost, then nodes, then the
/// isolation penalty per pod (dedicated and MIG before MPS before time-slicing). Scores add up
/// over pools, so a change is scored by its difference.
struct PackingScore {
  Micros cost = 0;
  long long nodes = 0;
  long long penalty = 0;

  friend auto operator<=>(const PackingScore&, const PackingScore&) = default;
  PackingScore operator+(const PackingScore& o) const { return {cost + o.cost, nodes + o.nodes, penalty + o.penalty}; }
  PackingScore operator-(const PackingScore& o) const { return {cost - o.cost, nodes - o.nodes, penalty - o.penalty}; }
};

inline PackingScore scoreOf(const PlanContext& ctx, const std::vector<PackedPool>& pools) {
  PackingScore s;
  for (const PackedPool& p : pools) {
    s.cost += poolCost(ctx, p);
    s.nodes += p.shape.nodes;
    s.penalty += static_cast<long long>(isolationPenalty(p.mode)) * p.pods;
  }
  return s;
}

}  // namespace gpuslice::detail
