// Explanations the planner owes the user: why a workload fits nowhere, and the
// assumptions behind a plan.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "planner/fit.h"

namespace gpuslice::detail {

/// Why `w` fits none of the `admitted` candidates (indices into ctx.candidates) in any
/// mode it allows, or nothing when it fits somewhere.
std::optional<std::string> whyInfeasible(const PlanContext& ctx, const Workload& w, const std::vector<int>& admitted);

/// The note for the workloads `set` scaled to zero, when there are any.
std::optional<std::string> scaledToZeroNote(const WorkloadSet& set);

/// Caveats for the whole plan: unpriced types skipped, estimates used, MIG not planned.
std::vector<std::string> planNotes(const PlanContext& ctx, const std::vector<Workload>& ws, const Plan& plan);

}  // namespace gpuslice::detail
