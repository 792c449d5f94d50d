#include "planner/baseline.h"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "planner/fit.h"
#include "util/apportion.h"
#include "util/quantity.h"

namespace gpuslice::detail {

namespace {

/// Where the baseline puts a workload: an instance type and how many of its pods a node holds.
struct BaselineSlot {
  const InstanceType* type = nullptr;
  int podsPerNode = 1;
};

/// What the baseline pays for `w`'s nodes: its current.capacity when it names a current type,
/// else on-demand.
Capacity baselineCapacity(const Workload& w) { return w.currentType ? w.currentCapacity : Capacity::OnDemand; }

/// The workload's current type as a candidate: its node's allocatable resources and GPUs.
Candidate currentCandidate(const PlanContext& ctx, const InstanceType& t) {
  Candidate c;
  c.type = &t;
  c.gpus = t.wholeGpus();
  c.allocatable = nodeAllocatable(t, ctx.options->maxPodsPerNode, ctx.options->daemonSets);
  return c;
}

/// Why one pod of `w` cannot run on a node of c's type: what it needs against what the node
/// has for pods (after kubelet reservations and the DaemonSets), by the resource that runs out.
std::string whyNoPod(const Workload& w, const Candidate& c) {
  const Allocatable& a = c.allocatable;
  const InstanceType& t = *c.type;
  switch (nodeLimitOf(w, c)) {
    case LimitedBy::Cpu:
      return fmt::format("it needs {} CPU a pod and {} has {} vCPU, {} of it for pods", cpuQuantity(*w.cpuMillis),
                         t.name, t.vcpu, cpuQuantity(a.cpuMillis));
    case LimitedBy::Memory:
      return fmt::format("it needs {} of memory a pod and {} has {}, {} of it for pods", memoryQuantity(*w.memoryBytes),
                         t.name, memoryQuantity(t.memoryMiB << 20),
                         memoryQuantity(a.memoryBytes >> 20 << 20));  // whole MiB, rounded down
    case LimitedBy::Gpu:
      return fmt::format("it needs {} GPUs a pod on one node and {} has {}", w.gpuCount, t.name,
                         t.fractional() ? 0 : c.gpus);
    case LimitedBy::Pods: break;
  }
  return fmt::format("{} takes {} pods, all of them DaemonSet pods", t.name, a.maxPods);
}

/// cheapestDedicated among `among`.
BaselineSlot cheapestDedicatedAmong(const PlanContext& ctx, const Workload& w, const std::vector<Candidate>& among) {
  BaselineSlot slot;
  Micros bestCost = 0;
  int bestNodes = 0;
  for (const Candidate& c : among) {
    if (!admits(ctx, w, c) || !onMeasuredGpu(ctx, w, c)) continue;
    const SlotFit f = fitOf(ctx, w, c);
    if (!f.dedicated) continue;
    const int ppn = std::min(c.gpus, f.nodeCap);
    const int n = (w.replicas + ppn - 1) / ppn;
    const std::optional<Micros> price = Catalog::price(*c.type, baselineCapacity(w));
    if (!price) continue;
    const Micros cost = *price * n;
    if (!slot.type || cost < bestCost || (cost == bestCost && n < bestNodes)) {
      slot.type = c.type;
      bestCost = cost;
      bestNodes = n;
      slot.podsPerNode = ppn;
    }
  }
  return slot;
}

/// The candidate of the workload's GPU model where its pods on whole GPUs cost least, then take
/// the fewest nodes: among the current types, else among the retired ones (a model offered only
/// on those); no type when none fits.
BaselineSlot cheapestDedicated(const PlanContext& ctx, const Workload& w) {
  BaselineSlot slot = cheapestDedicatedAmong(ctx, w, ctx.candidates);
  return slot.type ? slot : cheapestDedicatedAmong(ctx, w, ctx.retiredCandidates);
}

/// Where the baseline puts `w`, whose current type has no price at its current.capacity in the
/// table (it may not be in the table at all: a table of another region): the cheapest type of
/// its GPU model that holds it, else nowhere (no type: left out of the baseline); a note in
/// `notes` either way.
BaselineSlot unpricedSlot(const PlanContext& ctx, const Workload& w, const InstanceType& current,
                          std::vector<std::string>& notes) {
  const BaselineSlot instead = cheapestDedicated(ctx, w);
  const std::string why =
      fmt::format("baseline: {}'s current.instanceType {} has no {} price in {} (price table {})", w.qualifiedName(),
                  current.name, capacityName(w.currentCapacity), ctx.catalog->region, ctx.catalog->file);
  if (!instead.type) {
    notes.push_back(
        fmt::format("{}, and no {} type with one holds one of its pods: the baseline leaves it out", why, w.gpuModel));
    return BaselineSlot{};
  }
  notes.push_back(fmt::format("{}: the baseline prices it on {} instead, the cheapest {} type that holds it", why,
                              instead.type->name, w.gpuModel));
  return instead;
}

/// Where the baseline puts `w`, which names a current type; a note in `notes` when that type
/// has no price at its current.capacity (unpricedSlot) or cannot hold one of its pods.
BaselineSlot currentSlot(const PlanContext& ctx, const Workload& w, std::vector<std::string>& notes) {
  const InstanceType& current = *ctx.catalog->findCurrentType(*w.currentType);
  if (!Catalog::price(current, w.currentCapacity)) return unpricedSlot(ctx, w, current, notes);
  const Candidate c = currentCandidate(ctx, current);
  const int cap = nodeCapOf(w, c);
  if (cap >= 1) return BaselineSlot{&current, std::min(c.gpus, cap)};
  const BaselineSlot instead = cheapestDedicated(ctx, w);
  const std::string why = whyNoPod(w, c);
  if (!instead.type) {
    notes.push_back(
        fmt::format("baseline: {} cannot run on its current.instanceType {}: {}; no {} type holds one "
                    "of its pods, so the baseline prices it there anyway, one pod a node",
                    w.qualifiedName(), current.name, why, current.gpuModel));
    return BaselineSlot{&current, 1};
  }
  notes.push_back(
      fmt::format("baseline: {} cannot run on its current.instanceType {}: {}; the baseline prices it "
                  "on {}, the cheapest {} type that holds it",
                  w.qualifiedName(), current.name, why, instead.type->name, current.gpuModel));
  return instead;
}

}  // namespace

Result<Baseline> baselineFleet(const PlanContext& ctx, const std::vector<Workload>& ws) {
  Baseline result;
  result.byWorkload.assign(ws.size(), 0);
  // Per instance type and capacity, the workloads there and the pods per node each gets.
  std::map<std::pair<std::string, Capacity>, std::vector<std::pair<std::size_t, int>>> groups;
  for (std::size_t wi = 0; wi < ws.size(); ++wi) {
    const Workload& w = ws[wi];
    BaselineSlot slot;
    if (w.currentType) {
      slot = currentSlot(ctx, w, result.notes);
      if (!slot.type) continue;
    } else {
      slot = cheapestDedicated(ctx, w);
      if (!slot.type) {  // planned only on another GPU model, or no type has an on-demand price
        result.notes.push_back(
            fmt::format("baseline: {} is left out of it: no {} type with an on-demand price "
                        "holds one of its pods on a whole GPU",
                        w.qualifiedName(), w.gpuModel));
        continue;
      }
    }
    groups[{slot.type->name, baselineCapacity(w)}].push_back({wi, slot.podsPerNode});
  }
  Fleet& fleet = result.fleet;
  for (const auto& [key, members] : groups) {
    const auto& [name, capacity] = key;
    // Nodes' worth of pods, replicas / pods per node, as whole numbers over a common denominator.
    std::int64_t denominator = 1;
    for (const auto& [wi, perNode] : members) denominator = std::lcm(denominator, std::int64_t{perNode});
    std::vector<std::int64_t> worth;
    std::int64_t total = 0;
    for (const auto& [wi, perNode] : members) {
      worth.push_back(std::int64_t{ws[wi].replicas} * (denominator / perNode));
      total += worth.back();
    }
    const int n = static_cast<int>((total + denominator - 1) / denominator);
    const Micros cost = *Catalog::price(*ctx.catalog->findType(name), capacity) * n;
    fleet.instances[name] += n;
    fleet.hourly += cost;
    const std::vector<std::int64_t> shares = apportion(cost, worth);
    for (std::size_t k = 0; k < members.size(); ++k) result.byWorkload[members[k].first] = shares[k];
  }
  return result;
}

std::optional<Micros> fleetAtBaselineCapacity(const Catalog& catalog, const std::vector<Workload>& ws,
                                              const Plan& plan) {
  Micros total = 0;
  for (const Pool& pool : plan.pools) {
    const InstanceType* t = catalog.findType(pool.instanceType);
    if (!t || pool.pods <= 0) continue;
    // nodes x (sum over the pool's workloads of replicas x price) / the pool's pods.
    Micros weighted = 0;
    for (std::size_t wi : pool.workloads) {
      const std::optional<Micros> price = Catalog::price(*t, baselineCapacity(ws[wi]));
      if (!price) return std::nullopt;
      weighted += ws[wi].replicas * *price;
    }
    total += std::llround(static_cast<double>(weighted) * pool.nodes / pool.pods);
  }
  return total;
}

bool baselineCapacityDiffers(const std::vector<Workload>& ws, Capacity planned) {
  return std::any_of(ws.begin(), ws.end(), [&](const Workload& w) { return baselineCapacity(w) != planned; });
}

}  // namespace gpuslice::detail
