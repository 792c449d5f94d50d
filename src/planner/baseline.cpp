#include "planner/baseline.h"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <map>

#include "planner/fit.h"

namespace gpuslice::detail {

namespace {

/// Where the baseline puts a workload: an instance type and how many of its pods a node holds.
struct BaselineSlot {
  const InstanceType* type = nullptr;
  int podsPerNode = 1;
};

/// The workload's current instance type, one pod per GPU as far as the node holds them; an
/// error when the price table has no price for it.
Result<BaselineSlot> currentSlot(const PlanContext& ctx, const Workload& w) {
  BaselineSlot slot;
  slot.type = ctx.catalog->findType(*w.currentType);
  const InstanceType& chosen = *slot.type;
  if (!Catalog::price(chosen, ctx.options->capacity)) {
    return workloadError(w, ErrorKind::BadInput, ".current.instanceType",
                         fmt::format("{} has no {} price in the price table {}", chosen.name,
                                     capacityName(ctx.options->capacity), ctx.catalog->file));
  }
  Candidate c;
  c.type = &chosen;
  c.gpus = chosen.wholeGpus();
  c.allocatable = nodeAllocatable(chosen, ctx.options->maxPodsPerNode, ctx.options->daemonSets);
  // It runs there today, so at least one pod fits a node whatever the requests say.
  const int cap = std::max(1, withNodeCap(SlotFit{}, w, c).nodeCap);
  slot.podsPerNode = std::min(c.gpus, cap);
  return slot;
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
    const Micros cost = c.price * n;
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

}  // namespace

Result<Fleet> baselineFleet(const PlanContext& ctx, const std::vector<Workload>& ws) {
  std::map<std::string, double> nodes;  // fractional node demand per type
  for (const Workload& w : ws) {
    BaselineSlot slot;
    if (w.currentType) {
      auto current = currentSlot(ctx, w);
      if (!current) return current.error();
      slot = *current;
    } else {
      slot = cheapestDedicated(ctx, w);
      if (!slot.type) continue;  // makePlan reports it as infeasible
    }
    nodes[slot.type->name] += static_cast<double>(w.replicas) / slot.podsPerNode;
  }
  Fleet fleet;
  for (const auto& [name, demand] : nodes) {
    const int n = static_cast<int>(std::ceil(demand - 1e-9));
    fleet.instances[name] = n;
    fleet.hourly += *Catalog::price(*ctx.catalog->findType(name), ctx.options->capacity) * n;
  }
  return fleet;
}

}  // namespace gpuslice::detail
