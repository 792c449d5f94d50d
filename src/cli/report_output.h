// The report's pages, shared by `gpuslice report` and plan --format html and svg.
#pragma once

#include <string>

#include "cli/plan_inputs.h"

namespace gpuslice::cli {

/// The report of `planned` as `format` html (the whole page, planning the same inputs once
/// more per other strategy) or svg (the pools' picture alone). The page says when it was made
/// only when SOURCE_DATE_EPOCH is set (whole seconds since 1970, UTC), so that the same inputs
/// give the same bytes. Error: SOURCE_DATE_EPOCH is not a whole number of seconds.
Result<std::string> reportText(const PlannedInputs& planned, const std::string& format);

}  // namespace gpuslice::cli
