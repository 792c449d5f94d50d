// Today's fleet: what the workloads cost with one whole GPU per pod, the figure a plan saves against.
#pragma once

#include <vector>

#include "planner/context.h"

namespace gpuslice::detail {

/// One whole GPU per pod: on the workload's current type when given, else on the cheapest
/// type that holds a pod on a whole GPU. Workloads that fit nowhere are left out (the planner
/// reports them). Error: BadInput when a current type has no price at the plan's capacity.
Result<Fleet> baselineFleet(const PlanContext& ctx, const std::vector<Workload>& ws);

}  // namespace gpuslice::detail
