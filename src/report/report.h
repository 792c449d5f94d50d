// The decision maker's report: one self-contained HTML page, and the SVG picture of the pools.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/catalog.h"
#include "model/plan.h"
#include "model/workload.h"

namespace gpuslice::report {

/// What planning the same workloads with one strategy gave.
struct StrategyOutcome {
  Strategy strategy = Strategy::Auto;
  std::optional<Plan> plan;  ///< none when the planner could not plan with it
  std::string why;           ///< without a plan: the planner's first error, in its words
};

/// Everything the report shows.
struct ReportData {
  const Plan& plan;  ///< the plan of the strategy asked for: its pools, chargeback and risks
  const WorkloadSet& set;
  const Catalog& catalog;
  std::vector<StrategyOutcome> strategies;  ///< dedicated, time-slicing, mps, mig, auto
  std::string generated;  ///< when the report was made ("" leaves it out: the bytes depend on the inputs only)
};

/// The report as one HTML5 document: inline CSS and SVG, no script, nothing fetched. Every
/// name from the input is escaped.
std::string reportHtml(const ReportData& data);

/// The pools alone as one SVG document: per pool its nodes and GPUs, each slot or MIG
/// instance drawn to scale, labelled with its workload and coloured by its risk.
std::string poolsSvg(const Plan& plan, const WorkloadSet& set, const Catalog& catalog);

}  // namespace gpuslice::report
