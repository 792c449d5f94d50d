// The planner: from workloads and a catalog to pools, instance counts, cost and risk.
#pragma once

#include "model/catalog.h"
#include "model/error.h"
#include "model/plan.h"
#include "model/workload.h"

namespace gpuslice {

/// Plans `set` against `catalog`. Errors: BadInput (a workload refers to something the
/// catalog lacks or contradicts it), Usage (an option the catalog cannot satisfy),
/// Infeasible (a workload fits no candidate).
Result<Plan> makePlan(const WorkloadSet& set, const Catalog& catalog, const PlanOptions& options);

}  // namespace gpuslice
