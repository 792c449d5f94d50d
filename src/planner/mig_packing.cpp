#include "planner/mig_packing.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

#include "mig/cover.h"

namespace gpuslice::detail {

MigCover& MigCovers::of(const MigGpu& gpu) {
  std::unique_ptr<MigCover>& slot = covers_[&gpu];
  if (!slot) slot = std::make_unique<MigCover>(gpu);
  return *slot;
}

namespace {

/// MIG pools for a set of workloads, with their cost.
struct MigOption {
  bool ok = false;
  Micros cost = 0;
  long long nodes = 0;
  std::vector<PackedPool> pools;
};

/// One pool's worth of profiles on one candidate: its layout and node count.
struct Block {
  bool ok = false;
  Micros cost = 0;
  long long nodes = 0;
  PackedPool pool;
};

/// The pool (without its members) for `demand` instances per profile, `pods` pods and at most
/// `cap` pods per node by CPU and memory on candidate `k`: the fewest identical nodes and their
/// layout; !ok when no one layout can hold the demand.
Block layoutBlock(const PlanContext& ctx, MigCovers& covers, int k, const std::vector<int>& demand, long long pods,
                  int cap) {
  Block b;
  const Candidate& c = ctx.candidates[static_cast<std::size_t>(k)];
  const MigGpu& gpu = *c.mig;
  MigCover& cover = covers.of(gpu);
  const auto layout = cover.identicalNodes(demand, c.gpus);
  if (!layout) return b;
  std::vector<int> supply(gpu.profiles.size(), 0);  // instances per node
  for (std::size_t g : layout->perGpu) {
    const std::vector<int>& counts = cover.counts(g);
    for (std::size_t p = 0; p < counts.size(); ++p) supply[p] += counts[p];
  }
  // The layout is the fewest nodes' for the GPUs; the node cap may ask for more (migNodesFor).
  const long long nodes = std::max<long long>(layout->nodes, migNodesFor(demand, supply, cap));
  long long usable = 0;  // instances of a node that the pool's pods can take
  for (std::size_t p = 0; p < demand.size(); ++p) {
    if (demand[p] > 0) usable += supply[p];
  }
  b.ok = true;
  b.nodes = nodes;
  b.cost = c.price * nodes;
  PackedPool& pool = b.pool;
  pool.candidate = k;
  pool.mode = Mode::Mig;
  pool.shape.replicas = 1;
  pool.shape.nodes = static_cast<int>(nodes);
  pool.shape.podsPerNode = static_cast<int>(std::min<long long>(usable, cap));
  pool.shape.gpuBound = cap >= usable;
  pool.pods = pods;
  pool.minNodeCap = cap;
  pool.migGpu = &gpu;
  for (std::size_t g : layout->perGpu) pool.migLayout.push_back(cover.geometries()[g]);
  return b;
}

/// Per class: its MIG candidates and, per candidate j and member position i, the profile a
/// pod of the member gets there (-1: none, or no node holds the pod) and its node cap.
struct MigTable {
  const std::vector<std::size_t>* members = nullptr;
  std::vector<int> candidates;
  std::vector<std::vector<int>> profile;
  std::vector<std::vector<int>> cap;
};

/// Lexicographic score of a set of MIG pools: cost, nodes, then fewer pools.
using PoolSplitScore = std::tuple<Micros, long long, int>;

/// Up to this many workloads, MIG pools are chosen over every split of the workloads;
/// beyond it, workloads of one profile always share a pool.
constexpr std::size_t kSplitWorkloads = 8;

/// The cheapest MIG pools for `set` on candidate `k`, all of whose members must have a
/// profile there. The set is split into groups, one pool per group, choosing the split of
/// least cost over all splits: of the workloads when there are few, else of the profiles.
MigOption packOnCandidate(const PlanContext& ctx, MigCovers& covers, const std::vector<Workload>& ws,
                          const MigTable& table, const std::vector<std::size_t>& positions, std::size_t j) {
  MigOption out;
  const int k = table.candidates[j];
  std::vector<std::size_t> set(positions.size()), profile(positions.size());
  std::vector<int> cap(positions.size());
  std::vector<std::size_t> item(positions.size());  // the group-forming item each member belongs to
  for (std::size_t i = 0; i < positions.size(); ++i) {
    const std::size_t at = positions[i];
    if (table.profile[j][at] < 0) return out;
    set[i] = (*table.members)[at];
    profile[i] = static_cast<std::size_t>(table.profile[j][at]);
    cap[i] = table.cap[j][at];
    item[i] = set.size() <= kSplitWorkloads ? i : profile[i];
  }
  std::vector<std::size_t> items = item;
  std::sort(items.begin(), items.end());
  items.erase(std::unique(items.begin(), items.end()), items.end());
  const std::size_t m = items.size();
  // Per item: its demand, pods, node cap and members.
  const std::size_t profiles = ctx.candidates[static_cast<std::size_t>(k)].mig->profiles.size();
  std::vector<std::vector<int>> itemDemand(m, std::vector<int>(profiles, 0));
  std::vector<long long> itemPods(m, 0);
  std::vector<int> itemCap(m, std::numeric_limits<int>::max());
  std::vector<std::vector<std::size_t>> itemMembers(m);
  for (std::size_t i = 0; i < set.size(); ++i) {
    const auto pos = static_cast<std::size_t>(std::lower_bound(items.begin(), items.end(), item[i]) - items.begin());
    itemDemand[pos][profile[i]] += ws[set[i]].replicas;
    itemPods[pos] += ws[set[i]].replicas;
    itemCap[pos] = std::min(itemCap[pos], cap[i]);
    itemMembers[pos].push_back(set[i]);
  }
  const std::size_t full = (std::size_t{1} << m) - 1;
  std::vector<Block> blocks(full + 1);
  for (std::size_t mask = 1; mask <= full; ++mask) {
    std::vector<int> demand(profiles, 0);
    long long pods = 0;
    int blockCap = std::numeric_limits<int>::max();
    for (std::size_t pos = 0; pos < m; ++pos) {
      if (!(mask >> pos & 1)) continue;
      for (std::size_t p = 0; p < profiles; ++p) demand[p] += itemDemand[pos][p];
      pods += itemPods[pos];
      blockCap = std::min(blockCap, itemCap[pos]);
    }
    blocks[mask] = layoutBlock(ctx, covers, k, demand, pods, blockCap);
  }
  // best[mask]: the least score over splits of the profiles in mask into groups.
  std::vector<std::optional<PoolSplitScore>> best(full + 1);
  std::vector<std::size_t> firstGroup(full + 1, 0);
  best[0] = PoolSplitScore{0, 0, 0};
  for (std::size_t mask = 1; mask <= full; ++mask) {
    const std::size_t low = mask & (~mask + 1);
    for (std::size_t sub = mask; sub; sub = (sub - 1) & mask) {
      if (!(sub & low) || !blocks[sub].ok || !best[mask ^ sub]) continue;
      const auto& [cost, nodes, groups] = *best[mask ^ sub];
      const PoolSplitScore s{cost + blocks[sub].cost, nodes + blocks[sub].nodes, groups + 1};
      if (!best[mask] || s < *best[mask]) {
        best[mask] = s;
        firstGroup[mask] = sub;
      }
    }
  }
  if (!best[full]) return out;
  out.ok = true;
  out.cost = std::get<0>(*best[full]);
  out.nodes = std::get<1>(*best[full]);
  for (std::size_t mask = full; mask; mask ^= firstGroup[mask]) {
    PackedPool& pool = out.pools.emplace_back(blocks[firstGroup[mask]].pool);
    for (std::size_t pos = 0; pos < m; ++pos) {
      if (firstGroup[mask] >> pos & 1)
        pool.workloads.insert(pool.workloads.end(), itemMembers[pos].begin(), itemMembers[pos].end());
    }
  }
  return out;
}

/// The cheapest MIG pools for `set`: all on the one MIG candidate where that costs least;
/// where no candidate holds every member, each member goes with the others whose cheapest
/// MIG candidate per pod is the same.
MigOption packMig(const PlanContext& ctx, MigCovers& covers, const std::vector<Workload>& ws, const MigTable& table,
                  const std::vector<std::size_t>& positions) {
  MigOption best;
  if (positions.empty()) {
    best.ok = true;
    return best;
  }
  for (std::size_t j = 0; j < table.candidates.size(); ++j) {
    MigOption o = packOnCandidate(ctx, covers, ws, table, positions, j);
    if (o.ok && (!best.ok || std::tie(o.cost, o.nodes) < std::tie(best.cost, best.nodes))) best = std::move(o);
  }
  if (best.ok) return best;
  std::map<std::size_t, std::vector<std::size_t>> byCandidate;
  for (std::size_t at : positions) {
    std::optional<std::size_t> cheapest;
    double perPod = std::numeric_limits<double>::infinity();
    for (std::size_t j = 0; j < table.candidates.size(); ++j) {
      if (table.profile[j][at] < 0) continue;
      const Candidate& c = ctx.candidates[static_cast<std::size_t>(table.candidates[j])];
      const double x =
          static_cast<double>(c.price) / c.gpus * gpuShare(*c.mig, static_cast<std::size_t>(table.profile[j][at]));
      if (x < perPod) {
        perPod = x;
        cheapest = j;
      }
    }
    if (!cheapest) return best;  // not ok: the caller only passes members with a MIG fit
    byCandidate[*cheapest].push_back(at);
  }
  best.ok = true;
  for (auto& [j, members] : byCandidate) {
    MigOption o = packOnCandidate(ctx, covers, ws, table, members, j);
    if (!o.ok) return MigOption{};
    best.cost += o.cost;
    best.nodes += o.nodes;
    for (PackedPool& p : o.pools) best.pools.push_back(std::move(p));
  }
  return best;
}

}  // namespace

long long migNodesFor(const std::vector<int>& demand, const std::vector<int>& supply, int cap) {
  long long pods = 0, nodes = 0;
  for (std::size_t p = 0; p < demand.size(); ++p) {
    if (demand[p] <= 0) continue;
    if (supply[p] <= 0) return -1;
    pods += demand[p];
    nodes = std::max<long long>(nodes, (demand[p] + supply[p] - 1) / supply[p]);
  }
  if (pods == 0) return 0;
  if (cap <= 0) return -1;
  return std::max(nodes, (pods + cap - 1) / cap);
}

std::int64_t largestInstanceMiB(const Candidate& c) {
  std::int64_t most = 0;
  if (!c.mig) return most;
  for (std::size_t p = 0; p < c.mig->profiles.size(); ++p) {
    most = std::max(most, instanceMemoryMiB(*c.mig, p, c.memory.mib));
  }
  return most;
}

std::optional<std::size_t> migProfileFor(const PlanContext& ctx, const Workload& w, const Candidate& c) {
  if (!c.mig) return std::nullopt;
  const MigGpu& gpu = *c.mig;
  const std::int64_t compute = computeOn(ctx, w, c);
  std::optional<std::size_t> best;
  auto key = [&](std::size_t p) {
    return std::make_tuple(gpuShare(gpu, p), gpu.profiles[p].memorySlices, gpu.profiles[p].computeSlices, p);
  };
  for (std::size_t p = 0; p < gpu.profiles.size(); ++p) {
    const MigProfile& m = gpu.profiles[p];
    if (m.mediaExtensions) continue;
    if (instanceMemoryMiB(gpu, p, c.memory.mib) - ctx.options->gpuOverheadMiB < w.memoryMiB) continue;
    // compute <= SMs / total SMs x target, in whole numbers.
    const ComputeFraction share = computeFraction(gpu, p);
    if (compute * share.den > share.num * ctx.computeTargetPpm) continue;
    if (!best || key(p) < key(*best)) best = p;
  }
  return best;
}

namespace {

/// The class packClassWithMig packs: the run's context and MIG solvers, every workload, the
/// class's members (indices into workloads) and the candidates that admit them.
struct MigClass {
  const PlanContext& ctx;
  MigCovers& covers;
  const std::vector<Workload>& workloads;
  const std::vector<std::size_t>& members;
  const std::vector<int>& classCandidates;
};

/// Per member (its position in the class): its MIG slots and whether it must, or may, take MIG.
struct MigMembers {
  std::vector<double> perPod;    // cheapest MIG slot per pod for the bound (infinite without one)
  std::vector<Micros> cheapest;  // the cheapest MIG candidate that holds it (0 if none)
  std::vector<double> cost;      // per pod, alone on its cheapest MIG instance
  std::vector<char> must;        // no slot in another mode
  std::vector<char> optional;    // a MIG slot and a slot in another mode
  bool any = false;              // some member has a MIG slot
};

/// Records in `table` and `mm` the MIG profile, node cap and cost of member i on every MIG
/// candidate of the class.
void recordMigSlots(const MigClass& cls, MigTable& table, std::size_t i, MigMembers& mm) {
  const Workload& w = cls.workloads[cls.members[i]];
  for (std::size_t j = 0; j < table.candidates.size(); ++j) {
    const Candidate& c = cls.ctx.candidates[static_cast<std::size_t>(table.candidates[j])];
    const auto p = migProfileFor(cls.ctx, w, c);
    const int cap = nodeCapOf(w, c);
    if (!p || cap < 1) continue;
    table.profile[j][i] = static_cast<int>(*p);
    table.cap[j][i] = cap;
    // GPU weight only: a per-pod node-cap term would not add up over a node's mixed pods.
    const double perPod = static_cast<double>(c.price) * cls.ctx.migBoundWeights.at(c.mig)[*p] / c.gpus;
    mm.perPod[i] = std::min(mm.perPod[i], perPod);
    mm.cost[i] = std::min(mm.cost[i], static_cast<double>(c.price) * gpuShare(*c.mig, *p) / c.gpus);
    if (mm.cheapest[i] == 0 || c.price < mm.cheapest[i]) mm.cheapest[i] = c.price;
  }
}

/// Whether `w` has a slot on some class candidate in one of `modes` other than MIG.
bool fitsAnotherMode(const MigClass& cls, const Workload& w, ModeMask modes) {
  const ModeMask other = modes & ~bit(Mode::Mig);
  // A pod that fits a MIG instance fits a whole GPU of that candidate too.
  if (other & bit(Mode::Dedicated)) return true;
  if (!other) return false;
  for (int k : cls.classCandidates) {
    const SlotFit f = fitOf(cls.ctx, w, cls.ctx.candidates[static_cast<std::size_t>(k)]);
    if ((f.dedicated && (other & bit(Mode::Dedicated))) || (f.timeSlicing && (other & bit(Mode::TimeSlicing))) ||
        (f.mps && (other & bit(Mode::Mps)))) {
      return true;
    }
  }
  return false;
}

/// Each member's MIG slots (filling `table`) and whether it must or may take MIG.
MigMembers migMembers(const MigClass& cls, MigTable& table) {
  const std::size_t n = cls.members.size();
  MigMembers mm;
  mm.perPod.assign(n, std::numeric_limits<double>::infinity());
  mm.cheapest.assign(n, 0);
  mm.cost.assign(n, std::numeric_limits<double>::infinity());
  mm.must.assign(n, 0);
  mm.optional.assign(n, 0);
  table.profile.assign(table.candidates.size(), std::vector<int>(n, -1));
  table.cap.assign(table.candidates.size(), std::vector<int>(n, 0));
  for (std::size_t i = 0; i < n; ++i) {
    const Workload& w = cls.workloads[cls.members[i]];
    const ModeMask modes = effectiveModes(w, *cls.ctx.options);
    if (!(modes & bit(Mode::Mig))) continue;
    recordMigSlots(cls, table, i, mm);
    if (mm.cheapest[i] == 0) continue;
    mm.any = true;
    if (!fitsAnotherMode(cls, w, modes)) {
      mm.must[i] = 1;
    } else {
      mm.optional[i] = 1;
    }
  }
  return mm;
}

/// The members that take MIG (positions in members) and the workload indices of the rest.
using MigSplit = std::pair<std::vector<std::size_t>, std::vector<std::size_t>>;

/// The split where the members `must` or `extra` marks take MIG.
MigSplit splitByMig(const std::vector<std::size_t>& members, const std::vector<char>& must,
                    const std::vector<char>& extra) {
  MigSplit sets;
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (must[i] || extra[i]) {
      sets.first.push_back(i);
    } else {
      sets.second.push_back(members[i]);
    }
  }
  return sets;
}

/// The packing without MIG of every member that has another slot: the first option, and what
/// the lower bound uses. A member packClass finds no standalone slot for (its node holds too
/// few pods to share) is MIG-only after all: it moves to mm.must and the rest is packed again.
/// Sets `base` to the split.
Packing packWithoutMig(const MigClass& cls, MigMembers& mm, MigSplit& base) {
  const std::size_t n = cls.members.size();
  const std::vector<char> none(n, 0);
  base = splitByMig(cls.members, mm.must, none);
  Packing basePacking;
  for (int pass = 0; pass < 2; ++pass) {
    basePacking = base.second.empty() ? Packing{} : packClass(cls.ctx, cls.workloads, base.second, cls.classCandidates);
    bool moved = false;
    for (std::size_t i = 0, r = 0; i < n; ++i) {
      if (mm.must[i]) continue;
      if (std::isinf(basePacking.perPod[r++]) && mm.cheapest[i] > 0) {
        mm.must[i] = 1;
        mm.optional[i] = 0;
        moved = true;
      }
    }
    if (!moved) break;
    base = splitByMig(cls.members, mm.must, none);
  }
  return basePacking;
}

/// The lower bound into `out`: each pod at its cheapest standalone slot, MIG or not.
void migLowerBound(const MigClass& cls, const MigMembers& mm, const Packing& basePacking, Packing& out) {
  for (std::size_t i = 0, r = 0; i < cls.members.size(); ++i) {
    double perPod = mm.perPod[i];
    Micros cheapest = mm.cheapest[i];
    if (!mm.must[i]) {
      perPod = std::min(perPod, basePacking.perPod[r]);
      if (cheapest == 0 || (basePacking.cheapestFit[r] > 0 && basePacking.cheapestFit[r] < cheapest)) {
        cheapest = basePacking.cheapestFit[r];
      }
      ++r;
    }
    if (std::isfinite(perPod)) out.lowerBoundMicros += perPod * cls.workloads[cls.members[i]].replicas;
    out.cheapestNodeForAll = std::max(out.cheapestNodeForAll, cheapest);
    out.perPod.push_back(perPod);
    out.cheapestFit.push_back(cheapest);
  }
}

/// The members that may take MIG and whose pods cost less alone on a MIG instance than alone
/// in any other slot.
std::vector<char> cheaperOnMig(const MigMembers& mm, const Packing& basePacking) {
  std::vector<char> cheaper(mm.must.size(), 0);
  for (std::size_t i = 0, r = 0; i < mm.must.size(); ++i) {
    if (mm.must[i]) continue;
    cheaper[i] = mm.optional[i] && mm.cost[i] < basePacking.perPod[r];
    ++r;
  }
  return cheaper;
}

/// The pools of the cheaper of two options: MIG only for the members that have no other slot
/// (`base`, packed as `basePacking`), or also for those cheaper on MIG. Empty when neither
/// option can lay out its MIG pools.
std::vector<PackedPool> cheaperOption(const MigClass& cls, const MigTable& table, const MigMembers& mm,
                                      const MigSplit& base, Packing basePacking) {
  std::vector<PackedPool> pools;
  std::optional<PackingScore> bestScore;
  const std::vector<char> cheaper = cheaperOnMig(mm, basePacking);
  for (std::size_t o = 0; o < 2; ++o) {
    auto [mig, rest] = o == 0 ? base : splitByMig(cls.members, mm.must, cheaper);
    if (o == 1 && mig == base.first) continue;
    Packing packing = o == 0         ? std::move(basePacking)
                      : rest.empty() ? Packing{}
                                     : packClass(cls.ctx, cls.workloads, rest, cls.classCandidates);
    MigOption migPools = packMig(cls.ctx, cls.covers, cls.workloads, table, mig);
    if (!migPools.ok) continue;
    for (PackedPool& p : migPools.pools) packing.pools.push_back(std::move(p));
    const PackingScore s = scoreOf(cls.ctx, packing.pools);
    if (!bestScore || s < *bestScore) {
      bestScore = s;
      pools = std::move(packing.pools);
    }
  }
  return pools;
}

}  // namespace

Packing packClassWithMig(const PlanContext& ctx, MigCovers& covers, const std::vector<Workload>& workloads,
                         const std::vector<std::size_t>& members, const std::vector<int>& classCandidates) {
  MigTable table;
  table.members = &members;
  for (int k : classCandidates) {
    if (ctx.candidates[static_cast<std::size_t>(k)].mig) table.candidates.push_back(k);
  }
  if (table.candidates.empty()) return packClass(ctx, workloads, members, classCandidates);
  const MigClass cls{ctx, covers, workloads, members, classCandidates};
  MigMembers mm = migMembers(cls, table);
  if (!mm.any) return packClass(ctx, workloads, members, classCandidates);
  MigSplit base;
  Packing basePacking = packWithoutMig(cls, mm, base);
  Packing out;
  migLowerBound(cls, mm, basePacking, out);
  // Which members take MIG: only those that have no other slot, or also those cheaper there.
  out.pools = cheaperOption(cls, table, mm, base, std::move(basePacking));
  return out;
}

}  // namespace gpuslice::detail
