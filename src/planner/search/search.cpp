// The pool search (improvePools, improve.h; its types in search.h): the search's state
// (fits, pool choices, undo), the rounds that drive the moves (moves.cpp), the re-splits
// (resplit.cpp) and the level search (levels.cpp), and the pools written back.
#include "planner/search/improve.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <utility>

#include "planner/search/search.h"

namespace gpuslice::detail {

namespace search {

const std::vector<char>& Search::admitted(std::size_t w) {
  if (admittedOf_[w]) return *admittedOf_[w];
  // Admission depends only on the model, the architectures and the instance-type patterns;
  // most workloads have no patterns, and few distinct models and architectures.
  const Workload& wl = ws_[w];
  const std::vector<char>* found = nullptr;
  const bool plain = wl.instanceTypes.empty() && !wl.gpuVariantMiB;  // admitted by model and arch alone
  if (plain) {
    for (const auto& [model, arch, ok] : admittedPlain_) {
      if (arch == wl.arch && *model == wl.gpuModel) found = ok;
    }
  }
  if (!found) {
    std::string key = wl.gpuModel;
    key += static_cast<char>('0' + wl.arch);
    for (const std::string& g : wl.instanceTypes) key += '\0' + g;
    if (wl.gpuVariantMiB) key += '@' + std::to_string(*wl.gpuVariantMiB);
    auto [it, inserted] = admittedByKey_.try_emplace(std::move(key));
    if (inserted) {
      it->second.resize(ctx_.candidates.size());
      for (std::size_t k = 0; k < ctx_.candidates.size(); ++k) it->second[k] = admits(ctx_, wl, ctx_.candidates[k]);
      if (plain) admittedPlain_.emplace_back(&wl.gpuModel, wl.arch, &it->second);
    }
    found = &it->second;
  }
  admittedOf_[w] = found;
  return *found;
}

const PodFit* Search::fits(std::size_t w) {
  if (row_[w] != kNone) return &fitTable_[row_[w]];
  const Group& g = groups_[pools_[owner_[w]].group];
  const Workload& wl = ws_[w];
  const std::vector<char>& ok = admitted(w);
  const ModeMask modes = effectiveModes(wl, *ctx_.options);
  row_[w] = fitTable_.size();
  fitTable_.resize(fitTable_.size() + g.candidates.size());
  PodFit* out = &fitTable_[row_[w]];
  std::vector<std::pair<int, SlotFit>> byKind;  // the GPU side depends on the GPU kind only
  for (std::size_t j = 0; j < g.candidates.size(); ++j) {
    const Candidate& c = ctx_.candidates[static_cast<std::size_t>(g.candidates[j])];
    if (!ok[static_cast<std::size_t>(g.candidates[j])]) continue;
    auto it = std::find_if(byKind.begin(), byKind.end(), [&](const auto& e) { return e.first == c.gpuKind; });
    if (it == byKind.end()) it = byKind.insert(byKind.end(), {c.gpuKind, gpuFitOf(ctx_, wl, c)});
    const SlotFit f = inModes(withNodeCap(it->second, wl, c), modes);
    if (f.nodeCap < 1) continue;
    PodFit& x = out[j];
    x.cap = f.nodeCap;
    x.ded = f.dedicated;
    x.ts = f.timeSlicing;
    x.mps = f.mps;
  }
  steps_ += static_cast<long long>(g.candidates.size()) * 8;
  return out;
}

PoolChoice Search::choose(const Group& g, const std::vector<Minima>& minima, long long pods) {
  PoolChoice best;
  for (std::size_t j = 0; j < g.candidates.size(); ++j) {
    const Minima& m = minima[j];
    if (m.cap < 1) continue;
    const Offer& c = g.offers[j];
    for (Mode mode : kModes) {
      const auto [perNode, nodes] = nodesFor(c, mode, m, pods);
      if (nodes < 0) continue;
      const PoolScore s{c.price * nodes, nodes, static_cast<long long>(isolationPenalty(mode)) * pods};
      if (!best.ok || s < best.score) best = PoolChoice{true, j, mode, nodes, perNode, s};
    }
  }
  steps_ += static_cast<long long>(g.candidates.size()) * 3;
  return best;
}

void Search::ensureMinima(SearchPool& p) {
  if (!p.minima.empty()) return;
  const std::size_t K = groups_[p.group].candidates.size();
  p.minima.assign(K, Minima{});
  for (std::size_t w : p.members) {
    const PodFit* f = fits(w);
    for (std::size_t j = 0; j < K; ++j) p.minima[j].add(f[j]);
  }
  steps_ += static_cast<long long>(p.members.size() * K);
}

void Search::recompute(SearchPool& p) {
  p.minima.clear();
  if (p.members.empty()) {
    p.alive = false;
    p.pods = 0;
    p.choice = PoolChoice{};
    p.choice.ok = true;
    return;
  }
  ensureMinima(p);
  p.choice = choose(groups_[p.group], p.minima, p.pods);
}

PoolChoice Search::withMember(const SearchPool& p, std::size_t w) {
  const PodFit* f = fits(w);
  scratch_ = p.minima;
  for (std::size_t j = 0; j < scratch_.size(); ++j) scratch_[j].add(f[j]);
  steps_ += static_cast<long long>(scratch_.size());
  return choose(groups_[p.group], scratch_, p.pods + ws_[w].replicas);
}

/// The choice for pool `pool` once the members of `set` (sorted) that it holds are out; the
/// pool itself is left as it is.
PoolChoice Search::without(std::size_t pool, const std::vector<std::size_t>& set) {
  SearchPool& p = pools_[pool];
  ensureMinima(p);
  const std::size_t K = p.minima.size();
  long long pods = p.pods;
  bool binding = false;  // some member leaving holds a minimum: then count the rest again
  scratch_ = p.minima;
  for (std::size_t w : set) {
    if (owner_[w] != pool) continue;
    pods -= ws_[w].replicas;
    const PodFit* f = fits(w);
    for (std::size_t j = 0; j < K; ++j) {
      const Minima& m = p.minima[j];
      binding = binding || f[j].ts == m.ts || f[j].mps == m.mps || f[j].cap == m.cap;
      scratch_[j].notDedicated -= f[j].ded ? 0 : 1;
    }
  }
  if (pods == 0) {
    PoolChoice empty;
    empty.ok = true;
    return empty;
  }
  if (binding) {
    scratch_.assign(K, Minima{});
    for (std::size_t w : p.members) {
      if (std::binary_search(set.begin(), set.end(), w)) continue;
      const PodFit* f = fits(w);
      for (std::size_t j = 0; j < K; ++j) scratch_[j].add(f[j]);
    }
    steps_ += static_cast<long long>(p.members.size() * K);
  }
  return choose(groups_[p.group], scratch_, pods);
}

std::size_t Search::newPool(std::size_t group) {
  SearchPool p;
  p.group = group;
  p.changed = true;
  p.choice.ok = true;  // empty: no nodes, score zero
  pools_.push_back(std::move(p));
  groups_[group].pools.push_back(pools_.size() - 1);
  return pools_.size() - 1;
}

bool Search::prepare() {
  const std::size_t K = ctx_.candidates.size();
  owner_.assign(ws_.size(), kNone);
  row_.assign(ws_.size(), kNone);
  admittedOf_.assign(ws_.size(), nullptr);
  poolOfInput_.assign(input_.size(), kNone);
  const auto n = std::max<long long>(1, static_cast<long long>(ws_.size()));
  stepLimit_ = std::clamp(kStepBudget / n, kMinSteps, kMaxSteps);
  resplitLimit_ = std::clamp(kStepBudget / n, kResplitMinSteps, kResplitMaxSteps);
  levelLimit_ = std::clamp(kLevelBudget / n, kLevelMinEvals, kLevelMaxEvals);
  // Workloads move among the instance types of one GPU model: without --any-gpu-model they
  // are admitted by no others; with it, moving them between models is left to packClass.
  auto keyOf = [&](std::size_t k) { return ctx_.candidates[k].type->gpuModel; };
  std::map<std::string, std::size_t> groupOfKey;
  for (const PackedPool& p : input_) {  // groups numbered in the order of their first pool
    if (p.mode == Mode::Mig) continue;
    if (groupOfKey.emplace(keyOf(static_cast<std::size_t>(p.candidate)), groups_.size()).second) {
      groups_.emplace_back();
    }
  }
  if (groups_.empty()) return false;
  groupOf_.assign(K, kNone);
  for (std::size_t k = 0; k < K; ++k) {
    auto it = groupOfKey.find(keyOf(k));
    if (it == groupOfKey.end()) continue;
    groupOf_[k] = it->second;
    groups_[it->second].candidates.push_back(static_cast<int>(k));
    const Candidate& c = ctx_.candidates[k];
    groups_[it->second].offers.push_back(Offer{c.price, c.gpus, c.type->fractional()});
  }
  for (std::size_t i = 0; i < input_.size(); ++i) {
    const PackedPool& in = input_[i];
    if (in.mode == Mode::Mig) continue;
    SearchPool p;
    p.group = groupOf_[static_cast<std::size_t>(in.candidate)];
    p.members = in.workloads;
    p.pods = in.pods;
    p.original = i;
    const Group& g = groups_[p.group];
    const auto at = std::find(g.candidates.begin(), g.candidates.end(), in.candidate);
    const Candidate& c = ctx_.candidates[static_cast<std::size_t>(in.candidate)];
    p.choice = PoolChoice{
        true,
        static_cast<std::size_t>(at - g.candidates.begin()),
        in.mode,
        in.shape.nodes,
        in.shape.podsPerNode,
        {c.price * in.shape.nodes, in.shape.nodes, static_cast<long long>(isolationPenalty(in.mode)) * in.pods}};
    poolOfInput_[i] = pools_.size();
    for (std::size_t w : p.members) owner_[w] = pools_.size();
    groups_[p.group].pools.push_back(pools_.size());
    pools_.push_back(std::move(p));
  }
  return true;
}

void Search::begin(Undo& u, std::size_t group) {
  u.saved.clear();
  u.owners.clear();
  u.pools = pools_.size();
  u.groupPools = groups_[group].pools;
}

void Search::save(Undo& u, std::size_t pool) {
  for (const auto& s : u.saved) {
    if (s.first == pool) return;
  }
  if (pool >= u.pools) return;  // new in this move: dropped on rollback
  u.saved.emplace_back(pool, pools_[pool]);
  steps_ += static_cast<long long>(pools_[pool].members.size());
}

/// Keeps the move if it lowered the score of the pools it touched (or, `sideways`, kept it and
/// gathered free slots), else undoes it.
bool Search::finish(Undo& u, std::size_t group, bool sideways) {
  PoolScore before, after;
  for (const auto& [i, old] : u.saved) {
    if (old.alive) before = before + old.choice.score;
    if (pools_[i].alive) after = after + pools_[i].choice.score;
  }
  for (std::size_t i = u.pools; i < pools_.size(); ++i) {
    if (pools_[i].alive) after = after + pools_[i].choice.score;
  }
  // A lower isolation penalty alone does not pay for more pools.
  long long poolsBefore = 0, poolsAfter = 0;
  for (const auto& [i, old] : u.saved) {
    poolsBefore += old.alive ? 1 : 0;
    poolsAfter += pools_[i].alive ? 1 : 0;
  }
  for (std::size_t i = u.pools; i < pools_.size(); ++i) poolsAfter += pools_[i].alive ? 1 : 0;
  const bool cheaper = std::tie(after.cost, after.nodes) < std::tie(before.cost, before.nodes);
  // A sideways move keeps the score and gathers the touched pools' free slots into one pool,
  // where other workloads can use them: the most free slots of one pool must grow.
  auto mostFree = [](const SearchPool& p) { return p.alive ? p.choice.nodes * p.choice.podsPerNode - p.pods : 0; };
  bool gathers = false;
  if (sideways && after == before && poolsAfter <= poolsBefore) {
    long long freeBefore = 0, freeAfter = 0;
    for (const auto& [i, old] : u.saved) {
      freeBefore = std::max(freeBefore, mostFree(old));
      freeAfter = std::max(freeAfter, mostFree(pools_[i]));
    }
    gathers = freeAfter > freeBefore;
  }
  if ((after < before && (cheaper || poolsAfter <= poolsBefore)) || gathers) {
    for (const auto& s : u.saved) pools_[s.first].changed = true;
    return true;
  }
  rollback(u, group);
  return false;
}

void Search::rollback(Undo& u, std::size_t group) {
  for (auto& [i, old] : u.saved) pools_[i] = std::move(old);
  pools_.resize(u.pools);
  groups_[group].pools = std::move(u.groupPools);
  for (const auto& [w, p] : u.owners) owner_[w] = p;
}

/// Rounds over the pools, most wasteful first, each with merges and re-splits, until one
/// changes nothing or the steps run out; then the level search and, if it changed anything,
/// more rounds of moves and merges.
void Search::run() {
  for (int round = 0; round < kRounds && steps_ < stepLimit_; ++round) {
    bool improved = false;
    // Pools by the cost of their unused slots, most first: where a move is likeliest to pay.
    std::vector<std::pair<double, std::size_t>> order;
    for (std::size_t i = 0; i < pools_.size(); ++i) {
      const SearchPool& p = pools_[i];
      if (!p.alive || p.choice.nodes == 0) continue;
      const Candidate& c = ctx_.candidates[static_cast<std::size_t>(groups_[p.group].candidates[p.choice.k])];
      const double unused = static_cast<double>(p.choice.nodes * p.choice.podsPerNode - p.pods) /
                            static_cast<double>(p.choice.podsPerNode);
      order.emplace_back(-unused * static_cast<double>(c.price), i);
    }
    std::sort(order.begin(), order.end());
    for (const auto& [waste, i] : order) {
      if (steps_ >= stepLimit_) break;
      if (pools_[i].alive) improved = improvePool(i) || improved;
    }
    for (Group& g : groups_) improved = mergeRound(g) || improved;
    improved = resplitRound() || improved;
    if (!improved) break;
  }
  // The level search re-cuts whole GPU models; the moves above then tidy what it made.
  if (ctx_.options->levelSearch && levelRound()) {
    for (int round = 0; round < kRounds && steps_ < stepLimit_; ++round) {
      bool improved = false;
      for (std::size_t i = 0; i < pools_.size() && steps_ < stepLimit_; ++i) {
        if (pools_[i].alive) improved = improvePool(i) || improved;
      }
      for (Group& g : groups_) improved = mergeRound(g) || improved;
      if (!improved) break;
    }
  }
}

void Search::writeBack(std::vector<PackedPool>& out) {
  std::vector<PackedPool> result;
  auto build = [&](SearchPool& p) {
    const Group& g = groups_[p.group];
    const Candidate& c = ctx_.candidates[static_cast<std::size_t>(g.candidates[p.choice.k])];
    ensureMinima(p);
    const Minima& m = p.minima[p.choice.k];
    PackedPool q;
    q.candidate = g.candidates[p.choice.k];
    q.mode = p.choice.mode;
    q.shape = shapePool(c, q.mode, m.replicas(q.mode), m.cap, p.pods);
    q.pods = p.pods;
    q.minTimeSlicing = q.minTimeSlicingAll = m.ts;
    q.minMps = q.minMpsAll = m.mps;
    q.minNodeCap = m.cap;
    q.modesAll = kAllModes;
    for (std::size_t w : p.members) q.modesAll &= effectiveModes(ws_[w], *ctx_.options) & ~bit(Mode::Mig);
    q.workloads = std::move(p.members);
    std::sort(q.workloads.begin(), q.workloads.end());
    return q;
  };
  for (std::size_t i = 0; i < input_.size(); ++i) {
    if (poolOfInput_[i] == kNone) {
      result.push_back(std::move(out[i]));
      continue;
    }
    SearchPool& p = pools_[poolOfInput_[i]];
    if (!p.alive) continue;
    result.push_back(p.changed ? build(p) : std::move(out[i]));
  }
  for (SearchPool& p : pools_) {
    if (p.original == kNone && p.alive) result.push_back(build(p));
  }
  out = std::move(result);
}

}  // namespace search

using search::Search;

void improvePools(const PlanContext& ctx, const std::vector<Workload>& workloads, std::vector<PackedPool>& pools) {
  Search search(ctx, workloads, pools);
  if (!search.prepare()) return;
  search.run();
  search.writeBack(pools);
}

}  // namespace gpuslice::detail
