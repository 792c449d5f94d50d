// How risky a workload's slot is, in three levels the report colours, and its risks in words.
#pragma once

#include <string>
#include <vector>

#include "model/plan.h"

namespace gpuslice::report {

/// low: no slowdown, a latency stretch of at most 1.5 and memory its own or enforced;
/// high: a slowdown of 25% or more when its GPU is busy, or a stretch of 4 or more;
/// medium: anything between.
enum class RiskLevel { Low, Medium, High };

RiskLevel riskLevel(const Risk& r);

/// "low", "medium" or "high": the data-risk value and CSS class of a slot.
const char* riskLevelName(RiskLevel l);

/// The plan's risks in plain words, as HTML list items' contents (names escaped): latency
/// stretch and saturation per workload, workloads whose pods may all sit on one node, pools
/// of one node, MPS's shared fault domain and time-slicing's unenforced memory.
std::vector<std::string> riskSentences(const Plan& plan, const WorkloadSet& set);

}  // namespace gpuslice::report
