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
  std::vector<long long> supply(gpu.profiles.size(), 0);  // instances per node
  for (std::size_t g : layout->perGpu) {
    const std::vector<int>& counts = cover.counts(g);
    for (std::size_t p = 0; p < counts.size(); ++p) supply[p] += counts[p];
  }
  long long instances = 0;
  for (long long s : supply) instances += s;
  long long nodes = layout->nodes;
  if (cap < instances) {
    // A node takes at most `cap` pods whatever its free instances. A pod of profile p stays
    // pending only if every node with a free p instance is full: at most (pods-1)/cap nodes
    // are full and at most (demand-1)/supply nodes have used all their p instances, so one
    // node more than both together always has room.
    const long long full = (pods - 1) / cap;
    long long exhausted = 0;
    for (std::size_t p = 0; p < demand.size(); ++p) {
      if (demand[p] > 0) exhausted = std::max(exhausted, (demand[p] - 1) / supply[p]);
    }
    nodes = std::max(nodes, full + exhausted + 1);
  }
  b.ok = true;
  b.nodes = nodes;
  b.cost = c.price * nodes;
  PackedPool& pool = b.pool;
  pool.candidate = k;
  pool.mode = Mode::Mig;
  pool.shape.replicas = 1;
  pool.shape.nodes = static_cast<int>(nodes);
  pool.shape.podsPerNode = static_cast<int>(std::min<long long>(instances, cap));
  pool.shape.gpuBound = cap >= instances;
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

std::int64_t largestInstanceMiB(const Candidate& c) {
  std::int64_t most = 0;
  if (!c.mig) return most;
  for (std::size_t p = 0; p < c.mig->profiles.size(); ++p) {
    most = std::max(most, instanceMemoryMiB(*c.mig, p, c.type->gpuMemoryMiB));
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
    if (instanceMemoryMiB(gpu, p, c.type->gpuMemoryMiB) - ctx.options->gpuOverheadMiB < w.memoryMiB) continue;
    // compute <= slices / total x target, in whole numbers.
    if (compute * gpu.computeSlices > m.computeSlices * ctx.computeTargetPpm) continue;
    if (!best || key(p) < key(*best)) best = p;
  }
  return best;
}

Packing packClassWithMig(const PlanContext& ctx, MigCovers& covers, const std::vector<Workload>& workloads,
                         const std::vector<std::size_t>& members, const std::vector<int>& classCandidates) {
  MigTable table;
  table.members = &members;
  for (int k : classCandidates) {
    if (ctx.candidates[static_cast<std::size_t>(k)].mig) table.candidates.push_back(k);
  }
  if (table.candidates.empty()) return packClass(ctx, workloads, members, classCandidates);
  const std::vector<int>& migCandidates = table.candidates;

  // Per member: its cheapest MIG slot per pod (infinite without one) and whether it has a
  // slot in another mode at all.
  const std::size_t n = members.size();
  std::vector<double> migPerPod(n, std::numeric_limits<double>::infinity());
  std::vector<Micros> migCheapest(n, 0);
  std::vector<double> migCost(n, std::numeric_limits<double>::infinity());  // per pod, alone
  std::vector<char> must(n, 0), optional(n, 0);
  bool anyMig = false;
  table.profile.assign(migCandidates.size(), std::vector<int>(n, -1));
  table.cap.assign(migCandidates.size(), std::vector<int>(n, 0));
  for (std::size_t i = 0; i < n; ++i) {
    const Workload& w = workloads[members[i]];
    const ModeMask modes = effectiveModes(w, *ctx.options);
    if (!(modes & bit(Mode::Mig))) continue;
    for (std::size_t j = 0; j < migCandidates.size(); ++j) {
      const Candidate& c = ctx.candidates[static_cast<std::size_t>(migCandidates[j])];
      const auto p = migProfileFor(ctx, w, c);
      const int cap = nodeCapOf(w, c);
      if (!p || cap < 1) continue;
      table.profile[j][i] = static_cast<int>(*p);
      table.cap[j][i] = cap;
      // GPU weight only: a per-pod node-cap term would not add up over a node's mixed pods.
      const double perPod = static_cast<double>(c.price) * ctx.migBoundWeights.at(c.mig)[*p] / c.gpus;
      migPerPod[i] = std::min(migPerPod[i], perPod);
      migCost[i] = std::min(migCost[i], static_cast<double>(c.price) * gpuShare(*c.mig, *p) / c.gpus);
      if (migCheapest[i] == 0 || c.price < migCheapest[i]) migCheapest[i] = c.price;
    }
    if (migCheapest[i] == 0) continue;
    anyMig = true;
    const ModeMask other = modes & ~bit(Mode::Mig);
    // A pod that fits a MIG instance fits a whole GPU of that candidate too.
    bool fitsOther = (other & bit(Mode::Dedicated)) != 0;
    for (int k : classCandidates) {
      if (!other || fitsOther) break;
      const SlotFit f = fitOf(ctx, w, ctx.candidates[static_cast<std::size_t>(k)]);
      if ((f.dedicated && (other & bit(Mode::Dedicated))) || (f.timeSlicing && (other & bit(Mode::TimeSlicing))) ||
          (f.mps && (other & bit(Mode::Mps)))) {
        fitsOther = true;
        break;
      }
    }
    if (!fitsOther) {
      must[i] = 1;
    } else {
      optional[i] = 1;
    }
  }
  if (!anyMig) return packClass(ctx, workloads, members, classCandidates);

  // The packing without MIG of every member that has another slot. It is the first option
  // below and gives the lower bound. A member packClass finds no standalone slot for (its
  // node holds too few pods to share) is MIG-only after all.
  auto split = [&](const std::vector<char>& extra) {
    // Positions in members of the MIG set; workload indices of the rest.
    std::pair<std::vector<std::size_t>, std::vector<std::size_t>> sets;
    for (std::size_t i = 0; i < n; ++i) {
      if (must[i] || extra[i]) {
        sets.first.push_back(i);
      } else {
        sets.second.push_back(members[i]);
      }
    }
    return sets;
  };
  const std::vector<char> none(n, 0);
  auto base = split(none);
  Packing basePacking;
  for (int pass = 0; pass < 2; ++pass) {
    basePacking = base.second.empty() ? Packing{} : packClass(ctx, workloads, base.second, classCandidates);
    bool moved = false;
    for (std::size_t i = 0, r = 0; i < n; ++i) {
      if (must[i]) continue;
      if (std::isinf(basePacking.perPod[r++]) && migCheapest[i] > 0) {
        must[i] = 1;
        optional[i] = 0;
        moved = true;
      }
    }
    if (!moved) break;
    base = split(none);
  }

  // The lower bound: each pod at its cheapest standalone slot, MIG or not.
  Packing out;
  for (std::size_t i = 0, r = 0; i < n; ++i) {
    double perPod = migPerPod[i];
    Micros cheapest = migCheapest[i];
    if (!must[i]) {
      perPod = std::min(perPod, basePacking.perPod[r]);
      if (cheapest == 0 || (basePacking.cheapestFit[r] > 0 && basePacking.cheapestFit[r] < cheapest)) {
        cheapest = basePacking.cheapestFit[r];
      }
      ++r;
    }
    out.lowerBoundMicros += perPod * workloads[members[i]].replicas;
    out.cheapestNodeForAll = std::max(out.cheapestNodeForAll, cheapest);
    out.perPod.push_back(perPod);
    out.cheapestFit.push_back(cheapest);
  }

  // Which members take MIG: only those that have no other slot, or also those whose pods
  // cost less alone on a MIG instance than alone in any other slot. The cheaper plan wins.
  std::vector<char> cheaperOnMig(n, 0);
  for (std::size_t i = 0, r = 0; i < n; ++i) {
    if (must[i]) continue;
    cheaperOnMig[i] = optional[i] && migCost[i] < basePacking.perPod[r];
    ++r;
  }
  std::optional<PackingScore> bestScore;
  for (std::size_t o = 0; o < 2; ++o) {
    auto [mig, rest] = o == 0 ? base : split(cheaperOnMig);
    if (o == 1 && mig == base.first) continue;
    Packing packing = o == 0         ? std::move(basePacking)
                      : rest.empty() ? Packing{}
                                     : packClass(ctx, workloads, rest, classCandidates);
    MigOption migPools = packMig(ctx, covers, workloads, table, mig);
    if (!migPools.ok) continue;
    for (PackedPool& p : migPools.pools) packing.pools.push_back(std::move(p));
    const PackingScore s = scoreOf(ctx, packing.pools);
    if (!bestScore || s < *bestScore) {
      bestScore = s;
      out.pools = std::move(packing.pools);
    }
  }
  return out;
}

}  // namespace gpuslice::detail
