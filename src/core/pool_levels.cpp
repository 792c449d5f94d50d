// The level search of the pool search (pool_search.h): re-chooses, for the workloads of one
// GPU model, which instance type and mode ("family") each runs in, then re-cuts every
// family into pools.
//
// Within one family a pool's pods per node is the least of its members' own pods per node
// (their "levels"), and a pod may sit in any pool of its family at or below its level. If
// pods could be split between pools, the fewest nodes for a family would be simple: from the
// lowest level up, buy just enough nodes at each level for the pods that can go no higher,
// and let the room left over carry upwards. That count is the family's cost here. The search
// moves whole workloads between families, one or two at a time, while that cost falls; the
// families are then cut into pools of whole workloads, each level topped up by the subset of
// higher-level workloads that fills it best, and the result is kept only if the pools,
// counted as the planner counts them, cost less than before.
#include <algorithm>
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "pool_search.h"

namespace gpuslice::detail::search {

namespace {

/// One family: a group candidate and a mode, its levels (ascending) and the pods at each.
struct Family {
  std::size_t k = 0;
  Mode mode = Mode::Dedicated;
  Micros price = 0;
  std::vector<int> levels;
  std::vector<long long> pods;  ///< per level
  long long total = 0;
  Score score;
};

/// Where a workload may run: a family and its level there.
struct Option {
  std::size_t family = 0;
  std::size_t level = 0;
};

/// Nodes a family needs when pods may be split between its pools (see the file comment).
long long nodesNeeded(const Family& f) {
  long long nodes = 0, room = 0;
  for (std::size_t i = 0; i < f.levels.size(); ++i) {
    const long long need = f.pods[i] - room;
    const long long buy = need > 0 ? (need + f.levels[i] - 1) / f.levels[i] : 0;
    nodes += buy;
    room += buy * f.levels[i] - f.pods[i];
  }
  return nodes;
}

Score scoreOfFamily(const Family& f) {
  const long long nodes = nodesNeeded(f);
  return {f.price * nodes, nodes, static_cast<long long>(isolationPenalty(f.mode)) * f.total};
}

/// Which of `items` (pods each, in order of preference) fill at most `room` best: the most
/// pods, then the earliest items. Returns their positions.
std::vector<std::size_t> fillBest(const std::vector<long long>& items, long long room) {
  std::vector<std::size_t> chosen;
  if (room <= 0 || items.empty()) return chosen;
  constexpr std::size_t kUnset = SIZE_MAX;
  std::vector<std::size_t> by(static_cast<std::size_t>(room) + 1, kUnset);  // item that first reached a sum
  std::vector<char> reached(static_cast<std::size_t>(room) + 1, 0);
  reached[0] = 1;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const long long p = items[i];
    if (p > room) continue;
    for (long long s = room; s >= p; --s) {
      if (!reached[static_cast<std::size_t>(s)] && reached[static_cast<std::size_t>(s - p)]) {
        reached[static_cast<std::size_t>(s)] = 1;
        by[static_cast<std::size_t>(s)] = i;
      }
    }
  }
  long long s = room;
  while (s > 0 && !reached[static_cast<std::size_t>(s)]) --s;
  while (s > 0) {  // each step's item was added before the sum it came from was reached
    const std::size_t i = by[static_cast<std::size_t>(s)];
    chosen.push_back(i);
    s -= items[i];
  }
  return chosen;
}

}  // namespace

bool Search::levelRound() {
  bool improved = false;
  for (std::size_t gi = 0; gi < groups_.size() && levelEvals_ < kLevelEvals; ++gi) {
    Group& g = groups_[gi];
    // Each GPU model gets an even share of what is left, so that one cannot take it all.
    const long long limit = levelEvals_ + (kLevelEvals - levelEvals_) / static_cast<long long>(groups_.size() - gi);
    std::vector<std::size_t> members;
    Score before;
    for (std::size_t p : g.pools) {
      const Pool& pool = pools_[p];
      if (!pool.alive) continue;
      members.insert(members.end(), pool.members.begin(), pool.members.end());
      before = before + pool.choice.score;
    }
    if (members.size() < 2 || members.size() > kLevelMembers) continue;
    std::sort(members.begin(), members.end());

    // Families, each member's options and where it runs now.
    const std::size_t K = g.candidates.size();
    std::vector<Family> fams(K * 3);
    for (std::size_t j = 0; j < K; ++j) {
      for (std::size_t m = 0; m < 3; ++m) {
        fams[j * 3 + m].k = j;
        fams[j * 3 + m].mode = kModes[m];
        fams[j * 3 + m].price = g.offers[j].price;
      }
    }
    auto modeIndex = [](Mode m) { return m == Mode::Dedicated ? 0u : m == Mode::Mps ? 1u : 2u; };
    std::vector<std::vector<std::pair<std::size_t, int>>> perNode(members.size());  // family, pods per node
    std::vector<std::size_t> now(members.size());  // family
    for (std::size_t i = 0; i < members.size(); ++i) {
      const std::size_t w = members[i];
      const Fit* f = fits(w);
      std::vector<std::pair<std::size_t, int>> opts;
      for (std::size_t j = 0; j < K; ++j) {
        Minima alone;
        alone.add(f[j]);
        for (std::size_t m = 0; m < 3; ++m) {
          const auto [pp, nodes] = nodesFor(g.offers[j], kModes[m], alone, 1);
          if (nodes >= 0) opts.emplace_back(j * 3 + m, pp);
        }
      }
      perNode[i] = std::move(opts);
      const Pool& pool = pools_[owner_[w]];
      now[i] = pool.choice.k * 3 + modeIndex(pool.choice.mode);
    }
    for (std::size_t i = 0; i < members.size(); ++i) {
      for (const auto& [fam, pp] : perNode[i]) fams[fam].levels.push_back(pp);
    }
    for (Family& f : fams) {
      std::sort(f.levels.begin(), f.levels.end());
      f.levels.erase(std::unique(f.levels.begin(), f.levels.end()), f.levels.end());
      f.pods.assign(f.levels.size(), 0);
    }
    std::vector<std::vector<Option>> options(members.size());
    std::vector<std::size_t> at(members.size(), kNone);  // position in options of the current family
    for (std::size_t i = 0; i < members.size(); ++i) {
      for (const auto& [fam, pp] : perNode[i]) {
        const auto& lv = fams[fam].levels;
        const auto level = static_cast<std::size_t>(std::lower_bound(lv.begin(), lv.end(), pp) - lv.begin());
        if (fam == now[i]) at[i] = options[i].size();
        options[i].push_back(Option{fam, level});
      }
    }
    if (std::find(at.begin(), at.end(), kNone) != at.end()) continue;  // a member outside its own fits
    std::vector<long long> podsOf(members.size());
    for (std::size_t i = 0; i < members.size(); ++i) {
      podsOf[i] = ws_[members[i]].replicas;
      const Option& o = options[i][at[i]];
      fams[o.family].pods[o.level] += podsOf[i];
      fams[o.family].total += podsOf[i];
    }
    Score total;
    for (Family& f : fams) {
      f.score = scoreOfFamily(f);
      total = total + f.score;
    }
    // Members alike (same options, same pods) are tried once per family they sit in.
    std::map<std::pair<std::vector<std::size_t>, long long>, std::size_t> kindOf;
    std::vector<std::size_t> kind(members.size());
    for (std::size_t i = 0; i < members.size(); ++i) {
      std::vector<std::size_t> key;
      for (const Option& o : options[i]) {
        key.push_back(o.family);
        key.push_back(o.level);
      }
      kind[i] = kindOf.emplace(std::make_pair(std::move(key), podsOf[i]), kindOf.size()).first->second;
    }

    auto shift = [&](std::size_t i, std::size_t to) {  // moves member i to options[i][to]
      const Option& a = options[i][at[i]];
      const Option& b = options[i][to];
      fams[a.family].pods[a.level] -= podsOf[i];
      fams[a.family].total -= podsOf[i];
      fams[b.family].pods[b.level] += podsOf[i];
      fams[b.family].total += podsOf[i];
      at[i] = to;
    };
    std::vector<std::size_t> touched;
    auto change = [&]() {  // score change over the touched families, rescored
      Score d;
      for (std::size_t f : touched) d = d + (scoreOfFamily(fams[f]) - fams[f].score);
      levelEvals_ += static_cast<long long>(touched.size());
      return d;
    };
    // Cost, then nodes: a better isolated mode alone would only steer the search.
    auto lower = [](const Score& d) { return d.cost < 0 || (d.cost == 0 && d.nodes < 0); };
    auto keep = [&]() {
      for (std::size_t f : touched) fams[f].score = scoreOfFamily(fams[f]);
    };
    auto touch = [&](std::size_t f) {
      if (std::find(touched.begin(), touched.end(), f) == touched.end()) touched.push_back(f);
    };

    std::vector<long long> secondTried(kindOf.size() * fams.size() * fams.size(), 0);
    long long stamp = 0;  // one per first move
    bool moved = true;
    for (int round = 0; round < kLevelRounds && moved && levelEvals_ < limit; ++round) {
      moved = false;
      std::vector<std::vector<char>> tried(kindOf.size(), std::vector<char>(fams.size() * fams.size(), 0));
      for (std::size_t i = 0; i < members.size() && levelEvals_ < limit; ++i) {
        for (std::size_t to = 0; to < options[i].size(); ++to) {
          if (to == at[i]) continue;
          const std::size_t f1 = options[i][at[i]].family, f2 = options[i][to].family;
          char& seen = tried[kind[i]][f1 * fams.size() + f2];
          if (seen) continue;
          seen = 1;
          const std::size_t from = at[i];
          shift(i, to);
          touched.assign({f1, f2});
          const Score d1 = change();
          if (lower(d1)) {
            keep();
            total = total + d1;
            moved = true;
            break;
          }
          // A second move that frees room in, or takes room from, one of the two families.
          ++stamp;
          bool done = false;
          for (std::size_t j = 0; j < members.size() && !done && levelEvals_ < limit; ++j) {
            if (j == i) continue;
            const std::size_t g1 = options[j][at[j]].family;
            for (std::size_t to2 = 0; to2 < options[j].size() && !done; ++to2) {
              if (to2 == at[j]) continue;
              const std::size_t g2 = options[j][to2].family;
              if (g1 != f1 && g1 != f2 && g2 != f1 && g2 != f2) continue;
              long long& last = secondTried[kind[j] * fams.size() * fams.size() + g1 * fams.size() + g2];
              if (last == stamp) continue;
              last = stamp;
              const std::size_t from2 = at[j];
              shift(j, to2);
              touched.assign({f1, f2});
              touch(g1);
              touch(g2);
              const Score d2 = change();
              if (lower(d2)) {
                keep();
                total = total + d2;
                done = true;
              } else {
                shift(j, from2);
              }
            }
          }
          if (done) {
            moved = true;
            break;
          }
          shift(i, from);
        }
      }
    }
    if (!(total < before)) continue;

    // Cut each family into pools of whole workloads, lowest level first.
    Undo u;
    begin(u, gi);
    for (std::size_t p : g.pools) {
      if (!pools_[p].alive) continue;
      save(u, p);
      Pool& pool = pools_[p];
      pool.members.clear();
      recompute(pool);
    }
    for (std::size_t i = 0; i < members.size(); ++i) u.owners.emplace_back(members[i], owner_[members[i]]);
    for (std::size_t fi = 0; fi < fams.size(); ++fi) {
      const Family& f = fams[fi];
      if (f.total == 0) continue;
      std::vector<std::size_t> left;  // members in this family, lowest level first
      for (std::size_t i = 0; i < members.size(); ++i) {
        if (options[i][at[i]].family == fi) left.push_back(i);
      }
      std::stable_sort(left.begin(), left.end(),
                       [&](std::size_t a, std::size_t b) { return options[a][at[a]].level < options[b][at[b]].level; });
      long long room = 0;  // what the greedy count leaves over below, carried up
      for (std::size_t lv = 0; lv < f.levels.size() && !left.empty(); ++lv) {
        std::vector<std::size_t> here, rest;
        long long pods = 0;
        for (std::size_t i : left) {
          if (options[i][at[i]].level <= lv) {
            here.push_back(i);
            pods += podsOf[i];
          } else {
            rest.push_back(i);
          }
        }
        const long long need = f.pods[lv] - room;
        long long nodes = need > 0 ? (need + f.levels[lv] - 1) / f.levels[lv] : 0;
        room += nodes * f.levels[lv] - f.pods[lv];
        nodes = std::max(nodes, (pods + f.levels[lv] - 1) / f.levels[lv]);
        if (nodes == 0) continue;
        std::vector<long long> sizes;
        for (std::size_t i : rest) sizes.push_back(podsOf[i]);
        levelEvals_ += static_cast<long long>(sizes.size()) * (nodes * f.levels[lv] - pods + 1);
        std::vector<char> taken(rest.size(), 0);
        for (std::size_t r : fillBest(sizes, nodes * f.levels[lv] - pods)) taken[r] = 1;
        left.clear();
        for (std::size_t r = 0; r < rest.size(); ++r) (taken[r] ? here : left).push_back(rest[r]);
        const std::size_t p = newPool(gi);
        Pool& pool = pools_[p];
        pool.alive = true;
        for (std::size_t i : here) {
          pool.members.push_back(members[i]);
          pool.pods += podsOf[i];
          owner_[members[i]] = p;
        }
        recompute(pool);
      }
    }
    if (finish(u, gi)) improved = true;
  }
  return improved;
}

}  // namespace gpuslice::detail::search
