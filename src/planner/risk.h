// What a pod risks in its slot: slowdown when its GPU is busy, out-of-memory exposure.
#pragma once

#include <optional>

#include "model/plan.h"

namespace gpuslice::detail {

/// Risk of one pod of `w` placed in `pool` with compute `placement.computePpm`.
///  - dedicated: no slowdown, memory isolated;
///  - time-slicing: with all r replicas busy a pod gets 1/r of the GPU's time, so it slows
///    by max(1, c*r) * (1 + context-switch overhead) - 1; memory is not enforced;
///  - MPS: each client is limited to NVML's total / r of memory and 100 / r percent of the
///    threads (the device plugin's limits), slowdown max(0, c*r - 1);
///  - MIG: the pod's instance (`profile`, an index into `gpu`'s profiles, on a GPU of
///    `gpuMemoryMiB`, NVML's total) is its own: memory isolated, compute share its SMs over the
///    GPU's (computeFraction), slowdown max(0, c / share - 1).
Risk assessRisk(const Workload& w, const Pool& pool, const Placement& placement, const PlanOptions& options,
                const MigGpu* gpu = nullptr, std::optional<std::size_t> profile = std::nullopt,
                std::int64_t gpuMemoryMiB = 0);

/// What sharing in `pool` means for every pod in it (memory enforcement, slowdown; for MIG,
/// `gpu`'s assumed placements).
std::vector<std::string> poolNotes(const Pool& pool, const PlanOptions& options, const MigGpu* gpu = nullptr);

}  // namespace gpuslice::detail
