// The plan's lower bound: no plan of these workloads costs less per hour.
#pragma once

#include <vector>

#include "planner/classes.h"
#include "planner/packing.h"

namespace gpuslice::detail {

/// The lower bound in micro-dollars per hour, given each class's packing (indexed like
/// `classes`). Classes that share a candidate form a component; nodes of different components
/// are different nodes. Each component costs at least the largest of: its pods' cheapest
/// standalone slots (the packings' per-pod bound), one node that fits its most demanding pod,
/// and the node LP (node_bound.h); and whatever it costs is a sum of whole nodes' prices.
double lowerBound(const PlanContext& ctx, const std::vector<Workload>& ws, const std::vector<WorkloadClass>& classes,
                  const std::vector<Packing>& packings);

}  // namespace gpuslice::detail
