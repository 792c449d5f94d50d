// The node part of the lower bound (node_bound.h): pod kinds, node families, and prices
// for the pods that no node beats.
#include "planner/bound/node_bound.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <tuple>
#include <utility>

#include "planner/mig_packing.h"

namespace gpuslice::detail {

namespace {

constexpr int kNoLimit = std::numeric_limits<int>::max();

/// How one pod kind fits one candidate; `present` false where the candidate does not admit it.
struct KindFit {
  bool present = false;
  bool dedicated = false;
  int timeSlicing = 0;
  int mps = 0;
  int cap = 0;
  int migProfile = -1;
  double migWeight = 0;  ///< share of a GPU the MIG bound weights charge its profile
  bool operator<(const KindFit& o) const {
    return std::tie(present, dedicated, timeSlicing, mps, cap, migProfile, migWeight) <
           std::tie(o.present, o.dedicated, o.timeSlicing, o.mps, o.cap, o.migProfile, o.migWeight);
  }
};

/// Pods that fit every candidate alike, and how many there are.
struct PodKind {
  std::vector<KindFit> fits;  // per candidate position
  double pods = 0;
};

/// Nodes of one candidate in one mode at one replica count, for each node-cap level: the
/// pods eligible for them and the most pods such a node holds at each level.
struct NodeFamily {
  std::size_t candidate = 0;  // position
  Mode mode = Mode::Dedicated;
  double price = 0;
  double gpus = 1;                 // MIG only: the weight a node holds
  std::vector<std::size_t> kinds;  // eligible kinds
  std::vector<int> levels;         // pods on the node need cap >= level
  std::vector<int> slots;          // most pods on the node at that level
};

/// The pod kinds and node families of one component, and the certified bound on them.
class NodeLp {
 public:
  NodeLp(std::vector<PodKind> kinds, std::vector<NodeFamily> families)
      : kinds_(std::move(kinds)), families_(std::move(families)) {}

  /// The certified bound. Prices start in closed form: every pod at the least, over the
  /// nodes it may sit on, of the node's price over the pods it can hold (no more than the
  /// pods that may sit there at all); a MIG pod at its profile's weight of the node's GPUs.
  /// Each node's pods then cost at most its price. Coordinate ascent raises them where the
  /// kinds are few enough.
  double bound() const {
    const std::size_t m = kinds_.size();
    std::vector<double> y(m, std::numeric_limits<double>::infinity());
    for (const NodeFamily& f : families_) {
      for (std::size_t l = 0; l < f.levels.size(); ++l) {
        double pods = 0;
        for (std::size_t k : f.kinds) {
          if (kinds_[k].fits[f.candidate].cap >= f.levels[l]) pods += kinds_[k].pods;
        }
        const double perPod = f.price / std::min<double>(f.slots[l], pods);
        for (std::size_t k : f.kinds) {
          const KindFit& fit = kinds_[k].fits[f.candidate];
          if (fit.cap < f.levels[l]) continue;
          const bool weighed = f.mode == Mode::Mig && fit.migWeight > 0;
          y[k] = std::min(y[k], weighed ? f.price * fit.migWeight / f.gpus : perPod);
        }
      }
    }
    for (double& v : y) {
      if (!std::isfinite(v)) return 0;  // a kind with no node: leave the bound to the caller
    }
    if (kinds_.size() <= kNodeLpAscentKinds) ascend(y);
    return certified(y, ratioOf(y));
  }

 private:
  /// One pass of coordinate ascent: each kind's price in turn raised as far as every node
  /// it may sit on allows, the others fixed. For a node of `slots` pods, j of them of kind
  /// s and the rest the most valuable others, j x (y_s + raise) + (the rest) <= price.
  /// Kinds that may take MIG stay as they are.
  void ascend(std::vector<double>& y) const {
    const std::size_t m = kinds_.size();
    std::vector<char> frozen(m, 0);
    std::vector<std::vector<std::size_t>> familiesOf(m);
    std::vector<std::vector<std::size_t>> order(families_.size());  // per family, by price, dearest first
    auto dearer = [&](std::size_t a, std::size_t b) { return y[a] != y[b] ? y[a] > y[b] : a < b; };
    for (std::size_t fi = 0; fi < families_.size(); ++fi) {
      const NodeFamily& f = families_[fi];
      for (std::size_t k : f.kinds) {
        if (f.mode == Mode::Mig) frozen[k] = 1;
        familiesOf[k].push_back(fi);
      }
      order[fi] = f.kinds;
      std::sort(order[fi].begin(), order[fi].end(), dearer);
    }
    std::vector<double> top;  // top[q]: the q dearest other pods' prices summed
    for (std::size_t s = 0; s < m; ++s) {
      if (frozen[s]) continue;
      double raise = std::numeric_limits<double>::infinity();
      for (std::size_t fi : familiesOf[s]) raise = raiseIn(families_[fi], order[fi], s, y, raise, top);
      if (!std::isfinite(raise) || raise <= 0) continue;
      y[s] += raise * (1 - 1e-12);
      for (std::size_t fi : familiesOf[s]) {  // s moves up in its families' orders
        std::vector<std::size_t>& o = order[fi];
        o.erase(std::find(o.begin(), o.end(), s));
        o.insert(std::lower_bound(o.begin(), o.end(), s, dearer), s);
      }
    }
  }

  /// `raise`, lowered to what the nodes of family `f` allow kind s's price to rise by (see
  /// ascend); `order` holds the family's kinds, dearest first. Stops once it is not positive.
  double raiseIn(const NodeFamily& f, const std::vector<std::size_t>& order, std::size_t s,
                 const std::vector<double>& y, double raise, std::vector<double>& top) const {
    const int cap = kinds_[s].fits[f.candidate].cap;
    for (std::size_t l = 0; l < f.levels.size() && raise > 0; ++l) {
      if (cap < f.levels[l]) continue;
      const int slots = f.slots[l];
      const int most = static_cast<int>(std::min<double>(kinds_[s].pods, slots));
      dearestOthers(f, f.levels[l], order, s, y, slots, top);
      for (int j = 1; j <= most; ++j) {
        const int rest = std::min<int>(slots - j, static_cast<int>(top.size()) - 1);
        raise = std::min(raise, (f.price - top[static_cast<std::size_t>(rest)]) / j - y[s]);
      }
    }
    return raise;
  }

  /// top[q]: the prices of the q dearest pods other than kind s's that may sit on a node of
  /// family `f` at cap level `level`, summed, for q below `slots` (fewer when pods run out,
  /// or at the first pod priced at or below zero).
  void dearestOthers(const NodeFamily& f, int level, const std::vector<std::size_t>& order, std::size_t s,
                     const std::vector<double>& y, int slots, std::vector<double>& top) const {
    top.assign(1, 0.0);
    for (std::size_t k : order) {
      if (static_cast<int>(top.size()) >= slots || y[k] <= 0) break;
      if (k == s || kinds_[k].fits[f.candidate].cap < level) continue;
      for (double p = 0; p < kinds_[k].pods && static_cast<int>(top.size()) < slots; ++p) {
        top.push_back(top.back() + y[k]);
      }
    }
  }

  /// The largest value y . pods of a node of family `f` over its price (pods priced at or
  /// below zero count as nothing); for MIG an upper bound on it (see migUpper).
  double bestRatio(const NodeFamily& f, const std::vector<double>& y) const {
    std::vector<std::size_t> order;
    for (std::size_t k : f.kinds) {
      if (y[k] > 0) order.push_back(k);
    }
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return y[a] != y[b] ? y[a] > y[b] : a < b; });
    double best = 0;
    for (std::size_t l = 0; l < f.levels.size(); ++l) {
      const int level = f.levels[l];
      const double slots = f.slots[l];
      double value = 0;
      if (f.mode == Mode::Mig) {
        value = migUpper(f, y, order, level, slots);
      } else {
        // The most valuable pods first, up to the node's slots.
        double count = 0;
        for (std::size_t k : order) {
          if (kinds_[k].fits[f.candidate].cap < level) continue;
          const double take = std::min(kinds_[k].pods, slots - count);
          if (take <= 0) break;
          value += take * y[k];
          count += take;
        }
      }
      best = std::max(best, value / f.price);
    }
    return best;
  }

  /// A MIG node at one cap level holds pods a_k <= pods of kind k with sum a_k x weight_k <=
  /// GPUs and sum a_k <= slots. An upper bound on the best value y . a: the least, over the
  /// multipliers l >= 0 tried, of l x slots + (the best value under the weight limit alone
  /// at prices y - l, a fractional knapsack); each is at least the best value (weak duality).
  double migUpper(const NodeFamily& f, const std::vector<double>& y, const std::vector<std::size_t>& order, int level,
                  double slots) const {
    std::vector<std::size_t> items;
    double top = 0;
    for (std::size_t k : order) {
      if (kinds_[k].fits[f.candidate].cap < level) continue;
      items.push_back(k);
      top = std::max(top, y[k]);
    }
    auto weight = [&](std::size_t k) { return kinds_[k].fits[f.candidate].migWeight; };
    std::vector<std::size_t> sorted;
    auto evaluate = [&](double l) {
      sorted.clear();
      for (std::size_t k : items) {
        if (y[k] > l) sorted.push_back(k);
      }
      // Weightless pods first, then by price (less l) per unit of weight.
      std::sort(sorted.begin(), sorted.end(), [&](std::size_t a, std::size_t b) {
        const double x = (y[a] - l) * weight(b), z = (y[b] - l) * weight(a);
        return x != z ? x > z : a < b;
      });
      double value = l * slots, used = 0;
      for (std::size_t k : sorted) {
        double take = kinds_[k].pods;
        if (weight(k) > 0) take = std::min(take, (f.gpus - used) / weight(k));
        if (take <= 0) break;
        value += take * (y[k] - l);
        used += take * weight(k);
      }
      return value;
    };
    // The bound is convex in l: golden-section search on [0, top], keeping the least.
    constexpr double kGolden = 0.6180339887498949;
    double lo = 0, hi = top, best = evaluate(0);
    double a = hi - kGolden * (hi - lo), b = lo + kGolden * (hi - lo);
    double fa = evaluate(a), fb = evaluate(b);
    for (int i = 0; i < 40 && hi - lo > 1e-9 * (top + 1); ++i) {
      best = std::min({best, fa, fb});
      if (fa <= fb) {
        hi = b, b = a, fb = fa;
        a = hi - kGolden * (hi - lo);
        fa = evaluate(a);
      } else {
        lo = a, a = b, fa = fb;
        b = lo + kGolden * (hi - lo);
        fb = evaluate(b);
      }
    }
    return std::min({best, fa, fb});
  }

  /// The largest value / price of any node under y (over-estimated for MIG).
  double ratioOf(const std::vector<double>& y) const {
    double ratio = 0;
    for (const NodeFamily& f : families_) ratio = std::max(ratio, bestRatio(f, y));
    return ratio;
  }

  /// Pods x max(y, 0), over `ratio` (the largest value / price of any node under y): a
  /// feasible dual of the covering LP, so a lower bound.
  double certified(const std::vector<double>& y, double ratio) const {
    if (ratio <= 0) return 0;
    double total = 0;
    for (std::size_t k = 0; k < kinds_.size(); ++k) total += kinds_[k].pods * std::max(0.0, y[k]);
    return total / ratio * (1 - 1e-9);
  }

  std::vector<PodKind> kinds_;
  std::vector<NodeFamily> families_;
};

/// How workload `w` (in `modes`) fits candidate `c`, which admits it.
KindFit fitOn(const PlanContext& ctx, const Workload& w, const Candidate& c, ModeMask modes) {
  const SlotFit s = inModes(fitOf(ctx, w, c), modes);
  KindFit f;
  f.present = true;
  f.cap = s.nodeCap;
  f.dedicated = s.dedicated;
  if (!c.type->fractional()) {
    f.timeSlicing = s.timeSlicing;
    f.mps = s.mps;
  }
  if (!c.mig || !(modes & bit(Mode::Mig))) return f;
  if (const auto p = migProfileFor(ctx, w, c)) {
    f.migProfile = static_cast<int>(*p);
    f.migWeight = ctx.migBoundWeights.at(c.mig)[*p];
  }
  return f;
}

/// The pod kinds of `members`: those with the same fit on every candidate, with their pods;
/// none when there are more than kNodeLpMaxKinds.
std::optional<std::vector<PodKind>> kindsOf(const PlanContext& ctx, const std::vector<Workload>& workloads,
                                            const std::vector<std::size_t>& members,
                                            const std::vector<int>& candidates) {
  std::map<std::vector<KindFit>, double> podsOf;
  for (std::size_t wi : members) {
    const Workload& w = workloads[wi];
    const ModeMask modes = effectiveModes(w, *ctx.options);
    std::vector<KindFit> fits(candidates.size());
    for (std::size_t k = 0; k < candidates.size(); ++k) {
      const Candidate& c = ctx.candidates[static_cast<std::size_t>(candidates[k])];
      if (admits(ctx, w, c)) fits[k] = fitOn(ctx, w, c, modes);
    }
    podsOf[std::move(fits)] += w.replicas;
    if (podsOf.size() > kNodeLpMaxKinds) return std::nullopt;
  }
  std::vector<PodKind> kinds;
  for (auto& [fits, pods] : podsOf) kinds.push_back(PodKind{fits, pods});
  return kinds;
}

/// Adds the family of nodes of candidate `c` (position `k`) in `mode` at `replicas` per GPU,
/// for the kinds `eligible` takes, unless none can sit there. Its node-cap levels: every cap
/// below the node's slots, and the slots themselves.
template <class Eligible>
void addFamily(const Candidate& c, std::size_t k, Mode mode, int replicas, const std::vector<PodKind>& kinds,
               Eligible eligible, std::vector<NodeFamily>& families) {
  const int g = c.gpus;
  NodeFamily f;
  f.candidate = k;
  f.mode = mode;
  f.price = static_cast<double>(c.price);
  f.gpus = g;
  std::vector<int> caps;
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    const KindFit& fit = kinds[i].fits[k];
    if (!fit.present || !eligible(fit)) continue;
    // A sharing node advertises at least two replicas per GPU, so its pods' caps pass g.
    if (mode != Mode::Dedicated && mode != Mode::Mig && fit.cap <= g) continue;
    if (fit.cap < 1) continue;
    f.kinds.push_back(i);
    caps.push_back(fit.cap);
  }
  if (f.kinds.empty()) return;
  const int full = mode == Mode::Mig ? kNoLimit : g * replicas;
  std::sort(caps.begin(), caps.end());
  caps.erase(std::unique(caps.begin(), caps.end()), caps.end());
  for (int cap : caps) {
    if (cap >= full) break;
    f.levels.push_back(cap);
    f.slots.push_back(cap);
  }
  if (caps.back() >= full) {  // the pods whose caps allow a full node
    f.levels.push_back(full);
    f.slots.push_back(full);
  }
  families.push_back(std::move(f));
}

/// Adds the families of candidate `c` (position `k`) in sharing `mode`: one per replica
/// count a kind has there.
void addSharingFamilies(const Candidate& c, std::size_t k, Mode mode, const std::vector<PodKind>& kinds,
                        std::vector<NodeFamily>& families) {
  auto replicas = [mode](const KindFit& f) { return mode == Mode::TimeSlicing ? f.timeSlicing : f.mps; };
  std::vector<int> counts;
  for (const PodKind& kind : kinds) {
    if (kind.fits[k].present && replicas(kind.fits[k]) >= 2) counts.push_back(replicas(kind.fits[k]));
  }
  std::sort(counts.begin(), counts.end());
  counts.erase(std::unique(counts.begin(), counts.end()), counts.end());
  for (int r : counts)
    addFamily(
        c, k, mode, r, kinds, [&](const KindFit& f) { return replicas(f) >= r; }, families);
}

/// The families of nodes per candidate: dedicated, each time-slicing and MPS replica count a
/// kind has there, and MIG.
std::vector<NodeFamily> familiesOf(const PlanContext& ctx, const std::vector<int>& candidates,
                                   const std::vector<PodKind>& kinds) {
  std::vector<NodeFamily> families;
  for (std::size_t k = 0; k < candidates.size(); ++k) {
    const Candidate& c = ctx.candidates[static_cast<std::size_t>(candidates[k])];
    addFamily(
        c, k, Mode::Dedicated, 1, kinds, [](const KindFit& f) { return f.dedicated; }, families);
    for (Mode mode : {Mode::TimeSlicing, Mode::Mps}) addSharingFamilies(c, k, mode, kinds, families);
    if (c.mig)
      addFamily(
          c, k, Mode::Mig, 0, kinds, [](const KindFit& f) { return f.migProfile >= 0; }, families);
  }
  return families;
}

}  // namespace

double nodeLpBound(const PlanContext& ctx, const std::vector<Workload>& workloads,
                   const std::vector<std::size_t>& members, const std::vector<int>& candidates) {
  if (members.size() > kNodeLpMaxMembers) return 0;
  std::optional<std::vector<PodKind>> kinds = kindsOf(ctx, workloads, members, candidates);
  if (!kinds) return 0;
  std::vector<NodeFamily> families = familiesOf(ctx, candidates, *kinds);
  NodeLp lp(std::move(*kinds), std::move(families));
  return lp.bound();
}

}  // namespace gpuslice::detail
