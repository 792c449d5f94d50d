// Printing what `gpuslice profile --check PLAN.json` found: a table for people, JSON for jobs.
#pragma once

#include <string>

#include "model/profile.h"

namespace gpuslice::io {

/// One line per figure outside its slot (workload, figure, measured, limit, slot, pool, what
/// was measured) and per workload not in the plan, then one summary line.
std::string slotCheckTable(const SlotCheck& c, const std::string& planFile);

/// {"outside": [{workload, problem, measured, limit, slot, pool, figure}], "within": N,
/// "notMeasured": [...]}; memory in MiB, compute as a share of one GPU.
std::string slotCheckJson(const SlotCheck& c);

}  // namespace gpuslice::io
