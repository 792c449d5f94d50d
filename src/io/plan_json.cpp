#include <algorithm>
#include <cmath>

#include "io/plan_report.h"

namespace gpuslice::io {

namespace {

using nlohmann::json;

double dollars(Micros m) { return static_cast<double>(m) / 1e6; }
double monthly(Micros m) { return static_cast<double>(m * kHoursPerMonth) / 1e6; }
double round(double x, int digits) {
  const double scale = std::pow(10.0, digits);
  return std::round(x * scale) / scale;
}

json instances(const Fleet& f) {
  json list = json::array();
  for (const auto& [type, count] : f.instances) list.push_back({{"type", type}, {"count", count}});
  return list;
}

json poolJson(const Pool& p, const WorkloadSet& set) {
  json names = json::array();
  for (std::size_t wi : p.workloads) names.push_back(set.workloads[wi].qualifiedName());
  return {
      {"name", p.name},
      {"instanceType", p.instanceType},
      {"gpuModel", p.gpuModel},
      {"mode", modeName(p.mode)},
      {"replicas", p.replicas},
      {"nodes", p.nodes},
      {"gpusPerNode", p.gpusPerNode},
      {"podsPerNode", p.podsPerNode},
      {"pods", p.pods},
      {"limitedBy", p.limitedBy},
      {"hourlyCost", dollars(p.hourly)},
      {"monthlyCost", monthly(p.hourly)},
      {"usableMemoryMiB", p.usableMemoryMiB},
      {"utilization", {{"computePerGpu", round(p.computePerGpu, 4)}, {"memoryPerGpu", round(p.memoryPerGpu, 4)}}},
      {"estimate", p.estimate},
      {"workloads", names},
  };
}

json workloadJson(const Workload& w, const Placement& pl, const Pool& pool) {
  const Risk& r = pl.risk;
  return {
      {"name", w.name},
      {"namespace", w.ns},
      {"replicas", w.replicas},
      {"gpuModel", w.gpuModel},
      {"pool", pool.name},
      {"instanceType", pool.instanceType},
      {"mode", modeName(pool.mode)},
      {"slot",
       {{"gpuShare", round(r.computeShare, 4)},
        {"memoryMiB", r.memoryLimitMiB},
        {"memoryEnforced", pool.mode != Mode::TimeSlicing},
        {"computePerPod", round(static_cast<double>(pl.computePpm) / 1e6, 6)}}},
      {"risk",
       {{"slowdownPercent", r.slowdownPercent},
        {"oom", r.oom},
        {"memorySlackMiB", r.memorySlackMiB},
        {"estimate", r.estimate},
        {"notes", r.notes}}},
  };
}

}  // namespace

json planJson(const ReportInput& in) {
  const Plan& p = in.plan;
  json pools = json::array();
  for (const Pool& pool : p.pools) pools.push_back(poolJson(pool, in.set));
  json workloads = json::array();
  for (std::size_t wi = 0; wi < in.set.workloads.size(); ++wi) {
    const Placement& pl = p.placements[wi];
    workloads.push_back(workloadJson(in.set.workloads[wi], pl, p.pools[pl.pool]));
  }
  const Micros saved = p.baseline.hourly - p.fleet.hourly;
  const double percent = p.baseline.hourly > 0 ? round(100.0 * static_cast<double>(saved) / static_cast<double>(p.baseline.hourly), 2) : 0.0;
  const double gap = p.lowerBound > 0 ? round(100.0 * static_cast<double>(p.fleet.hourly - p.lowerBound) / static_cast<double>(p.lowerBound), 2) : 0.0;
  json out = {
      {"apiVersion", "gpuslice.dev/v1alpha1"},
      {"kind", "Plan"},
      {"baseline", {{"hourlyCost", dollars(p.baseline.hourly)}, {"monthlyCost", monthly(p.baseline.hourly)}, {"instances", instances(p.baseline)}}},
      {"plan",
       {{"strategy", strategyName(p.strategy)},
        {"capacity", capacityName(p.capacity)},
        {"hourlyCost", dollars(p.fleet.hourly)},
        {"monthlyCost", monthly(p.fleet.hourly)},
        {"instances", instances(p.fleet)},
        {"pools", pools},
        {"lowerBound", dollars(p.lowerBound)},
        {"gapPercent", gap}}},
      {"savings", {{"hourly", dollars(saved)}, {"monthly", monthly(saved)}, {"percent", percent}}},
      {"workloads", workloads},
      {"pricing", {{"source", in.catalog.source}, {"file", in.catalog.file}, {"date", in.catalog.date}, {"region", in.catalog.region}, {"currency", in.catalog.currency}}},
      {"settings",
       {{"headroom", in.options.headroom},
        {"gpuOverheadMiB", in.options.gpuOverheadMiB},
        {"anyGpuModel", in.options.anyGpuModel},
        {"maxPodsPerNode", in.options.maxPodsPerNode},
        {"allowInstanceTypes", in.options.allowInstanceTypes}}},
      {"notes", p.notes},
  };
  if (p.anyModelHourly) {
    out["alternatives"] = {{"anyGpuModel",
                            {{"hourlyCost", dollars(*p.anyModelHourly)},
                             {"savingsVsPlanHourly", dollars(p.fleet.hourly - *p.anyModelHourly)},
                             {"estimate", true}}}};
  }
  return out;
}

std::string jsonText(const nlohmann::json& j) { return j.dump(2) + "\n"; }

}  // namespace gpuslice::io
