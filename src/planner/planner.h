// The planner: from workloads and a catalog to pools, instance counts, cost and risk.
#pragma once

#include "model/catalog.h"
#include "model/error.h"
#include "model/explain.h"
#include "model/plan.h"
#include "model/workload.h"

namespace gpuslice {

/// Plans `set` against `catalog`. Errors: BadInput (a workload refers to something the
/// catalog lacks or contradicts it), Usage (an option the catalog cannot satisfy),
/// Infeasible (a workload fits no candidate).
/// Every error found is reported: one per workload the catalog lacks or contradicts, else
/// one per workload that fits nowhere (BadInput errors come first: until they are fixed,
/// workloads are not checked for fit). Workloads the set scaled to zero get a note.
Result<Plan> makePlan(const WorkloadSet& set, const Catalog& catalog, const PlanOptions& options);

/// --partial: plans what fits. The workloads of `set` that fit nowhere are moved out of it
/// into Plan::unplanned (in set order, with why), so that `set` is what the plan covers.
/// Where workloads could take MPS and others MIG and some fit only with one of them, those
/// that fit nowhere without MPS, or those without MIG, whichever are fewer, are left out.
/// Errors: as makePlan's, except Infeasible.
Result<Plan> makePartialPlan(WorkloadSet& set, const Catalog& catalog, const PlanOptions& options);

/// plan --explain: why the workload `name` went where `plan` (made from these inputs) put it
/// (planner/explain.h).
Result<Explanation> explainPlacement(const WorkloadSet& set, const Catalog& catalog, const PlanOptions& options,
                                     const Plan& plan, const std::string& name);

/// The Infeasible error that makePlan reports for a workload makePartialPlan left out.
Error unplannedError(const Unplanned& u);

}  // namespace gpuslice
