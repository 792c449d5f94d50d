// The re-split moves of the pool search (search.h): two or three pools of one GPU model
// repacked from scratch, over the kinds of pool their members can form (pool_kinds.cpp), the
// pods divided by exact subset sums (util/subset_sum.h).
#include <algorithm>
#include <array>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <set>
#include <tuple>
#include <utility>
#include <vector>

#include "planner/search/search.h"
#include "util/subset_sum.h"

namespace gpuslice::detail::search {

namespace {

using Bits = std::vector<std::uint64_t>;

bool test(const Bits& b, std::size_t i) { return (b[i / 64] >> (i % 64)) & 1U; }

/// Nodes and score of `pods` pods on kind `t` (none for no pods).
PoolScore scoreOn(const PoolKind& t, long long pods) {
  if (pods == 0) return {};
  const long long nodes = (pods + t.perNode - 1) / t.perNode;
  return {t.price * nodes, nodes, static_cast<long long>(isolationPenalty(t.mode)) * pods};
}

/// Free slots of `pods` pods on kind `t`.
long long freeOn(const PoolKind& t, long long pods) {
  return pods == 0 ? 0 : (pods + t.perNode - 1) / t.perNode * t.perNode - pods;
}

/// Price per pod of a full node of kind `t`.
double rate(const PoolKind& t) { return static_cast<double>(t.price) / t.perNode; }

/// Whether the kinds `a`, `b` and `c` (the same kind twice for two) take every one of the `n`
/// members between them.
bool takeAll(const PoolKind& a, const PoolKind& b, const PoolKind& c, std::size_t n) {
  const std::size_t words = (n + 63) / 64;
  const std::uint64_t lastWord = n % 64 == 0 ? ~std::uint64_t{0} : (std::uint64_t{1} << (n % 64)) - 1;
  for (std::size_t w = 0; w < words; ++w) {
    const std::uint64_t used = w + 1 < words ? ~std::uint64_t{0} : lastWord;
    if (((a.joins[w] | b.joins[w] | c.joins[w]) & used) != used) return false;
  }
  return true;
}

/// The search for the best split of the members between two kinds, or all in one (see
/// Search::resplit). A split is taken when it scores lower than the best so far or, while
/// nothing has, keeps the pools' own score and gathers more free slots into one pool.
class PairSplit {
 public:
  /// `kinds` cheapest per pod first; `pods` per member, `total` their sum; adds to `steps`.
  PairSplit(const std::vector<PoolKind>& kinds, const std::vector<long long>& pods, long long total, long long& steps)
      : kinds_(kinds), pods_(pods), total_(total), steps_(steps), reach_(total) {}

  /// Tries every kind alone and every two, while `steps` stay under `limit`. `best` starts
  /// at the pools' score `before` and is lowered; `mostFree` is the most free slots of one
  /// of the pools.
  void search(const PoolScore& before, PoolScore& best, long long mostFree, long long limit) {
    const std::size_t words = (pods_.size() + 63) / 64;
    for (std::size_t x = 0; x < kinds_.size() && steps_ < limit; ++x) {
      // All pods at the cheaper rate of the two (less a micro for rounding) bound any split.
      if (static_cast<Micros>(static_cast<double>(total_) * rate(kinds_[x])) - 1 > best.cost) break;
      for (std::size_t y = x; y < kinds_.size(); ++y) {
        steps_ += static_cast<long long>(1 + words);
        if (!takeAll(kinds_[x], kinds_[y], kinds_[y], pods_.size())) continue;
        if (x == y) {
          tryOne(x, best);
        } else {
          tryTwo(x, y, before, best, mostFree);
        }
      }
    }
  }

  /// Per member, 0 for the first kind's pool and 1 for the second's; empty when no split
  /// was taken.
  std::vector<int> readBack() const {
    const std::size_t n = pods_.size();
    if (bestA_ == kNone) return {};
    if (bestA_ == bestB_) return std::vector<int>(n, 0);
    // The first kind takes the members the second cannot, and a subset of the rest with
    // the pods found (SubsetSums' read-back).
    const PoolKind& A = kinds_[bestA_];
    const PoolKind& B = kinds_[bestB_];
    std::vector<int> to(n, 1);
    long long onlyA = 0;
    std::vector<std::size_t> flex;
    std::vector<long long> sizes;
    for (std::size_t i = 0; i < n; ++i) {
      if (!test(A.joins, i)) continue;
      if (!test(B.joins, i)) {
        to[i] = 0;
        onlyA += pods_[i];
      } else {
        flex.push_back(i);
        sizes.push_back(pods_[i]);
      }
    }
    for (std::size_t at : SubsetSums(std::move(sizes), total_).subset(bestPodsA_ - onlyA)) to[flex[at]] = 0;
    return to;
  }

 private:
  void take(std::size_t x, std::size_t y, long long podsA) {
    bestA_ = x;
    bestB_ = y;
    bestPodsA_ = podsA;
  }

  /// All members in one pool of kind `x`.
  void tryOne(std::size_t x, PoolScore& best) {
    const PoolScore s = scoreOn(kinds_[x], total_);
    if (s < best) {
      best = s;
      take(x, x, total_);
    }
  }

  /// The members only one of kinds `x` and `y` takes go there; every split of the others'
  /// pods that a subset reaches is scored.
  void tryTwo(std::size_t x, std::size_t y, const PoolScore& before, PoolScore& best, long long& mostFree) {
    const PoolKind& A = kinds_[x];
    const PoolKind& B = kinds_[y];
    long long onlyA = 0, onlyB = 0;
    flex_.clear();
    for (std::size_t i = 0; i < pods_.size(); ++i) {
      const bool inA = test(A.joins, i), inB = test(B.joins, i);
      if (inA && inB) {
        flex_.push_back(i);
      } else {
        (inA ? onlyA : onlyB) += pods_[i];
      }
    }
    steps_ += static_cast<long long>(pods_.size());
    // Neither part costs less than the members only it takes.
    if (scoreOn(A, onlyA).cost + scoreOn(B, onlyB).cost > best.cost) return;
    reach_.clear();
    for (std::size_t i : flex_) reach_.add(pods_[i]);
    const long long flexPods = total_ - onlyA - onlyB;
    steps_ += static_cast<long long>(flex_.size() * reach_.words()) + flexPods;
    for (long long s = 0; s <= flexPods; ++s) {
      if (!reach_.reaches(s)) continue;
      const long long podsA = onlyA + s;
      const PoolScore sc = scoreOn(A, podsA) + scoreOn(B, total_ - podsA);
      if (sc < best) {
        best = sc;
        take(x, y, podsA);
      } else if (sc == before && best == before) {
        const long long most = std::max(freeOn(A, podsA), freeOn(B, total_ - podsA));
        if (most > mostFree) {
          mostFree = most;
          take(x, y, podsA);
        }
      }
    }
  }

  const std::vector<PoolKind>& kinds_;
  const std::vector<long long>& pods_;
  long long total_ = 0;
  long long& steps_;
  ReachableSums reach_;
  std::vector<std::size_t> flex_;  ///< members both kinds of a pair take
  std::size_t bestA_ = kNone, bestB_ = kNone;
  long long bestPodsA_ = 0;
};

/// The search for the best split of the members among three kinds (see Search::resplit):
/// for each three kinds, every pair of pod counts the first two can take, by a subset sum
/// over both at once (SplitSums).
class TripleSplit {
 public:
  /// `kinds` cheapest per pod first; `pods` per member, `total` their sum; adds to `steps`.
  TripleSplit(const std::vector<PoolKind>& kinds, const std::vector<long long>& pods, long long total, long long& steps)
      : kinds_(kinds), pods_(pods), total_(total), steps_(steps), parts_(pods.size()), sums_(total) {
    for (const PoolKind& t : kinds) rate_.push_back(rate(t));
  }

  /// Tries every three kinds while `steps` stay under `limit`, lowering `best`.
  void search(PoolScore& best, long long limit) {
    for (std::size_t x = 0; x < kinds_.size() && steps_ < limit; ++x) {
      if (static_cast<Micros>(static_cast<double>(total_) * rate_[x]) - 1 > best.cost) break;
      for (std::size_t y = x + 1; y < kinds_.size() && steps_ < limit; ++y) {
        for (std::size_t z = y + 1; z < kinds_.size() && steps_ < limit; ++z) tryThree({x, y, z}, best);
      }
    }
  }

  /// Per member, 0, 1 or 2 for the pool of the first, second or third kind; empty when no
  /// split beat the best it started from.
  std::vector<int> readBack() {
    if (!found_) return {};
    setParts(bestKinds_);
    run(true);
    return sums_.split(pods_, parts_, bestA_, bestB_);
  }

 private:
  using Three = std::array<std::size_t, 3>;

  /// Which of the kinds `k` each member may join, a bit each (SplitSums' parts).
  void setParts(const Three& k) {
    for (std::size_t i = 0; i < pods_.size(); ++i) {
      parts_[i] = 0;
      for (unsigned t = 0; t < 3; ++t) parts_[i] |= test(kinds_[k[t]].joins, i) ? 1U << t : 0U;
    }
  }

  /// The reach of pod counts (first kind, second kind); with `keep`, every step is kept.
  void run(bool keep) {
    sums_.run(pods_, parts_, keep);
    for (unsigned m : parts_) {
      if (m != SplitSums::kThird) steps_ += static_cast<long long>(sums_.words() * 2);
    }
  }

  /// Whether a split among kinds `k` might score below `best`: not if each member's pods at
  /// the lowest rate per pod of the kinds it may join, or each kind's own members on it,
  /// cost more.
  bool mayBeat(const Three& k, const PoolScore& best) {
    setParts(k);
    long long only[3] = {0, 0, 0};
    double fractional = 0;
    for (std::size_t i = 0; i < pods_.size(); ++i) {
      double least = std::numeric_limits<double>::infinity();
      for (unsigned t = 0; t < 3; ++t) {
        if (parts_[i] & (1U << t)) least = std::min(least, rate_[k[t]]);
      }
      fractional += least * static_cast<double>(pods_[i]);
      if (parts_[i] == 1 || parts_[i] == 2 || parts_[i] == 4)
        only[parts_[i] == 1 ? 0 : parts_[i] == 2 ? 1 : 2] += pods_[i];
    }
    steps_ += static_cast<long long>(pods_.size());
    if (static_cast<Micros>(fractional) - 1 > best.cost) return false;
    Micros floor = 0;
    for (unsigned t = 0; t < 3; ++t) floor += scoreOn(kinds_[k[t]], only[t]).cost;
    return floor <= best.cost;
  }

  void tryThree(const Three& k, PoolScore& best) {
    steps_ += static_cast<long long>(1 + (pods_.size() + 63) / 64);
    if (!takeAll(kinds_[k[0]], kinds_[k[1]], kinds_[k[2]], pods_.size())) return;
    if (!mayBeat(k, best)) return;
    run(false);
    scan(k, best);
    const auto T = static_cast<std::size_t>(total_) + 1;
    steps_ += static_cast<long long>(T * T / 2);
  }

  /// Every pair of pod counts of the first two kinds reached, the rest on the third.
  void scan(const Three& k, PoolScore& best) {
    const auto T = static_cast<std::size_t>(total_) + 1;
    for (std::size_t a = 0; a < T; ++a) {
      const PoolScore sa = scoreOn(kinds_[k[0]], static_cast<long long>(a));
      if (sa.cost > best.cost) break;
      for (std::size_t b = 0; a + b < T; ++b) {
        if (!sums_.reaches(a, b)) continue;
        const PoolScore s = sa + scoreOn(kinds_[k[1]], static_cast<long long>(b)) +
                            scoreOn(kinds_[k[2]], total_ - static_cast<long long>(a + b));
        if (s < best) {
          best = s;
          found_ = true;
          bestKinds_ = k;
          bestA_ = a;
          bestB_ = b;
        }
      }
    }
  }

  const std::vector<PoolKind>& kinds_;
  const std::vector<long long>& pods_;
  long long total_ = 0;
  long long& steps_;
  std::vector<double> rate_;     ///< per kind
  std::vector<unsigned> parts_;  ///< per member: which of the three kinds tried it may join
  SplitSums sums_;
  bool found_ = false;
  Three bestKinds_{};
  std::size_t bestA_ = 0, bestB_ = 0;  ///< pods of the first and second kinds
};

/// What a pool's members are, as far as the re-splits tell them apart: its pods, its member
/// count and the sum of its members' indices.
using Signature = std::tuple<long long, std::size_t, std::size_t>;

Signature signatureOf(const SearchPool& pool) {
  std::size_t sum = 0;
  for (std::size_t w : pool.members) sum += w;
  return {pool.pods, pool.members.size(), sum};
}

/// Adds to `sets` each `size` (2 or 3) live pools of group `g` small enough to re-split
/// together that `fresh` accepts, with minus their `waste` (per pool), so that sorting puts
/// the most wasteful first.
template <class Fresh>
void addResplitSets(const std::vector<SearchPool>& pools, const Group& g, std::size_t size,
                    const std::vector<double>& waste, Fresh fresh,
                    std::vector<std::pair<double, std::vector<std::size_t>>>& sets) {
  std::vector<std::size_t> live;
  for (std::size_t p : g.pools) {
    if (pools[p].alive && pools[p].members.size() < kResplitMembers) live.push_back(p);
  }
  const long long podLimit = size == 2 ? kResplitPods : kResplit3Pods;
  auto small = [&](std::initializer_list<std::size_t> ps) {
    std::size_t members = 0;
    long long pods = 0;
    for (std::size_t p : ps) members += pools[p].members.size();
    if (members > kResplitMembers) return false;
    for (std::size_t p : ps) pods += pools[p].pods;
    return pods <= podLimit;
  };
  for (std::size_t i = 0; i < live.size(); ++i) {
    for (std::size_t j = i + 1; j < live.size(); ++j) {
      const std::size_t a = live[i], b = live[j];
      if (!small({a, b})) continue;
      if (size == 2) {
        if (fresh({a, b})) sets.push_back({-(waste[a] + waste[b]), {a, b}});
        continue;
      }
      for (std::size_t k = j + 1; k < live.size(); ++k) {
        const std::size_t c = live[k];
        if (small({a, b, c}) && fresh({a, b, c})) sets.push_back({-(waste[a] + waste[b] + waste[c]), {a, b, c}});
      }
    }
  }
}

}  // namespace

/// Re-splits the members of the two or three pools `ps` (of one group) into as many pools or
/// fewer, from scratch: for every two (three) kinds that members can join, the members only
/// one of them takes go there, and the pods of the rest are divided by an exact subset sum.
/// Finds the splits that a move of a few workloads at a time cannot reach, where every single
/// step costs as much as before. Two pools may also be re-split at the same score when that
/// gathers their free slots into one of them (see finish).
bool Search::resplit(const std::vector<std::size_t>& ps) {
  const std::size_t group = pools_[ps.front()].group;
  const Group& g = groups_[group];
  std::vector<std::size_t> all;
  long long total = 0;
  PoolScore before;
  for (std::size_t p : ps) {
    all.insert(all.end(), pools_[p].members.begin(), pools_[p].members.end());
    total += pools_[p].pods;
    before = before + pools_[p].choice.score;
  }
  const std::size_t n = all.size();
  if (n < 2 || n > kResplitMembers || total > (ps.size() == 2 ? kResplitPods : kResplit3Pods)) return false;
  const std::size_t K = g.candidates.size();
  std::vector<PodFit> fit(n * K);
  std::vector<long long> pods(n);
  for (std::size_t i = 0; i < n; ++i) {
    const PodFit* f = fits(all[i]);
    std::copy(f, f + K, fit.begin() + static_cast<std::ptrdiff_t>(i * K));
    pods[i] = ws_[all[i]].replicas;
  }
  std::vector<PoolKind> kinds = poolKindsOf(g, fit);
  resplitSteps_ += static_cast<long long>(kinds.size() * kinds.size() * ((n + 63) / 64));
  dropCovered(kinds);
  // Cheapest per pod first: once all pods at a kind's rate cost more than the best split, no
  // pair with a later kind can do better.
  std::stable_sort(kinds.begin(), kinds.end(), [&](const PoolKind& x, const PoolKind& y) { return rate(x) < rate(y); });
  resplitSteps_ += static_cast<long long>(n * K * 4 + kinds.size() * n);
  PoolScore best = before;
  std::vector<int> to;  // per member: the position in `ps` of its pool, once a split beats the pools
  if (ps.size() == 3) {
    TripleSplit split(kinds, pods, total, resplitSteps_);
    split.search(best, resplitLimit_);
    to = split.readBack();
  } else {
    long long mostFree = 0;  // most free slots of one pool, for a split that keeps the score
    for (std::size_t p : ps) {
      mostFree = std::max(mostFree, pools_[p].choice.nodes * pools_[p].choice.podsPerNode - pools_[p].pods);
    }
    PairSplit split(kinds, pods, total, resplitSteps_);
    split.search(before, best, mostFree, resplitLimit_);
    to = split.readBack();
  }
  if (to.empty()) return false;
  return moveMembers(ps, all, pods, to);
}

/// Empties the pools `ps` and puts member i of `all` (with `pods[i]` pods) into ps[to[i]];
/// keeps that if finish() does.
bool Search::moveMembers(const std::vector<std::size_t>& ps, const std::vector<std::size_t>& all,
                         const std::vector<long long>& pods, const std::vector<int>& to) {
  const std::size_t group = pools_[ps.front()].group;
  Undo u;
  begin(u, group);
  for (std::size_t p : ps) {
    save(u, p);
    pools_[p].members.clear();
    pools_[p].pods = 0;
    pools_[p].alive = true;
  }
  for (std::size_t i = 0; i < all.size(); ++i) {
    u.owners.emplace_back(all[i], owner_[all[i]]);
    const std::size_t p = ps[static_cast<std::size_t>(to[i])];
    pools_[p].members.push_back(all[i]);
    pools_[p].pods += pods[i];
    owner_[all[i]] = p;
  }
  for (std::size_t p : ps) recompute(pools_[p]);
  return finish(u, group, ps.size() == 2);
}

/// Re-splits two pools of one group at a time, then three, those whose unused slots cost
/// the most first, within the step budget; a set is tried again only once one of its pools
/// changed.
bool Search::resplitRound() {
  std::vector<Signature> signature(pools_.size());
  std::vector<double> waste(pools_.size(), 0);
  for (std::size_t p = 0; p < pools_.size(); ++p) {
    const SearchPool& pool = pools_[p];
    if (!pool.alive) continue;
    signature[p] = signatureOf(pool);
    const Offer& c = groups_[pool.group].offers[pool.choice.k];
    waste[p] = static_cast<double>(pool.choice.nodes * pool.choice.podsPerNode - pool.pods) *
               static_cast<double>(c.price) / static_cast<double>(std::max(1, pool.choice.podsPerNode));
  }
  resplitSteps_ += static_cast<long long>(ws_.size());
  auto keyOf = [&](const std::vector<std::size_t>& ps) {
    std::vector<Signature> key;
    for (std::size_t p : ps) key.push_back(signature[p]);
    return key;
  };
  bool improved = false;
  for (std::size_t size : {2, 3}) {
    std::vector<std::pair<double, std::vector<std::size_t>>> sets;
    auto fresh = [&](const std::vector<std::size_t>& ps) { return resplitTried_.count(keyOf(ps)) == 0; };
    for (const Group& g : groups_) addResplitSets(pools_, g, size, waste, fresh, sets);
    resplitSteps_ += static_cast<long long>(sets.size());
    std::sort(sets.begin(), sets.end());
    for (const auto& [w, ps] : sets) {
      if (resplitSteps_ >= resplitLimit_) break;
      if (!std::all_of(ps.begin(), ps.end(), [&](std::size_t p) { return pools_[p].alive; })) continue;
      std::vector<Signature> key;
      for (std::size_t p : ps) key.push_back(signatureOf(pools_[p]));
      if (!resplitTried_.insert(std::move(key)).second) continue;
      improved = resplit(ps) || improved;
    }
  }
  return improved;
}

}  // namespace gpuslice::detail::search
