// The moves of the pool search (search.h) that start from one pool: whole workloads moved
// between pools (relocate), and merges.
#include <algorithm>
#include <limits>
#include <utility>
#include <vector>

#include "planner/search/search.h"

namespace gpuslice::detail::search {

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
  PoolScore room;
  for (std::size_t p : sources) room = room + (pools_[p].choice.score - without(p, set).score);
  if (!(PoolScore{} < room)) return false;
  Undo u;
  begin(u, group);
  for (std::size_t w : set) u.owners.emplace_back(w, owner_[w]);
  for (std::size_t p : sources) {
    save(u, p);
    SearchPool& pool = pools_[p];
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
  PoolScore spent;
  std::stable_sort(set.begin(), set.end(),
                   [&](std::size_t a, std::size_t b) { return ws_[a].replicas > ws_[b].replicas; });
  for (std::size_t w : set) {
    if (steps_ >= stepLimit_) {  // out of steps: leave the pools as they were
      rollback(u, group);
      return false;
    }
    const Placement best = placeFor(group, w);
    if (!best.choice.ok) {  // fits nowhere, not even alone: cannot happen, but never lose a workload
      rollback(u, group);
      return false;
    }
    spent = spent + best.delta;
    if (!(spent < room)) {  // the rest can only add more
      rollback(u, group);
      return false;
    }
    const std::size_t to = best.pool == kNone ? newPool(group) : best.pool;
    save(u, to);
    SearchPool& pool = pools_[to];
    pool.alive = true;
    if (pool.minima.empty()) pool.minima.assign(best.alone.size(), Minima{});
    for (std::size_t j = 0; j < best.alone.size(); ++j) pool.minima[j].add(best.alone[j]);
    pool.members.push_back(w);
    pool.pods += ws_[w].replicas;
    pool.choice = best.choice;
    owner_[w] = to;
  }
  return finish(u, group);
}

/// Where workload `w` adds least to the score among the pools of `group` and a new pool: least
/// added score, then an existing pool before a new one, then the tightest fit.
Placement Search::placeFor(std::size_t group, std::size_t w) {
  Placement best;
  best.alone.resize(groups_[group].candidates.size());
  const PodFit* f = fits(w);  // read at once: later fits() calls may move the table
  for (std::size_t j = 0; j < best.alone.size(); ++j) best.alone[j].add(f[j]);
  best.choice = choose(groups_[group], best.alone, ws_[w].replicas);
  best.delta = best.choice.score;
  long long bestFree = best.choice.ok ? best.choice.nodes * best.choice.podsPerNode - ws_[w].replicas : 0;
  if (!best.choice.ok) best.delta.cost = std::numeric_limits<Micros>::max();
  for (std::size_t p : groups_[group].pools) {
    SearchPool& pool = pools_[p];
    if (!pool.alive || pool.members.empty()) continue;
    ensureMinima(pool);
    const PoolChoice c = withMember(pool, w);
    if (!c.ok) continue;
    const PoolScore delta = c.score - pool.choice.score;
    const long long free = c.nodes * c.podsPerNode - pool.pods - ws_[w].replicas;
    if (delta < best.delta || (delta == best.delta && (best.pool == kNone || free < bestFree))) {
      best.choice = c;
      best.pool = p;
      best.delta = delta;
      bestFree = free;
    }
  }
  return best;
}

/// Folds pool `b` into pool `a` if one pool scores lower than the two.
bool Search::merge(std::size_t a, std::size_t b) {
  SearchPool& pa = pools_[a];
  SearchPool& pb = pools_[b];
  ensureMinima(pa);
  ensureMinima(pb);
  scratch_ = pa.minima;
  for (std::size_t j = 0; j < scratch_.size(); ++j) scratch_[j].add(pb.minima[j]);
  steps_ += static_cast<long long>(scratch_.size());
  const PoolChoice c = choose(groups_[pa.group], scratch_, pa.pods + pb.pods);
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

/// The members of pool p by pods, then by index.
std::vector<std::size_t> Search::membersByPods(std::size_t p) const {
  std::vector<std::size_t> m = pools_[p].members;
  std::stable_sort(m.begin(), m.end(), [&](std::size_t a, std::size_t b) {
    return std::make_pair(ws_[a].replicas, a) < std::make_pair(ws_[b].replicas, b);
  });
  return m;
}

/// Sets of members whose leaving frees pool p's last node (they hold at least its pods): the
/// smallest one member; the fewest pods, smallest first; the largest first without passing
/// the count, then the smallest that completes it.
std::vector<std::vector<std::size_t>> Search::lastNodeSets(std::size_t p) const {
  const SearchPool& pool = pools_[p];
  const long long last = pool.pods - (pool.choice.nodes - 1) * pool.choice.podsPerNode;
  const std::vector<std::size_t> m = membersByPods(p);
  std::vector<std::vector<std::size_t>> sets;
  for (std::size_t w : m) {
    if (ws_[w].replicas >= last) {
      sets.push_back({w});
      break;
    }
  }
  std::vector<std::size_t> set;
  long long pods = 0;
  for (std::size_t w : m) {
    if (pods >= last) break;
    set.push_back(w);
    pods += ws_[w].replicas;
  }
  if (pods >= last) sets.push_back(set);
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
  if (pods >= last) sets.push_back(set);
  return sets;
}

/// The members that set the replicas, and those that set the pods per node, of pool p's mode
/// on its candidate (p shares its GPUs), each set only when it is not every member.
std::vector<std::vector<std::size_t>> Search::bindingSets(std::size_t p) {
  const SearchPool& pool = pools_[p];
  const Minima& m = pool.minima[pool.choice.k];
  const int least = m.replicas(pool.choice.mode);
  std::vector<std::size_t> byReplicas, byCap;
  for (std::size_t w : pool.members) {
    const PodFit& f = fits(w)[pool.choice.k];
    const int r = pool.choice.mode == Mode::TimeSlicing ? f.ts : f.mps;
    if (r == least) byReplicas.push_back(w);
    if (f.cap == m.cap) byCap.push_back(w);
  }
  std::vector<std::vector<std::size_t>> sets;
  if (byReplicas.size() < pool.members.size()) sets.push_back(std::move(byReplicas));
  if (byCap.size() < pool.members.size()) sets.push_back(std::move(byCap));
  return sets;
}

/// The moves that start from pool p: re-shape it; free its last node; take out the members
/// that hold its replicas or pods per node down; dissolve it when small; move each member.
bool Search::improvePool(std::size_t p) {
  bool improved = false;
  {
    SearchPool& pool = pools_[p];
    ensureMinima(pool);
    const PoolChoice c = choose(groups_[pool.group], pool.minima, pool.pods);
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
  if (pools_[p].alive && pools_[p].choice.nodes > 0) {
    for (std::vector<std::size_t>& set : lastNodeSets(p)) attempt(std::move(set));
  }
  if (pools_[p].alive && pools_[p].choice.mode != Mode::Dedicated) {
    for (std::vector<std::size_t>& set : bindingSets(p)) attempt(std::move(set));
  }
  if (pools_[p].alive && pools_[p].members.size() <= kDissolveMembers) attempt(pools_[p].members);
  // Each member on its own, smallest first.
  if (pools_[p].alive) {
    for (std::size_t w : membersByPods(p)) {
      if (owner_[w] == p && pools_[p].alive) attempt({w});
    }
  }
  return improved;
}

}  // namespace gpuslice::detail::search
