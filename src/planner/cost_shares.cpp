#include "planner/cost_shares.h"

#include <algorithm>

#include "util/apportion.h"

namespace gpuslice::detail {

std::int64_t roomOf(const Catalog& catalog, const Workload& w, const Pool& pool, const std::string& profile) {
  switch (pool.mode) {
    case Mode::Dedicated: return std::int64_t{w.replicas} * w.gpuCount;
    case Mode::TimeSlicing:
    case Mode::Mps: return w.replicas;
    case Mode::Mig: break;
  }
  const MigGpu* gpu = catalog.findMigGpu(pool.instanceType);
  if (gpu) {
    const auto& ps = gpu->profiles;
    const auto it = std::find_if(ps.begin(), ps.end(), [&](const MigProfile& p) { return p.name == profile; });
    if (it != ps.end()) return std::int64_t{w.replicas} * it->memorySlices;
  }
  return w.replicas;  // a profile the catalog lacks (not planned): one slot a pod
}

void splitPoolCosts(const Catalog& catalog, const std::vector<Workload>& ws, Plan& plan) {
  for (const Pool& pool : plan.pools) {
    std::vector<std::int64_t> room;
    room.reserve(pool.workloads.size());
    for (std::size_t wi : pool.workloads) room.push_back(roomOf(catalog, ws[wi], pool, plan.placements[wi].profile));
    const std::vector<std::int64_t> shares = apportion(pool.hourly, room);
    for (std::size_t k = 0; k < pool.workloads.size(); ++k) plan.placements[pool.workloads[k]].hourly = shares[k];
  }
}

}  // namespace gpuslice::detail
