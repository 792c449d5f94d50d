#include "report/pool_layout.h"

#include <fmt/format.h>

#include <algorithm>

namespace gpuslice::report {

namespace {

/// The instances of one MIG GPU laid out as `geometry`, as fractions of its memory slices.
std::vector<SlotPicture> migSlots(const std::vector<MigSlot>& geometry, const MigGpu& mig) {
  std::vector<SlotPicture> slots;
  const double total = std::max(1, mig.memorySlices);
  for (const MigSlot& s : geometry) {
    const auto p = std::find_if(mig.profiles.begin(), mig.profiles.end(),
                                [&](const MigProfile& m) { return m.name == s.profile; });
    const int size = p == mig.profiles.end() ? 1 : p->memorySlices;
    slots.push_back({s.start / total, size / total, s.profile, std::nullopt});
  }
  return slots;
}

/// An empty node of `pool`: its GPUs with their free slots.
NodePicture emptyNode(const Pool& pool, const MigGpu* mig) {
  NodePicture node;
  const int gpus = std::max(1, pool.gpusPerNode);
  for (int g = 0; g < gpus; ++g) {
    std::vector<SlotPicture> slots;
    if (pool.mode == Mode::Mig && mig && static_cast<std::size_t>(g) < pool.geometry.size()) {
      slots = migSlots(pool.geometry[static_cast<std::size_t>(g)], *mig);
    } else if (pool.mode == Mode::TimeSlicing || pool.mode == Mode::Mps) {
      const int r = std::max(1, pool.replicas);
      for (int k = 0; k < r; ++k) slots.push_back({static_cast<double>(k) / r, 1.0 / r, fmt::format("1/{}", r), {}});
    } else {
      slots.push_back({0, 1, "GPU", std::nullopt});
    }
    node.gpus.push_back(std::move(slots));
  }
  return node;
}

/// Places one pod of workload `wi` on `node` if it has room: `gpuCount` whole GPUs when
/// dedicated, else the first free slot (of `profile` in a MIG pool).
bool place(NodePicture& node, std::size_t wi, const Pool& pool, int gpuCount, const std::string& profile) {
  if (node.pods >= pool.podsPerNode) return false;
  if (pool.mode == Mode::Dedicated) {
    std::vector<SlotPicture*> free;
    for (auto& gpu : node.gpus) {
      if (!gpu.front().workload) free.push_back(&gpu.front());
    }
    if (static_cast<int>(free.size()) < gpuCount) return false;
    for (int k = 0; k < gpuCount; ++k) free[static_cast<std::size_t>(k)]->workload = wi;
    ++node.pods;
    return true;
  }
  for (auto& gpu : node.gpus) {
    for (SlotPicture& s : gpu) {
      if (s.workload || (pool.mode == Mode::Mig && s.label != profile)) continue;
      s.workload = wi;
      ++node.pods;
      return true;
    }
  }
  return false;
}

}  // namespace

std::vector<NodePicture> layOut(const Pool& pool, const Plan& plan, const WorkloadSet& set, const Catalog& catalog,
                                int maxNodes, int& undrawn) {
  const MigGpu* mig = pool.mode == Mode::Mig ? catalog.findMigGpu(pool.instanceType) : nullptr;
  std::vector<NodePicture> nodes(static_cast<std::size_t>(std::max(0, pool.nodes)), emptyNode(pool, mig));
  undrawn = 0;
  std::size_t open = 0;  // nodes before it are full
  for (std::size_t wi : pool.workloads) {
    const Workload& w = set.workloads[wi];
    const std::string& profile = plan.placements[wi].profile;
    for (int pod = 0; pod < w.replicas; ++pod) {
      std::size_t n = open;
      while (n < nodes.size() && !place(nodes[n], wi, pool, w.gpuCount, profile)) ++n;
      if (n >= nodes.size() || static_cast<int>(n) >= maxNodes) ++undrawn;
      while (open < nodes.size() && nodes[open].pods >= pool.podsPerNode) ++open;
    }
  }
  if (static_cast<int>(nodes.size()) > maxNodes) nodes.resize(static_cast<std::size_t>(maxNodes));
  return nodes;
}

}  // namespace gpuslice::report
