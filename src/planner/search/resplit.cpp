// The re-split moves of the pool search: two or three pools repacked from scratch.
#include <algorithm>
#include <cstdint>
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
Score scoreOn(const Kind& t, long long pods) {
  if (pods == 0) return {};
  const long long nodes = (pods + t.perNode - 1) / t.perNode;
  return {t.price * nodes, nodes, static_cast<long long>(isolationPenalty(t.mode)) * pods};
}

/// Free slots of `pods` pods on kind `t`.
long long freeOn(const Kind& t, long long pods) {
  return pods == 0 ? 0 : (pods + t.perNode - 1) / t.perNode * t.perNode - pods;
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
  Score before;
  for (std::size_t p : ps) {
    all.insert(all.end(), pools_[p].members.begin(), pools_[p].members.end());
    total += pools_[p].pods;
    before = before + pools_[p].choice.score;
  }
  const std::size_t n = all.size();
  if (n < 2 || n > kResplitMembers || total > (ps.size() == 2 ? kResplitPods : kResplit3Pods)) return false;
  const std::size_t K = g.candidates.size();
  std::vector<Fit> fit(n * K);
  std::vector<long long> pods(n);
  for (std::size_t i = 0; i < n; ++i) {
    const Fit* f = fits(all[i]);
    std::copy(f, f + K, fit.begin() + static_cast<std::ptrdiff_t>(i * K));
    pods[i] = ws_[all[i]].replicas;
  }
  const std::size_t words = (n + 63) / 64;
  // The kinds: per candidate and mode, each least safe replica count and node cap found among
  // the members, less those that a smaller count or cap matches in pods per node.
  std::vector<Kind> kinds;
  std::vector<int> caps, rs;
  for (std::size_t j = 0; j < K; ++j) {
    const Offer& o = g.offers[j];
    caps.clear();
    for (std::size_t i = 0; i < n; ++i) {
      if (fit[i * K + j].cap > 0) caps.push_back(fit[i * K + j].cap);
    }
    std::sort(caps.begin(), caps.end());
    caps.erase(std::unique(caps.begin(), caps.end()), caps.end());
    for (Mode mode : kModes) {
      if (mode != Mode::Dedicated && o.fractional) continue;
      rs.clear();
      for (std::size_t i = 0; i < n; ++i) {
        const Fit& f = fit[i * K + j];
        const int r = mode == Mode::Dedicated ? (f.ded ? 1 : 0) : mode == Mode::Mps ? f.mps : f.ts;
        if (f.cap > 0 && r >= (mode == Mode::Dedicated ? 1 : 2)) rs.push_back(r);
      }
      std::sort(rs.begin(), rs.end());
      rs.erase(std::unique(rs.begin(), rs.end()), rs.end());
      for (std::size_t ri = 0; ri < rs.size(); ++ri) {
        int lastPerNode = 0;
        for (int c : caps) {
          const int most = (c + o.gpus - 1) / o.gpus;  // replicas past this add no pods per node
          if (ri > 0 && rs[ri - 1] >= most) continue;  // a smaller count does as well
          const int replicas = mode == Mode::Dedicated ? 1 : std::min(rs[ri], most);
          if (mode != Mode::Dedicated && replicas < 2) continue;
          const int perNode = std::min(o.gpus * replicas, c);
          if (perNode == lastPerNode) continue;  // a smaller cap does as well
          lastPerNode = perNode;
          Kind t{j, mode, perNode, o.price, Bits(words, 0)};
          bool any = false;
          for (std::size_t i = 0; i < n; ++i) {
            const Fit& f = fit[i * K + j];
            const int r = mode == Mode::Dedicated ? (f.ded ? 1 : 0) : mode == Mode::Mps ? f.mps : f.ts;
            if (f.cap >= c && r >= rs[ri]) {
              t.joins[i / 64] |= std::uint64_t{1} << (i % 64);
              any = true;
            }
          }
          if (any) kinds.push_back(std::move(t));
        }
      }
    }
  }
  // A kind that another takes every member of, at as many pods per node, for no more per node
  // and no more isolation penalty, never splits better: left out (of equal ones, the first kept).
  auto covers = [&](const Kind& x, const Kind& y) {  // x does all that y does
    if (x.perNode < y.perNode || x.price > y.price || isolationPenalty(x.mode) > isolationPenalty(y.mode)) {
      return false;
    }
    for (std::size_t w = 0; w < words; ++w) {
      if ((y.joins[w] & ~x.joins[w]) != 0) return false;
    }
    return true;
  };
  std::vector<char> dominated(kinds.size(), 0);
  for (std::size_t y = 0; y < kinds.size(); ++y) {
    for (std::size_t x = 0; x < kinds.size() && !dominated[y]; ++x) {
      if (x == y || dominated[x] || !covers(kinds[x], kinds[y])) continue;
      dominated[y] = x < y || !covers(kinds[y], kinds[x]);
    }
  }
  resplitSteps_ += static_cast<long long>(kinds.size() * kinds.size() * words);
  std::size_t kept = 0;
  for (std::size_t y = 0; y < kinds.size(); ++y) {
    if (dominated[y]) continue;
    if (kept != y) kinds[kept] = std::move(kinds[y]);
    ++kept;
  }
  kinds.resize(kept);
  // Cheapest per pod first: once all pods at a kind's rate cost more than the best split, no
  // pair with a later kind can do better.
  auto rate = [](const Kind& t) { return static_cast<double>(t.price) / t.perNode; };
  std::stable_sort(kinds.begin(), kinds.end(), [&](const Kind& x, const Kind& y) { return rate(x) < rate(y); });
  resplitSteps_ += static_cast<long long>(n * K * 4 + kinds.size() * n);
  Score best = before;
  long long bestFree = 0;  // most free slots of one pool, for a split that keeps the score
  for (std::size_t p : ps) {
    bestFree = std::max(bestFree, pools_[p].choice.nodes * pools_[p].choice.podsPerNode - pools_[p].pods);
  }
  std::vector<int> to;  // per member: the position in `ps` of its pool, once a split beats the pools
  if (ps.size() == 3) {
    to = split3(kinds, pods, total, best);
  } else {
    std::size_t bestA = kNone, bestB = kNone;
    long long bestPodsA = 0;
    ReachableSums reach(total);
    std::vector<std::size_t> flex;
    const std::uint64_t lastWord = n % 64 == 0 ? ~std::uint64_t{0} : (std::uint64_t{1} << (n % 64)) - 1;
    for (std::size_t x = 0; x < kinds.size() && resplitSteps_ < resplitLimit_; ++x) {
      const Kind& A = kinds[x];
      // All pods at the cheaper rate of the two (less a micro for rounding) bound any split.
      if (static_cast<Micros>(static_cast<double>(total) * rate(A)) - 1 > best.cost) break;
      for (std::size_t y = x; y < kinds.size(); ++y) {
        const Kind& B = kinds[y];
        resplitSteps_ += static_cast<long long>(1 + words);
        bool covered = true;
        for (std::size_t w = 0; w < words && covered; ++w) {
          const std::uint64_t used = w + 1 < words ? ~std::uint64_t{0} : lastWord;
          covered = ((A.joins[w] | B.joins[w]) & used) == used;
        }
        if (!covered) continue;
        if (x == y) {  // one pool
          const Score s = scoreOn(A, total);
          if (s < best) {
            best = s;
            bestA = x;
            bestB = y;
            bestPodsA = total;
          }
          continue;
        }
        long long onlyA = 0, onlyB = 0;
        flex.clear();
        for (std::size_t i = 0; i < n; ++i) {
          const bool inA = test(A.joins, i), inB = test(B.joins, i);
          if (inA && inB) {
            flex.push_back(i);
          } else {
            (inA ? onlyA : onlyB) += pods[i];
          }
        }
        resplitSteps_ += static_cast<long long>(n);
        // Neither part costs less than the members only it takes.
        if (scoreOn(A, onlyA).cost + scoreOn(B, onlyB).cost > best.cost) continue;
        reach.clear();
        for (std::size_t i : flex) reach.add(pods[i]);
        const long long flexPods = total - onlyA - onlyB;
        resplitSteps_ += static_cast<long long>(flex.size() * reach.words()) + flexPods;
        for (long long s = 0; s <= flexPods; ++s) {
          if (!reach.reaches(s)) continue;
          const Score sc = scoreOn(A, onlyA + s) + scoreOn(B, total - onlyA - s);
          if (sc < best) {
            best = sc;
            bestA = x;
            bestB = y;
            bestPodsA = onlyA + s;
          } else if (sc == before && best == before) {
            const long long most = std::max(freeOn(A, onlyA + s), freeOn(B, total - onlyA - s));
            if (most > bestFree) {
              bestFree = most;
              bestA = x;
              bestB = y;
              bestPodsA = onlyA + s;
            }
          }
        }
      }
    }
    if (bestA != kNone) {
      // Which members go to A: those B cannot take, and a subset of the rest with the pods
      // found, read back from the first item that reached each sum.
      const Kind& A = kinds[bestA];
      const Kind& B = kinds[bestB];
      to.assign(n, 1);
      long long onlyA = 0;
      flex.clear();
      for (std::size_t i = 0; i < n; ++i) {
        const bool inA = test(A.joins, i), inB = bestA == bestB || test(B.joins, i);
        if (inA && !inB) {
          to[i] = 0;
          onlyA += pods[i];
        } else if (inA) {
          flex.push_back(i);
        }
      }
      if (bestA == bestB) {
        std::fill(to.begin(), to.end(), 0);
      } else {
        std::vector<long long> sizes;
        for (std::size_t i : flex) sizes.push_back(pods[i]);
        for (std::size_t at : SubsetSums(std::move(sizes), total).subset(bestPodsA - onlyA)) to[flex[at]] = 0;
      }
    }
  }
  if (to.empty()) return false;
  Undo u;
  begin(u, group);
  for (std::size_t p : ps) {
    save(u, p);
    pools_[p].members.clear();
    pools_[p].pods = 0;
    pools_[p].alive = true;
  }
  for (std::size_t i = 0; i < n; ++i) {
    u.owners.emplace_back(all[i], owner_[all[i]]);
    const std::size_t p = ps[static_cast<std::size_t>(to[i])];
    pools_[p].members.push_back(all[i]);
    pools_[p].pods += pods[i];
    owner_[all[i]] = p;
  }
  for (std::size_t p : ps) recompute(pools_[p]);
  return finish(u, group, ps.size() == 2);
}

/// The split of the members (pods per member; a member may join the kinds whose bit it has)
/// among three kinds that scores below `best`, which it lowers: for each three kinds, every
/// pair of pod counts the first two can take, by a subset sum over both at once. Empty when
/// no split beats `best`.
std::vector<int> Search::split3(const std::vector<Kind>& kinds, const std::vector<long long>& pods, long long total,
                                Score& best) {
  const std::size_t n = pods.size();
  const auto T = static_cast<std::size_t>(total) + 1;  // pod counts of each kind, 0..total
  std::size_t bestX = 0, bestY = 0, bestZ = 0, bestA = 0, bestB = 0;
  bool found = false;
  std::vector<unsigned> mask(n);  // per member: the kinds of the three it may join, a bit each
  SplitSums sums(total);
  const std::size_t words = (n + 63) / 64;
  const std::uint64_t lastWord = n % 64 == 0 ? ~std::uint64_t{0} : (std::uint64_t{1} << (n % 64)) - 1;
  std::vector<double> rate(kinds.size());
  for (std::size_t t = 0; t < kinds.size(); ++t) rate[t] = static_cast<double>(kinds[t].price) / kinds[t].perNode;
  // Reach for pod counts (first kind, second kind); with `keep`, every step is kept.
  auto run = [&](bool keep) {
    sums.run(pods, mask, keep);
    for (unsigned m : mask) {
      if (m != SplitSums::kThird) resplitSteps_ += static_cast<long long>(sums.words() * 2);
    }
  };
  for (std::size_t x = 0; x < kinds.size() && resplitSteps_ < resplitLimit_; ++x) {
    if (static_cast<Micros>(static_cast<double>(total) * rate[x]) - 1 > best.cost) break;
    for (std::size_t y = x + 1; y < kinds.size() && resplitSteps_ < resplitLimit_; ++y) {
      for (std::size_t z = y + 1; z < kinds.size() && resplitSteps_ < resplitLimit_; ++z) {
        const Kind* k3[3] = {&kinds[x], &kinds[y], &kinds[z]};
        bool covered = true;
        for (std::size_t w = 0; w < words && covered; ++w) {
          const std::uint64_t used = w + 1 < words ? ~std::uint64_t{0} : lastWord;
          covered = ((k3[0]->joins[w] | k3[1]->joins[w] | k3[2]->joins[w]) & used) == used;
        }
        resplitSteps_ += static_cast<long long>(1 + words);
        if (!covered) continue;
        // Neither less than each kind's own members on it, nor less than each member's pods
        // at the lowest rate per pod of the kinds it may join.
        long long only[3] = {0, 0, 0};
        double fractional = 0;
        for (std::size_t i = 0; i < n; ++i) {
          mask[i] = 0;
          double least = std::numeric_limits<double>::infinity();
          for (unsigned t = 0; t < 3; ++t) {
            if (!test(k3[t]->joins, i)) continue;
            mask[i] |= 1U << t;
            least = std::min(least, rate[t == 0 ? x : t == 1 ? y : z]);
          }
          fractional += least * static_cast<double>(pods[i]);
          if (mask[i] == 1 || mask[i] == 2 || mask[i] == 4) only[mask[i] == 1 ? 0 : mask[i] == 2 ? 1 : 2] += pods[i];
        }
        resplitSteps_ += static_cast<long long>(n);
        if (static_cast<Micros>(fractional) - 1 > best.cost) continue;
        if (scoreOn(*k3[0], only[0]).cost + scoreOn(*k3[1], only[1]).cost + scoreOn(*k3[2], only[2]).cost > best.cost) {
          continue;
        }
        run(false);
        for (std::size_t a = 0; a < T; ++a) {
          const Score sa = scoreOn(*k3[0], static_cast<long long>(a));
          if (sa.cost > best.cost) break;
          for (std::size_t b = 0; a + b < T; ++b) {
            if (!sums.reaches(a, b)) continue;
            const Score s = sa + scoreOn(*k3[1], static_cast<long long>(b)) +
                            scoreOn(*k3[2], total - static_cast<long long>(a + b));
            if (s < best) {
              best = s;
              found = true;
              std::tie(bestX, bestY, bestZ, bestA, bestB) = std::make_tuple(x, y, z, a, b);
            }
          }
        }
        resplitSteps_ += static_cast<long long>(T * T / 2);
      }
    }
  }
  if (!found) return {};
  // Read the split back: each member, last first, goes where the reach before it allows.
  const Kind* k3[3] = {&kinds[bestX], &kinds[bestY], &kinds[bestZ]};
  for (std::size_t i = 0; i < n; ++i) {
    mask[i] = 0;
    for (unsigned t = 0; t < 3; ++t) mask[i] |= test(k3[t]->joins, i) ? 1U << t : 0U;
  }
  run(true);
  return sums.split(pods, mask, bestA, bestB);
}

/// Re-splits two pools of one group at a time, then three, those whose unused slots cost
/// the most first, within the step budget; a set is tried again only once one of its pools
/// changed.
bool Search::resplitRound() {
  using Signature = std::tuple<long long, std::size_t, std::size_t>;
  std::vector<Signature> signature(pools_.size());
  std::vector<double> waste(pools_.size(), 0);
  for (std::size_t p = 0; p < pools_.size(); ++p) {
    const Pool& pool = pools_[p];
    if (!pool.alive) continue;
    std::size_t sum = 0;
    for (std::size_t w : pool.members) sum += w;
    signature[p] = {pool.pods, pool.members.size(), sum};
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
    for (const Group& g : groups_) {
      std::vector<std::size_t> live;
      for (std::size_t p : g.pools) {
        if (pools_[p].alive && pools_[p].members.size() < kResplitMembers) live.push_back(p);
      }
      const long long podLimit = size == 2 ? kResplitPods : kResplit3Pods;
      for (std::size_t i = 0; i < live.size(); ++i) {
        for (std::size_t j = i + 1; j < live.size(); ++j) {
          const std::size_t a = live[i], b = live[j];
          if (pools_[a].members.size() + pools_[b].members.size() > kResplitMembers) continue;
          if (pools_[a].pods + pools_[b].pods > podLimit) continue;
          if (size == 2) {
            if (resplitTried_.count(keyOf({a, b})) == 0) sets.push_back({-(waste[a] + waste[b]), {a, b}});
            continue;
          }
          for (std::size_t k = j + 1; k < live.size(); ++k) {
            const std::size_t c = live[k];
            if (pools_[a].members.size() + pools_[b].members.size() + pools_[c].members.size() > kResplitMembers)
              continue;
            if (pools_[a].pods + pools_[b].pods + pools_[c].pods > podLimit) continue;
            if (resplitTried_.count(keyOf({a, b, c})) == 0) {
              sets.push_back({-(waste[a] + waste[b] + waste[c]), {a, b, c}});
            }
          }
        }
      }
    }
    resplitSteps_ += static_cast<long long>(sets.size());
    std::sort(sets.begin(), sets.end());
    for (const auto& [w, ps] : sets) {
      if (resplitSteps_ >= resplitLimit_) break;
      if (!std::all_of(ps.begin(), ps.end(), [&](std::size_t p) { return pools_[p].alive; })) continue;
      std::vector<Signature> key;
      for (std::size_t p : ps) {
        const Pool& pool = pools_[p];
        std::size_t sum = 0;
        for (std::size_t m : pool.members) sum += m;
        key.emplace_back(pool.pods, pool.members.size(), sum);
      }
      if (!resplitTried_.insert(std::move(key)).second) continue;
      improved = resplit(ps) || improved;
    }
  }
  return improved;
}

/// The moves that start from one pool: re-shape it; free its last node; take out the members
/// that hold its replicas or pods per node down; dissolve it when small; move each member.

}  // namespace gpuslice::detail::search
