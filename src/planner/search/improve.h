// Improving a packing after the fact: a local search that moves workloads between pools.
#pragma once

#include <cstddef>
#include <vector>

#include "planner/packing.h"

namespace gpuslice::detail {

/// Lowers the score (scoreOf) of `pools` by a deterministic local search over the pools that
/// are not MIG pools: it moves workloads, all replicas at once, from one pool to another or to
/// a new pool, empties pools' partly used last nodes, takes out the members that hold a
/// pool's replicas or pods per node down, dissolves small pools, merges pools, and re-splits
/// two or three pools of one GPU model from scratch, re-choosing each changed pool's instance
/// type, mode and shape. Then, with PlanOptions::levelSearch, the level search re-chooses
/// each workload's instance type and mode per GPU model and re-cuts its pools (levels.cpp),
/// and the moves tidy what it made. A move is kept only if it lowers the score (a lower
/// isolation penalty alone may not add pools), or, for a re-split of two pools, keeps it and
/// gathers their free slots into one pool (the most free slots of one pool grow). Every
/// member stays safe at its pool's replicas and mode, and within its node cap. MIG pools are
/// left as they are, and no mode that effectiveModes leaves out is used. The work is bounded
/// by counts of steps (search.h), not by time, so the same input gives the same pools.
/// `workloads` are the planned workloads (PackedPool::workloads index them).
void improvePools(const PlanContext& ctx, const std::vector<Workload>& workloads, std::vector<PackedPool>& pools);

}  // namespace gpuslice::detail
