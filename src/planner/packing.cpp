#include "planner/packing.h"

#include <algorithm>
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
};

}  // namespace

Packing packClass(const PlanContext& ctx, const std::vector<Workload>& workloads,
                  const std::vector<std::size_t>& members, const std::vector<int>& classCandidates) {
  const std::size_t T = classCandidates.size();
  Packing out;
  std::vector<Bucket> buckets;
  std::map<std::tuple<int, int, ModeMask>, std::size_t> bucketOf;
  std::vector<SlotFit> fits(T);
  std::vector<std::pair<int, int>> fitsBeforeFamily(T);  // time-slicing, MPS replicas
  std::vector<SlotFit> kindFit(static_cast<std::size_t>(ctx.gpuKinds));
  std::vector<std::size_t> kindFitFor(static_cast<std::size_t>(ctx.gpuKinds), SIZE_MAX);  // workload it is for

  // Node caps depend on the CPU and memory requests only, which few distinct values cover.
  std::map<std::pair<std::int64_t, std::int64_t>, std::vector<int>> capsByRequests;
  for (std::size_t wi : members) {
    const Workload& w = workloads[wi];
    std::vector<int>& caps = capsByRequests[{w.cpuMillis.value_or(0), w.memoryBytes.value_or(0)}];
    if (caps.empty()) {
      for (std::size_t k = 0; k < T; ++k) {
        caps.push_back(nodeCapOf(w, ctx.candidates[static_cast<std::size_t>(classCandidates[k])]));
      }
    }
    ModeMask modes = effectiveModes(w, *ctx.options) & ~bit(Mode::Mig);  // MIG is packed elsewhere
    Standalone alone;
    Micros cheapestFit = 0;
    for (std::size_t k = 0; k < T; ++k) {
      const Candidate& c = ctx.candidates[static_cast<std::size_t>(classCandidates[k])];
      const auto kind = static_cast<std::size_t>(c.gpuKind);
      if (kindFitFor[kind] != wi) {
        kindFit[kind] = gpuFitOf(ctx, w, c);
        kindFitFor[kind] = wi;
      }
      const SlotFit f = inModes(withNodeCap(kindFit[kind], caps[k]), modes);
      fits[k] = f;
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
      if (cheapestFit == 0 || c.price < cheapestFit) cheapestFit = c.price;
      const double perPod = static_cast<double>(c.price) / ppn;
      if (perPod < alone.perPod) {
        alone.perPod = perPod;
        alone.best = static_cast<int>(k);
        alone.shareReplicas = replicas;
      }
    }
    out.lowerBoundMicros += alone.perPod * w.replicas;
    out.cheapestNodeForAll = std::max(out.cheapestNodeForAll, cheapestFit);
    out.perPod.push_back(alone.perPod);
    out.cheapestFit.push_back(cheapestFit);
    // A pod that allows both time-slicing and MPS joins one family, so that runs of
    // buckets share a sharing mode: MPS (better isolated) unless its client limit is what
    // stops more replicas on its cheapest type. The lower bound above keeps both.
    const ModeMask modesBeforeFamily = modes;
    for (std::size_t k = 0; k < T; ++k) {
      fitsBeforeFamily[k] = {fits[k].timeSlicing, fits[k].mps};
    }
    const ModeMask both = bit(Mode::TimeSlicing) | bit(Mode::Mps);
    if ((modes & both) == both && alone.best >= 0) {
      const SlotFit& f = fits[static_cast<std::size_t>(alone.best)];
      const Mode drop = f.timeSlicing > f.mps ? Mode::Mps : Mode::TimeSlicing;
      modes &= ~bit(drop);
      for (SlotFit& g : fits) (drop == Mode::Mps ? g.mps : g.timeSlicing) = 0;
    }
    const auto key = std::make_tuple(alone.best, alone.shareReplicas, modes);
    auto [it, inserted] = bucketOf.emplace(key, buckets.size());
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
      buckets.push_back(std::move(b));
    }
    Bucket& b = buckets[it->second];
    b.pods += w.replicas;
    b.workloads.push_back(wi);
    for (std::size_t k = 0; k < T; ++k) {
      const SlotFit& f = fits[k];
      b.minTs[k] = std::min(b.minTs[k], f.timeSlicing);
      b.minMps[k] = std::min(b.minMps[k], f.mps);
      b.minCap[k] = std::min(b.minCap[k], f.any ? f.nodeCap : 0);
      if (!f.dedicated) b.allDed[k] = 0;
      b.anyTs[k] = std::min(b.anyTs[k], fitsBeforeFamily[k].first);
      b.anyMps[k] = std::min(b.anyMps[k], fitsBeforeFamily[k].second);
    }
    b.modesAll &= modesBeforeFamily;
  }

  // Order: by mode family, then cheapest standalone slot first (for one instance type,
  // the largest safe replica count first), so that pods that pack alike sit together.
  std::vector<std::size_t> order(buckets.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const Bucket& x = buckets[a];
    const Bucket& y = buckets[b];
    return std::make_tuple(x.modes, x.perPod, x.best, -x.shareReplicas) <
           std::make_tuple(y.modes, y.perPod, y.best, -y.shareReplicas);
  });

  // Pools are contiguous runs of buckets in that order, at most kMaxRun buckets long;
  // choose the runs of least score by dynamic programming.
  std::vector<int> aggTs(T), aggMps(T), aggCap(T);
  std::vector<char> aggDed(T);
  {
    const std::size_t start = 0;
    const std::size_t n = order.size();
    std::vector<PackingScore> f(n + 1);
    std::vector<Choice> choiceEnding(n + 1);  // best choice for segment (from[j], j]
    std::vector<std::size_t> from(n + 1, 0);
    std::vector<char> reached(n + 1, 0);
    reached[0] = 1;
    std::vector<long long> podsBefore(n + 1, 0);
    for (std::size_t q = 0; q < n; ++q) podsBefore[q + 1] = podsBefore[q] + buckets[order[start + q]].pods;
    for (std::size_t j = 1; j <= n; ++j) {
      bool have = false;
      const std::size_t first = j > kMaxRun ? j - kMaxRun : 0;
      for (std::size_t i = j; i-- > first;) {
        // Segment (i, j] = buckets order[start+i .. start+j-1]. Aggregate incrementally
        // by walking i downwards for fixed j.
        const Bucket& b = buckets[order[start + i]];
        if (i == j - 1) {
          aggTs = b.minTs;
          aggMps = b.minMps;
          aggCap = b.minCap;
          aggDed = b.allDed;
        } else {
          for (std::size_t k = 0; k < T; ++k) {
            aggTs[k] = std::min(aggTs[k], b.minTs[k]);
            aggMps[k] = std::min(aggMps[k], b.minMps[k]);
            aggCap[k] = std::min(aggCap[k], b.minCap[k]);
            aggDed[k] = aggDed[k] && b.allDed[k];
          }
        }
        if (!reached[i]) continue;
        const long long pods = podsBefore[j] - podsBefore[i];
        Choice best;
        for (std::size_t k = 0; k < T; ++k) {
          const Candidate& c = ctx.candidates[static_cast<std::size_t>(classCandidates[k])];
          for (Mode m : kModes) {
            if (m == Mode::Dedicated && !aggDed[k]) continue;
            const PoolShape s = shapePool(c, m, replicasFor(m, aggTs[k], aggMps[k]), aggCap[k], pods);
            if (s.podsPerNode < 1) continue;
            const PackingScore sc{c.price * s.nodes, s.nodes, isolationPenalty(m) * pods};
            if (!best.ok || sc < best.score) best = Choice{true, sc, static_cast<int>(k), m, s};
          }
        }
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
    // Walk back the chosen segments.
    for (std::size_t j = n; j > 0; j = from[j]) {
      const Choice& ch = choiceEnding[j];
      PackedPool p;
      p.candidate = classCandidates[static_cast<std::size_t>(ch.candidate)];
      p.mode = ch.mode;
      p.shape = ch.shape;
      p.minTimeSlicing = kBig;
      p.minMps = kBig;
      p.minNodeCap = kBig;
      p.modesAll = kAllModes;
      p.minTimeSlicingAll = kBig;
      p.minMpsAll = kBig;
      for (std::size_t q = from[j]; q < j; ++q) {
        const Bucket& b = buckets[order[start + q]];
        const auto k = static_cast<std::size_t>(ch.candidate);
        p.pods += b.pods;
        p.minTimeSlicing = std::min(p.minTimeSlicing, b.minTs[k]);
        p.minMps = std::min(p.minMps, b.minMps[k]);
        p.minNodeCap = std::min(p.minNodeCap, b.minCap[k]);
        p.modesAll &= b.modesAll;
        p.minTimeSlicingAll = std::min(p.minTimeSlicingAll, b.anyTs[k]);
        p.minMpsAll = std::min(p.minMpsAll, b.anyMps[k]);
        p.workloads.insert(p.workloads.end(), b.workloads.begin(), b.workloads.end());
      }
      out.pools.push_back(std::move(p));
    }
  }
  return out;
}

void mergePools(const PlanContext& ctx, std::vector<PackedPool>& pools) {
  auto safeReplicas = [](const PackedPool& p) { return replicasFor(p.mode, p.minTimeSlicing, p.minMps); };
  std::sort(pools.begin(), pools.end(), [&](const PackedPool& a, const PackedPool& b) {
    return std::make_tuple(a.candidate, a.mode, -safeReplicas(a), a.pods) <
           std::make_tuple(b.candidate, b.mode, -safeReplicas(b), b.pods);
  });
  // Within each run of pools on the same candidate, fold each pool into the first earlier
  // one it can join: in the same mode without adding nodes, or, in a sharing mode every
  // member of both allows (time-slicing and MPS pools may meet in either), saving a node.
  std::vector<PackedPool> out;
  for (std::size_t start = 0; start < pools.size();) {
    std::size_t end = start;
    while (end < pools.size() && pools[end].candidate == pools[start].candidate) ++end;
    const std::size_t first = out.size();
    const Candidate& c = ctx.candidates[static_cast<std::size_t>(pools[start].candidate)];
    for (std::size_t i = start; i < end; ++i) {
      PackedPool& b = pools[i];
      bool merged = false;
      for (std::size_t j = first; j < out.size() && !merged; ++j) {
        PackedPool& a = out[j];
        if (a.mode == Mode::Mig || b.mode == Mode::Mig) continue;  // MIG pools are laid out whole
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
        if (!best) continue;
        a.mode = best->first;
        a.shape = best->second;
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
        merged = true;
      }
      if (!merged) out.push_back(std::move(b));
    }
    start = end;
  }
  pools = std::move(out);
}

}  // namespace gpuslice::detail
