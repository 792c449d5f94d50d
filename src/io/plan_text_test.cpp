// The plan table's summary: printed figures add up.
#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "io/plan_report.h"

using namespace gpuslice;

namespace {

/// The summary lines of the table of a plan with no pools: baseline `baseline`, plan `fleet`.
std::string summaryOf(Micros baseline, Micros fleet, std::optional<Micros> atToday = std::nullopt,
                      Capacity planned = Capacity::OnDemand) {
  Plan p;
  p.capacity = planned;
  p.baseline.hourly = baseline;
  p.baseline.instances = {{"g4dn.2xlarge", 3}};
  p.fleet.hourly = fleet;
  p.fleet.instances = {{"g4dn.4xlarge", 1}};
  p.lowerBound = fleet;
  p.fleetAtBaselineCapacity = atToday;
  WorkloadSet set;
  Catalog catalog;
  PlanOptions options;
  const std::string table = io::planTable({p, set, catalog, options});
  const auto from = table.find("baseline (");
  return table.substr(from, table.find("lower bound") - from);
}

}  // namespace

TEST_CASE("plan table: the printed saving is the printed baseline less the printed plan") {
  // 3 x g4dn.2xlarge = $2.256/h prints $2.26; 1 x g4dn.4xlarge = $1.204/h prints $1.20. The
  // exact saving, $1.052, would print $1.05; on screen it is 2.26 - 1.20 = $1.06. Per month:
  // 1646.88 - 878.92 = $767.96 (exact too); 767.96 / 1646.88 = 46.63%.
  CHECK(summaryOf(2256000, 1204000) ==
        "baseline (whole GPU per pod)  3 x g4dn.2xlarge  $2.26     $1,646.88\n"
        "plan                          1 x g4dn.4xlarge  $1.20     $878.92\n"
        "savings                       46.63%            $1.06     $767.96\n");
}

TEST_CASE("plan table: sharing and spot rows add up to the printed saving") {
  // Today $2.256/h on-demand ($2.26), planned on spot at $0.457 ($0.46); the plan's nodes at
  // today's capacity $1.204 ($1.20). Sharing 2.26 - 1.20 = $1.06, spot 1.20 - 0.46 = $0.74,
  // together 2.26 - 0.46 = $1.80 (the exact 1.799 would print $1.80 too; the parts, exactly
  // 1.052 and 0.747, would print $1.05 and $0.75). Per month: 1646.88 - 878.92 = 767.96,
  // 878.92 - 333.61 = 545.31 (0.457 x 730 = 333.61), 1646.88 - 333.61 = 1313.27: 79.74%.
  CHECK(summaryOf(2256000, 457000, 1204000, Capacity::Spot) ==
        "baseline (whole GPU per pod)  3 x g4dn.2xlarge                 $2.26     $1,646.88\n"
        "plan                          1 x g4dn.4xlarge                 $0.46     $333.61\n"
        "savings                       79.74%                           $1.80     $1,313.27\n"
        "  from sharing                at today's capacity (on-demand)  $1.06     $767.96\n"
        "  from spot                   on-demand today -> spot          $0.74     $545.31\n");
}
