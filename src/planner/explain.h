// plan --explain NAME: why a workload went where the plan put it, and what a cheaper slot
// would have asked of it.
#pragma once

#include <string>

#include "model/error.h"
#include "model/explain.h"
#include "planner/context.h"

namespace gpuslice::detail {

/// The explanation of `w`, one of ctx's workloads, placed as `placed` in `plan`.
Explanation explainWorkload(const PlanContext& ctx, const Workload& w, const Plan& plan, const Placement& placed);

}  // namespace gpuslice::detail
