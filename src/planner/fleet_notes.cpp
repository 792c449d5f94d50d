#include "planner/fleet_notes.h"

#include <fmt/format.h>
#include <map>
#include <set>

#include "util/quantity.h"

namespace gpuslice::detail {

namespace {

std::string dollars(Micros m) { return fmt::format("${:.2f}", static_cast<double>(m) / 1e6); }

/// The types of the plan's pools and of its baseline, by name.
std::set<std::string> typesUsed(const Plan& plan) {
  std::set<std::string> names;
  for (const Pool& p : plan.pools) names.insert(p.instanceType);
  for (const auto& [name, count] : plan.baseline.instances) names.insert(name);
  return names;
}

/// "a, b and c"
std::string listed(const std::vector<std::string>& items) {
  if (items.size() < 2) return items.empty() ? "" : items.front();
  return fmt::format("{} and {}", fmt::join(items.begin(), items.end() - 1, ", "), items.back());
}

/// Per GPU model offered only on retired types, the workloads moved off it.
std::vector<std::string> offRetiredNotes(const PlanContext& ctx, const std::vector<Workload>& ws) {
  std::vector<std::string> notes;
  if (ctx.options->anyGpuModel) return notes;
  std::map<std::string, int> moved;
  for (const Workload& w : ws) {
    if (ctx.mayChangeModel(w)) ++moved[w.gpuModel];
  }
  for (const auto& [model, count] : moved) {
    std::vector<std::string> types;
    std::string since;
    for (const Candidate& c : ctx.retiredCandidates) {
      if (c.type->gpuModel != model) continue;
      types.push_back(c.type->name);
      since = c.type->statusDate;
    }
    notes.push_back(fmt::format(
        "{} is offered here only on retired instance types ({}{}): its {} workload{} planned on current GPU models, "
        "compute scaled by relative throughput as with --any-gpu-model (an estimate); --allow-retired plans on {} "
        "instead",
        model, listed(types), since.empty() ? "" : ", retired " + since, count, count == 1 ? " is" : "s are", model));
  }
  return notes;
}

/// Retired types in the baseline, and in pools (only with --allow-retired).
std::vector<std::string> retiredNotes(const PlanContext& ctx, const Plan& plan) {
  std::vector<std::string> notes;
  std::vector<std::string> baseline;
  for (const auto& [name, count] : plan.baseline.instances) {
    const InstanceType* t = ctx.catalog->findType(name);
    if (t && t->retired()) baseline.push_back(t->statusDate.empty() ? name : name + " (retired " + t->statusDate + ")");
  }
  if (!baseline.empty()) {
    notes.push_back(fmt::format(
        "the baseline runs on {}, which EC2 no longer offers: it is what that fleet cost, not one you can launch "
        "today",
        listed(baseline)));
  }
  std::vector<std::string> pools;
  for (const Pool& p : plan.pools) {
    const InstanceType* t = ctx.catalog->findType(p.instanceType);
    if (t && t->retired()) pools.push_back(fmt::format("{} ({})", p.name, p.instanceType));
  }
  if (!pools.empty()) {
    notes.push_back(
        fmt::format("--allow-retired: {} {} on a retired instance type that EC2 no longer offers; render refuses {}",
                    listed(pools), pools.size() == 1 ? "runs" : "run", pools.size() == 1 ? "it" : "them"));
  }
  return notes;
}

/// Where the max-pods figure of the types used comes from, when it is not the table's own.
std::vector<std::string> maxPodsNotes(const PlanContext& ctx, const Plan& plan) {
  const PlanOptions& o = *ctx.options;
  if (o.maxPodsPerNode) {
    return {fmt::format(
        "max pods per node is {} on every node (--max-pods), not the VPC CNI's ENI limit: give the nodes the same "
        "figure (EC2NodeClass spec.kubelet.maxPods, with prefix delegation or a custom CNI), which render does not "
        "set",
        *o.maxPodsPerNode)};
  }
  std::vector<std::string> builtIn, assumed, statusAssumed;
  for (const std::string& name : typesUsed(plan)) {
    const InstanceType* t = ctx.catalog->findType(name);
    if (!t) continue;
    if (t->eni && t->eniOrigin == FactOrigin::BuiltIn) builtIn.push_back(name);
    if (!t->eni) assumed.push_back(name);
    if (t->statusOrigin == FactOrigin::Assumed) statusAssumed.push_back(name);
  }
  std::vector<std::string> notes;
  const std::string& file = ctx.catalog->file;
  if (!builtIn.empty()) {
    notes.push_back(fmt::format("max pods per node of {} from the built-in table's ENI limits ({} gives none)",
                                listed(builtIn), file));
  }
  if (!assumed.empty()) {
    notes.push_back(fmt::format(
        "max pods per node of {} assumed {} (the kubelet default): neither {} nor the built-in table gives {} ENI "
        "limits; pass --max-pods N with your nodes' figure",
        listed(assumed), kDefaultMaxPods, file, assumed.size() == 1 ? "its" : "their"));
  }
  if (!statusAssumed.empty()) {
    notes.push_back(
        fmt::format("{} assumed current: neither {} nor the built-in table states whether EC2 still offers {}",
                    listed(statusAssumed), file, statusAssumed.size() == 1 ? "it" : "them"));
  }
  return notes;
}

/// Which DaemonSet figures are the assumed default ones, if any.
std::optional<std::string> daemonSetNote(const DaemonSetRequests& d) {
  const DaemonSetRequests typical = PlanOptions{}.daemonSets;
  std::vector<std::string> assumed;
  if (d.pods == typical.pods) assumed.push_back(fmt::format("{} pods", d.pods));
  if (d.cpuMillis == typical.cpuMillis) assumed.push_back(fmt::format("{} CPU", cpuQuantity(d.cpuMillis)));
  if (d.memoryBytes == typical.memoryBytes)
    assumed.push_back(fmt::format("{} of memory", memoryQuantity(d.memoryBytes)));
  if (assumed.empty()) return std::nullopt;
  return fmt::format(
      "DaemonSets assumed on every node: {} (a typical EKS GPU node: aws-node, kube-proxy, EBS CSI node, Pod Identity "
      "agent and the GPU Operator's 7; see the README); give your cluster's with --daemonset-pods, --daemonset-cpu "
      "and --daemonset-memory",
      listed(assumed));
}

}  // namespace

std::vector<std::string> fleetNotes(const PlanContext& ctx, const std::vector<Workload>& ws, const Plan& plan) {
  std::vector<std::string> notes = offRetiredNotes(ctx, ws);
  for (std::string& n : retiredNotes(ctx, plan)) notes.push_back(std::move(n));
  for (std::string& n : maxPodsNotes(ctx, plan)) notes.push_back(std::move(n));
  if (auto n = daemonSetNote(ctx.options->daemonSets)) notes.push_back(std::move(*n));
  return notes;
}

std::optional<std::string> costlierNote(const PlanContext& ctx, const Plan& plan) {
  if (plan.fleet.hourly <= plan.baseline.hourly) return std::nullopt;
  std::string note = fmt::format("this plan costs more than the baseline ({}/h against {}/h)",
                                 dollars(plan.fleet.hourly), dollars(plan.baseline.hourly));
  std::set<std::string> models;  // GPU models of retired baseline types
  std::vector<std::string> retired;
  for (const auto& [name, count] : plan.baseline.instances) {
    const InstanceType* t = ctx.catalog->findType(name);
    if (!t || !t->retired()) continue;
    retired.push_back(name);
    models.insert(t->gpuModel);
  }
  if (!retired.empty()) {
    note += fmt::format(": the baseline's {} {} retired", listed(retired), retired.size() == 1 ? "is" : "are");
    for (const std::string& model : models) {
      std::vector<std::string> offers;
      for (const Candidate& c : ctx.candidates) {
        if (c.type->gpuModel != model) continue;
        offers.push_back(
            fmt::format("{} ({} GPUs, ${}/h)", c.type->name, c.type->gpuCount, static_cast<double>(c.price) / 1e6));
      }
      if (!offers.empty()) note += fmt::format(", and {} is offered today only on {}", model, listed(offers));
    }
  }
  if (plan.anyModelHourly && *plan.anyModelHourly < plan.fleet.hourly) {
    note += fmt::format("; on other GPU models the estimate is {}/h (plan with --any-gpu-model)",
                        dollars(*plan.anyModelHourly));
  }
  return note;
}

}  // namespace gpuslice::detail
