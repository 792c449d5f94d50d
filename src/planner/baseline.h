// Today's fleet: what the workloads cost with one whole GPU per pod, the figure a plan saves against.
#pragma once

#include <string>
#include <vector>

#include "planner/context.h"

namespace gpuslice::detail {

/// The baseline fleet and what the user should know about how it was priced.
struct Baseline {
  Fleet fleet;
  /// One per workload whose current.instanceType has no price at its current.capacity, or
  /// cannot hold one of its pods (GPUs, CPU, memory or max-pods): the workload and why, and
  /// where it is priced instead.
  std::vector<std::string> notes;
  /// Each workload's share of the fleet's hourly cost (planner/cost_shares.h), indexed like
  /// the workloads; 0 for one left out of the baseline.
  std::vector<Micros> byWorkload;
};

/// One whole GPU per pod (gpu.count of them): on the workload's current type when given, else on
/// the cheapest type that holds a pod on whole GPUs. A current type whose node cannot hold one pod (a
/// baseline that cannot exist) is replaced by the cheapest type of the same GPU model that
/// holds it, with a note; when none does, the current type is kept, one pod a node, with a
/// note. A current type with no price at the workload's current.capacity in the table (or not
/// in the table: catalog.absentTypes) is replaced the same way, with a note naming the
/// workload, the type, the region and what the baseline used instead; when no type holds it,
/// the workload is left out of the baseline, with a note. Workloads that fit nowhere are left
/// out (the planner reports them).
Result<Baseline> baselineFleet(const PlanContext& ctx, const std::vector<Workload>& ws);

/// The plan's pools priced at the capacity the baseline pays for their pods: each pool's nodes
/// at its workloads' current.capacity prices (on-demand without a current type), weighted by
/// their pods, rounded to whole micro-dollars per pool. nullopt when a pool's type has no
/// price at one of those capacities. What the plan would cost without the move to spot (or
/// back to on-demand): the baseline less this is the saving from sharing alone.
std::optional<Micros> fleetAtBaselineCapacity(const Catalog& catalog, const std::vector<Workload>& ws,
                                              const Plan& plan);

/// Whether the baseline pays some workload's nodes at a capacity other than `planned`.
bool baselineCapacityDiffers(const std::vector<Workload>& ws, Capacity planned);

}  // namespace gpuslice::detail
