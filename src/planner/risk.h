// What a pod risks in its slot: slowdown when its GPU is busy, out-of-memory exposure.
#pragma once

#include <optional>

#include "model/plan.h"

namespace gpuslice::detail {

/// Risk of one pod of `w` placed in `pool` with compute `placement.computePpm` (c, its p95 busy
/// share of one GPU of the pool's model), as two figures: throughput saturation
/// (slowdownPercent: how much longer its work takes when every pod of its GPU is busy at its
/// p95 share at once) and worst-case latency stretch (worstStretch: the most one request may
/// take, as a multiple of its time on a whole GPU of its own).
///  - dedicated: no slowdown, stretch 1, memory isolated;
///  - time-slicing: with all r replicas busy a pod gets 1/r of the GPU's time, so it slows
///    by max(1, c*r) * (1 + context-switch overhead) - 1; a request that comes while the r - 1
///    others are busy waits their turns: stretch r * (1 + overhead); memory is not enforced;
///  - MPS: each client is limited to NVML's total / r of memory and 100 / r percent of the
///    threads (the device plugin's limits; `share`, rounded down), slowdown
///    max(0, c / share - 1): above its thread cap a pod is throughput-bound even when its
///    neighbours are idle (a note says so); stretch 1 / share, as a kernel that would fill
///    the GPU gets at most `share` of its SMs;
///  - MIG: the pod's instance (`profile`, an index into `gpu`'s profiles, on a GPU of
///    `gpuMemoryMiB`, NVML's total) is its own: memory isolated, compute share its SMs over the
///    GPU's (computeFraction), slowdown max(0, c / share - 1), stretch max(1, c / share).
/// A workload of 2 or more pods that can all land on one node of `pool` gets a note.
Risk assessRisk(const Workload& w, const Pool& pool, const Placement& placement, const PlanOptions& options,
                const MigGpu* gpu = nullptr, std::optional<std::size_t> profile = std::nullopt,
                std::int64_t gpuMemoryMiB = 0);

/// What sharing in `pool` means for every pod in it (memory enforcement, slowdown, MPS's shared
/// fault domain, a GPU busier than kSaturatedBusyShare; for MIG, `gpu`'s assumed placements).
std::vector<std::string> poolNotes(const Pool& pool, const PlanOptions& options, const MigGpu* gpu = nullptr);

/// Above this summed p95 busy share per GPU, requests of a time-sliced or MPS pool queue for the
/// GPU and their latency grows sharply (a queue's wait grows as 1 / (1 - busy)).
inline constexpr double kSaturatedBusyShare = 0.85;

/// Notes on who shares `pool` (its workloads index `ws`): the namespaces whose pods share GPUs
/// under time-slicing or MPS, when there are several; the workloads of 2 or more pods that may
/// all land on one of its nodes (not those spread by minNodes or `options`' --min-nodes).
std::vector<std::string> tenancyNotes(const Pool& pool, const std::vector<Workload>& ws, const PlanOptions& options);

}  // namespace gpuslice::detail
