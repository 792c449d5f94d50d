#include "pool_improve.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <numeric>
#include <set>
#include <string>
#include <tuple>
#include <utility>

namespace gpuslice::detail {

namespace {

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
/// Two pools are re-split together when they hold at most this many members and pods.
constexpr std::size_t kResplitMembers = 160;
constexpr long long kResplitPods = 2048;
/// Three pools are re-split together when they hold at most this many pods.
constexpr long long kResplit3Pods = 128;
/// Steps the re-splits of one call may take, counted apart from the other moves: the same
/// budget over the workloads, between two limits of their own.
constexpr long long kResplitMinSteps = 200'000;
constexpr long long kResplitMaxSteps = 2'000'000;

struct Score {
  Micros cost = 0;
  long long nodes = 0;
  long long penalty = 0;
  friend bool operator<(const Score& a, const Score& b) {
    return std::tie(a.cost, a.nodes, a.penalty) < std::tie(b.cost, b.nodes, b.penalty);
  }
  friend bool operator==(const Score& a, const Score& b) {
    return std::tie(a.cost, a.nodes, a.penalty) == std::tie(b.cost, b.nodes, b.penalty);
  }
  Score operator+(const Score& o) const { return {cost + o.cost, nodes + o.nodes, penalty + o.penalty}; }
  Score operator-(const Score& o) const { return {cost - o.cost, nodes - o.nodes, penalty - o.penalty}; }
};

/// One pod of a workload on one candidate of its group, in the modes the workload allows.
struct Fit {
  int ts = 0;   ///< safe time-slicing replicas, 0 when not allowed or unsafe
  int mps = 0;  ///< safe MPS replicas, 0 when not allowed or unsafe
  int cap = 0;  ///< pods per node; 0 when the candidate does not admit the workload
  bool ded = false;
};

/// The members' minima on one candidate: what decides a pool's replicas and pods per node.
struct Minima {
  int ts = kBig;
  int mps = kBig;
  int cap = kBig;
  int notDedicated = 0;  ///< members that may not, or do not, fit a whole GPU
  void add(const Fit& f) {
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
struct Choice {
  bool ok = false;
  std::size_t k = 0;
  Mode mode = Mode::Dedicated;
  long long nodes = 0;
  int podsPerNode = 0;
  Score score;
};

/// What choosing a pool's shape needs of a candidate, kept together for speed.
struct Offer {
  Micros price = 0;
  int gpus = 1;
  bool fractional = false;
};

/// One way to run a pool in a re-split: a group candidate, a mode, and the least safe replicas
/// and node cap its members must have; which members of the pools re-split can join it.
struct Kind {
  std::size_t k = 0;
  Mode mode = Mode::Dedicated;
  int perNode = 0;
  Micros price = 0;
  std::vector<std::uint64_t> joins;  ///< a bit per member of the pools re-split
};

/// Candidates that workloads can move between: a component of "some workload admits both".
struct Group {
  std::vector<int> candidates;     ///< indices into PlanContext::candidates, ascending
  std::vector<Offer> offers;       ///< per candidate
  std::vector<std::size_t> pools;  ///< indices into Search::pools_, in creation order
};

struct Pool {
  std::size_t group = 0;
  std::vector<std::size_t> members;
  long long pods = 0;
  std::vector<Minima> minima;  ///< per group candidate; empty until first needed
  Choice choice;
  std::size_t original = kNone;  ///< index into the input pools; kNone for a new pool
  bool changed = false;
  bool alive = true;
};

/// Pods per node and nodes of `pods` pods in `mode` on `c`, as shapePool counts them; -1
/// nodes when the members cannot share that way.
std::pair<int, long long> nodesFor(const Offer& c, Mode mode, const Minima& m, long long pods) {
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

class Search {
 public:
  Search(const PlanContext& ctx, const std::vector<Workload>& ws, const std::vector<PackedPool>& input)
      : ctx_(ctx), ws_(ws), input_(input) {}

  /// Groups the non-MIG pools; false when there is nothing to search.
  bool prepare();
  void run();
  void writeBack(std::vector<PackedPool>& out);

 private:
  struct Undo {
    std::vector<std::pair<std::size_t, Pool>> saved;
    std::size_t pools = 0;
    std::vector<std::size_t> groupPools;
    std::vector<std::pair<std::size_t, std::size_t>> owners;  // workload, pool before
  };

  const Fit* fits(std::size_t w);
  const std::vector<char>& admitted(std::size_t w);
  Choice choose(const Group& g, const std::vector<Minima>& minima, long long pods);
  void ensureMinima(Pool& p);
  void recompute(Pool& p);
  Choice withMember(const Pool& p, std::size_t w);
  Choice without(std::size_t pool, const std::vector<std::size_t>& set);
  std::size_t newPool(std::size_t group);

  void begin(Undo& u, std::size_t group);
  void save(Undo& u, std::size_t pool);
  bool finish(Undo& u, std::size_t group, bool sideways = false);
  void rollback(Undo& u, std::size_t group);

  bool relocate(std::vector<std::size_t> set);
  bool merge(std::size_t a, std::size_t b);
  bool resplit(const std::vector<std::size_t>& ps);
  std::vector<int> split3(const std::vector<Kind>& kinds, const std::vector<long long>& pods, long long total,
                          Score& best);
  bool resplitRound();
  bool improvePool(std::size_t p);
  bool mergeRound(Group& g);

  const PlanContext& ctx_;
  const std::vector<Workload>& ws_;
  const std::vector<PackedPool>& input_;
  std::vector<Group> groups_;
  std::vector<Pool> pools_;
  std::vector<std::size_t> poolOfInput_;  // per input pool: its search pool, kNone for MIG
  std::vector<std::size_t> owner_;        // per workload: its search pool, kNone outside
  std::vector<std::size_t> groupOf_;      // per candidate
  std::vector<std::size_t> row_;          // per workload: offset of its fits in fitTable_
  std::vector<Fit> fitTable_;
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
};

const std::vector<char>& Search::admitted(std::size_t w) {
  if (admittedOf_[w]) return *admittedOf_[w];
  // Admission depends only on the model, the architectures and the instance-type patterns;
  // most workloads have no patterns, and few distinct models and architectures.
  const Workload& wl = ws_[w];
  const std::vector<char>* found = nullptr;
  if (wl.instanceTypes.empty()) {
    for (const auto& [model, arch, ok] : admittedPlain_) {
      if (arch == wl.arch && *model == wl.gpuModel) found = ok;
    }
  }
  if (!found) {
    std::string key = wl.gpuModel;
    key += static_cast<char>('0' + wl.arch);
    for (const std::string& g : wl.instanceTypes) key += '\0' + g;
    auto [it, inserted] = admittedByKey_.try_emplace(std::move(key));
    if (inserted) {
      it->second.resize(ctx_.candidates.size());
      for (std::size_t k = 0; k < ctx_.candidates.size(); ++k) it->second[k] = admits(ctx_, wl, ctx_.candidates[k]);
      if (wl.instanceTypes.empty()) admittedPlain_.emplace_back(&wl.gpuModel, wl.arch, &it->second);
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
    const SlotFit f = withNodeCap(it->second, wl, c);
    if (f.nodeCap < 1) continue;
    Fit& x = out[j];
    x.cap = f.nodeCap;
    x.ded = f.dedicated && (modes & bit(Mode::Dedicated));
    x.ts = (modes & bit(Mode::TimeSlicing)) ? f.timeSlicing : 0;
    x.mps = (modes & bit(Mode::Mps)) ? f.mps : 0;
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

using Bits = std::vector<std::uint64_t>;

bool test(const Bits& b, std::size_t i) { return (b[i / 64] >> (i % 64)) & 1U; }

/// b |= b << shift, over the first `bits` bits.
void orShifted(Bits& b, long long shift, std::size_t bits) {
  const std::size_t words = b.size();
  const auto whole = static_cast<std::size_t>(shift / 64);
  const auto part = static_cast<unsigned>(shift % 64);
  for (std::size_t i = words; i-- > whole;) {
    std::uint64_t v = b[i - whole] << part;
    if (part != 0 && i > whole) v |= b[i - whole - 1] >> (64 - part);
    b[i] |= v;
  }
  if (bits % 64 != 0) b[words - 1] &= (std::uint64_t{1} << (bits % 64)) - 1;
}

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
    const std::size_t bits = static_cast<std::size_t>(total) + 1;
    Bits reach((bits + 63) / 64);
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
        std::fill(reach.begin(), reach.end(), 0);
        reach[0] = 1;
        for (std::size_t i : flex) orShifted(reach, pods[i], bits);
        const long long flexPods = total - onlyA - onlyB;
        resplitSteps_ += static_cast<long long>(flex.size() * reach.size()) + flexPods;
        for (long long s = 0; s <= flexPods; ++s) {
          if (!test(reach, static_cast<std::size_t>(s))) continue;
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
        std::vector<std::ptrdiff_t> first(bits, -1);
        first[0] = static_cast<std::ptrdiff_t>(n);
        for (std::size_t i : flex) {
          for (long long s = total; s >= pods[i]; --s) {
            if (first[static_cast<std::size_t>(s)] < 0 && first[static_cast<std::size_t>(s - pods[i])] >= 0) {
              first[static_cast<std::size_t>(s)] = static_cast<std::ptrdiff_t>(i);
            }
          }
        }
        for (long long s = bestPodsA - onlyA; s > 0;) {
          const auto i = static_cast<std::size_t>(first[static_cast<std::size_t>(s)]);
          to[i] = 0;
          s -= pods[i];
        }
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
  const auto T = static_cast<std::size_t>(total) + 1;  // pods of the first kind: a row each
  const std::size_t rowWords = (T + 63) / 64;          // pods of the second: a bit each
  std::size_t bestX = 0, bestY = 0, bestZ = 0, bestA = 0, bestB = 0;
  bool found = false;
  std::vector<unsigned> mask(n);
  Bits cur(T * rowWords), next(T * rowWords);
  const std::size_t words = (n + 63) / 64;
  const std::uint64_t lastWord = n % 64 == 0 ? ~std::uint64_t{0} : (std::uint64_t{1} << (n % 64)) - 1;
  std::vector<double> rate(kinds.size());
  for (std::size_t t = 0; t < kinds.size(); ++t) rate[t] = static_cast<double>(kinds[t].price) / kinds[t].perNode;
  // Reach after each member for pod counts (a, b); with `layers`, every step is kept.
  auto run = [&](std::vector<Bits>* layers) {
    std::fill(cur.begin(), cur.end(), 0);
    cur[0] = 1;
    if (layers) layers->assign(1, cur);
    for (std::size_t i = 0; i < n; ++i) {
      const auto p = static_cast<std::size_t>(pods[i]);
      if (mask[i] == 4) {
        if (layers) layers->push_back(cur);
        continue;
      }
      if (mask[i] & 4) {
        next = cur;
      } else {
        std::fill(next.begin(), next.end(), 0);
      }
      if (mask[i] & 1) {
        for (std::size_t a = T; a-- > p;) {
          for (std::size_t w = 0; w < rowWords; ++w) next[a * rowWords + w] |= cur[(a - p) * rowWords + w];
        }
      }
      if (mask[i] & 2) {
        const std::size_t whole = p / 64, part = p % 64;
        for (std::size_t a = 0; a < T; ++a) {
          const std::uint64_t* from = &cur[a * rowWords];
          std::uint64_t* into = &next[a * rowWords];
          for (std::size_t w = rowWords; w-- > whole;) {
            std::uint64_t v = from[w - whole] << part;
            if (part != 0 && w > whole) v |= from[w - whole - 1] >> (64 - part);
            into[w] |= v;
          }
        }
      }
      cur.swap(next);
      resplitSteps_ += static_cast<long long>(T * rowWords * 2);
      if (layers) layers->push_back(cur);
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
        run(nullptr);
        for (std::size_t a = 0; a < T; ++a) {
          const Score sa = scoreOn(*k3[0], static_cast<long long>(a));
          if (sa.cost > best.cost) break;
          for (std::size_t b = 0; a + b < T; ++b) {
            if (!test(cur, a * rowWords * 64 + b)) continue;
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
  std::vector<Bits> layers;
  run(&layers);
  std::vector<int> to(n, 2);
  std::size_t a = bestA, b = bestB;
  auto reached = [&](const Bits& layer, std::size_t ra, std::size_t rb) {
    return test(layer, ra * rowWords * 64 + rb);
  };
  for (std::size_t i = n; i-- > 0;) {
    const Bits& before = layers[i];
    const auto p = static_cast<std::size_t>(pods[i]);
    if ((mask[i] & 4) && reached(before, a, b)) {
      to[i] = 2;
    } else if ((mask[i] & 1) && a >= p && reached(before, a - p, b)) {
      to[i] = 0;
      a -= p;
    } else {
      to[i] = 1;
      b -= p;
    }
  }
  return to;
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

}  // namespace

void improvePools(const PlanContext& ctx, const std::vector<Workload>& workloads, std::vector<PackedPool>& pools) {
  Search search(ctx, workloads, pools);
  if (!search.prepare()) return;
  search.run();
  search.writeBack(pools);
}

}  // namespace gpuslice::detail
