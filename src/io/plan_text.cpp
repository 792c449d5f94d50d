#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

#include "io/plan_report.h"
#include "model/chargeback.h"
#include "model/money.h"
#include "util/quantity.h"

namespace gpuslice::io {

std::string aligned(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> width;
  for (const auto& r : rows) {
    if (width.size() < r.size()) width.resize(r.size(), 0);
    for (std::size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
  }
  std::string out;
  for (const auto& r : rows) {
    std::string line;
    for (std::size_t i = 0; i < r.size(); ++i) {
      line += r[i];
      if (i + 1 < r.size()) line.append(width[i] - r[i].size() + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

std::string markdownTable(const std::vector<std::vector<std::string>>& rows) {
  std::string out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    std::string line = "|";
    for (const std::string& cell : rows[i]) {
      std::string escaped;
      for (char c : cell) escaped += c == '|' ? std::string("\\|") : std::string(1, c);
      line += " " + escaped + " |";
    }
    out += line + "\n";
    if (i == 0) {
      std::string sep = "|";
      for (std::size_t k = 0; k < rows[0].size(); ++k) sep += " --- |";
      out += sep + "\n";
    }
  }
  return out;
}

namespace {

using Row = std::vector<std::string>;

std::string money(Micros m) { return moneyText(m); }

std::string fleetText(const Fleet& f) {
  std::vector<std::string> parts;
  for (const auto& [type, count] : f.instances) parts.push_back(fmt::format("{} x {}", count, type));
  return parts.empty() ? "none" : fmt::format("{}", fmt::join(parts, ", "));
}

std::string percent(double x) { return fmt::format("{:.2f}%", x); }

/// `type`: the pool's instance type, when the catalog has it (a fractional type's slot is its
/// share of a GPU: "1/8 of an L4"); `gpuCount`: the whole GPUs each pod takes (gpu.count).
std::string slotText(const Pool& p, const Placement& pl, const InstanceType* type, int gpuCount) {
  switch (p.mode) {
    case Mode::Dedicated:
      if (gpuCount > 1) return fmt::format("{} whole GPUs", gpuCount);
      return type && type->fractional() ? type->fractionText() : "whole GPU";
    case Mode::TimeSlicing: return fmt::format("1/{} time-sliced", p.replicas);
    case Mode::Mps: return fmt::format("1/{} MPS", p.replicas);
    case Mode::Mig: return "MIG " + pl.profile;
  }
  return "";
}

/// A difference as the screen shows it: the printed `from` less the printed `to`, per hour and
/// per month, so that the figures on screen add up.
struct ShownDifference {
  Micros hourly = 0;
  Micros monthly = 0;
};

ShownDifference shownDifference(Micros from, Micros to) {
  return {shownCents(from) - shownCents(to), shownCents(from * kHoursPerMonth) - shownCents(to * kHoursPerMonth)};
}

struct Summary {
  ShownDifference saved;                    ///< printed baseline less printed plan
  std::optional<ShownDifference> sharing;   ///< printed baseline less the printed plan at today's capacity
  std::optional<ShownDifference> capacity;  ///< the printed plan at today's capacity less the printed plan
  double savedPercent = 0;                  ///< of the printed monthly figures
  double gapPercent = 0;
  long long pods = 0;
};

Summary summarize(const ReportInput& in) {
  Summary s;
  const Plan& p = in.plan;
  s.saved = shownDifference(p.baseline.hourly, p.fleet.hourly);
  if (p.fleetAtBaselineCapacity) {
    s.sharing = shownDifference(p.baseline.hourly, *p.fleetAtBaselineCapacity);
    s.capacity = shownDifference(*p.fleetAtBaselineCapacity, p.fleet.hourly);
  }
  const Micros baselineMonthly = shownCents(p.baseline.hourly * kHoursPerMonth);
  if (baselineMonthly > 0)
    s.savedPercent = 100.0 * static_cast<double>(s.saved.monthly) / static_cast<double>(baselineMonthly);
  if (p.lowerBound > 0)
    s.gapPercent = 100.0 * static_cast<double>(p.fleet.hourly - p.lowerBound) / static_cast<double>(p.lowerBound);
  for (const Workload& w : in.set.workloads) s.pods += w.replicas;
  return s;
}

/// The capacity types the baseline pays today: "on-demand", "spot" or "on-demand and spot".
std::string todaysCapacity(const WorkloadSet& set) {
  bool onDemand = false, spot = false;
  for (const Workload& w : set.workloads) {
    const bool isSpot = w.currentType && w.currentCapacity == Capacity::Spot;
    spot = spot || isSpot;
    onDemand = onDemand || !isSpot;
  }
  if (onDemand && spot) return "on-demand and spot";
  return spot ? "spot" : "on-demand";
}

/// Baseline, plan, savings (split into sharing and the capacity type when the plan changes
/// it), bound and the any-GPU-model estimate, under `header`.
std::vector<Row> summaryRows(const ReportInput& in, const Summary& s, Row header) {
  const Plan& p = in.plan;
  auto line = [](std::string label, std::string what, Micros hourly) {
    return Row{std::move(label), std::move(what), money(hourly), money(hourly * kHoursPerMonth)};
  };
  auto difference = [](std::string label, std::string what, ShownDifference d) {
    return Row{std::move(label), std::move(what), money(d.hourly), money(d.monthly)};
  };
  std::vector<Row> rows{
      std::move(header), line("baseline (whole GPU per pod)", fleetText(p.baseline), p.baseline.hourly),
      line("plan", fleetText(p.fleet), p.fleet.hourly), difference("savings", percent(s.savedPercent), s.saved)};
  if (s.sharing && s.capacity) {
    const std::string today = todaysCapacity(in.set);
    rows.push_back(difference("  from sharing", "at today's capacity (" + today + ")", *s.sharing));
    rows.push_back(
        difference("  from spot", fmt::format("{} today -> {}", today, capacityName(p.capacity)), *s.capacity));
  }
  rows.push_back(line("lower bound", fmt::format("gap {}", percent(s.gapPercent)), p.lowerBound));
  if (p.maxReplicasHourly) {
    int nodes = 0;
    for (const Pool& pool : p.pools) nodes += std::max(pool.nodes, pool.nodesAtMaxReplicas);
    rows.push_back(
        line("at maxReplicas (HPA)", fmt::format("{} node{}", nodes, nodes == 1 ? "" : "s"), *p.maxReplicasHourly));
  }
  if (p.anyModelHourly) {
    rows.push_back(line("any GPU model (estimate)",
                        fmt::format("saves {} more", money(shownCents(p.fleet.hourly) - shownCents(*p.anyModelHourly))),
                        *p.anyModelHourly));
  }
  return rows;
}

/// Where the nodes' max-pods come from (each pool's figure) and what the DaemonSets take.
std::string nodeCapacityLine(const ReportInput& in) {
  const DaemonSetRequests& d = in.options.daemonSets;
  std::string pods;
  if (in.options.maxPodsPerNode) {
    pods = fmt::format("= {} (--max-pods)", *in.options.maxPodsPerNode);
  } else {
    std::vector<std::string> perType;
    for (const Pool& p : in.plan.pools) {
      const InstanceType* t = in.catalog.findType(p.instanceType);
      const bool assumed = t && !t->eni;  // no ENI limits: the kubelet default
      const std::string figure = fmt::format("{} {}{}", p.instanceType, p.maxPodsPerNode, assumed ? " assumed" : "");
      if (std::find(perType.begin(), perType.end(), figure) == perType.end()) perType.push_back(figure);
    }
    pods = fmt::format("= the type's ENI limit ({})", fmt::join(perType, ", "));
  }
  return fmt::format(
      "node capacity: max pods per node {}, less {} DaemonSet pods; DaemonSets also take {} CPU and {} "
      "of memory per node",
      pods, d.pods, cpuQuantity(d.cpuMillis), memoryQuantity(d.memoryBytes));
}

/// The plan's notes, then each pool's, prefixed with the pool name.
std::vector<std::string> allNotes(const Plan& p) {
  std::vector<std::string> notes = p.notes;
  for (const Pool& pool : p.pools) {
    for (const std::string& n : pool.notes) notes.push_back(pool.name + ": " + n);
  }
  return notes;
}

std::vector<Row> poolRows(const Plan& p) {
  std::vector<Row> rows{
      {"POOL", "INSTANCE", "NODES", "MODE", "REPLICAS", "PODS", "PODS/NODE", "LIMIT", "COST/H", "GPU BUSY", "GPU MEM"}};
  for (const Pool& pool : p.pools) {
    rows.push_back({pool.name, pool.instanceType, std::to_string(pool.nodes), modeName(pool.mode),
                    pool.mode == Mode::Mig ? "-" : std::to_string(pool.replicas),  // MIG: instances, no replicas
                    std::to_string(pool.pods), std::to_string(pool.podsPerNode), limitedByName(pool.limitedBy),
                    money(pool.hourly), fmt::format("{:.0f}%", pool.computePerGpu * 100),
                    fmt::format("{:.0f}%", pool.memoryPerGpu * 100)});
  }
  return rows;
}

std::vector<Row> workloadRows(const ReportInput& in) {
  std::vector<Row> rows{
      {"NAMESPACE", "WORKLOAD", "PODS", "POOL", "SLOT", "GPU MEM", "OOM", "BUSY SLOWDOWN", "WORST STRETCH", "NOTE"}};
  for (std::size_t wi = 0; wi < in.set.workloads.size(); ++wi) {
    const Workload& w = in.set.workloads[wi];
    const Placement& pl = in.plan.placements[wi];
    const Pool& pool = in.plan.pools[pl.pool];
    rows.push_back({w.ns, w.name, std::to_string(w.replicas), pool.name,
                    slotText(pool, pl, in.catalog.findType(pool.instanceType), w.gpuCount),
                    fmt::format("{:.2f} GiB", static_cast<double>(pl.risk.memoryLimitMiB) / 1024.0),
                    oomName(pl.risk.oom), fmt::format("{:.1f}%", pl.risk.slowdownPercent),
                    fmt::format("{:.2f}x", pl.risk.worstStretch), pl.risk.estimate ? "estimate" : ""});
  }
  return rows;
}

/// Cost by namespace or team: each column in cents adding up to the summary's printed figure.
std::vector<Row> costRows(const ReportInput& in, CostGroup group) {
  std::vector<Row> rows{{group == CostGroup::Namespace ? "NAMESPACE" : "TEAM", "WORKLOADS", "PODS", "TODAY/H", "PLAN/H",
                         "TODAY/MONTH", "PLAN/MONTH"}};
  const std::vector<CostLine> lines = costBy(in.plan, in.set, group);
  const std::vector<CostCents> cents = costCents(lines, in.plan, kHoursPerMonth);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const CostCents& c = cents[i];
    rows.push_back({lines[i].name, std::to_string(lines[i].workloads), std::to_string(lines[i].pods),
                    money(c.baselineHourly * 10000), money(c.hourly * 10000), money(c.baselineMonthly * 10000),
                    money(c.monthly * 10000)});
  }
  return rows;
}

/// Whether some workload names a team: else the cost by team is the cost by namespace.
bool anyTeam(const WorkloadSet& set) {
  return std::any_of(set.workloads.begin(), set.workloads.end(), [](const Workload& w) { return !w.team.empty(); });
}

std::vector<Row> unplannedRows(const Plan& p) {
  std::vector<Row> rows{{"NAMESPACE", "WORKLOAD", "PODS", "WHY"}};
  for (const Unplanned& u : p.unplanned) {
    rows.push_back({u.workload.ns, u.workload.name, std::to_string(u.workload.replicas), u.why});
  }
  return rows;
}

}  // namespace

std::string planTable(const ReportInput& in) {
  const Plan& p = in.plan;
  const Summary s = summarize(in);
  std::string out = fmt::format("gpuslice plan: {} workloads, {} pods, strategy {}, {} prices for {} of {} ({})\n",
                                in.set.workloads.size(), s.pods, strategyName(p.strategy), capacityName(p.capacity),
                                in.catalog.region, in.catalog.date, in.catalog.source);
  out += nodeCapacityLine(in) + "\n\n";
  out += aligned(summaryRows(in, s, {"", "INSTANCES", "PER HOUR", "PER MONTH"}));
  out += "\n" + aligned(poolRows(p));
  out += "\n" + aligned(workloadRows(in));
  out += "\nCOST BY NAMESPACE\n" + aligned(costRows(in, CostGroup::Namespace));
  if (anyTeam(in.set)) out += "\nCOST BY TEAM\n" + aligned(costRows(in, CostGroup::Team));
  if (!p.unplanned.empty()) out += "\nUNPLANNED (fit nowhere)\n" + aligned(unplannedRows(p));
  const std::vector<std::string> notes = allNotes(p);
  if (!notes.empty()) {
    out += "\nNOTES\n";
    for (const std::string& n : notes) out += "- " + n + "\n";
  }
  return out;
}

std::string planMarkdown(const ReportInput& in) {
  const Plan& p = in.plan;
  const Summary s = summarize(in);
  const auto table = markdownTable;
  std::string out =
      fmt::format("# gpuslice plan\n\n{} workloads, {} pods, strategy `{}`, {} prices for {} of {} ({}).\n\n",
                  in.set.workloads.size(), s.pods, strategyName(p.strategy), capacityName(p.capacity),
                  in.catalog.region, in.catalog.date, in.catalog.source);
  out += nodeCapacityLine(in) + ".\n\n";
  out += table(summaryRows(in, s, {"", "instances", "per hour", "per month"}));
  out += "\n## Pools\n\n" + table(poolRows(p));
  out += "\n## Workloads\n\n" + table(workloadRows(in));
  out += "\n## Cost by namespace\n\n" + table(costRows(in, CostGroup::Namespace));
  if (anyTeam(in.set)) out += "\n## Cost by team\n\n" + table(costRows(in, CostGroup::Team));
  if (!p.unplanned.empty()) out += "\n## Unplanned (fit nowhere)\n\n" + table(unplannedRows(p));
  const std::vector<std::string> notes = allNotes(p);
  if (!notes.empty()) {
    out += "\n## Notes\n\n";
    for (const std::string& n : notes) out += "- " + n + "\n";
  }
  return out;
}

}  // namespace gpuslice::io
