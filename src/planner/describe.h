// From packed pools to the plan's pools: names, shapes, MIG layouts, figures, notes and each
// workload's placement and risk.
#pragma once

#include <vector>

#include "planner/packing.h"

namespace gpuslice::detail {

/// Turns packed pools into named, described pools (sorted by name) and per-workload
/// placements, and adds them up into plan.fleet.
void describePools(const PlanContext& ctx, const std::vector<Workload>& ws, std::vector<PackedPool>& packed,
                   Plan& plan);

}  // namespace gpuslice::detail
