#include "report/risk_level.h"

#include <fmt/format.h>

#include "report/markup.h"

namespace gpuslice::report {

RiskLevel riskLevel(const Risk& r) {
  if (r.slowdownPercent >= 25 || r.worstStretch >= 4) return RiskLevel::High;
  if (r.slowdownPercent > 0 || r.worstStretch > 1.5 || r.oom == OomKind::Shared) return RiskLevel::Medium;
  return RiskLevel::Low;
}

const char* riskLevelName(RiskLevel l) {
  switch (l) {
    case RiskLevel::Low: return "low";
    case RiskLevel::Medium: return "medium";
    case RiskLevel::High: return "high";
  }
  return "low";
}

namespace {

std::string bold(const std::string& name) { return "<b>" + escaped(name) + "</b>"; }

/// The names of `pool`'s workloads, escaped, joined with ", ".
std::string members(const Pool& pool, const WorkloadSet& set) {
  std::string out;
  for (std::size_t wi : pool.workloads) out += (out.empty() ? "" : ", ") + escaped(set.workloads[wi].qualifiedName());
  return out;
}

void workloadSentences(const Plan& plan, const WorkloadSet& set, std::vector<std::string>& out) {
  for (std::size_t wi = 0; wi < plan.placements.size() && wi < set.workloads.size(); ++wi) {
    const Workload& w = set.workloads[wi];
    const Placement& pl = plan.placements[wi];
    const Pool& pool = plan.pools[pl.pool];
    const Risk& r = pl.risk;
    if (r.worstStretch > 1.0) {
      out.push_back(fmt::format(
          "Latency stretch: a request of {} may take up to {:.2f}&times; as long as on a GPU of its own while "
          "its neighbours are busy.",
          bold(w.qualifiedName()), r.worstStretch));
    }
    if (r.slowdownPercent > 0) {
      out.push_back(fmt::format(
          "Saturation: when every pod on its GPU is busy at its p95 share at once, the work of {} takes {:.1f}% "
          "longer.",
          bold(w.qualifiedName()), r.slowdownPercent));
    }
    if (w.replicas >= 2 && pl.minNodes < 2 && w.replicas <= pool.podsPerNode) {
      out.push_back(
          fmt::format("Single node: all {} pods of {} may run on one node of pool {}; losing that node stops them all "
                      "(set minNodes to spread them).",
                      w.replicas, bold(w.qualifiedName()), escaped(pool.name)));
    }
  }
}

void poolSentences(const Plan& plan, const WorkloadSet& set, std::vector<std::string>& out) {
  for (const Pool& pool : plan.pools) {
    if (pool.nodes == 1) {
      out.push_back(fmt::format("Single node: pool {} has one node; if it fails, {} stop until a new node is up.",
                                bold(pool.name), members(pool, set)));
    }
    if (pool.mode == Mode::Mps && pool.replicas > 1) {
      out.push_back(fmt::format(
          "MPS fault domain: in pool {} the pods on one GPU share one MPS server, so a fatal GPU error in one "
          "of them (an illegal memory access, say) can stop every pod on that GPU ({}).",
          bold(pool.name), members(pool, set)));
    }
    if (pool.mode == Mode::TimeSlicing) {
      out.push_back(fmt::format(
          "Shared memory: pool {} time-slices, which does not enforce GPU memory; a pod that grows past its "
          "share can make its neighbours run out of memory.",
          bold(pool.name)));
    }
  }
}

}  // namespace

std::vector<std::string> riskSentences(const Plan& plan, const WorkloadSet& set) {
  std::vector<std::string> out;
  poolSentences(plan, set, out);
  workloadSentences(plan, set, out);
  return out;
}

}  // namespace gpuslice::report
