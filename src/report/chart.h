// The bar chart of monthly cost: today against the plan of each strategy.
#pragma once

#include <string>

#include "report/report.h"

namespace gpuslice::report {

/// An inline SVG (no xmlns: HTML5 needs none) of horizontal bars, one for today's monthly cost
/// and one per strategy's plan (class "bar", data-strategy, data-monthly in dollars and cents),
/// all to one scale.
std::string costChart(const ReportData& data);

}  // namespace gpuslice::report
