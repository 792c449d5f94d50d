#include "planner/baseline.h"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <map>

#include "planner/fit.h"

namespace gpuslice::detail {

Result<Fleet> baselineFleet(const PlanContext& ctx, const std::vector<Workload>& ws) {
  std::map<std::string, double> nodes;  // fractional node demand per type
  for (const Workload& w : ws) {
    const InstanceType* chosen = nullptr;
    int podsPerNode = 1;
    if (w.currentType) {
      chosen = ctx.catalog->findType(*w.currentType);
      if (!Catalog::price(*chosen, ctx.options->capacity)) {
        return workloadError(w, ErrorKind::BadInput, ".current.instanceType",
                             fmt::format("{} has no {} price in the price table {}", chosen->name,
                                         capacityName(ctx.options->capacity), ctx.catalog->file));
      }
      Candidate c;
      c.type = chosen;
      c.gpus = chosen->wholeGpus();
      c.allocatable = nodeAllocatable(*chosen, ctx.options->maxPodsPerNode, ctx.options->daemonSets);
      // It runs there today, so at least one pod fits a node whatever the requests say.
      const int cap = std::max(1, withNodeCap(SlotFit{}, w, c).nodeCap);
      podsPerNode = std::min(c.gpus, cap);
    } else {
      Micros bestCost = 0;
      int bestNodes = 0;
      for (const Candidate& c : ctx.candidates) {
        if (!admits(ctx, w, c) || c.type->gpuModel != w.gpuModel) continue;
        const SlotFit f = fitOf(ctx, w, c);
        if (!f.dedicated) continue;
        const int ppn = std::min(c.gpus, f.nodeCap);
        const int n = (w.replicas + ppn - 1) / ppn;
        const Micros cost = c.price * n;
        if (!chosen || cost < bestCost || (cost == bestCost && n < bestNodes)) {
          chosen = c.type;
          bestCost = cost;
          bestNodes = n;
          podsPerNode = ppn;
        }
      }
      if (!chosen) continue;  // makePlan reports it as infeasible
    }
    nodes[chosen->name] += static_cast<double>(w.replicas) / podsPerNode;
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
