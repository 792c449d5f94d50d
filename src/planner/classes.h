// Classes: workloads admitted by exactly the same candidates. The packer packs each class on
// its own; the lower bound joins the classes that share a candidate.
#pragma once

#include <cstddef>
#include <vector>

#include "planner/context.h"

namespace gpuslice::detail {

struct WorkloadClass {
  std::vector<int> candidates;       ///< indices into PlanContext::candidates, ascending
  std::vector<std::size_t> members;  ///< indices into the workloads, ascending
};

/// The classes of `ws`, sorted by their candidate lists. Admission depends only on a
/// workload's model, architectures and instance-type patterns, so it is worked out once per
/// distinct combination. Error: Infeasible for the first workload, in input order, that fits
/// none of its candidates in any mode it allows (saying why).
Result<std::vector<WorkloadClass>> formClasses(const PlanContext& ctx, const std::vector<Workload>& ws);

}  // namespace gpuslice::detail
