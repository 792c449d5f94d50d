// Re-checking a saved plan against the catalog before render trusts it: a hand-edited plan
// that breaks one of the planner's rules is refused, naming the field and its line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "io/decode.h"
#include "io/plan_reader.h"
#include "model/catalog.h"

namespace gpuslice::io {

/// Where one pool of the saved plan is, and the figures it states besides the Pool's.
struct PoolSource {
  const Node* node = nullptr;  ///< the pool's mapping in plan.pools
  std::string field;           ///< plan.pools[i]
  std::optional<std::int64_t> usableMemoryMiB;
};

/// Where one workload of the saved plan is, and its figures when the plan states them.
struct MemberSource {
  const Node* node = nullptr;                 ///< the workload's mapping in workloads
  std::string field;                          ///< workloads[i]
  std::optional<std::int64_t> peakMemoryMiB;  ///< peakGpuMemoryMiB
  std::optional<std::int64_t> computePpm;     ///< slot.computePerPod, in millionths
};

/// The planning settings a saved plan states (settings.gpuOverheadMiB and headroom), or
/// the defaults.
struct SavedSettings {
  std::int64_t gpuOverheadMiB = 512;
  double headroom = 0;
  std::optional<int> maxPodsPerNode;  ///< set when the plan was made with --max-pods
};

/// Checks `saved` (read by readPlan, `pools` and `members` parallel to its pools and
/// workloads) against `catalog` and against itself, adding one error per rule broken:
/// - each pool's GPU model is its instance type's, gpusPerNode the type's GPU count; a
///   fractional-GPU type is dedicated;
/// - time-slicing and MPS replicas within the device plugin's limits (48, the GPU's MPS
///   clients); dedicated replicas 1;
/// - MIG only on a type with MIG, migGpu that type's MIG GPU, every GPU's layout valid
///   (whyInvalid) and made of its profiles, one profile throughout for migStrategy single,
///   each workload's profile in the layout;
/// - usableMemoryMiB at most the catalog GPU's memory less the overhead
///   (InstanceType::usableMemoryMiB); where the workloads state their peak memory and compute,
///   replicas x the largest within that memory and within 1 - headroom, and a MIG pod's peak
///   within its instance's memory less the overhead;
/// - each workload's pool, mode, instanceType and gpuModel agree; no workload twice; every
///   pool has workloads, `pods` is their replicas, and its nodes have a slot for each pod;
/// - a workload of gpuCount N > 1 in a dedicated pool of at least N GPUs a node, whose nodes
///   hold gpusPerNode / (the largest gpuCount) pods each.
void checkSavedPlan(const Decoder& d, const SavedPlan& saved, const std::vector<PoolSource>& pools,
                    const std::vector<MemberSource>& members, const SavedSettings& settings, const Catalog& catalog,
                    ErrorList& errors);

}  // namespace gpuslice::io
