#include <cmath>
#include <future>
#include <utility>

#include "io/plan_report.h"
#include "io/tree_writer.h"
#include "model/chargeback.h"

namespace gpuslice::io {

namespace {

constexpr std::size_t kParallelItems = 4096;  // workloads worth a second thread
// More report text per workload than JSON or YAML takes (about 600 bytes, with its pool's
// list entry). Reserving that much up front only claims address space: pages are touched
// as they are written, and the text is never copied to grow.
constexpr std::size_t kReserveBytesPerWorkload = 1024;

double dollars(Micros m) { return static_cast<double>(m) / 1e6; }
double monthly(Micros m) { return static_cast<double>(m * kHoursPerMonth) / 1e6; }
double rounded(double x, int digits) {
  const double scale = std::pow(10.0, digits);
  return std::round(x * scale) / scale;
}
double percentOf(Micros part, Micros whole) {
  return whole > 0 ? rounded(100.0 * static_cast<double>(part) / static_cast<double>(whole), 2) : 0.0;
}

// Keys below are written in sorted order; TreeWriter checks it.

void instances(TreeWriter& w, const Fleet& f) {
  w.key("instances");
  w.beginList();
  for (const auto& [type, count] : f.instances) {
    w.beginMap();
    w.field("count", count);
    w.field("type", type);
    w.endMap();
  }
  w.endList();
}

void pool(TreeWriter& w, const Pool& p, const WorkloadSet& set, bool atMax) {
  const bool mig = p.mode == Mode::Mig;
  w.beginMap();
  w.field("estimate", p.estimate);
  if (mig) {
    w.key("geometry");  // per GPU of a node, its instances
    w.beginList();
    for (const std::vector<MigSlot>& gpu : p.geometry) {
      w.beginList();
      for (const MigSlot& slot : gpu) {
        w.beginMap();
        w.field("profile", slot.profile);
        w.field("start", slot.start);
        w.endMap();
      }
      w.endList();
    }
    w.endList();
  }
  w.field("gpuMemoryMiB", p.gpuMemoryMiB);
  w.field("gpuModel", p.gpuModel);
  w.field("gpusPerNode", p.gpusPerNode);
  w.field("hourlyCost", dollars(p.hourly));
  w.field("instanceType", p.instanceType);
  w.field("limitedBy", limitedByName(p.limitedBy));
  w.field("maxPodsPerNode", p.maxPodsPerNode);
  if (mig) {
    w.field("migGpu", p.migGpu);
    w.field("migPlacementsAssumed", p.migPlacementsAssumed);
    w.field("migStrategy", migStrategyName(p.migStrategy));
  }
  w.field("mode", modeName(p.mode));
  w.field("monthlyCost", monthly(p.hourly));
  if (p.mode == Mode::Mps) {  // the device plugin's limits per client
    w.field("mpsActiveThreadPercentage", mpsActiveThreadPercent(p.replicas));
    w.field("mpsPinnedMemoryLimitMiB", mpsClientMemoryMiB(p.gpuMemoryMiB, p.replicas));
  }
  w.field("name", p.name);
  w.field("nodes", p.nodes);
  if (atMax) w.field("nodesAtMaxReplicas", std::max(p.nodes, p.nodesAtMaxReplicas));
  w.field("notes", p.notes);
  w.field("pods", p.pods);
  w.field("podsPerNode", p.podsPerNode);
  w.field("replicas", p.replicas);
  w.field("usableMemoryMiB", p.usableMemoryMiB);
  w.key("utilization");
  w.beginMap();
  w.field("computePerGpu", rounded(p.computePerGpu, 4));
  w.field("memoryPerGpu", rounded(p.memoryPerGpu, 4));
  w.endMap();
  w.key("workloads");
  w.beginList();
  for (std::size_t wi : p.workloads) w.string(set.workloads[wi].qualifiedName());
  w.endList();
  w.endMap();
}

/// `type`: the pool's instance type, when the catalog has it.
void workload(TreeWriter& w, const Workload& wl, const Placement& pl, const Pool& pool, const InstanceType* type) {
  const Risk& r = pl.risk;
  w.beginMap();
  // What render patches, only where it is not the default (so plans of workloads without it
  // read as they always did).
  if (!wl.container.empty()) w.field("container", wl.container);
  if (wl.gpuCount > 1) w.field("gpuCount", static_cast<int>(wl.gpuCount));  // whole GPUs per pod
  w.field("gpuModel", pl.gpuModel.empty() ? wl.gpuModel : pl.gpuModel);
  w.field("instanceType", pool.instanceType);
  if (wl.kind != WorkloadKind::Deployment) w.field("kind", workloadKindName(wl.kind));
  if (wl.maxReplicas) w.field("maxReplicas", *wl.maxReplicas);
  if (pl.minNodes > 1) w.field("minNodes", pl.minNodes);  // what render's topology spread needs
  w.field("mode", modeName(pool.mode));
  w.field("name", wl.name);
  w.field("namespace", wl.ns);
  w.field("peakGpuMemoryMiB", wl.memoryMiB);
  w.field("pool", pool.name);
  if (pool.mode == Mode::Mig) w.field("profile", pl.profile);
  w.field("replicas", wl.replicas);
  w.key("risk");
  w.beginMap();
  w.field("estimate", r.estimate);
  w.field("memorySlackMiB", r.memorySlackMiB);
  w.field("notes", r.notes);
  w.field("oom", oomName(r.oom));
  w.field("slowdownPercent", r.slowdownPercent);
  w.field("worstStretch", r.worstStretch);
  w.endMap();
  w.key("slot");
  w.beginMap();
  w.field("computePerPod", rounded(static_cast<double>(pl.computePpm) / 1e6, 6));
  if (type && type->fractional()) w.field("fractionalGpu", type->fractionText());
  w.field("gpuShare", rounded(r.computeShare, 4));
  w.field("memoryEnforced", pool.mode != Mode::TimeSlicing);
  w.field("memoryMiB", r.memoryLimitMiB);
  w.endMap();
  w.endMap();
}

/// "alternatives": what the fleet would cost on any GPU model, when that was worked out.
void alternatives(TreeWriter& w, const Plan& p) {
  if (!p.anyModelHourly) return;
  w.key("alternatives");
  w.beginMap();
  w.key("anyGpuModel");
  w.beginMap();
  w.field("estimate", true);
  w.field("hourlyCost", dollars(*p.anyModelHourly));
  w.field("savingsVsPlanHourly", dollars(p.fleet.hourly - *p.anyModelHourly));
  w.endMap();
  w.endMap();
}

/// "baseline": today's fleet.
void baseline(TreeWriter& w, const Plan& p) {
  w.key("baseline");
  w.beginMap();
  w.field("hourlyCost", dollars(p.baseline.hourly));
  instances(w, p.baseline);
  w.field("monthlyCost", monthly(p.baseline.hourly));
  w.endMap();
}

/// "plan": the planned fleet, its gap to the lower bound and its pools.
void planned(TreeWriter& w, const ReportInput& in) {
  const Plan& p = in.plan;
  w.key("plan");
  w.beginMap();
  if (p.maxReplicasHourly) {  // every workload at its maxReplicas, in the same pools
    w.key("atMaxReplicas");
    w.beginMap();
    w.field("hourlyCost", dollars(*p.maxReplicasHourly));
    w.field("monthlyCost", monthly(*p.maxReplicasHourly));
    w.endMap();
  }
  w.field("capacity", capacityName(p.capacity));
  w.field("gapPercent", percentOf(p.fleet.hourly - p.lowerBound, p.lowerBound));
  w.field("hourlyCost", dollars(p.fleet.hourly));
  instances(w, p.fleet);
  w.field("lowerBound", dollars(p.lowerBound));
  w.field("monthlyCost", monthly(p.fleet.hourly));
  w.key("pools");
  w.beginList();
  for (const Pool& pl : p.pools) pool(w, pl, in.set, p.maxReplicasHourly.has_value());
  w.endList();
  w.field("strategy", strategyName(p.strategy));
  w.endMap();
}

/// "chargeback": cost by namespace and by team, today and planned (model/chargeback.h),
/// figures exact to the micro-dollar, so each list adds up to the baseline's and the plan's cost.
void chargeback(TreeWriter& w, const ReportInput& in) {
  w.key("chargeback");
  w.beginMap();
  for (const auto& [key, group] :
       {std::pair{"byNamespace", CostGroup::Namespace}, std::pair{"byTeam", CostGroup::Team}}) {
    w.key(key);
    w.beginList();
    for (const CostLine& line : costBy(in.plan, in.set, group)) {
      w.beginMap();
      w.key("baseline");
      w.beginMap();
      w.field("hourlyCost", dollars(line.baselineHourly));
      w.field("monthlyCost", monthly(line.baselineHourly));
      w.endMap();
      w.field("hourlyCost", dollars(line.hourly));
      w.field("monthlyCost", monthly(line.hourly));
      w.field("name", line.name);
      w.field("pods", line.pods);
      w.field("workloads", line.workloads);
      w.endMap();
    }
    w.endList();
  }
  w.endMap();
}

/// "pricing": where the price table comes from.
void pricing(TreeWriter& w, const Catalog& catalog) {
  w.key("pricing");
  w.beginMap();
  w.field("currency", catalog.currency);
  w.field("date", catalog.date);
  w.field("file", catalog.file);
  w.field("region", catalog.region);
  w.field("source", catalog.source);
  w.endMap();
}

/// "savings": the plan against the baseline.
void savings(TreeWriter& w, const Plan& p) {
  const Micros saved = p.baseline.hourly - p.fleet.hourly;
  w.key("savings");
  w.beginMap();
  w.field("hourly", dollars(saved));
  w.field("monthly", monthly(saved));
  w.field("percent", percentOf(saved, p.baseline.hourly));
  if (p.fleetAtBaselineCapacity) {  // split: sharing at today's capacity, then the capacity type
    const Micros sharing = p.baseline.hourly - *p.fleetAtBaselineCapacity;
    const Micros capacity = *p.fleetAtBaselineCapacity - p.fleet.hourly;
    for (const auto& [key, part] : {std::pair{"sharing", sharing}, std::pair{"spot", capacity}}) {
      w.key(key);
      w.beginMap();
      w.field("hourly", dollars(part));
      w.field("monthly", monthly(part));
      w.endMap();
    }
  }
  w.endMap();
}

/// "settings": the planning options.
void settings(TreeWriter& w, const PlanOptions& options) {
  w.key("settings");
  w.beginMap();
  w.field("allowInstanceTypes", options.allowInstanceTypes);
  w.field("allowRetired", options.allowRetired);
  w.field("anyGpuModel", options.anyGpuModel);
  w.field("daemonSetCpuMillis", options.daemonSets.cpuMillis);
  w.field("daemonSetMemoryBytes", options.daemonSets.memoryBytes);
  w.field("daemonSetPods", options.daemonSets.pods);
  w.field("gpuOverheadMiB", options.gpuOverheadMiB);
  w.field("headroom", options.headroom);
  // Each pool's maxPodsPerNode is its type's ENI limit, unless --max-pods set one for all.
  w.field("maxPodsFrom", options.maxPodsPerNode ? "--max-pods" : "eni");
  if (options.maxPodsPerNode) w.field("maxPodsPerNode", *options.maxPodsPerNode);
  if (options.minNodes > 1) w.field("minNodes", options.minNodes);
  w.endMap();
}

/// "unplanned": with --partial, the workloads left out, each with why.
void unplanned(TreeWriter& w, const Plan& p) {
  if (p.unplanned.empty()) return;
  w.key("unplanned");
  w.beginList();
  for (const Unplanned& u : p.unplanned) {
    w.beginMap();
    w.field("file", u.workload.source.file);
    w.field("line", u.workload.source.line);
    w.field("name", u.workload.name);
    w.field("namespace", u.workload.ns);
    w.field("replicas", u.workload.replicas);
    w.field("why", u.why);
    w.endMap();
  }
  w.endList();
}

/// "workloads": one item per workload. For large plans, the second half is written on the other
/// core into a text of its own, appended when the first half is written.
void workloads(TreeWriter& w, const ReportInput& in) {
  const Plan& p = in.plan;
  w.key("workloads");
  w.beginList();
  const std::size_t n = in.set.workloads.size();
  auto items = [&](TreeWriter& out, std::size_t from, std::size_t to) {
    for (std::size_t wi = from; wi < to; ++wi) {
      const Placement& pl = p.placements[wi];
      const Pool& pool = p.pools[pl.pool];
      workload(out, in.set.workloads[wi], pl, pool, in.catalog.findType(pool.instanceType));
    }
  };
  if (n < kParallelItems) {
    items(w, 0, n);
  } else {
    std::string secondText;
    secondText.reserve((n - n / 2) * kReserveBytesPerWorkload);
    auto secondWriter = w.itemWriter(secondText, true);
    auto second = std::async(std::launch::async, [&] { items(*secondWriter, n / 2, n); });
    items(w, 0, n / 2);
    second.get();
    w.appendItems(secondText, static_cast<int>(n - n / 2));
  }
  w.endList();
}

}  // namespace

void writePlan(TreeWriter& w, const ReportInput& in) {
  const Plan& p = in.plan;
  w.beginMap();
  alternatives(w, p);
  w.field("apiVersion", "gpuslice.dev/v1alpha1");
  baseline(w, p);
  chargeback(w, in);
  w.field("kind", "Plan");
  w.field("notes", p.notes);
  planned(w, in);
  pricing(w, in.catalog);
  savings(w, p);
  settings(w, in.options);
  unplanned(w, p);
  workloads(w, in);
  w.endMap();
}

namespace {
template <class Writer>
std::string render(const ReportInput& in) {
  std::string out;
  out.reserve((in.set.workloads.size() + 16) * kReserveBytesPerWorkload);
  Writer w(out);
  writePlan(w, in);
  return out;
}
}  // namespace

std::string planJsonText(const ReportInput& in) { return render<JsonWriter>(in); }

std::string planYamlText(const ReportInput& in) { return render<YamlWriter>(in); }

}  // namespace gpuslice::io
