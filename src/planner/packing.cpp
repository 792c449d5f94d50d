#include "planner/packing.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <tuple>

namespace gpuslice::detail {

namespace {

constexpr int kBig = std::numeric_limits<int>::max();
/// Longest run of buckets one pool may take in the packing DP; bounds its cost at
/// O(buckets x kMaxRun x candidates).
constexpr std::size_t kMaxRun = 16;
constexpr Mode kModes[] = {Mode::Dedicated, Mode::Mps, Mode::TimeSlicing};

/// Workloads that look alike to the packer: same cheapest standalone type, same safe
/// replica count there, same allowed modes. Per class candidate, the member minima.
struct Bucket {
  int best = 0;  // position in classCandidates
  int shareReplicas = 0;
  double perPod = 0;  // standalone cost per pod of its members
  ModeMask modes = 0;
  long long pods = 0;
  std::vector<int> minTs, minMps, minCap;
  std::vector<char> allDed;
  ModeMask modesAll = kAllModes;   // AND of the members' modes before the family choice
  std::vector<int> anyTs, anyMps;  // their replica minima before the family choice
  std::vector<std::size_t> workloads;
};

/// The best way to hold a run of buckets in one pool.
struct Choice {
  bool ok = false;
  PackingScore score;
  int candidate = 0;  // position in classCandidates
  Mode mode = Mode::Dedicated;
  PoolShape shape;
};

int replicasFor(Mode m, int ts, int mps) { return m == Mode::TimeSlicing ? ts : m == Mode::Mps ? mps : 1; }

/// Cheapest standalone cost per pod of one workload over the class, and where.
struct Standalone {
  double perPod = std::numeric_limits<double>::infinity();
  int best = -1;
  int shareReplicas = 0;
  Micros cheapestFit = 0;  // the cheapest candidate with a standalone slot for it (0 if none)
};

/// The class being packed: the context, every workload, and the candidates that admit them.
struct ClassView {
  const PlanContext& ctx;
  const std::vector<Workload>& workloads;
  const std::vector<int>& classCandidates;

  std::size_t size() const { return classCandidates.size(); }
  const Candidate& candidate(std::size_t k) const {
    return ctx.candidates[static_cast<std::size_t>(classCandidates[k])];
  }
};

/// How one member fits each class candidate, worked out member after member; what does not
/// change between members (node caps per CPU and memory request, GPU fits per kind) is kept.
struct MemberFits {
  std::vector<SlotFit> fits;                      // per class candidate, in the member's modes
  std::vector<std::pair<int, int>> beforeFamily;  // time-slicing, MPS replicas before the family choice
  std::vector<SlotFit> kindFit;                   // per GPU kind
  std::vector<std::size_t> kindFitFor;            // the workload kindFit was worked out for
  // Node caps depend on the CPU and memory requests and gpu.count only, which few distinct
  // values cover.
  std::map<std::tuple<std::int64_t, std::int64_t, int>, std::vector<int>> capsByRequests;

  explicit MemberFits(const ClassView& cls)
      : fits(cls.size()),
        beforeFamily(cls.size()),
        kindFit(static_cast<std::size_t>(cls.ctx.gpuKinds)),
        kindFitFor(static_cast<std::size_t>(cls.ctx.gpuKinds), SIZE_MAX) {}
};

/// Fills m.fits with how workload `wi` fits each class candidate in `modes`.
void fitMember(const ClassView& cls, std::size_t wi, ModeMask modes, MemberFits& m) {
  const Workload& w = cls.workloads[wi];
  const std::size_t T = cls.size();
  std::vector<int>& caps = m.capsByRequests[{w.cpuMillis.value_or(0), w.memoryBytes.value_or(0), w.gpuCount}];
  if (caps.empty()) {
    for (std::size_t k = 0; k < T; ++k) caps.push_back(nodeCapOf(w, cls.candidate(k)));
  }
  for (std::size_t k = 0; k < T; ++k) {
    const Candidate& c = cls.candidate(k);
    const auto kind = static_cast<std::size_t>(c.gpuKind);
    if (m.kindFitFor[kind] != wi) {
      m.kindFit[kind] = gpuFitOf(cls.ctx, w, c);
      m.kindFitFor[kind] = wi;
    }
    m.fits[k] = inModes(withNodeCap(m.kindFit[kind], caps[k]), modes);
  }
}

/// The member's cheapest standalone slot over the class (`fits` per class candidate), and the
/// cheapest candidate that holds it at all.
Standalone standaloneOf(const ClassView& cls, const std::vector<SlotFit>& fits) {
  Standalone alone;
  for (std::size_t k = 0; k < cls.size(); ++k) {
    const Candidate& c = cls.candidate(k);
    const SlotFit& f = fits[k];
    if (f.nodeCap < 1) continue;
    // Standalone pods per node, as shapePool would give for a pool of this pod alone:
    // min(gpus x replicas, node cap); sharing needs at least two hostable replicas.
    const int share = std::max(f.timeSlicing, f.mps);
    const int hostable = (f.nodeCap + c.gpus - 1) / c.gpus;
    int ppn = 0, replicas = 0;
    if (share >= 2 && std::min(share, hostable) >= 2 && !c.type->fractional()) {
      ppn = static_cast<int>(std::min<long long>(static_cast<long long>(c.gpus) * share, f.nodeCap));
      replicas = std::min(share, hostable);
    } else if (f.dedicated) {
      ppn = std::min(c.gpus, f.nodeCap);
      replicas = 1;
    }
    if (ppn < 1) continue;
    if (alone.cheapestFit == 0 || c.price < alone.cheapestFit) alone.cheapestFit = c.price;
    const double perPod = static_cast<double>(c.price) / ppn;
    if (perPod < alone.perPod) {
      alone.perPod = perPod;
      alone.best = static_cast<int>(k);
      alone.shareReplicas = replicas;
    }
  }
  return alone;
}

/// A pod that allows both time-slicing and MPS joins one family, so that runs of buckets share a
/// sharing mode: MPS (better isolated) unless its client limit is what stops more replicas on its
/// cheapest type. Returns the member's modes after that choice and clears the other mode in `fits`.
ModeMask chooseFamily(ModeMask modes, const Standalone& alone, std::vector<SlotFit>& fits) {
  const ModeMask both = bit(Mode::TimeSlicing) | bit(Mode::Mps);
  if ((modes & both) != both || alone.best < 0) return modes;
  const SlotFit& f = fits[static_cast<std::size_t>(alone.best)];
  const Mode drop = f.timeSlicing > f.mps ? Mode::Mps : Mode::TimeSlicing;
  for (SlotFit& g : fits) (drop == Mode::Mps ? g.mps : g.timeSlicing) = 0;
  return modes & ~bit(drop);
}

/// The buckets of a class, in the order they were first met, and where each key's bucket is.
struct Buckets {
  std::vector<Bucket> list;
  std::map<std::tuple<int, int, ModeMask>, std::size_t> at;
};

/// The bucket of members alike to one with standalone slot `alone` and `modes`, new if none yet.
Bucket& bucketFor(Buckets& buckets, const Standalone& alone, ModeMask modes, std::size_t T) {
  const auto key = std::make_tuple(alone.best, alone.shareReplicas, modes);
  auto [it, inserted] = buckets.at.emplace(key, buckets.list.size());
  if (inserted) {
    Bucket b;
    b.best = alone.best;
    b.shareReplicas = alone.shareReplicas;
    b.modes = modes;
    b.perPod = alone.perPod;
    b.minTs.assign(T, kBig);
    b.minMps.assign(T, kBig);
    b.minCap.assign(T, kBig);
    b.allDed.assign(T, 1);
    b.anyTs.assign(T, kBig);
    b.anyMps.assign(T, kBig);
    buckets.list.push_back(std::move(b));
  }
  return buckets.list[it->second];
}

/// Adds workload `wi` (its fits in m) to bucket b's members and minima.
void addMember(Bucket& b, const Workload& w, std::size_t wi, const MemberFits& m, ModeMask modesBeforeFamily) {
  b.pods += w.replicas;
  b.workloads.push_back(wi);
  for (std::size_t k = 0; k < m.fits.size(); ++k) {
    const SlotFit& f = m.fits[k];
    b.minTs[k] = std::min(b.minTs[k], f.timeSlicing);
    b.minMps[k] = std::min(b.minMps[k], f.mps);
    b.minCap[k] = std::min(b.minCap[k], f.any ? f.nodeCap : 0);
    if (!f.dedicated) b.allDed[k] = 0;
    b.anyTs[k] = std::min(b.anyTs[k], m.beforeFamily[k].first);
    b.anyMps[k] = std::min(b.anyMps[k], m.beforeFamily[k].second);
  }
  b.modesAll &= modesBeforeFamily;
}

/// Puts each member in its bucket, and records in `out` its standalone cost (the lower bound
/// keeps both sharing modes) and cheapest fitting candidate.
std::vector<Bucket> bucketMembers(const ClassView& cls, const std::vector<std::size_t>& members, Packing& out) {
  Buckets buckets;
  MemberFits m(cls);
  for (std::size_t wi : members) {
    const Workload& w = cls.workloads[wi];
    const ModeMask modes = effectiveModes(w, *cls.ctx.options) & ~bit(Mode::Mig);  // MIG is packed elsewhere
    fitMember(cls, wi, modes, m);
    const Standalone alone = standaloneOf(cls, m.fits);
    // A pod with no standalone slot (it may only share, but a node holds one of it) adds
    // nothing here; the node bound (bound/) still counts its node.
    if (std::isfinite(alone.perPod)) out.lowerBoundMicros += alone.perPod * w.replicas;
    out.cheapestNodeForAll = std::max(out.cheapestNodeForAll, alone.cheapestFit);
    out.perPod.push_back(alone.perPod);
    out.cheapestFit.push_back(alone.cheapestFit);
    for (std::size_t k = 0; k < m.fits.size(); ++k) m.beforeFamily[k] = {m.fits[k].timeSlicing, m.fits[k].mps};
    const ModeMask family = chooseFamily(modes, alone, m.fits);
    addMember(bucketFor(buckets, alone, family, cls.size()), w, wi, m, modes);
  }
  return std::move(buckets.list);
}

/// The buckets by mode family, then cheapest standalone slot first (for one instance type, the
/// largest safe replica count first), so that pods that pack alike sit together.
std::vector<std::size_t> packingOrder(const std::vector<Bucket>& buckets) {
  std::vector<std::size_t> order(buckets.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const Bucket& x = buckets[a];
    const Bucket& y = buckets[b];
    return std::make_tuple(x.modes, x.perPod, x.best, -x.shareReplicas) <
           std::make_tuple(y.modes, y.perPod, y.best, -y.shareReplicas);
  });
  return order;
}

/// Per class candidate, the member minima of a run of buckets, grown one bucket at a time.
struct RunMinima {
  std::vector<int> ts, mps, cap;
  std::vector<char> ded;

  /// Starts the run at b when `first`, else adds b to it.
  void take(const Bucket& b, bool first) {
    if (first) {
      ts = b.minTs;
      mps = b.minMps;
      cap = b.minCap;
      ded = b.allDed;
      return;
    }
    for (std::size_t k = 0; k < ts.size(); ++k) {
      ts[k] = std::min(ts[k], b.minTs[k]);
      mps[k] = std::min(mps[k], b.minMps[k]);
      cap[k] = std::min(cap[k], b.minCap[k]);
      ded[k] = ded[k] && b.allDed[k];
    }
  }
};

/// The best way to hold `pods` pods with minima `run` in one pool: the candidate and mode of
/// least score; !ok when none holds them.
Choice bestChoice(const ClassView& cls, const RunMinima& run, long long pods) {
  Choice best;
  for (std::size_t k = 0; k < cls.size(); ++k) {
    const Candidate& c = cls.candidate(k);
    for (Mode m : kModes) {
      if (m == Mode::Dedicated && !run.ded[k]) continue;
      const PoolShape s = shapePool(c, m, replicasFor(m, run.ts[k], run.mps[k]), run.cap[k], pods);
      if (s.podsPerNode < 1) continue;
      const PackingScore sc{c.price * s.nodes, s.nodes, isolationPenalty(m) * pods};
      if (!best.ok || sc < best.score) best = Choice{true, sc, static_cast<int>(k), m, s};
    }
  }
  return best;
}

/// One pool of a packing: the buckets order[from, to) held by `choice`.
struct Run {
  std::size_t from = 0, to = 0;
  Choice choice;
};

/// Cuts the ordered buckets into contiguous runs, at most kMaxRun buckets long, of least total
/// score by dynamic programming. Returns the runs, the last first.
std::vector<Run> cheapestRuns(const ClassView& cls, const std::vector<Bucket>& buckets,
                              const std::vector<std::size_t>& order) {
  const std::size_t n = order.size();
  std::vector<PackingScore> f(n + 1);
  std::vector<Choice> choiceEnding(n + 1);  // best choice for segment (from[j], j]
  std::vector<std::size_t> from(n + 1, 0);
  std::vector<char> reached(n + 1, 0);
  reached[0] = 1;
  std::vector<long long> podsBefore(n + 1, 0);
  for (std::size_t q = 0; q < n; ++q) podsBefore[q + 1] = podsBefore[q] + buckets[order[q]].pods;
  RunMinima run;
  for (std::size_t j = 1; j <= n; ++j) {
    bool have = false;
    const std::size_t first = j > kMaxRun ? j - kMaxRun : 0;
    for (std::size_t i = j; i-- > first;) {
      // Segment (i, j] = buckets order[i .. j-1], its minima grown as i walks down.
      run.take(buckets[order[i]], i == j - 1);
      if (!reached[i]) continue;
      const Choice best = bestChoice(cls, run, podsBefore[j] - podsBefore[i]);
      if (!best.ok) continue;
      const PackingScore total = f[i] + best.score;
      if (!have || total < f[j]) {
        have = true;
        f[j] = total;
        from[j] = i;
        choiceEnding[j] = best;
      }
    }
    reached[j] = have;
  }
  std::vector<Run> runs;
  for (std::size_t j = n; j > 0; j = from[j]) runs.push_back(Run{from[j], j, choiceEnding[j]});
  return runs;
}

/// The pool that holds one run of buckets.
PackedPool poolOfRun(const ClassView& cls, const std::vector<Bucket>& buckets, const std::vector<std::size_t>& order,
                     const Run& run) {
  const Choice& ch = run.choice;
  const auto k = static_cast<std::size_t>(ch.candidate);
  PackedPool p;
  p.candidate = cls.classCandidates[k];
  p.mode = ch.mode;
  p.shape = ch.shape;
  p.minTimeSlicing = kBig;
  p.minMps = kBig;
  p.minNodeCap = kBig;
  p.modesAll = kAllModes;
  p.minTimeSlicingAll = kBig;
  p.minMpsAll = kBig;
  for (std::size_t q = run.from; q < run.to; ++q) {
    const Bucket& b = buckets[order[q]];
    p.pods += b.pods;
    p.minTimeSlicing = std::min(p.minTimeSlicing, b.minTs[k]);
    p.minMps = std::min(p.minMps, b.minMps[k]);
    p.minNodeCap = std::min(p.minNodeCap, b.minCap[k]);
    p.modesAll &= b.modesAll;
    p.minTimeSlicingAll = std::min(p.minTimeSlicingAll, b.anyTs[k]);
    p.minMpsAll = std::min(p.minMpsAll, b.anyMps[k]);
    p.workloads.insert(p.workloads.end(), b.workloads.begin(), b.workloads.end());
  }
  return p;
}

}  // namespace

Packing packClass(const PlanContext& ctx, const std::vector<Workload>& workloads,
                  const std::vector<std::size_t>& members, const std::vector<int>& classCandidates) {
  const ClassView cls{ctx, workloads, classCandidates};
  Packing out;
  const std::vector<Bucket> buckets = bucketMembers(cls, members, out);
  const std::vector<std::size_t> order = packingOrder(buckets);
  for (const Run& run : cheapestRuns(cls, buckets, order)) out.pools.push_back(poolOfRun(cls, buckets, order, run));
  return out;
}

namespace {

/// The mode and shape in which pools a and b, both on candidate c, would be held as one pool:
/// in the mode both have without adding a node, or in a sharing mode every member of both
/// allows (time-slicing and MPS pools may meet in either) saving a node; of those, the fewest
/// nodes. nullopt when there is none, or when either is a MIG pool (laid out whole).
std::optional<std::pair<Mode, PoolShape>> mergedShape(const Candidate& c, const PackedPool& a, const PackedPool& b) {
  if (a.mode == Mode::Mig || b.mode == Mode::Mig) return std::nullopt;
  const int cap = std::min(a.minNodeCap, b.minNodeCap);
  const int tsAll = std::min(a.minTimeSlicingAll, b.minTimeSlicingAll);
  const int mpsAll = std::min(a.minMpsAll, b.minMpsAll);
  const ModeMask shared = a.modesAll & b.modesAll;
  const int before = a.shape.nodes + b.shape.nodes;
  std::optional<std::pair<Mode, PoolShape>> best;
  for (Mode m : {Mode::Dedicated, Mode::Mps, Mode::TimeSlicing}) {
    const bool same = m == a.mode && m == b.mode;
    if (!same && (m == Mode::Dedicated || !(shared & bit(m)))) continue;
    const PoolShape s = shapePool(c, m, replicasFor(m, tsAll, mpsAll), cap, a.pods + b.pods);
    if (s.podsPerNode < 1 || s.nodes > before || (!same && s.nodes == before)) continue;
    if (!best || s.nodes < best->second.nodes) best.emplace(m, s);
  }
  return best;
}

/// Folds pool b into pool a, the two held in `merged` (from mergedShape).
void absorb(PackedPool& a, const PackedPool& b, const std::pair<Mode, PoolShape>& merged) {
  const int cap = std::min(a.minNodeCap, b.minNodeCap);
  const int tsAll = std::min(a.minTimeSlicingAll, b.minTimeSlicingAll);
  const int mpsAll = std::min(a.minMpsAll, b.minMpsAll);
  const ModeMask shared = a.modesAll & b.modesAll;
  a.mode = merged.first;
  a.shape = merged.second;
  a.pods += b.pods;
  a.minTimeSlicing = std::min(a.minTimeSlicing, b.minTimeSlicing);
  a.minMps = std::min(a.minMps, b.minMps);
  if (a.mode == Mode::TimeSlicing) a.minTimeSlicing = tsAll;
  if (a.mode == Mode::Mps) a.minMps = mpsAll;
  a.minNodeCap = cap;
  a.modesAll = shared;
  a.minTimeSlicingAll = tsAll;
  a.minMpsAll = mpsAll;
  a.workloads.insert(a.workloads.end(), b.workloads.begin(), b.workloads.end());
}

/// Folds b into the first of out[first..] it can join (see mergedShape); false when none.
bool mergeIntoEarlier(const Candidate& c, std::vector<PackedPool>& out, std::size_t first, const PackedPool& b) {
  for (std::size_t j = first; j < out.size(); ++j) {
    const auto merged = mergedShape(c, out[j], b);
    if (!merged) continue;
    absorb(out[j], b, *merged);
    return true;
  }
  return false;
}

}  // namespace

void mergePools(const PlanContext& ctx, std::vector<PackedPool>& pools) {
  auto safeReplicas = [](const PackedPool& p) { return replicasFor(p.mode, p.minTimeSlicing, p.minMps); };
  std::sort(pools.begin(), pools.end(), [&](const PackedPool& a, const PackedPool& b) {
    return std::make_tuple(a.candidate, a.mode, -safeReplicas(a), a.pods) <
           std::make_tuple(b.candidate, b.mode, -safeReplicas(b), b.pods);
  });
  // Within each run of pools on the same candidate, fold each pool into the first earlier
  // one it can join (mergedShape).
  std::vector<PackedPool> out;
  for (std::size_t start = 0; start < pools.size();) {
    std::size_t end = start;
    while (end < pools.size() && pools[end].candidate == pools[start].candidate) ++end;
    const std::size_t first = out.size();
    const Candidate& c = ctx.candidates[static_cast<std::size_t>(pools[start].candidate)];
    for (std::size_t i = start; i < end; ++i) {
      if (!mergeIntoEarlier(c, out, first, pools[i])) out.push_back(std::move(pools[i]));
    }
    start = end;
  }
  pools = std::move(out);
}

}  // namespace gpuslice::detail
