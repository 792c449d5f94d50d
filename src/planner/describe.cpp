#include "planner/describe.h"

#include <fmt/format.h>
#include <algorithm>
#include <map>
#include <numeric>
#include <set>

#include "planner/mig_packing.h"
#include "planner/risk.h"
#include "planner/spread.h"

namespace gpuslice::detail {

namespace {

std::string poolBaseName(const std::string& type, Mode mode, int replicas) {
  std::string name = type;
  std::replace(name.begin(), name.end(), '.', '-');
  switch (mode) {
    case Mode::Dedicated: return name + "-dedicated";
    case Mode::TimeSlicing: return fmt::format("{}-ts{}", name, replicas);
    case Mode::Mps: return fmt::format("{}-mps{}", name, replicas);
    case Mode::Mig: return name + "-mig";
  }
  return name;
}

/// Which node resource sets `nodeCap`, the most pods of these members a node can hold: that of
/// the first member whose own cap it is, when its GPUs (gpu.count), CPU or memory set it; else
/// the pod limit.
LimitedBy nodeLimit(const Candidate& c, const std::vector<Workload>& ws, const std::vector<std::size_t>& members,
                    int nodeCap) {
  for (std::size_t wi : members) {
    if (nodeCapOf(ws[wi], c) != nodeCap) continue;
    const LimitedBy by = nodeLimitOf(ws[wi], c);
    if (by != LimitedBy::Pods) return by;
  }
  return LimitedBy::Pods;
}

/// The largest compute share a profile of `gpu` gives, in words: "98 of 108 SMs".
std::string mostCompute(const MigGpu& gpu) {
  ComputeFraction most{0, 1, true};
  for (std::size_t p = 0; p < gpu.profiles.size(); ++p) {
    const ComputeFraction f = computeFraction(gpu, p);
    if (f.num * most.den > most.num * f.den) most = f;
  }
  return fmt::format("{} of {} {}", most.num, most.den, most.fromSms ? "SMs" : "compute slices");
}

/// Why a workload that allows MIG, on a model some candidate offers MIG for, has no MIG
/// profile that holds it; nullopt otherwise.
std::optional<std::string> notMigEligible(const PlanContext& ctx, const Workload& w) {
  if (!(effectiveModes(w, *ctx.options) & bit(Mode::Mig))) return std::nullopt;
  const Candidate* roomiest = nullptr;
  std::int64_t roomiestMiB = 0;
  for (const Candidate& c : ctx.candidates) {
    if (!c.mig || !admits(ctx, w, c)) continue;
    if (migProfileFor(ctx, w, c)) return std::nullopt;
    const std::int64_t mib = largestInstanceMiB(c);
    if (!roomiest || mib > roomiestMiB) {
      roomiest = &c;
      roomiestMiB = mib;
    }
  }
  if (!roomiest) return std::nullopt;
  return fmt::format(
      "not MIG-eligible: no MIG profile holds one pod ({:.2f} GiB, {:.1f}% compute); the largest instance, on {}, "
      "has {:.2f} GiB usable after the overhead and {}",
      static_cast<double>(w.memoryMiB) / 1024.0, static_cast<double>(w.computePpm) / 1e4, roomiest->type->name,
      static_cast<double>(roomiestMiB - ctx.options->gpuOverheadMiB) / 1024.0, mostCompute(*roomiest->mig));
}

/// The MIG GPU, strategy and per-GPU layout of a MIG pool.
void describeMig(const MigGpu& gpu, const std::vector<MigGeometry>& layout, Pool& pool) {
  pool.migGpu = gpu.name;
  pool.migPlacementsAssumed = gpu.placementsSource == PlacementsSource::Assumed;
  std::set<std::size_t> profiles;
  for (const MigGeometry& g : layout) {
    std::vector<MigSlot>& slots = pool.geometry.emplace_back();
    for (const MigPlacement& p : g.placements) {
      slots.push_back(MigSlot{gpu.profiles[p.profile].name, p.start});
      profiles.insert(p.profile);
    }
  }
  // The single strategy shows every instance as nvidia.com/gpu: right only when they are alike.
  pool.migStrategy = profiles.size() == 1 ? MigStrategy::Single : MigStrategy::Mixed;
}

/// Why pool `p` has more nodes than its pods need, when spreadPools raised them: the first
/// member whose minNodes asked for them.
std::optional<std::string> spreadNote(const PlanContext& ctx, const std::vector<Workload>& ws, const PackedPool& p) {
  if (p.nodesBeforeSpread == 0) return std::nullopt;
  for (std::size_t wi : p.workloads) {
    const Workload& w = ws[wi];
    const int n = minNodesOf(w, *ctx.options);
    if (n != p.shape.nodes) continue;
    return fmt::format(
        "{} nodes where {} would hold the pods: {} spreads its {} pods over at least {} nodes ({}), at most {} on a "
        "node",
        p.shape.nodes, p.nodesBeforeSpread, w.qualifiedName(), w.replicas, n,
        w.minNodes ? "its minNodes" : "--min-nodes", (w.replicas + n - 1) / n);
  }
  return std::nullopt;
}

/// The most GPUs one pod of packed pool p takes (gpu.count).
int mostGpusPerPod(const std::vector<Workload>& ws, const PackedPool& p) {
  int most = 1;
  for (std::size_t wi : p.workloads) most = std::max<int>(most, ws[wi].gpuCount);
  return most;
}

/// Whether packed pools a and b render as one NodePool: the same instance type, mode and
/// replicas, and for MIG the same layout. Such pools stay apart in packing when their pods take
/// different room on a node (one bound by CPU, one by GPUs) and are one pool in the plan. Pools
/// whose pods take different numbers of GPUs (gpu.count) stay apart: a pool's nodes are counted
/// from its largest count, which a merged pool would no longer show.
bool sameNodePool(const std::vector<Workload>& ws, const PackedPool& a, const PackedPool& b) {
  return a.candidate == b.candidate && a.mode == b.mode && a.shape.replicas == b.shape.replicas &&
         a.migGpu == b.migGpu && a.migLayout == b.migLayout && mostGpusPerPod(ws, a) == mostGpusPerPod(ws, b);
}

/// Folds pool b, packed apart from a but alike (sameNodePool), into a: nodes, pods and cost add
/// up; a node of the pool takes at most the larger of their pods per node; the per-GPU shares
/// are averaged over all nodes.
void absorbPool(Pool& a, Pool b) {
  const double na = a.nodes, nb = b.nodes;
  const double nodes = std::max(na + nb, 1.0);
  a.computePerGpu = (a.computePerGpu * na + b.computePerGpu * nb) / nodes;
  a.memoryPerGpu = (a.memoryPerGpu * na + b.memoryPerGpu * nb) / nodes;
  a.nodes += b.nodes;
  a.pods += b.pods;
  a.hourly += b.hourly;
  a.nodesAtMaxReplicas += b.nodesAtMaxReplicas;
  a.packedParts += b.packedParts;
  if (b.podsPerNode > a.podsPerNode) {
    a.podsPerNode = b.podsPerNode;
    a.limitedBy = b.limitedBy;
  }
  a.maxMemoryMiB = std::max(a.maxMemoryMiB, b.maxMemoryMiB);
  a.maxComputePpm = std::max(a.maxComputePpm, b.maxComputePpm);
  a.estimate = a.estimate || b.estimate;
  for (std::string& note : b.notes) {
    if (std::find(a.notes.begin(), a.notes.end(), note) == a.notes.end()) a.notes.push_back(std::move(note));
  }
  a.workloads.insert(a.workloads.end(), b.workloads.begin(), b.workloads.end());
}

/// Sorts workload indices by namespace and name.
void sortByName(const std::vector<Workload>& ws, std::vector<std::size_t>& members) {
  std::sort(members.begin(), members.end(), [&](std::size_t a, std::size_t b) {
    return std::tie(ws[a].ns, ws[a].name) < std::tie(ws[b].ns, ws[b].name);
  });
}

/// What bounds packed pool p's pods per node on candidate c.
LimitedBy poolLimit(const Candidate& c, const std::vector<Workload>& ws, const PackedPool& p) {
  return p.shape.gpuBound ? LimitedBy::Gpu : nodeLimit(c, ws, p.workloads, p.minNodeCap);
}

/// The note of a pool that holds several packed pools (sameNodePool): how many pods of whose a
/// node takes in each, and that its node count is theirs added up.
std::string partsNote(const PlanContext& ctx, const std::vector<Workload>& ws, const std::vector<PackedPool>& packed,
                      const std::vector<std::size_t>& parts, int nodes) {
  std::vector<std::string> each;
  for (std::size_t i : parts) {
    const PackedPool& p = packed[i];
    const Candidate& c = ctx.candidates[static_cast<std::size_t>(p.candidate)];
    std::vector<std::string> names;  // p.workloads are sorted by name (sortPacked)
    for (std::size_t wi : p.workloads) names.push_back(ws[wi].qualifiedName());
    each.push_back(fmt::format("{}: {} pods a node, by {}, {} node{}", fmt::join(names, ", "), p.shape.podsPerNode,
                               limitedByName(poolLimit(c, ws, p)), p.shape.nodes, p.shape.nodes == 1 ? "" : "s"));
  }
  return fmt::format(
      "one NodePool for pods that take different room on a node ({}): its {} nodes are those added up, and the "
      "scheduler may mix the pods onto fewer",
      fmt::join(each, "; "), nodes);
}

/// Sorts each pool's workloads by namespace and name, and the pools by instance type, mode,
/// replicas (most first) and first workload.
void sortPacked(const PlanContext& ctx, const std::vector<Workload>& ws, std::vector<PackedPool>& packed) {
  for (PackedPool& p : packed) sortByName(ws, p.workloads);
  std::sort(packed.begin(), packed.end(), [&](const PackedPool& a, const PackedPool& b) {
    const auto& ta = ctx.candidates[static_cast<std::size_t>(a.candidate)].type->name;
    const auto& tb = ctx.candidates[static_cast<std::size_t>(b.candidate)].type->name;
    if (ta != tb) return ta < tb;
    if (a.mode != b.mode) return a.mode < b.mode;
    if (a.shape.replicas != b.shape.replicas) return a.shape.replicas > b.shape.replicas;
    const Workload& wa = ws[a.workloads.front()];
    const Workload& wb = ws[b.workloads.front()];
    return std::tie(wa.ns, wa.name) < std::tie(wb.ns, wb.name);
  });
}

/// The pool that describes packed pool `p`, with its figures but not yet its name; sets each
/// member's placement (profile, compute, whether an estimate) in `plan`.
Pool describePool(const PlanContext& ctx, const std::vector<Workload>& ws, const PackedPool& p, Plan& plan) {
  const Candidate& c = ctx.candidates[static_cast<std::size_t>(p.candidate)];
  Pool pool;
  pool.instanceType = c.type->name;
  pool.gpuModel = c.type->gpuModel;
  pool.mode = p.mode;
  pool.replicas = p.shape.replicas;
  pool.nodes = p.shape.nodes;
  pool.gpusPerNode = c.gpus;
  pool.podsPerNode = p.shape.podsPerNode;
  pool.maxPodsPerNode = c.allocatable.maxPods;
  pool.pods = static_cast<int>(p.pods);
  pool.limitedBy = poolLimit(c, ws, p);
  pool.hourly = c.price * p.shape.nodes;
  pool.usableMemoryMiB = c.usableMemoryMiB;
  pool.gpuMemoryMiB = c.memory.mib;
  pool.workloads = p.workloads;
  if (p.migGpu) describeMig(*p.migGpu, p.migLayout, pool);
  pool.nodesAtMaxReplicas = nodesAtMaxReplicas(ctx, ws, p);
  if (auto note = spreadNote(ctx, ws, p)) pool.notes.push_back(*note);
  double compute = 0, memory = 0;
  for (std::size_t wi : p.workloads) {
    // Only the pod's compute on this GPU and whether it is an estimate are needed here.
    const SlotFit f = gpuFitOf(ctx, ws[wi], c);
    if (p.migGpu) plan.placements[wi].profile = p.migGpu->profiles[*migProfileFor(ctx, ws[wi], c)].name;
    pool.maxMemoryMiB = std::max(pool.maxMemoryMiB, ws[wi].memoryMiB);
    pool.maxComputePpm = std::max(pool.maxComputePpm, f.computePpm);
    pool.estimate = pool.estimate || f.estimate;
    const double gpusOfPods = static_cast<double>(ws[wi].replicas) * ws[wi].gpuCount;  // figures are per GPU
    compute += static_cast<double>(f.computePpm) * gpusOfPods;
    memory += static_cast<double>(ws[wi].memoryMiB) * gpusOfPods;
    plan.placements[wi].workload = wi;
    plan.placements[wi].gpuModel = ws[wi].gpuModel;
    plan.placements[wi].computePpm = f.computePpm;
    plan.placements[wi].risk.estimate = f.estimate;
    plan.placements[wi].minNodes = minNodesOf(ws[wi], *ctx.options);
  }
  const double gpus = static_cast<double>(pool.nodes) * (c.type->fractional() ? c.type->gpuCount : c.gpus);
  pool.computePerGpu = compute / 1e6 / gpus;
  pool.memoryPerGpu = memory / (static_cast<double>(pool.nodes) * c.gpus * static_cast<double>(c.usableMemoryMiB));
  return pool;
}

/// The pools sorted by name.
std::vector<Pool> sortedByName(std::vector<Pool>& pools) {
  std::vector<std::size_t> order(pools.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return pools[a].name < pools[b].name; });
  std::vector<Pool> sorted;
  for (std::size_t i : order) sorted.push_back(std::move(pools[i]));
  return sorted;
}

/// The GPU Operator has one MIG strategy for the whole cluster: mixed as soon as one pool
/// needs it.
void oneMigStrategy(std::vector<Pool>& pools) {
  if (std::any_of(pools.begin(), pools.end(),
                  [](const Pool& p) { return p.mode == Mode::Mig && p.migStrategy == MigStrategy::Mixed; })) {
    for (Pool& p : pools) {
      if (p.mode == Mode::Mig) p.migStrategy = MigStrategy::Mixed;
    }
  }
}

/// The index of the profile named `name` in gpu's profiles; nullopt without a GPU or such a profile.
std::optional<std::size_t> profileNamed(const MigGpu* gpu, const std::string& name) {
  if (!gpu) return std::nullopt;
  auto it =
      std::find_if(gpu->profiles.begin(), gpu->profiles.end(), [&](const MigProfile& m) { return m.name == name; });
  if (it == gpu->profiles.end()) return std::nullopt;
  return static_cast<std::size_t>(it - gpu->profiles.begin());
}

/// A note for a MIG pool whose pods of several profiles share a node's CPU or memory cap below
/// its instances: the nodes hold every pod, but not in every order the scheduler may place them.
std::optional<std::string> migOrderNote(const Plan& plan, const Pool& pool) {
  if (pool.mode != Mode::Mig || pool.limitedBy == LimitedBy::Gpu) return std::nullopt;
  std::set<std::string> profiles;
  for (std::size_t wi : pool.workloads) profiles.insert(plan.placements[wi].profile);
  if (profiles.size() < 2) return std::nullopt;
  return fmt::format(
      "a node has room for {} of these pods (by {}), fewer than its instances of their profiles: the {} nodes hold "
      "every pod, but the scheduler places pods one at a time and may fill a node with pods of one profile, "
      "leaving a pod of another pending until Karpenter adds a node",
      pool.podsPerNode, limitedByName(pool.limitedBy), pool.nodes);
}

/// The notes of pool pi, and the pool index and risk of each of its workloads' placements.
void placeWorkloads(const PlanContext& ctx, const std::vector<Workload>& ws, std::size_t pi, Plan& plan) {
  const Pool& pool = plan.pools[pi];
  const MigGpu* gpu = pool.mode == Mode::Mig ? ctx.catalog->findMigGpu(pool.instanceType) : nullptr;
  std::vector<std::string> notes = poolNotes(pool, *ctx.options, gpu);
  for (std::string& note : tenancyNotes(pool, ws, *ctx.options)) notes.push_back(std::move(note));
  notes.insert(notes.end(), pool.notes.begin(), pool.notes.end());  // describePool's (spreadNote)
  plan.pools[pi].notes = std::move(notes);
  if (auto note = migOrderNote(plan, pool)) plan.pools[pi].notes.push_back(*note);
  const std::int64_t gpuMemoryMiB = pool.gpuMemoryMiB;
  for (std::size_t wi : pool.workloads) {
    Placement& placement = plan.placements[wi];
    placement.pool = pi;
    const std::optional<std::size_t> profile = profileNamed(gpu, placement.profile);
    placement.risk = assessRisk(ws[wi], pool, placement, *ctx.options, gpu, profile, gpuMemoryMiB);
    if (pool.mode != Mode::Mig) {
      if (auto why = notMigEligible(ctx, ws[wi])) placement.risk.notes.push_back(*why);
    }
  }
}

}  // namespace

void describePools(const PlanContext& ctx, const std::vector<Workload>& ws, std::vector<PackedPool>& packed,
                   Plan& plan) {
  sortPacked(ctx, ws, packed);
  plan.placements.resize(ws.size());
  std::vector<std::vector<std::size_t>> parts;  // per pool, the packed pools it holds
  for (std::size_t i = 0; i < packed.size(); ++i) {
    Pool pool = describePool(ctx, ws, packed[i], plan);
    auto same = std::find_if(parts.begin(), parts.end(), [&](const std::vector<std::size_t>& of) {
      return sameNodePool(ws, packed[of.front()], packed[i]);
    });
    if (same == parts.end()) {
      plan.pools.push_back(std::move(pool));
      parts.push_back({i});
      continue;
    }
    const auto pi = static_cast<std::size_t>(same - parts.begin());
    same->push_back(i);
    absorbPool(plan.pools[pi], std::move(pool));
  }
  std::map<std::string, int> used;
  for (std::size_t pi = 0; pi < plan.pools.size(); ++pi) {
    Pool& pool = plan.pools[pi];
    const std::string base = poolBaseName(pool.instanceType, pool.mode, pool.replicas);
    const int n = ++used[base];
    pool.name = n == 1 ? base : fmt::format("{}-{}", base, n);
    if (parts[pi].size() == 1) continue;
    pool.notes.push_back(partsNote(ctx, ws, packed, parts[pi], pool.nodes));
    sortByName(ws, pool.workloads);  // the parts' lists, each sorted, one after the other
  }
  plan.pools = sortedByName(plan.pools);
  oneMigStrategy(plan.pools);
  for (std::size_t pi = 0; pi < plan.pools.size(); ++pi) placeWorkloads(ctx, ws, pi, plan);
  Micros atMax = 0;
  bool grows = false;
  for (const Pool& p : plan.pools) {
    plan.fleet.instances[p.instanceType] += p.nodes;
    plan.fleet.hourly += p.hourly;
    atMax += p.hourly / std::max(p.nodes, 1) * p.nodesAtMaxReplicas;
  }
  for (const Workload& w : ws) grows = grows || w.maxReplicas;
  if (grows) plan.maxReplicasHourly = atMax;
}

}  // namespace gpuslice::detail
