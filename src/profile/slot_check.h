// `gpuslice profile --check PLAN.json`: measured workloads against their slots in a saved plan.
#pragma once

#include "model/error.h"
#include "model/plan.h"
#include "model/profile.h"
#include "model/workload.h"

namespace gpuslice {

/// Compares each workload of `measured` with its slot in `plan` (whose workloads `planned`
/// names, in placement order). Memory: the figure profile writes (the percentile plus the
/// margin, in MiB) against the slot's memory limit as the plan states it (placement
/// risk.memoryLimitMiB, from slot.memoryMiB: the MPS client's pinned limit, the MIG profile's
/// memory, the GPU's usable memory divided by the replicas for time-slicing, the GPU's usable
/// memory when dedicated). Compute: the busy figure profile writes against the slot's GPU
/// share (risk.computeShare, slot.gpuShare); on a MIG instance both are shares of the whole
/// GPU, so a profile too small shows as either. A measured workload the plan lacks is a
/// finding too. An error when the plan states no memory limit for a workload it places.
Result<SlotCheck> checkSlots(const Profile& measured, const Plan& plan, const WorkloadSet& planned,
                             const std::string& planFile);

}  // namespace gpuslice
