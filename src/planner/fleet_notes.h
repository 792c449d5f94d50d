// Notes on the instance types a plan stands on: which are retired, where each node's max-pods
// figure comes from, the DaemonSets assumed, and workloads moved off GPU models that only
// retired types offer.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "planner/context.h"

namespace gpuslice::detail {

/// Notes on the types of `plan`'s pools and baseline (both described): workloads planned on
/// other GPU models because theirs is offered only on retired types; retired types in the
/// baseline or (with --allow-retired) in pools; max-pods from --max-pods, from the built-in
/// table or assumed; a status nobody stated; the DaemonSets when they are the assumed default.
std::vector<std::string> fleetNotes(const PlanContext& ctx, const std::vector<Workload>& ws, const Plan& plan);

/// When `plan` costs more than its baseline: by how much, the retired baseline types and what
/// their GPU models cost today, and the other-GPU-model estimate when it is cheaper.
std::optional<std::string> costlierNote(const PlanContext& ctx, const Plan& plan);

}  // namespace gpuslice::detail
