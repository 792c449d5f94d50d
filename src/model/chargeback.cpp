#include "model/chargeback.h"

#include <map>

#include "util/apportion.h"

namespace gpuslice {

std::vector<CostLine> costBy(const Plan& plan, const WorkloadSet& set, CostGroup group) {
  std::map<std::string, CostLine> lines;
  for (std::size_t wi = 0; wi < plan.placements.size() && wi < set.workloads.size(); ++wi) {
    const Workload& w = set.workloads[wi];
    const std::string& name = group == CostGroup::Namespace ? w.ns : w.teamName();
    CostLine& line = lines[name];
    line.name = name;
    line.workloads += 1;
    line.pods += w.replicas;
    line.baselineHourly += plan.placements[wi].baselineHourly;
    line.hourly += plan.placements[wi].hourly;
  }
  std::vector<CostLine> out;
  out.reserve(lines.size());
  for (auto& [name, line] : lines) out.push_back(std::move(line));
  return out;
}

std::vector<std::int64_t> centsAddingUp(const std::vector<Micros>& parts, Micros total) {
  const std::int64_t cents = (total + 5000) / 10000;  // total >= 0: half away from zero is half up
  return apportion(cents, parts);
}

std::vector<CostCents> costCents(const std::vector<CostLine>& lines, const Plan& plan, int hoursPerMonth) {
  std::vector<Micros> baseline, planned, baselineMonth, plannedMonth;
  for (const CostLine& l : lines) {
    baseline.push_back(l.baselineHourly);
    planned.push_back(l.hourly);
    baselineMonth.push_back(l.baselineHourly * hoursPerMonth);
    plannedMonth.push_back(l.hourly * hoursPerMonth);
  }
  const auto a = centsAddingUp(baseline, plan.baseline.hourly);
  const auto b = centsAddingUp(planned, plan.fleet.hourly);
  const auto c = centsAddingUp(baselineMonth, plan.baseline.hourly * hoursPerMonth);
  const auto d = centsAddingUp(plannedMonth, plan.fleet.hourly * hoursPerMonth);
  std::vector<CostCents> out(lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) out[i] = {a[i], b[i], c[i], d[i]};
  return out;
}

}  // namespace gpuslice
