// The report page: summary, strategies side by side, the cost chart, chargeback, the pools'
// pictures, the risks in plain words and the plan's notes.
#include <fmt/format.h>

#include <algorithm>

#include "model/chargeback.h"
#include "model/money.h"
#include "report/chart.h"
#include "report/markup.h"
#include "report/pools_svg.h"
#include "report/report.h"
#include "report/risk_level.h"

namespace gpuslice::report {

namespace {

constexpr const char* kStyle =
    R"(body{font-family:sans-serif;margin:24px auto;max-width:1100px;color:#222;line-height:1.4}
h1{font-size:24px;margin-bottom:4px}h2{font-size:19px;margin-top:32px;border-bottom:1px solid #ccc}
h3{font-size:15px;margin-bottom:4px}p.lead{font-size:16px}
table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #ccc;padding:4px 10px;text-align:right}
th{background:#f0f0f0}td:first-child,th:first-child{text-align:left}tr.chosen td{font-weight:bold;background:#eef4fb}
td.risk{text-align:left}
.risk-low{color:#1e7b34}.risk-medium{color:#9a6700}.risk-high{color:#b3261e}
.legend span{display:inline-block;padding:1px 8px;margin-right:8px;border:1px solid #666;font-size:12px}
footer{margin-top:40px;font-size:12px;color:#666}
)";

std::string money(Micros m) { return escaped(moneyText(m)); }

int nodesOf(const Plan& p) {
  int n = 0;
  for (const Pool& pool : p.pools) n += pool.nodes;
  return n;
}

/// The risk column: how many workloads are at each level, and the worst stretch.
std::string riskSummary(const Plan& p) {
  int counts[3] = {0, 0, 0};
  double worst = 1;
  for (const Placement& pl : p.placements) {
    ++counts[static_cast<int>(riskLevel(pl.risk))];
    worst = std::max(worst, pl.risk.worstStretch);
  }
  std::string out;
  for (RiskLevel l : {RiskLevel::High, RiskLevel::Medium, RiskLevel::Low}) {
    const int c = counts[static_cast<int>(l)];
    if (c > 0) {
      out += fmt::format("{}<span class=\"risk-{}\">{} {}</span>", out.empty() ? "" : ", ", riskLevelName(l), c,
                         riskLevelName(l));
    }
  }
  return out + fmt::format("; worst stretch {:.2f}&times;", worst);
}

std::string summary(const ReportData& d) {
  const Plan& p = d.plan;
  long long pods = 0;
  for (const Workload& w : d.set.workloads) pods += w.replicas;
  const Micros today = p.baseline.hourly * kHoursPerMonth, planned = p.fleet.hourly * kHoursPerMonth;
  const double percent = today > 0 ? 100.0 * static_cast<double>(today - planned) / static_cast<double>(today) : 0;
  return fmt::format(
      "<h1>GPU sharing plan</h1>\n<p class=\"lead\">{} workloads, {} pods in {}. Today they cost <b>{}</b> a month; "
      "with strategy <b>{}</b> they would cost <b>{}</b>, saving <b>{}</b> ({:.1f}%).</p>\n"
      "<p>Prices: {} of {} ({}). A month is {} hours.</p>\n",
      d.set.workloads.size(), pods, escaped(d.catalog.region), money(today), strategyName(p.strategy), money(planned),
      money(today - planned), percent, capacityName(p.capacity), escaped(d.catalog.date), escaped(d.catalog.source),
      kHoursPerMonth);
}

std::string strategies(const ReportData& d) {
  std::string out =
      "<h2>Strategies side by side</h2>\n<table class=\"strategies\">\n<tr><th>strategy</th><th>nodes</th>"
      "<th>$/h</th><th>$/month</th><th>saves $/month</th><th>saves</th><th>risk</th></tr>\n";
  const Micros today = d.plan.baseline.hourly;
  for (const StrategyOutcome& s : d.strategies) {
    const bool chosen = s.strategy == d.plan.strategy;
    out += fmt::format("<tr data-strategy=\"{}\"{}><td>{}{}</td>", strategyName(s.strategy),
                       chosen ? " class=\"chosen\"" : "", strategyName(s.strategy), chosen ? " (this plan)" : "");
    if (!s.plan) {
      out += fmt::format("<td colspan=\"6\" style=\"text-align:left\">no plan: {}</td></tr>\n", escaped(s.why));
      continue;
    }
    const Plan& p = *s.plan;
    const Micros saved = (today - p.fleet.hourly) * kHoursPerMonth;
    const double percent =
        today > 0 ? 100.0 * static_cast<double>(today - p.fleet.hourly) / static_cast<double>(today) : 0;
    out += fmt::format("<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.1f}%</td><td class=\"risk\">{}</td></tr>\n",
                       nodesOf(p), money(p.fleet.hourly), money(p.fleet.hourly * kHoursPerMonth), money(saved), percent,
                       riskSummary(p));
  }
  out += "</table>\n<p>Today: " + money(today) + "/h, " + money(today * kHoursPerMonth) +
         "/month, every pod on a whole GPU of its own.</p>\n";
  return out;
}

std::string costTable(const ReportData& d, CostGroup group) {
  const std::vector<CostLine> lines = costBy(d.plan, d.set, group);
  const std::vector<CostCents> cents = costCents(lines, d.plan, kHoursPerMonth);
  std::string out = fmt::format(
      "<table class=\"chargeback\" data-group=\"{}\">\n<tr><th>{}</th><th>workloads</th><th>pods</th><th>today "
      "$/month</th><th>plan $/month</th><th>saves $/month</th></tr>\n",
      group == CostGroup::Namespace ? "namespace" : "team", group == CostGroup::Namespace ? "namespace" : "team");
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const Micros today = cents[i].baselineMonthly * 10000, planned = cents[i].monthly * 10000;
    out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                       escaped(lines[i].name), lines[i].workloads, lines[i].pods, money(today), money(planned),
                       money(today - planned));
  }
  return out + "</table>\n";
}

std::string chargeback(const ReportData& d) {
  const bool teams =
      std::any_of(d.set.workloads.begin(), d.set.workloads.end(), [](const Workload& w) { return !w.team.empty(); });
  std::string out =
      "<h2>Cost by namespace and team</h2>\n<p>Today: each workload's share of today's nodes. Plan: each "
      "pool's cost split by the GPU room its workloads' pods hold (whole GPUs, time-slicing or MPS "
      "slots, MIG memory slices). Columns add up to the totals above, to the cent.</p>\n<h3>By "
      "namespace</h3>\n" +
      costTable(d, CostGroup::Namespace) + "<h3>By team</h3>\n";
  if (!teams) out += "<p>No workload names a team, so each is charged to its namespace:</p>\n";
  return out + costTable(d, CostGroup::Team);
}

std::string pools(const ReportData& d) {
  std::string out =
      "<h2>Pools</h2>\n<p>Each node's GPUs, each slot or MIG instance drawn to scale and labelled with the workload "
      "whose pod holds it (an illustrative placement: the scheduler may place pods differently).</p>\n<p "
      "class=\"legend\"><span style=\"background:#9ed8a8\">low risk</span><span style=\"background:#ffd98a\">medium "
      "risk</span><span style=\"background:#f5a3a3\">high risk</span><span style=\"background:#f2f2f2\">free</span>"
      "</p>\n";
  for (const Pool& pool : d.plan.pools) {
    const Drawing dr = drawPool(pool, d.plan, d.set, d.catalog);
    out += fmt::format(
        "<svg class=\"pool\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
        "font-family=\"sans-serif\">\n{2}</svg>\n",
        px(dr.width), px(dr.height), dr.elements);
    if (!pool.notes.empty()) {
      out += "<ul class=\"pool-notes\">\n";
      for (const std::string& n : pool.notes) out += "<li>" + escaped(n) + "</li>\n";
      out += "</ul>\n";
    }
  }
  return out;
}

std::string risks(const ReportData& d) {
  std::string out =
      "<h2>Risks in plain words</h2>\n<p>Low: no slowdown, a request at most 1.5&times; as long, memory its own or "
      "enforced. High: 25% slower or more when its GPU is busy, or a request up to 4&times; as long or more. Medium: "
      "between.</p>\n<ul class=\"risks\">\n";
  const std::vector<std::string> sentences = riskSentences(d.plan, d.set);
  for (const std::string& s : sentences) out += "<li>" + s + "</li>\n";
  if (sentences.empty()) out += "<li>Every pod has a whole GPU or an isolated MIG instance to itself.</li>\n";
  out += "</ul>\n";
  if (!d.plan.notes.empty()) {
    out += "<h2>Notes</h2>\n<ul class=\"notes\">\n";
    for (const std::string& n : d.plan.notes) out += "<li>" + escaped(n) + "</li>\n";
    out += "</ul>\n";
  }
  return out;
}

}  // namespace

std::string reportHtml(const ReportData& d) {
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>gpuslice report</title>\n"
      "<style>\n{}</style>\n</head>\n<body>\n",
      kStyle);
  out += summary(d) + strategies(d) + "<h2>Monthly cost per strategy</h2>\n" + costChart(d) + chargeback(d) + pools(d) +
         risks(d);
  out += "<footer>Made by gpuslice";
  if (!d.generated.empty()) out += " on " + escaped(d.generated);
  out += ".</footer>\n</body>\n</html>\n";
  return out;
}

}  // namespace gpuslice::report
