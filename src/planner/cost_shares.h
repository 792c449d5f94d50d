// Who pays for what: each pool's hourly cost split among its workloads, for the plan's cost by
// namespace and by team (chargeback).
//
// The rule, planned: a pool's cost is split in proportion to the GPU room its workloads' pods
// hold, counted in the pool's own slots: a dedicated pod holds its gpu.count whole GPUs, a
// time-sliced or MPS pod one of the pool's replicas-per-GPU slots (all alike in a pool), a MIG
// pod its instance's memory slices (the room its instance takes on the GPU, as a 3g.40gb takes
// 4 of an A100's 8). Room no pod holds (a last node not full) is paid for by the pods that
// hold the rest, in the same proportion. Baseline: today's nodes of one instance type and
// capacity are split in proportion to the nodes' worth of pods each workload holds there
// (replicas / pods per node). Both split whole micro-dollars per hour by largest remainder
// (util/apportion.h), so the shares of a pool add up to its cost exactly.
#pragma once

#include <cstdint>
#include <vector>

#include "model/catalog.h"
#include "model/plan.h"

namespace gpuslice::detail {

/// The GPU room the pods of `w` hold in `pool`, in the pool's slots (see above); `profile`:
/// the MIG profile of its pods in a MIG pool.
std::int64_t roomOf(const Catalog& catalog, const Workload& w, const Pool& pool, const std::string& profile);

/// Sets every placement's `hourly` (its share of its pool's cost); `ws` are the plan's
/// workloads, indexed like plan.placements.
void splitPoolCosts(const Catalog& catalog, const std::vector<Workload>& ws, Plan& plan);

}  // namespace gpuslice::detail
