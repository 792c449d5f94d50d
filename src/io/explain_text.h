// Printing plan --explain's answer.
#pragma once

#include <string>

#include "model/explain.h"

namespace gpuslice::io {

/// The explanation as text for a terminal: the facts, the slots the workload fits (cheapest
/// per pod first, at most 12) and what each cheaper slot would need.
std::string explanationText(const Explanation& e);

}  // namespace gpuslice::io
