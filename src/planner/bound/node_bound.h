// A lower bound on the cost of one component (workloads that share candidate types) that
// knows nodes are whole: a feasible dual of the linear relaxation of "choose nodes, each one
// instance type in one mode, holding pods that are safe on it", from per-pod prices in
// closed form raised by coordinate ascent, then certified against every node.
#pragma once

#include <cstddef>
#include <vector>

#include "planner/fit.h"

namespace gpuslice::detail {

/// Where nodeLpBound works: components of at most kNodeLpMaxMembers workloads and
/// kNodeLpMaxKinds distinct pod kinds (pods that fit every candidate alike); it raises the
/// closed-form prices by coordinate ascent only up to kNodeLpAscentKinds kinds. Large fleets
/// have many pods per kind, where the per-pod bound is close already, and the work grows
/// with the square of the kinds.
constexpr std::size_t kNodeLpMaxMembers = 5000;
constexpr std::size_t kNodeLpMaxKinds = 2000;
constexpr std::size_t kNodeLpAscentKinds = 120;

/// The hourly cost (micros) that every plan of the workloads `members` (indices into
/// `workloads`) on the candidates `candidates` (indices into ctx.candidates, every one a
/// member admits) must at least pay, or 0 when the bound is not worked out (too many members
/// or kinds, or a kind that no node holds).
///
/// Every node of a plan is a "pattern": one candidate, one mode, and the pods on it, each
/// safe there (time-slicing or MPS replicas at least the node's, dedicated fit, or a MIG
/// profile), no more than the node holds (GPUs x replicas, every pod's node cap; for MIG,
/// the profiles' bound weights within the GPUs) and no more pods of a kind than exist.
/// The covering LP over all such patterns has as its dual per-pod prices y with
/// y . pattern <= pattern cost for every pattern, of value sum of pods x y; every feasible y
/// bounds every plan. The prices start in closed form (each pod at the least, over the nodes
/// it may sit on, of the node's price over the pods it can hold) and are raised by
/// coordinate ascent. Any y >= 0 scaled down by its largest ratio y . pattern / cost is
/// feasible, and that ratio is computed exactly (for MIG an over-estimate), so the result is
/// a valid bound whatever the floating point did. It beats the per-pod bound where pods of a
/// kind are too few to fill a node of their cheapest slot; the caller keeps the larger of the
/// two.
double nodeLpBound(const PlanContext& ctx, const std::vector<Workload>& workloads,
                   const std::vector<std::size_t>& members, const std::vector<int>& candidates);

}  // namespace gpuslice::detail
