// `gpuslice profile --check PLAN.json`: what profile measured against a saved plan's slots.
#pragma once

#include <string>

#include "model/catalog.h"
#include "model/profile.h"

namespace gpuslice::cli {

/// The exit code when some measured workload is outside its slot or not in the plan.
constexpr int kExitOutsideSlots = 4;

/// Reads the saved plan at `planPath`, prints the comparison on stdout (`format` table or
/// json) and returns 0 when every measured workload fits its slot, kExitOutsideSlots when
/// not, or an error's exit code.
int checkAgainstPlan(const Profile& measured, const std::string& planPath, const std::string& format,
                     const Catalog& catalog);

}  // namespace gpuslice::cli
