// plan --format csv: the plan's cost by namespace and by team, for spreadsheets.
#include <fmt/format.h>

#include <string>

#include "io/plan_report.h"
#include "model/chargeback.h"

namespace gpuslice::io {

namespace {

/// A CSV field: quoted, its quotes doubled, when it holds a comma, a quote or a line break.
std::string csvField(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string dollarsOfCents(std::int64_t cents) { return fmt::format("{}.{:02d}", cents / 100, cents % 100); }

}  // namespace

std::string planCsv(const ReportInput& in) {
  std::string out = "group,name,workloads,pods,today_hourly,plan_hourly,today_monthly,plan_monthly\n";
  for (const auto& [label, group] :
       {std::pair{"namespace", CostGroup::Namespace}, std::pair{"team", CostGroup::Team}}) {
    const std::vector<CostLine> lines = costBy(in.plan, in.set, group);
    const std::vector<CostCents> cents = costCents(lines, in.plan, kHoursPerMonth);
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const CostCents& c = cents[i];
      out += fmt::format("{},{},{},{},{},{},{},{}\n", label, csvField(lines[i].name), lines[i].workloads, lines[i].pods,
                         dollarsOfCents(c.baselineHourly), dollarsOfCents(c.hourly), dollarsOfCents(c.baselineMonthly),
                         dollarsOfCents(c.monthly));
    }
  }
  return out;
}

}  // namespace gpuslice::io
