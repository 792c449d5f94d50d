#include "planner/risk.h"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <set>

#include "planner/context.h"
#include "planner/spread.h"

namespace gpuslice::detail {

namespace {
double round2(double x) { return std::round(x * 100.0) / 100.0; }

/// The MIG layout of a pool's nodes, runs of GPUs with the same geometry together:
/// "2 GPUs: 1g.10gb@0 ...; 1 GPU: ...".
std::string migLayout(const Pool& pool) {
  auto same = [&](std::size_t a, std::size_t b) {
    const auto& x = pool.geometry[a];
    const auto& y = pool.geometry[b];
    return std::equal(x.begin(), x.end(), y.begin(), y.end(),
                      [](const MigSlot& s, const MigSlot& t) { return s.profile == t.profile && s.start == t.start; });
  };
  std::vector<std::string> runs;
  for (std::size_t i = 0; i < pool.geometry.size();) {
    std::size_t j = i;
    while (j < pool.geometry.size() && same(i, j)) ++j;
    std::vector<std::string> slots;
    for (const MigSlot& s : pool.geometry[i]) slots.push_back(fmt::format("{}@{}", s.profile, s.start));
    runs.push_back(fmt::format("{} GPU{}: {}", j - i, j - i == 1 ? "" : "s", fmt::join(slots, " ")));
    i = j;
  }
  return fmt::format("{}", fmt::join(runs, "; "));
}

/// "a", "a and b", "a, b and c"; past `most` names, the first `most` and "N more".
std::string listed(const std::vector<std::string>& names, std::size_t most) {
  std::vector<std::string> shown(names.begin(),
                                 names.begin() + static_cast<std::ptrdiff_t>(std::min(most, names.size())));
  if (names.size() > most) shown.push_back(fmt::format("{} more", names.size() - most));
  if (shown.size() == 1) return shown[0];
  return fmt::format("{} and {}", fmt::join(shown.begin(), shown.end() - 1, ", "), shown.back());
}

/// All pods of a workload of 2 or more may be placed on one node of `pool`: it does not spread
/// them (minNodes, --min-nodes) and one node has room for them all.
bool oneNodeHoldsAll(const Workload& w, const Pool& pool, const PlanOptions& options) {
  return w.replicas >= 2 && minNodesOf(w, options) < 2 && (pool.nodes == 1 || pool.podsPerNode >= w.replicas);
}

constexpr std::size_t kNamesInNote = 8;  // more are counted, not named
}  // namespace

Risk assessRisk(const Workload& w, const Pool& pool, const Placement& placement, const PlanOptions& options,
                const MigGpu* gpu, std::optional<std::size_t> profile, std::int64_t gpuMemoryMiB) {
  Risk r;
  r.estimate = placement.risk.estimate;
  const double c = static_cast<double>(placement.computePpm) / 1e6;
  const int n = pool.replicas;
  switch (pool.mode) {
    case Mode::Mig:
      if (gpu && profile) {
        r.oom = OomKind::Isolated;
        r.memoryLimitMiB = instanceMemoryMiB(*gpu, *profile, gpuMemoryMiB) - options.gpuOverheadMiB;
        r.memorySlackMiB = r.memoryLimitMiB - w.memoryMiB;
        const ComputeFraction share = computeFraction(*gpu, *profile);
        r.computeShare = static_cast<double>(share.num) / static_cast<double>(share.den);
        r.slowdownPercent = round2(std::max(0.0, c / r.computeShare - 1.0) * 100.0);
        r.worstStretch = round2(std::max(1.0, c / r.computeShare));
        if (!share.fromSms) {
          r.notes.push_back(
              fmt::format("the SMs of {} on {} are not known: its compute share is assumed to be {} of "
                          "{} compute slices",
                          gpu->profiles[*profile].name, gpu->name, share.num, share.den));
        }
        break;
      }
      [[fallthrough]];
    case Mode::Dedicated:
      r.oom = OomKind::Isolated;
      r.memoryLimitMiB = pool.usableMemoryMiB;
      r.memorySlackMiB = pool.usableMemoryMiB - w.memoryMiB;
      r.computeShare = 1.0;
      r.slowdownPercent = 0;
      r.worstStretch = 1.0;
      break;
    case Mode::TimeSlicing:
      r.oom = OomKind::Shared;
      r.memoryLimitMiB = pool.usableMemoryMiB / n;
      r.memorySlackMiB = pool.usableMemoryMiB - n * pool.maxMemoryMiB;
      r.computeShare = 1.0 / n;
      r.slowdownPercent = round2((std::max(1.0, c * n) * (1.0 + options.contextSwitchOverhead) - 1.0) * 100.0);
      r.worstStretch = round2(n * (1.0 + options.contextSwitchOverhead));
      break;
    case Mode::Mps:
      // The device plugin's limits: NVML's total / r of memory, 100 / r percent of the threads.
      r.oom = OomKind::EnforcedLimit;
      r.memoryLimitMiB = mpsClientMemoryMiB(pool.gpuMemoryMiB, n);
      r.memorySlackMiB = r.memoryLimitMiB - w.memoryMiB;
      r.computeShare = mpsActiveThreadPercent(n) / 100.0;
      r.slowdownPercent = round2(std::max(0.0, c / r.computeShare - 1.0) * 100.0);
      r.worstStretch = round2(1.0 / r.computeShare);
      if (c > r.computeShare) {
        r.notes.push_back(fmt::format(
            "its p95 busy share, {:.2f}% of the GPU, is more than its MPS thread cap of {}%: it is throughput-bound, "
            "{:.2f}% slower, even when its neighbours are idle",
            c * 100.0, mpsActiveThreadPercent(n), r.slowdownPercent));
      }
      break;
  }
  if (r.estimate) {
    r.notes.push_back(fmt::format("moved from {} to {}: compute scaled by relative throughput, an estimate",
                                  measuredGpuName(w), pool.gpuModel));
  }
  if (oneNodeHoldsAll(w, pool, options)) {
    r.notes.push_back(fmt::format(
        "all {} pods may land on one node: a node failure takes the workload down; set minNodes", w.replicas));
  }
  return r;
}

std::vector<std::string> poolNotes(const Pool& pool, const PlanOptions& options, const MigGpu* gpu) {
  std::vector<std::string> notes;
  if (pool.mode == Mode::Mig && gpu) {
    notes.push_back(
        fmt::format("MIG layout of every node ({} strategy): {}", migStrategyName(pool.migStrategy), migLayout(pool)));
    notes.push_back(fmt::format(
        "each pod has its own MIG instance (memory, SMs, L2 and memory bandwidth isolated); usable memory per "
        "profile is the catalog's figure less the {} MiB overhead and depends on the driver",
        options.gpuOverheadMiB));
    if (gpu->placementsSource == PlacementsSource::Assumed) {
      notes.push_back(
          fmt::format("ASSUMPTION: the {} layout uses assumed MIG placements ({}); check `nvidia-smi mig "
                      "-lgipp` on one node before relying on it",
                      gpu->name, gpu->placementsReason));
    }
  }
  if (pool.mode == Mode::TimeSlicing) {
    notes.push_back(fmt::format(
        "GPU memory is not enforced: a pod that goes past its measured peak by more than {} MiB can make any pod "
        "on its GPU fail with out-of-memory",
        pool.usableMemoryMiB - pool.replicas * pool.maxMemoryMiB));
    notes.push_back(
        fmt::format("time-slicing context switches: slowdown of about {:.0f}% assumed when all {} "
                    "replicas are busy (one published measurement; an estimate)",
                    options.contextSwitchOverhead * 100, pool.replicas));
  } else if (pool.mode == Mode::Mps) {
    notes.push_back(fmt::format(
        "MPS limits each pod to {} MiB of GPU memory (NVML's {} MiB / {}) and {}% of the GPU's threads (100 / {}), "
        "as the device plugin sets them; the largest peak, {} MiB, fits, and {} of them leave the {} MiB overhead "
        "free. A pod past its memory limit fails alone, but a fatal GPU fault (an Xid error such as an illegal "
        "memory access) in any pod is delivered to every MPS client of its GPU: all pods on that GPU fail, and "
        "the MPS server takes no new pod until they have all exited",
        mpsClientMemoryMiB(pool.gpuMemoryMiB, pool.replicas), pool.gpuMemoryMiB, pool.replicas,
        mpsActiveThreadPercent(pool.replicas), pool.replicas, pool.maxMemoryMiB, pool.replicas,
        options.gpuOverheadMiB));
  }
  const bool sliced = pool.mode == Mode::TimeSlicing || pool.mode == Mode::Mps;
  if (sliced && pool.computePerGpu > kSaturatedBusyShare) {
    notes.push_back(fmt::format(
        "its GPUs are {:.0f}% busy at the pods' p95 (summed per GPU), above {:.0f}%: requests queue for the GPU "
        "and their latency grows sharply as it nears 100%",
        pool.computePerGpu * 100, kSaturatedBusyShare * 100));
  }
  return notes;
}

std::vector<std::string> tenancyNotes(const Pool& pool, const std::vector<Workload>& ws, const PlanOptions& options) {
  std::vector<std::string> notes;
  if (pool.mode == Mode::TimeSlicing || pool.mode == Mode::Mps) {
    std::set<std::string> namespaces;
    for (std::size_t wi : pool.workloads) namespaces.insert(ws[wi].ns);
    if (namespaces.size() >= 2) {
      notes.push_back(
          fmt::format("pods of the namespaces {} may share one GPU {}: each slows the others when busy, and {}",
                      listed({namespaces.begin(), namespaces.end()}, kNamesInNote),
                      pool.mode == Mode::Mps ? "under MPS" : "by time-slicing",
                      pool.mode == Mode::Mps ? "a fatal GPU fault in one fails the others on that GPU"
                                             : "one past its memory peak can make the others fail with out-of-memory"));
    }
  }
  std::vector<std::string> together;
  for (std::size_t wi : pool.workloads) {
    if (oneNodeHoldsAll(ws[wi], pool, options)) together.push_back(ws[wi].qualifiedName());
  }
  if (!together.empty()) {
    notes.push_back(fmt::format("all pods of {} may land on one node: a node failure takes {} down; set minNodes",
                                listed(together, kNamesInNote), together.size() == 1 ? "it" : "each of them"));
  }
  return notes;
}

}  // namespace gpuslice::detail
