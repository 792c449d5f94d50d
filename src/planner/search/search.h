// The pool search (improvePools, improve.h): the state and types its files share.
// search.cpp holds the search's state and rounds, moves.cpp its moves of whole workloads and
// merges, resplit.cpp (with pool_kinds.cpp) the re-splits of two or three pools, levels.cpp
// the level search. Internal to them.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <numeric>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>

#include "planner/packing.h"

namespace gpuslice::detail::search {

constexpr int kBig = std::numeric_limits<int>::max();
constexpr std::size_t kNone = SIZE_MAX;
constexpr Mode kModes[] = {Mode::Dedicated, Mode::Mps, Mode::TimeSlicing};
/// Steps one call may take (a step is about one member's fit read or one candidate tried for
/// a pool): kStepBudget over the workloads, between the two limits. Small fleets, where a
/// partly used node is a large share of the cost, get the most; on large ones the pools are
/// full and there is little to gain.
constexpr long long kStepBudget = 30'000'000'000;
constexpr long long kMinSteps = 300'000;
constexpr long long kMaxSteps = 5'000'000;
/// Rounds over all pools; the search stops earlier when a round changes nothing.
constexpr int kRounds = 4;
/// Pools of at most this many members are also tried dissolved whole into the others.
constexpr std::size_t kDissolveMembers = 24;
/// Pools are re-split together, two or three at a time, when they hold at most
/// kResplitMembers members between them (each fewer), and at most kResplitPods pods (two
/// pools) or kResplit3Pods pods (three).
constexpr std::size_t kResplitMembers = 160;
constexpr long long kResplitPods = 2048;
constexpr long long kResplit3Pods = 128;
/// Steps the re-splits of one call may take, counted apart from the other moves: the same
/// budget over the workloads, between two limits of their own.
constexpr long long kResplitMinSteps = 200'000;
constexpr long long kResplitMaxSteps = 2'000'000;
/// The level search (levels.cpp): GPU models of at most kLevelMembers workloads; per
/// descent at most kLevelRounds rounds over their workloads; after a drain or a kick, pairs
/// of moves only where single moves end within kLevelClose of the best; at most
/// kLevelKicksPerMember random restarts per workload. Its evals (families scored, and the
/// subset sums' cells when it cuts families into pools) stop at kLevelBudget over the
/// workloads, between the two limits: small fleets, where one node is a large share of the
/// cost, get the most.
constexpr std::size_t kLevelMembers = 2000;
constexpr int kLevelRounds = 8;
constexpr double kLevelClose = 1.02;
constexpr long long kLevelKicksPerMember = 4;
constexpr long long kLevelBudget = 12'000'000'000;
constexpr long long kLevelMinEvals = 200'000;
constexpr long long kLevelMaxEvals = 12'000'000;

/// How pools compare, least first: hourly cost, then nodes, then the isolation penalty of
/// their pods; also the change of a move. The search scores as packing.h does.
using PoolScore = PackingScore;

/// One pod of a workload on one candidate of its group, in the modes the workload allows.
struct PodFit {
  int ts = 0;        ///< safe time-slicing replicas, 0 when not allowed or unsafe
  int mps = 0;       ///< safe MPS replicas, 0 when not allowed or unsafe
  int cap = 0;       ///< pods per node; 0 when the candidate does not admit the workload
  bool ded = false;  ///< fits a whole GPU, and may run dedicated
};

/// The members' minima on one candidate: what decides a pool's replicas and pods per node.
struct Minima {
  int ts = kBig;
  int mps = kBig;
  int cap = kBig;
  int notDedicated = 0;  ///< members that may not, or do not, fit a whole GPU
  void add(const PodFit& f) {
    ts = std::min(ts, f.ts);
    mps = std::min(mps, f.mps);
    cap = std::min(cap, f.cap);
    notDedicated += f.ded ? 0 : 1;
  }
  void add(const Minima& m) {
    ts = std::min(ts, m.ts);
    mps = std::min(mps, m.mps);
    cap = std::min(cap, m.cap);
    notDedicated += m.notDedicated;
  }
  int replicas(Mode m) const { return m == Mode::TimeSlicing ? ts : m == Mode::Mps ? mps : 1; }
};

/// A pool's candidate (position in its group's candidates), mode, node count and score.
struct PoolChoice {
  bool ok = false;  ///< false when no candidate and mode can hold the members
  std::size_t k = 0;
  Mode mode = Mode::Dedicated;
  long long nodes = 0;
  int podsPerNode = 0;
  PoolScore score;
};

/// Where a workload adds least to a group's score (Search::placeFor): the pool (kNone for a
/// new one), the choice for it with the workload, and the score added; `alone` is the
/// workload's own minima per group candidate.
struct Placement {
  std::vector<Minima> alone;
  PoolChoice choice;
  std::size_t pool = kNone;
  PoolScore delta;
};

/// What choosing a pool's shape needs of a candidate, kept together for speed.
struct Offer {
  Micros price = 0;
  int gpus = 1;
  bool fractional = false;
};

/// One way to run a pool in a re-split: a group candidate, a mode, and its pods per node,
/// which the least safe replicas and node cap its members must have decide; which members of
/// the pools re-split can join it.
struct PoolKind {
  std::size_t k = 0;
  Mode mode = Mode::Dedicated;
  int perNode = 0;
  Micros price = 0;
  std::vector<std::uint64_t> joins;  ///< a bit per member of the pools re-split
};

/// The candidates of one GPU model, among which the search moves workloads (see prepare),
/// and the pools on them.
struct Group {
  std::vector<int> candidates;     ///< indices into PlanContext::candidates, ascending
  std::vector<Offer> offers;       ///< per candidate
  std::vector<std::size_t> pools;  ///< indices into Search::pools_, in creation order
};

/// The kinds of pool the members can form (`fit`: K fits per member, K the candidates of
/// `g`): per candidate and mode, a kind for each least replica count and node cap among the
/// members, less those that a smaller count or cap matches in pods per node (pool_kinds.cpp).
std::vector<PoolKind> poolKindsOf(const Group& g, const std::vector<PodFit>& fit);

/// Leaves out the kinds that another covers (takes every member it takes, at as many pods per
/// node, for no more per node and no more isolation penalty), which never split better; of
/// equal ones, the first is kept.
void dropCovered(std::vector<PoolKind>& kinds);

/// A non-MIG pool as the search holds it: its members, and the choice that gives its score.
struct SearchPool {
  std::size_t group = 0;
  std::vector<std::size_t> members;
  long long pods = 0;
  std::vector<Minima> minima;  ///< per group candidate; empty until first needed
  PoolChoice choice;
  std::size_t original = kNone;  ///< index into the input pools; kNone for a new pool
  bool changed = false;          ///< written back from its members, not copied from the input
  bool alive = true;             ///< false once emptied (a re-split may fill it again)
};

/// Pods per node and nodes of `pods` pods in `mode` on `c`, as shapePool counts them; -1
/// nodes when the members cannot share that way.
inline std::pair<int, long long> nodesFor(const Offer& c, Mode mode, const Minima& m, long long pods) {
  if (m.cap < 1) return {0, -1};
  int replicas = 1;
  if (mode == Mode::Dedicated) {
    if (m.notDedicated > 0) return {0, -1};
  } else {
    const int safe = m.replicas(mode);
    if (c.fractional || safe < 2) return {0, -1};
    replicas = std::min(safe, (m.cap + c.gpus - 1) / c.gpus);
    if (replicas < 2) return {0, -1};
  }
  const int perNode = static_cast<int>(std::min<long long>(static_cast<long long>(c.gpus) * replicas, m.cap));
  return {perNode, (pods + perNode - 1) / perNode};
}

struct LevelWork;  // levels.cpp

/// The pool search over the input pools (see improvePools); MIG pools are left out.
class Search {
 public:
  Search(const PlanContext& ctx, const std::vector<Workload>& ws, const std::vector<PackedPool>& input)
      : ctx_(ctx), ws_(ws), input_(input) {}

  /// Groups the non-MIG pools; false when there is nothing to search.
  bool prepare();
  /// Rounds of moves, merges and re-splits, then the level search, within the budgets.
  void run();
  /// The pools as the search left them, in place of the input `out`.
  void writeBack(std::vector<PackedPool>& out);

 private:
  struct Undo {
    std::vector<std::pair<std::size_t, SearchPool>> saved;
    std::size_t pools = 0;
    std::vector<std::size_t> groupPools;
    std::vector<std::pair<std::size_t, std::size_t>> owners;  // workload, pool before
  };

  const PodFit* fits(std::size_t w);
  const std::vector<char>& admitted(std::size_t w);
  PoolChoice choose(const Group& g, const std::vector<Minima>& minima, long long pods);
  void ensureMinima(SearchPool& p);
  void recompute(SearchPool& p);
  PoolChoice withMember(const SearchPool& p, std::size_t w);
  PoolChoice without(std::size_t pool, const std::vector<std::size_t>& set);
  std::size_t newPool(std::size_t group);

  void begin(Undo& u, std::size_t group);
  void save(Undo& u, std::size_t pool);
  bool finish(Undo& u, std::size_t group, bool sideways = false);
  void rollback(Undo& u, std::size_t group);

  bool relocate(std::vector<std::size_t> set);
  Placement placeFor(std::size_t group, std::size_t w);
  bool merge(std::size_t a, std::size_t b);
  bool resplit(const std::vector<std::size_t>& ps);
  bool moveMembers(const std::vector<std::size_t>& ps, const std::vector<std::size_t>& all,
                   const std::vector<long long>& pods, const std::vector<int>& to);
  bool resplitRound();
  bool improvePool(std::size_t p);
  std::vector<std::size_t> membersByPods(std::size_t p) const;
  std::vector<std::vector<std::size_t>> lastNodeSets(std::size_t p) const;
  std::vector<std::vector<std::size_t>> bindingSets(std::size_t p);
  bool mergeRound(Group& g);
  bool levelRound();
  std::optional<LevelWork> levelWork(std::size_t gi);
  bool replaceByCut(std::size_t gi, const std::vector<std::size_t>& members, const std::vector<long long>& pods,
                    const std::vector<std::vector<std::size_t>>& cut);

  const PlanContext& ctx_;
  const std::vector<Workload>& ws_;
  const std::vector<PackedPool>& input_;
  std::vector<Group> groups_;
  std::vector<SearchPool> pools_;
  std::vector<std::size_t> poolOfInput_;  // per input pool: its search pool, kNone for MIG
  std::vector<std::size_t> owner_;        // per workload: its search pool, kNone outside
  std::vector<std::size_t> groupOf_;      // per candidate
  std::vector<std::size_t> row_;          // per workload: offset of its fits in fitTable_
  std::vector<PodFit> fitTable_;
  std::map<std::string, std::vector<char>> admittedByKey_;
  std::vector<std::tuple<const std::string*, ArchSet, const std::vector<char>*>> admittedPlain_;
  std::vector<const std::vector<char>*> admittedOf_;  // per workload, once worked out
  std::vector<Minima> scratch_;
  long long steps_ = 0;
  long long stepLimit_ = kMaxSteps;
  /// Pairs and triples of pools already re-split, by what their members were: tried again only when
  /// one of them changed.
  std::set<std::vector<std::tuple<long long, std::size_t, std::size_t>>> resplitTried_;
  long long resplitSteps_ = 0;
  long long resplitLimit_ = kResplitMaxSteps;
  long long levelEvals_ = 0;
  long long levelLimit_ = kLevelMaxEvals;
};

}  // namespace gpuslice::detail::search
