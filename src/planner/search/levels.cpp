// The level search of the pool search (search.h): re-chooses, for the workloads of one
// GPU model, which instance type and mode ("family") each runs in, then re-cuts every
// family into pools.
//
// Within one family a pool's pods per node is the least of its members' own pods per node
// (their "levels"), and a pod may sit in any pool of its family at or below its level. If
// pods could be split between pools, the fewest nodes for a family would be simple: from the
// lowest level up, buy just enough nodes at each level for the pods that can go no higher,
// and let the room left over carry upwards. That count is the family's cost here. The search
// moves whole workloads between families, one or two at a time, while that cost falls,
// starting from where they run now and again from each in its cheapest family per pod. From
// the best assignment so far it then drains each family (its members from a level up, or
// under it, moved out) and pushes a random share of the workloads that could run in one
// family into it, searching again after each and keeping what ends cheaper (an iterated
// local search; the random numbers come from a fixed seed, so the same input gives the same
// plan). The families are then cut into pools of whole workloads, each level topped up by
// the subset of higher-level workloads that fills it best (two ways, the one of fewer nodes
// kept), and the result is kept only if the pools, counted as the planner counts them, cost
// less than before.
#include <algorithm>
#include <cstdint>
#include <iterator>
#include <map>
#include <optional>
#include <random>
#include <utility>
#include <vector>

#include "planner/search/search.h"
#include "util/subset_sum.h"

namespace gpuslice::detail::search {

namespace {

/// One family: a group candidate and a mode, its levels (ascending) and the pods at each.
struct LevelFamily {
  std::size_t k = 0;
  Mode mode = Mode::Dedicated;
  Micros price = 0;
  std::vector<int> levels;
  std::vector<long long> pods;  ///< per level
  long long total = 0;
  PoolScore score;
};

/// Where a workload may run: a family and its level there.
struct Option {
  std::size_t family = 0;
  std::size_t level = 0;
};

/// Nodes a family needs when pods may be split between its pools (see the file comment).
long long nodesNeeded(const LevelFamily& f) {
  long long nodes = 0, room = 0;
  for (std::size_t i = 0; i < f.levels.size(); ++i) {
    const long long need = f.pods[i] - room;
    const long long buy = need > 0 ? (need + f.levels[i] - 1) / f.levels[i] : 0;
    nodes += buy;
    room += buy * f.levels[i] - f.pods[i];
  }
  return nodes;
}

PoolScore scoreOfFamily(const LevelFamily& f) {
  const long long nodes = nodesNeeded(f);
  return {f.price * nodes, nodes, static_cast<long long>(isolationPenalty(f.mode)) * f.total};
}

/// Cost, then nodes: a better isolated mode alone would only steer the search.
bool lower(const PoolScore& d) { return d.cost < 0 || (d.cost == 0 && d.nodes < 0); }

/// The search state for one GPU model: its families, each member's options and the option it
/// takes now. `evals` counts families scored.
class Levels {
 public:
  Levels(std::vector<LevelFamily> families, std::vector<std::vector<Option>> options, std::vector<long long> pods,
         long long& evals)
      : fams_(std::move(families)), options_(std::move(options)), pods_(std::move(pods)), evals_(evals) {
    // Members alike (same options, same pods) share their marks: a move tried for one is not
    // tried for another in the same round (first moves) or after the same first move (second).
    std::map<std::pair<std::vector<std::size_t>, long long>, std::size_t> likeOf;
    alike_.resize(options_.size());
    for (std::size_t i = 0; i < options_.size(); ++i) {
      std::vector<std::size_t> key;
      for (const Option& o : options_[i]) {
        key.push_back(o.family);
        key.push_back(o.level);
      }
      alike_[i] = likeOf.emplace(std::make_pair(std::move(key), pods_[i]), likeOf.size()).first->second;
    }
    // Moves tried are marked per set of alike members and pair of their options.
    base_.assign(likeOf.size(), kNone);
    std::size_t cells = 0;
    for (std::size_t i = 0; i < options_.size(); ++i) {
      if (base_[alike_[i]] != kNone) continue;
      base_[alike_[i]] = cells;
      cells += options_[i].size() * options_[i].size();
    }
    tried_.assign(cells, 0);
    secondTried_.assign(cells, 0);
  }

  /// Takes the assignment `at` (an option per member) and scores it.
  void assign(const std::vector<std::size_t>& at) {
    at_ = at;
    for (LevelFamily& f : fams_) {
      std::fill(f.pods.begin(), f.pods.end(), 0);
      f.total = 0;
    }
    for (std::size_t i = 0; i < at_.size(); ++i) {
      const Option& o = options_[i][at_[i]];
      fams_[o.family].pods[o.level] += pods_[i];
      fams_[o.family].total += pods_[i];
    }
    total_ = PoolScore{};
    for (LevelFamily& f : fams_) {
      f.score = scoreOfFamily(f);
      total_ = total_ + f.score;
    }
    evals_ += static_cast<long long>(fams_.size());
  }

  /// Each member in the family where its pods cost least if nodes were shared perfectly (its
  /// price over its level there), the higher level on a tie.
  std::vector<std::size_t> cheapestPerPod() const {
    std::vector<std::size_t> at(options_.size(), 0);
    for (std::size_t i = 0; i < options_.size(); ++i) {
      for (std::size_t o = 1; o < options_[i].size(); ++o) {
        const LevelFamily& a = fams_[options_[i][o].family];
        const LevelFamily& b = fams_[options_[i][at[i]].family];
        const long long la = a.levels[options_[i][o].level], lb = b.levels[options_[i][at[i]].level];
        // a.price / la < b.price / lb, in integers
        const long long x = a.price * lb, y = b.price * la;  // far from overflow: micros x pods
        if (x < y || (x == y && la > lb)) at[i] = o;
      }
    }
    return at;
  }

  /// What the assignment `at` would cost if every family's nodes were shared perfectly: each
  /// member's pods at its family's price over its level there.
  double perfectCost(const std::vector<std::size_t>& at) const {
    double cost = 0;
    for (std::size_t i = 0; i < options_.size(); ++i) {
      const Option& o = options_[i][at[i]];
      const LevelFamily& f = fams_[o.family];
      cost += static_cast<double>(f.price) / f.levels[o.level] * static_cast<double>(pods_[i]);
    }
    return cost;
  }

  const std::vector<std::size_t>& at() const { return at_; }
  const std::vector<long long>& pods() const { return pods_; }
  const PoolScore& total() const { return total_; }
  const LevelFamily& family(std::size_t f) const { return fams_[f]; }
  std::size_t families() const { return fams_.size(); }
  const Option& option(std::size_t i) const { return options_[i][at_[i]]; }
  /// Families scored so far, by every search that shares the count.
  long long evals() const { return evals_; }

  /// Moves of one workload, and (with `pairs`) of two when the first alone does not pay,
  /// while they lower the cost (then nodes); stops when a round over the members changes
  /// nothing or `evals` reaches `limit`.
  void descend(long long limit, bool pairs = true) {
    bool moved = true;
    for (int round = 0; round < kLevelRounds && moved && evals_ < limit; ++round) {
      moved = false;
      ++round_;
      for (std::size_t i = 0; i < at_.size() && evals_ < limit; ++i) {
        if (moveMember(i, limit, pairs)) moved = true;
      }
    }
  }

  /// Moves the members now in family `f` whose level index there is at least `th` (or, with
  /// `below`, under it) each to the option that raises the score least, most pods first:
  /// what frees a family's top (or bottom) nodes when no few moves can.
  void drain(std::size_t f, std::size_t th, bool below) {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < at_.size(); ++i) {
      const Option& o = options_[i][at_[i]];
      if (o.family == f && (below ? o.level < th : o.level >= th)) out.push_back(i);
    }
    std::stable_sort(out.begin(), out.end(), [&](std::size_t a, std::size_t b) { return pods_[a] > pods_[b]; });
    for (std::size_t i : out) {
      const std::size_t from = at_[i];
      std::size_t bestTo = from;
      PoolScore bestD;
      for (std::size_t to = 0; to < options_[i].size(); ++to) {
        if (options_[i][to].family == f) continue;
        shift(i, to);
        touched_.assign({f, options_[i][to].family});
        const PoolScore d = rescored();
        if (bestTo == from || lower(d - bestD)) {
          bestTo = to;
          bestD = d;
        }
        shift(i, from);
      }
      if (bestTo == from) continue;
      shift(i, bestTo);
      touched_.assign({f, options_[i][bestTo].family});
      keep(bestD);
    }
  }

  /// Pushes a random share (a half to a sixth) of the members that could run in a random
  /// family, and do not, into it.
  void kick(std::mt19937& rng) {
    const std::size_t f = rng() % fams_.size();
    std::vector<std::pair<std::size_t, std::size_t>> can;  // member, option
    for (std::size_t i = 0; i < at_.size(); ++i) {
      for (std::size_t o = 0; o < options_[i].size(); ++o) {
        if (options_[i][o].family == f && o != at_[i]) can.emplace_back(i, o);
      }
    }
    if (can.empty()) return;
    for (std::size_t i = can.size(); i > 1; --i) std::swap(can[i - 1], can[rng() % i]);
    const std::size_t shares[] = {2, 3, 4, 6};
    const std::size_t n = std::max<std::size_t>(1, can.size() / shares[rng() % 4]);
    std::vector<std::size_t> at = at_;
    for (std::size_t j = 0; j < n; ++j) at[can[j].first] = can[j].second;
    assign(at);
  }

 private:
  /// Member i to the first of its other options, not tried yet this round, where the move
  /// pays alone or, with `pairs`, with a second move (secondMove); true if one was kept.
  bool moveMember(std::size_t i, long long limit, bool pairs) {
    for (std::size_t to = 0; to < options_[i].size(); ++to) {
      if (to == at_[i]) continue;
      const std::size_t f1 = options_[i][at_[i]].family, f2 = options_[i][to].family;
      long long& seen = tried_[cell(i, to)];
      if (seen == round_) continue;
      seen = round_;
      const std::size_t from = at_[i];
      shift(i, to);
      touched_.assign({f1, f2});
      if (tryKeep() || (pairs && secondMove(i, f1, f2, limit))) return true;
      shift(i, from);
    }
    return false;
  }

  /// The mark of moving member i from its option now to option `to`.
  std::size_t cell(std::size_t i, std::size_t to) const { return base_[alike_[i]] + at_[i] * options_[i].size() + to; }

  void shift(std::size_t i, std::size_t to) {
    const Option& a = options_[i][at_[i]];
    const Option& b = options_[i][to];
    fams_[a.family].pods[a.level] -= pods_[i];
    fams_[a.family].total -= pods_[i];
    fams_[b.family].pods[b.level] += pods_[i];
    fams_[b.family].total += pods_[i];
    at_[i] = to;
  }

  /// How the score of the touched families changed since they were last kept.
  PoolScore rescored() {
    PoolScore d;
    for (std::size_t f : touched_) d = d + (scoreOfFamily(fams_[f]) - fams_[f].score);
    evals_ += static_cast<long long>(touched_.size());
    return d;
  }

  /// Keeps the touched families as they are now; `d` is their change (rescored()).
  void keep(const PoolScore& d) {
    for (std::size_t f : touched_) fams_[f].score = scoreOfFamily(fams_[f]);
    total_ = total_ + d;
  }

  /// Keeps the move of the touched families if it pays.
  bool tryKeep() {
    const PoolScore d = rescored();
    if (!lower(d)) return false;
    keep(d);
    return true;
  }

  /// After a first move from f1 to f2 that does not pay alone: a second move out of or into
  /// one of them that makes the pair pay (any other second move would pay alone).
  bool secondMove(std::size_t i, std::size_t f1, std::size_t f2, long long limit) {
    ++stamp_;
    for (std::size_t j = 0; j < at_.size() && evals_ < limit; ++j) {
      if (j == i) continue;
      ++evals_;  // looking over j's options costs about one family scored
      const std::size_t g1 = options_[j][at_[j]].family;
      for (std::size_t to = 0; to < options_[j].size(); ++to) {
        if (to == at_[j]) continue;
        const std::size_t g2 = options_[j][to].family;
        if (g1 != f1 && g1 != f2 && g2 != f1 && g2 != f2) continue;
        long long& last = secondTried_[cell(j, to)];
        if (last == stamp_) continue;
        last = stamp_;
        const std::size_t from = at_[j];
        shift(j, to);
        touched_.assign({f1, f2});
        for (std::size_t g : {g1, g2}) {
          if (std::find(touched_.begin(), touched_.end(), g) == touched_.end()) touched_.push_back(g);
        }
        if (tryKeep()) return true;
        shift(j, from);
      }
    }
    return false;
  }

  std::vector<LevelFamily> fams_;
  std::vector<std::vector<Option>> options_;
  std::vector<long long> pods_;
  long long& evals_;
  std::vector<std::size_t> at_;
  PoolScore total_;
  std::vector<std::size_t> alike_;      // per member: its set of alike members
  std::vector<std::size_t> base_;       // per set of alike members: its first cell in tried_ and secondTried_
  std::vector<long long> tried_;        // per cell: the last round a first move was tried
  std::vector<long long> secondTried_;  // per cell: the last first move it was tried after
  long long round_ = 0;
  long long stamp_ = 0;
  std::vector<std::size_t> touched_;
};

/// One family of `search` cut into pools of whole workloads (their positions), lowest level
/// first: the members that can go no higher, on as few nodes as hold them, topped up by
/// higher ones. `byLevel` fills the free slots with as many pods of the next level up as fit,
/// then of the level after it, and so on (a level whose pods all fit below needs no nodes of
/// its own); otherwise with as many pods as fit, lowest levels first among equals. Adds the
/// cut's nodes to `nodes` and the subset sums' cells to `evals`.
std::vector<std::vector<std::size_t>> cutFamily(const Levels& search, std::size_t fi, bool byLevel, long long& nodes,
                                                long long& evals) {
  const LevelFamily& f = search.family(fi);
  const std::vector<long long>& pods = search.pods();
  std::vector<std::vector<std::size_t>> out;
  std::vector<std::size_t> left;  // members in this family, lowest level first
  for (std::size_t i = 0; i < pods.size(); ++i) {
    if (search.option(i).family == fi) left.push_back(i);
  }
  std::stable_sort(left.begin(), left.end(),
                   [&](std::size_t a, std::size_t b) { return search.option(a).level < search.option(b).level; });
  for (std::size_t lv = 0; lv < f.levels.size() && !left.empty(); ++lv) {
    std::vector<std::size_t> here, rest;
    long long must = 0;
    for (std::size_t i : left) {
      if (search.option(i).level <= lv) {
        here.push_back(i);
        must += pods[i];
      } else {
        rest.push_back(i);
      }
    }
    if (must == 0) continue;  // all taken up below
    const long long n = (must + f.levels[lv] - 1) / f.levels[lv];
    nodes += n;
    long long free = n * f.levels[lv] - must;
    std::vector<char> taken(rest.size(), 0);
    for (std::size_t a = 0; a < rest.size() && free > 0;) {
      std::size_t b = a;
      while (b < rest.size() && (!byLevel || search.option(rest[b]).level == search.option(rest[a]).level)) ++b;
      std::vector<long long> sizes;
      for (std::size_t r = a; r < b; ++r) sizes.push_back(pods[rest[r]]);
      evals += static_cast<long long>(sizes.size()) * (free + 1);
      for (std::size_t r : fillBest(sizes, free)) {
        taken[a + r] = 1;
        free -= sizes[r];
      }
      a = b;
    }
    left.clear();
    for (std::size_t r = 0; r < rest.size(); ++r) (taken[r] ? here : left).push_back(rest[r]);
    out.push_back(std::move(here));
  }
  return out;
}

/// The pools the families of `search` are cut into: per family the cut of fewer nodes
/// (cutFamily), by level on a tie.
std::vector<std::vector<std::size_t>> cutIntoPools(const Levels& search, long long& evals) {
  std::vector<std::vector<std::size_t>> out;
  for (std::size_t fi = 0; fi < search.families(); ++fi) {
    if (search.family(fi).total == 0) continue;
    long long byLevel = 0, byPods = 0;
    auto a = cutFamily(search, fi, true, byLevel, evals);
    auto b = cutFamily(search, fi, false, byPods, evals);
    for (auto& part : byPods < byLevel ? b : a) out.push_back(std::move(part));
  }
  return out;
}

/// The families of group `g`: one per candidate and mode, in kModes order, without levels.
std::vector<LevelFamily> familiesOf(const Group& g) {
  const std::size_t K = g.candidates.size();
  std::vector<LevelFamily> fams(K * 3);
  for (std::size_t j = 0; j < K; ++j) {
    for (std::size_t m = 0; m < 3; ++m) {
      fams[j * 3 + m].k = j;
      fams[j * 3 + m].mode = kModes[m];
      fams[j * 3 + m].price = g.offers[j].price;
    }
  }
  return fams;
}

/// Where a workload of fits `f` (one per candidate of `g`) can run alone: each family and its
/// pods per node there.
std::vector<std::pair<std::size_t, int>> levelsAlone(const Group& g, const PodFit* f) {
  std::vector<std::pair<std::size_t, int>> out;
  for (std::size_t j = 0; j < g.candidates.size(); ++j) {
    Minima alone;
    alone.add(f[j]);
    for (std::size_t m = 0; m < 3; ++m) {
      const auto [perPool, nodes] = nodesFor(g.offers[j], kModes[m], alone, 1);
      if (nodes >= 0) out.emplace_back(j * 3 + m, perPool);
    }
  }
  return out;
}

/// Each member's options, given where it can run alone (`alone`, see levelsAlone), once every
/// family's levels are the distinct pods per node its members get there; `at` becomes the
/// position of the family `now` of each member among its options, kNone if none.
std::vector<std::vector<Option>> optionsOf(std::vector<LevelFamily>& fams,
                                           const std::vector<std::vector<std::pair<std::size_t, int>>>& alone,
                                           const std::vector<std::size_t>& now, std::vector<std::size_t>& at) {
  for (const auto& places : alone) {
    for (const auto& [fam, perPool] : places) fams[fam].levels.push_back(perPool);
  }
  for (LevelFamily& f : fams) {
    std::sort(f.levels.begin(), f.levels.end());
    f.levels.erase(std::unique(f.levels.begin(), f.levels.end()), f.levels.end());
    f.pods.assign(f.levels.size(), 0);
  }
  std::vector<std::vector<Option>> options(alone.size());
  at.assign(alone.size(), kNone);
  for (std::size_t i = 0; i < alone.size(); ++i) {
    for (const auto& [fam, perPool] : alone[i]) {
      const auto& lv = fams[fam].levels;
      const auto level = static_cast<std::size_t>(std::lower_bound(lv.begin(), lv.end(), perPool) - lv.begin());
      if (fam == now[i]) at[i] = options[i].size();
      options[i].push_back(Option{fam, level});
    }
  }
  return options;
}

/// One level search, from its starts to its best assignment, within a limit of evals.
class LevelDescent {
 public:
  LevelDescent(Levels& search, long long limit) : search_(search), limit_(limit) {}

  /// Descends from where the members run now and from `cheapest` (each in its cheapest
  /// family per pod); drains the families; then `kicks` random kicks from a generator seeded
  /// with `seed`, each followed by a descent. Leaves the search at the best assignment and
  /// returns its score.
  PoolScore run(const std::vector<std::size_t>& cheapest, std::mt19937::result_type seed, long long kicks) {
    search_.descend(limit_);
    best_ = search_.at();
    bestTotal_ = search_.total();
    search_.assign(cheapest);
    search_.descend(limit_);
    if (lower(search_.total() - bestTotal_)) {
      best_ = search_.at();
      bestTotal_ = search_.total();
    }
    search_.assign(best_);
    drains();
    std::mt19937 rng(seed);
    for (long long kick = 0; kick < kicks && search_.evals() < limit_; ++kick) {
      search_.kick(rng);
      tryFrom();
    }
    return bestTotal_;
  }

 private:
  /// Descends from the current assignment, keeps it if it beats the best, and goes back to
  /// the best; true if it beat it.
  bool tryFrom() {
    search_.descend(limit_, false);
    // Pairs of moves cost far more: only where single moves came close to the best.
    if (static_cast<double>(search_.total().cost) <= static_cast<double>(bestTotal_.cost) * kLevelClose) {
      search_.descend(limit_);
    }
    const bool better = lower(search_.total() - bestTotal_);
    if (better) {
      best_ = search_.at();
      bestTotal_ = search_.total();
    }
    search_.assign(best_);
    return better;
  }

  /// Every family's members from each level up, and under each level, moved out (drain),
  /// each followed by a descent; the first that ends cheaper is kept and the drains start
  /// over from it.
  void drains() {
    for (bool again = true; again && search_.evals() < limit_;) {
      again = false;
      for (std::size_t f = 0; f < search_.families() && !again && search_.evals() < limit_; ++f) {
        again = drainFamily(f);
      }
    }
  }

  /// The drains of family `f` at each level its members use; true at the first that pays.
  bool drainFamily(std::size_t f) {
    std::vector<char> used(search_.family(f).levels.size(), 0);
    for (std::size_t i = 0; i < best_.size(); ++i) {
      if (search_.option(i).family == f) used[search_.option(i).level] = 1;
    }
    for (std::size_t th = 0; th < used.size() && search_.evals() < limit_; ++th) {
      if (!used[th]) continue;
      for (bool below : {false, true}) {
        if (below && th == 0) continue;
        search_.drain(f, th, below);
        if (tryFrom()) return true;
      }
    }
    return false;
  }

  Levels& search_;
  long long limit_ = 0;
  std::vector<std::size_t> best_;
  PoolScore bestTotal_;
};

}  // namespace

/// A GPU model's level search state (Search::levelWork), kept until its share of the budget
/// is known.
struct LevelWork {
  std::size_t group = 0;
  std::vector<std::size_t> members;  ///< the workloads, ascending
  PoolScore before;                  ///< their pools' score
  double gap = 0;                    ///< what it might save: before.cost less perfectCost(cheapest), >= 0
  Levels search;
  std::vector<std::size_t> cheapest;  ///< each member in its cheapest family per pod
};

/// The level search state of group `gi`: its members, families and options, where each member
/// runs now; none when the group has too few or too many workloads, or a member runs outside
/// its own fits.
std::optional<LevelWork> Search::levelWork(std::size_t gi) {
  const Group& g = groups_[gi];
  std::vector<std::size_t> members;
  PoolScore before;
  for (std::size_t p : g.pools) {
    const SearchPool& pool = pools_[p];
    if (!pool.alive) continue;
    members.insert(members.end(), pool.members.begin(), pool.members.end());
    before = before + pool.choice.score;
  }
  if (members.size() < 2 || members.size() > kLevelMembers) return std::nullopt;
  std::sort(members.begin(), members.end());
  std::vector<std::vector<std::pair<std::size_t, int>>> alone(members.size());
  std::vector<std::size_t> now(members.size());  // family
  std::vector<long long> pods(members.size());
  for (std::size_t i = 0; i < members.size(); ++i) {
    const std::size_t w = members[i];
    alone[i] = levelsAlone(g, fits(w));
    const PoolChoice& c = pools_[owner_[w]].choice;
    now[i] = c.k * 3 +
             static_cast<std::size_t>(std::find(std::begin(kModes), std::end(kModes), c.mode) - std::begin(kModes));
    pods[i] = ws_[w].replicas;
  }
  std::vector<LevelFamily> fams = familiesOf(g);
  std::vector<std::size_t> at;
  std::vector<std::vector<Option>> options = optionsOf(fams, alone, now, at);
  if (std::find(at.begin(), at.end(), kNone) != at.end()) return std::nullopt;
  Levels search(std::move(fams), std::move(options), std::move(pods), levelEvals_);
  search.assign(at);
  std::vector<std::size_t> cheapest = search.cheapestPerPod();
  const double gap = std::max(0.0, static_cast<double>(before.cost) - search.perfectCost(cheapest));
  return LevelWork{gi, std::move(members), before, gap, std::move(search), std::move(cheapest)};
}

/// The pools of group `gi` give way to the pools `cut` (positions in `members`, whose pods
/// are `pods`), kept only if they score lower.
bool Search::replaceByCut(std::size_t gi, const std::vector<std::size_t>& members, const std::vector<long long>& pods,
                          const std::vector<std::vector<std::size_t>>& cut) {
  Undo u;
  begin(u, gi);
  for (std::size_t p : groups_[gi].pools) {
    if (!pools_[p].alive) continue;
    save(u, p);
    pools_[p].members.clear();
    recompute(pools_[p]);
  }
  for (std::size_t w : members) u.owners.emplace_back(w, owner_[w]);
  for (const std::vector<std::size_t>& part : cut) {
    const std::size_t p = newPool(gi);
    SearchPool& pool = pools_[p];
    for (std::size_t i : part) {
      pool.members.push_back(members[i]);
      pool.pods += pods[i];
      owner_[members[i]] = p;
    }
    recompute(pool);
  }
  return finish(u, gi);
}

bool Search::levelRound() {
  // First every GPU model's search state, then the searches: each gets a share of the budget
  // in proportion to what it might save, its cost over the least its pods could cost (each
  // pod in its cheapest family at its level, nodes shared perfectly).
  std::vector<LevelWork> works;
  for (std::size_t gi = 0; gi < groups_.size(); ++gi) {
    if (std::optional<LevelWork> work = levelWork(gi)) works.push_back(std::move(*work));
  }
  double gaps = 0;
  for (const LevelWork& w : works) gaps += w.gap;
  bool improved = false;
  for (LevelWork& work : works) {
    if (levelEvals_ >= levelLimit_ || gaps <= 0) break;
    const double share = work.gap / gaps;
    gaps -= work.gap;
    const long long limit =
        levelEvals_ + static_cast<long long>(share * static_cast<double>(levelLimit_ - levelEvals_));
    LevelDescent descent(work.search, limit);
    const PoolScore best = descent.run(work.cheapest, static_cast<std::mt19937::result_type>(20261122 + work.group),
                                       static_cast<long long>(work.members.size()) * kLevelKicksPerMember);
    if (!(best < work.before)) continue;
    const auto cut = cutIntoPools(work.search, levelEvals_);
    if (replaceByCut(work.group, work.members, work.search.pods(), cut)) improved = true;
  }
  return improved;
}

}  // namespace gpuslice::detail::search
