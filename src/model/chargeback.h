// Cost by namespace and by team (chargeback): the plan's per-workload cost shares added up.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/plan.h"

namespace gpuslice {

/// What the workloads are grouped by: their namespace, or their team (Workload::teamName:
/// the workload's `team`, else its namespace).
enum class CostGroup { Namespace, Team };

/// One namespace's or team's cost, per hour in micro-dollars: today (the baseline) and planned.
struct CostLine {
  std::string name;
  int workloads = 0;
  std::int64_t pods = 0;
  Micros baselineHourly = 0;  ///< its workloads' Placement::baselineHourly added up
  Micros hourly = 0;          ///< its workloads' Placement::hourly added up
};

/// The plan's cost by `group`, one line per namespace or team, sorted by name. The lines add
/// up to the baseline's and the plan's hourly cost exactly (planner/cost_shares.h).
std::vector<CostLine> costBy(const Plan& plan, const WorkloadSet& set, CostGroup group);

/// `parts` (micro-dollars, each >= 0) in whole cents that add up to `total` rounded to the
/// cent (half away from zero, as the plan's figures are printed): largest remainder
/// (util/apportion.h), so a table of them adds up to its printed total.
std::vector<std::int64_t> centsAddingUp(const std::vector<Micros>& parts, Micros total);

/// A line's four figures in whole cents, as tables print them.
struct CostCents {
  std::int64_t baselineHourly = 0;
  std::int64_t hourly = 0;
  std::int64_t baselineMonthly = 0;  ///< hours a month times the hourly micro-dollars, in cents
  std::int64_t monthly = 0;
};

/// `lines`' figures in whole cents, each column by centsAddingUp, so that a column adds up to
/// the plan's printed baseline or plan cost (per hour, and per month of `hoursPerMonth`).
std::vector<CostCents> costCents(const std::vector<CostLine>& lines, const Plan& plan, int hoursPerMonth);

}  // namespace gpuslice
