#include "planner/search/improve.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <numeric>
#include <set>
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

const Fit* Search::fits(std::size_t w) {
  if (row_[w] != kNone) return &fitTable_[row_[w]];
  const Group& g = groups_[pools_[owner_[w]].group];
  const Workload& wl = ws_[w];
  const std::vector<char>& ok = admitted(w);
  const ModeMask modes = effectiveModes(wl, *ctx_.options);
  row_[w] = fitTable_.size();
  fitTable_.resize(fitTable_.size() + g.candidates.size());
  Fit* out = &fitTable_[row_[w]];
  std::vector<std::pair<int, SlotFit>> byKind;  // the GPU side depends on the kind only
  for (std::size_t j = 0; j < g.candidates.size(); ++j) {
    const Candidate& c = ctx_.candidates[static_cast<std::size_t>(g.candidates[j])];
    if (!ok[static_cast<std::size_t>(g.candidates[j])]) continue;
    auto it = std::find_if(byKind.begin(), byKind.end(), [&](const auto& e) { return e.first == c.gpuKind; });
    if (it == byKind.end()) it = byKind.insert(byKind.end(), {c.gpuKind, gpuFitOf(ctx_, wl, c)});
    const SlotFit f = inModes(withNodeCap(it->second, wl, c), modes);
    if (f.nodeCap < 1) continue;
    Fit& x = out[j];
    x.cap = f.nodeCap;
    x.ded = f.dedicated;
    x.ts = f.timeSlicing;
    x.mps = f.mps;
  }
  steps_ += static_cast<long long>(g.candidates.size()) * 8;
  return out;
}

Choice Search::choose(const Group& g, const std::vector<Minima>& minima, long long pods) {
  Choice best;
  for (std::size_t j = 0; j < g.candidates.size(); ++j) {
    const Minima& m = minima[j];
    if (m.cap < 1) continue;
    const Offer& c = g.offers[j];
    for (Mode mode : kModes) {
      const auto [perNode, nodes] = nodesFor(c, mode, m, pods);
      if (nodes < 0) continue;
      const Score s{c.price * nodes, nodes, static_cast<long long>(isolationPenalty(mode)) * pods};
      if (!best.ok || s < best.score) best = Choice{true, j, mode, nodes, perNode, s};
    }
  }
  steps_ += static_cast<long long>(g.candidates.size()) * 3;
  return best;
}

void Search::ensureMinima(Pool& p) {
  if (!p.minima.empty()) return;
  const std::size_t K = groups_[p.group].candidates.size();
  p.minima.assign(K, Minima{});
  for (std::size_t w : p.members) {
    const Fit* f = fits(w);
    for (std::size_t j = 0; j < K; ++j) p.minima[j].add(f[j]);
  }
  steps_ += static_cast<long long>(p.members.size() * K);
}

void Search::recompute(Pool& p) {
  p.minima.clear();
  if (p.members.empty()) {
    p.alive = false;
    p.pods = 0;
    p.choice = Choice{};
    p.choice.ok = true;
    return;
  }
  ensureMinima(p);
  p.choice = choose(groups_[p.group], p.minima, p.pods);
}

Choice Search::withMember(const Pool& p, std::size_t w) {
  const Fit* f = fits(w);
  scratch_ = p.minima;
  for (std::size_t j = 0; j < scratch_.size(); ++j) scratch_[j].add(f[j]);
  steps_ += static_cast<long long>(scratch_.size());
  return choose(groups_[p.group], scratch_, p.pods + ws_[w].replicas);
}

/// The choice for pool `pool` once the members of `set` (sorted) that it holds are out; the
/// pool itself is left as it is.
Choice Search::without(std::size_t pool, const std::vector<std::size_t>& set) {
  Pool& p = pools_[pool];
  ensureMinima(p);
  const std::size_t K = p.minima.size();
  long long pods = p.pods;
  bool binding = false;  // some member leaving holds a minimum: then count the rest again
  scratch_ = p.minima;
  for (std::size_t w : set) {
    if (owner_[w] != pool) continue;
    pods -= ws_[w].replicas;
    const Fit* f = fits(w);
    for (std::size_t j = 0; j < K; ++j) {
      const Minima& m = p.minima[j];
      binding = binding || f[j].ts == m.ts || f[j].mps == m.mps || f[j].cap == m.cap;
      scratch_[j].notDedicated -= f[j].ded ? 0 : 1;
    }
  }
  if (pods == 0) {
    Choice empty;
    empty.ok = true;
    return empty;
  }
  if (binding) {
    scratch_.assign(K, Minima{});
    for (std::size_t w : p.members) {
      if (std::binary_search(set.begin(), set.end(), w)) continue;
      const Fit* f = fits(w);
      for (std::size_t j = 0; j < K; ++j) scratch_[j].add(f[j]);
    }
    steps_ += static_cast<long long>(p.members.size() * K);
  }
  return choose(groups_[p.group], scratch_, pods);
}

std::size_t Search::newPool(std::size_t group) {
  Pool p;
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
    Pool p;
    p.group = groupOf_[static_cast<std::size_t>(in.candidate)];
    p.members = in.workloads;
    p.pods = in.pods;
    p.original = i;
    const Group& g = groups_[p.group];
    const auto at = std::find(g.candidates.begin(), g.candidates.end(), in.candidate);
    const Candidate& c = ctx_.candidates[static_cast<std::size_t>(in.candidate)];
    p.choice =
        Choice{true,
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
  Score before, after;
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
  auto mostFree = [](const Pool& p) { return p.alive ? p.choice.nodes * p.choice.podsPerNode - p.pods : 0; };
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

/// Takes `set` (workloads of one group) out of their pools and puts each, largest first, where
/// it adds least to the score: into a pool of the group (its old one included) or a new pool.
bool Search::relocate(std::vector<std::size_t> set) {
  if (set.empty()) return false;
  const std::size_t group = pools_[owner_[set.front()]].group;
  std::sort(set.begin(), set.end());
  std::vector<std::size_t> sources;
  for (std::size_t w : set) {
    if (std::find(sources.begin(), sources.end(), owner_[w]) == sources.end()) sources.push_back(owner_[w]);
  }
  // What taking the set out saves; putting it back anywhere never saves more, so a move
  // whose removal saves nothing is not tried.
  Score room;
  for (std::size_t p : sources) room = room + (pools_[p].choice.score - without(p, set).score);
  if (!(Score{} < room)) return false;
  Undo u;
  begin(u, group);
  for (std::size_t w : set) u.owners.emplace_back(w, owner_[w]);
  for (std::size_t p : sources) {
    save(u, p);
    Pool& pool = pools_[p];
    pool.members.erase(std::remove_if(pool.members.begin(), pool.members.end(),
                                      [&](std::size_t w) {
                                        if (!std::binary_search(set.begin(), set.end(), w)) return false;
                                        pool.pods -= ws_[w].replicas;
                                        return true;
                                      }),
                       pool.members.end());
    steps_ += static_cast<long long>(pool.members.size());
    recompute(pool);
  }
  Score spent;
  std::stable_sort(set.begin(), set.end(),
                   [&](std::size_t a, std::size_t b) { return ws_[a].replicas > ws_[b].replicas; });
  for (std::size_t w : set) {
    if (steps_ >= stepLimit_) {  // out of steps: leave the pools as they were
      rollback(u, group);
      return false;
    }
    std::vector<Minima> alone(groups_[group].candidates.size());
    const Fit* f = fits(w);  // read at once: later fits() calls may move the table
    for (std::size_t j = 0; j < alone.size(); ++j) alone[j].add(f[j]);
    Choice best = choose(groups_[group], alone, ws_[w].replicas);
    std::size_t bestPool = kNone;
    Score bestDelta = best.score;
    long long bestFree = best.ok ? best.nodes * best.podsPerNode - ws_[w].replicas : 0;
    if (!best.ok) bestDelta.cost = std::numeric_limits<Micros>::max();
    for (std::size_t p : groups_[group].pools) {
      Pool& pool = pools_[p];
      if (!pool.alive || pool.members.empty()) continue;
      ensureMinima(pool);
      const Choice c = withMember(pool, w);
      if (!c.ok) continue;
      const Score delta = c.score - pool.choice.score;
      const long long free = c.nodes * c.podsPerNode - pool.pods - ws_[w].replicas;
      // Least added score; then an existing pool before a new one; then the tightest fit.
      if (delta < bestDelta || (delta == bestDelta && (bestPool == kNone || free < bestFree))) {
        best = c;
        bestPool = p;
        bestDelta = delta;
        bestFree = free;
      }
    }
    if (!best.ok) {  // fits nowhere, not even alone: cannot happen, but never lose a workload
      rollback(u, group);
      return false;
    }
    spent = spent + bestDelta;
    if (!(spent < room)) {  // the rest can only add more
      rollback(u, group);
      return false;
    }
    if (bestPool == kNone) bestPool = newPool(group);
    save(u, bestPool);
    Pool& pool = pools_[bestPool];
    pool.alive = true;
    if (pool.minima.empty()) pool.minima.assign(alone.size(), Minima{});
    for (std::size_t j = 0; j < alone.size(); ++j) pool.minima[j].add(alone[j]);
    pool.members.push_back(w);
    pool.pods += ws_[w].replicas;
    pool.choice = best;
    owner_[w] = bestPool;
  }
  return finish(u, group);
}

/// Folds pool `b` into pool `a` if one pool scores lower than the two.
bool Search::merge(std::size_t a, std::size_t b) {
  Pool& pa = pools_[a];
  Pool& pb = pools_[b];
  ensureMinima(pa);
  ensureMinima(pb);
  scratch_ = pa.minima;
  for (std::size_t j = 0; j < scratch_.size(); ++j) scratch_[j].add(pb.minima[j]);
  steps_ += static_cast<long long>(scratch_.size());
  const Choice c = choose(groups_[pa.group], scratch_, pa.pods + pb.pods);
  if (!c.ok || !(c.score < pa.choice.score + pb.choice.score)) return false;
  pa.minima = scratch_;
  pa.members.insert(pa.members.end(), pb.members.begin(), pb.members.end());
  pa.pods += pb.pods;
  pa.choice = c;
  pa.changed = true;
  for (std::size_t w : pb.members) owner_[w] = a;
  steps_ += static_cast<long long>(pb.members.size());
  pb.members.clear();
  pb.minima.clear();
  pb.pods = 0;
  pb.alive = false;
  pb.changed = true;
  return true;
}

bool Search::mergeRound(Group& g) {
  bool improved = false;
  for (std::size_t i = 0; i < g.pools.size() && steps_ < stepLimit_; ++i) {
    for (std::size_t j = i + 1; j < g.pools.size() && steps_ < stepLimit_; ++j) {
      if (!pools_[g.pools[i]].alive || !pools_[g.pools[j]].alive) continue;
      improved = merge(g.pools[i], g.pools[j]) || improved;
    }
  }
  return improved;
}

bool Search::improvePool(std::size_t p) {
  bool improved = false;
  {
    Pool& pool = pools_[p];
    ensureMinima(pool);
    const Choice c = choose(groups_[pool.group], pool.minima, pool.pods);
    if (c.ok && c.score < pool.choice.score) {
      pool.choice = c;
      pool.changed = true;
      improved = true;
    }
  }
  auto tried = std::vector<std::vector<std::size_t>>{};
  auto attempt = [&](std::vector<std::size_t> set) {
    if (set.empty() || steps_ >= stepLimit_ || !pools_[p].alive) return;
    std::sort(set.begin(), set.end());
    if (std::find(tried.begin(), tried.end(), set) != tried.end()) return;
    tried.push_back(set);
    improved = relocate(std::move(set)) || improved;
  };
  auto membersByPods = [&]() {
    std::vector<std::size_t> m = pools_[p].members;
    std::stable_sort(m.begin(), m.end(), [&](std::size_t a, std::size_t b) {
      return std::make_pair(ws_[a].replicas, a) < std::make_pair(ws_[b].replicas, b);
    });
    return m;
  };
  // Free the last node: take out members holding at least the pods on it.
  if (pools_[p].alive && pools_[p].choice.nodes > 0) {
    const Pool& pool = pools_[p];
    const long long last = pool.pods - (pool.choice.nodes - 1) * pool.choice.podsPerNode;
    const std::vector<std::size_t> m = membersByPods();
    // The smallest one member that holds as many.
    for (std::size_t w : m) {
      if (ws_[w].replicas >= last) {
        attempt({w});
        break;
      }
    }
    // The fewest pods, smallest first.
    std::vector<std::size_t> set;
    long long pods = 0;
    for (std::size_t w : m) {
      if (pods >= last) break;
      set.push_back(w);
      pods += ws_[w].replicas;
    }
    if (pods >= last) attempt(set);
    // Largest first without passing the count, then the smallest that completes it.
    set.clear();
    pods = 0;
    for (auto it = m.rbegin(); it != m.rend(); ++it) {
      if (pods + ws_[*it].replicas <= last) {
        set.push_back(*it);
        pods += ws_[*it].replicas;
      }
    }
    for (std::size_t w : m) {
      if (pods >= last) break;
      if (std::find(set.begin(), set.end(), w) == set.end()) {
        set.push_back(w);
        pods += ws_[w].replicas;
      }
    }
    if (pods >= last) attempt(set);
  }
  // The members that set the replicas (or pods per node) of its mode on its candidate.
  if (pools_[p].alive && pools_[p].choice.mode != Mode::Dedicated) {
    const Pool& pool = pools_[p];
    const Minima& m = pool.minima[pool.choice.k];
    const int least = m.replicas(pool.choice.mode);
    std::vector<std::size_t> byReplicas, byCap;
    for (std::size_t w : pool.members) {
      const Fit& f = fits(w)[pool.choice.k];
      const int r = pool.choice.mode == Mode::TimeSlicing ? f.ts : f.mps;
      if (r == least) byReplicas.push_back(w);
      if (f.cap == m.cap) byCap.push_back(w);
    }
    const std::size_t all = pool.members.size();  // `pool` may move once a move adds a pool
    if (byReplicas.size() < all) attempt(byReplicas);
    if (byCap.size() < all) attempt(byCap);
  }
  if (pools_[p].alive && pools_[p].members.size() <= kDissolveMembers) attempt(pools_[p].members);
  // Each member on its own, smallest first.
  if (pools_[p].alive) {
    for (std::size_t w : membersByPods()) {
      if (owner_[w] == p && pools_[p].alive) attempt({w});
    }
  }
  return improved;
}

void Search::run() {
  for (int round = 0; round < kRounds && steps_ < stepLimit_; ++round) {
    bool improved = false;
    // Pools by the cost of their unused slots, most first: where a move is likeliest to pay.
    std::vector<std::pair<double, std::size_t>> order;
    for (std::size_t i = 0; i < pools_.size(); ++i) {
      const Pool& p = pools_[i];
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
  auto build = [&](Pool& p) {
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
    Pool& p = pools_[poolOfInput_[i]];
    if (!p.alive) continue;
    result.push_back(p.changed ? build(p) : std::move(out[i]));
  }
  for (Pool& p : pools_) {
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
