// Classes: workloads admitted by exactly the same candidates. The packer packs each class on
// its own; the lower bound joins the classes that share a candidate.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "planner/context.h"

namespace gpuslice::detail {

struct WorkloadClass {
  std::vector<int> candidates;       ///< indices into PlanContext::candidates, ascending
  std::vector<std::size_t> members;  ///< indices into the workloads, ascending
};

/// A workload that fits none of its candidates in any mode it allows, and why.
struct Misfit {
  std::size_t workload = 0;  ///< index into the workloads
  std::string why;
};

/// The classes of `ws`, sorted by their candidate lists. Admission depends only on a
/// workload's model, architectures and instance-type patterns, so it is worked out once per
/// distinct combination. A workload that fits none of its candidates in any mode it allows is
/// in no class: it is added to `misfits` (in input order), saying why.
std::vector<WorkloadClass> formClasses(const PlanContext& ctx, const std::vector<Workload>& ws,
                                       std::vector<Misfit>& misfits);

/// One Infeasible error per misfit, at its workload: "<namespace>/<name> fits nowhere<qualifier>:
/// <why>" (`qualifier` such as " without MPS", or empty).
ErrorList misfitErrors(const std::vector<Workload>& ws, const std::vector<Misfit>& misfits,
                       const std::string& qualifier = "");

}  // namespace gpuslice::detail
