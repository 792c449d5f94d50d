// Reading a saved plan (`gpuslice plan --format json`, or yaml) back for `render --plan`.
#pragma once

#include <string>
#include <string_view>

#include "io/decode.h"
#include "model/catalog.h"
#include "model/plan.h"
#include "model/workload.h"

namespace gpuslice::io {

/// What render needs of a saved plan: its pools and placements, and each workload's name and
/// namespace (the WorkloadSet holds only those).
struct SavedPlan {
  Plan plan;
  WorkloadSet set;
};

/// Reads the fields render uses (other fields are ignored, so plans from newer versions still
/// read): plan.capacity; plan.pools[] name, instanceType, gpuModel, mode, replicas, nodes,
/// gpusPerNode, pods and, for MIG pools, migGpu, migStrategy and geometry; workloads[] name,
/// namespace, replicas, pool and, in MIG pools, profile; slot.memoryMiB and slot.gpuShare
/// (where given, for profile --check) as each placement's risk.memoryLimitMiB and
/// risk.computeShare. Then re-checks the plan against
/// `catalog` with the figures it states (pools' usableMemoryMiB, workloads' peakGpuMemoryMiB,
/// slot.computePerPod, mode and instanceType, settings.gpuOverheadMiB and headroom), as
/// checkSavedPlan (plan_check.h) lists. Errors name file, line and field: the first that
/// stops reading, or every rule the plan breaks.
Result<SavedPlan> readPlan(std::string_view text, const std::string& file, const Catalog& catalog);

/// The document's apiVersion and kind are a plan's (gpuslice.dev/v1alpha1, Plan).
std::optional<Error> checkPlanKind(const Decoder& d, const Node& root);

}  // namespace gpuslice::io
