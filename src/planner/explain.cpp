#include "planner/explain.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <tuple>

#include "planner/fit.h"
#include "planner/mig_packing.h"
#include "util/quantity.h"

namespace gpuslice::detail {

namespace {

std::string gib(std::int64_t mib) { return fmt::format("{:.2f} GiB", static_cast<double>(mib) / 1024.0); }
std::string share(std::int64_t ppm) { return fmt::format("{:.1f}%", static_cast<double>(ppm) / 1e4); }

/// A slot of `r` pods a GPU in `mode` on `c`, for a pod whose node cap is `nodeCap`.
SlotOption slotOn(const Workload& w, const Candidate& c, Mode mode, int r, int nodeCap, bool estimate) {
  SlotOption o;
  o.instanceType = c.type->name;
  o.mode = mode;
  o.replicas = r;
  const int byGpu = w.gpuCount > 1 ? nodeCap : c.gpus * r;
  o.podsPerNode = std::min(byGpu, nodeCap);
  o.limit = byGpu <= nodeCap ? LimitedBy::Gpu : nodeLimitOf(w, c);
  o.perPod = o.podsPerNode > 0 ? c.price / o.podsPerNode : 0;
  o.alone = o.podsPerNode > 0 ? (w.replicas + o.podsPerNode - 1) / o.podsPerNode * c.price : 0;
  o.estimate = estimate;
  return o;
}

/// What `w` would need for `r` pods a GPU in a sharing mode on `c`: memory and compute within
/// a 1/r share, and the node room for them.
std::vector<std::string> needsFor(const PlanContext& ctx, const Workload& w, const Candidate& c, const SlotFit& f,
                                  int r) {
  std::vector<std::string> needs;
  const std::int64_t memory = c.usableMemoryMiB / r;
  if (w.memoryMiB > memory)
    needs.push_back(fmt::format("peak GPU memory at most {} (it has {})", gib(memory), gib(w.memoryMiB)));
  const std::int64_t compute = ctx.computeTargetPpm / r;
  if (f.computePpm > compute)
    needs.push_back(fmt::format("p95 busy share at most {} of one {} (it has {})", share(compute), c.gpu->name,
                                share(f.computePpm)));
  return needs;
}

/// Whether the run lets `w` use `mode`, and if not, what would.
std::optional<std::string> modeNeed(const Workload& w, ModeMask allowed, Mode mode) {
  if (allowed & bit(mode)) return std::nullopt;
  if (w.isolation != Isolation::None)
    return fmt::format("isolation that allows {} (it asks {})", modeName(mode), isolationName(w.isolation));
  return fmt::format("{} allowed (the strategy or gpu.sharing leaves it out)", modeName(mode));
}

/// The MIG slot of `w` on `c`: the smallest profile that holds it, as many a GPU as the GPU
/// allows of it; none without MIG or a profile that holds it.
void weighMig(const PlanContext& ctx, const Workload& w, const Candidate& c, int nodeCap, Explanation& e) {
  const auto need = modeNeed(w, effectiveModes(w, *ctx.options), Mode::Mig);
  const auto profile = c.mig ? migProfileFor(ctx, w, c) : std::nullopt;
  if (!profile || nodeCap < 1 || w.gpuCount > 1) return;
  const MigProfile& p = c.mig->profiles[*profile];
  SlotOption o = slotOn(w, c, Mode::Mig, p.maxCount, nodeCap, false);
  o.profile = p.name;
  if (!need) e.options.push_back(o);
  if (need && o.perPod < e.placedPerPod) e.cheaper.push_back({o, {*need}});
}

/// The slots `w` fits on `c` in the modes it may use, and the cheaper ones one step away.
void weigh(const PlanContext& ctx, const Workload& w, const Candidate& c, Explanation& e) {
  const SlotFit f = fitOf(ctx, w, c);
  const ModeMask allowed = effectiveModes(w, *ctx.options);
  weighMig(ctx, w, c, f.nodeCap, e);
  struct Try {
    Mode mode;
    int fits;  // pods a GPU it fits now, 0 for none
  };
  for (const Try t :
       {Try{Mode::Dedicated, f.dedicated ? 1 : 0}, Try{Mode::TimeSlicing, f.timeSlicing}, Try{Mode::Mps, f.mps}}) {
    const auto need = modeNeed(w, allowed, t.mode);
    if (t.fits > 0 && f.nodeCap > 0) {
      const SlotOption o = slotOn(w, c, t.mode, t.fits, f.nodeCap, f.estimate);
      if (!need) e.options.push_back(o);
      if (need && o.perPod < e.placedPerPod) e.cheaper.push_back({o, {*need}});
    }
    if (t.mode == Mode::Dedicated || c.type->fractional() || w.gpuCount > 1 || f.nodeCap < 1) continue;
    const int next = std::max(t.fits, 1) + 1;
    const int cap =
        t.mode == Mode::Mps ? std::min(ctx.options->maxReplicas, mpsClientLimit(c.gpu)) : ctx.options->maxReplicas;
    if (next > cap) continue;
    const SlotOption o = slotOn(w, c, t.mode, next, f.nodeCap, f.estimate);
    if (o.perPod >= e.placedPerPod || o.podsPerNode <= std::min(c.gpus * std::max(t.fits, 1), f.nodeCap)) continue;
    std::vector<std::string> needs = needsFor(ctx, w, c, f, next);
    if (need) needs.push_back(*need);
    e.cheaper.push_back({o, std::move(needs)});
  }
}

}  // namespace

Explanation explainWorkload(const PlanContext& ctx, const Workload& w, const Plan& plan, const Placement& placed) {
  Explanation e;
  e.workload = w.qualifiedName();
  const Pool& pool = plan.pools[placed.pool];
  e.placedPerPod = pool.pods > 0 ? pool.hourly / pool.pods : 0;
  std::string requests;
  if (w.cpuMillis) requests += ", " + cpuQuantity(*w.cpuMillis) + " CPU";
  if (w.memoryBytes) requests += ", " + memoryQuantity(*w.memoryBytes) + " of memory";
  e.facts.push_back(fmt::format(
      "{}: {} pod(s), each with a peak GPU memory of {} and a p95 busy share of {} of one {}{}, isolation {}{}",
      e.workload, w.replicas, gib(w.memoryMiB), share(w.computePpm), w.gpuModel,
      w.gpuCount > 1 ? fmt::format(" on each of {} GPUs", w.gpuCount) : "", isolationName(w.isolation), requests));
  const std::string slot =
      pool.mode == Mode::Mig ? "MIG " + placed.profile
      : pool.mode == Mode::Dedicated
          ? "a whole GPU"
          : fmt::format("{} with {} pods a GPU", pool.mode == Mode::Mps ? "MPS" : "time-slicing", pool.replicas);
  e.facts.push_back(
      fmt::format("placed in pool {}: {}, {}, at most {} pods a node (limited by {}); the pool costs "
                  "{:.4f} $/h for its {} pods: {:.4f} $ a pod-hour",
                  pool.name, pool.instanceType, slot, pool.podsPerNode, limitedByName(pool.limitedBy),
                  static_cast<double>(pool.hourly) / 1e6, pool.pods, static_cast<double>(e.placedPerPod) / 1e6));
  if (pool.workloads.size() > 1)
    e.facts.push_back(
        fmt::format("it shares the pool with {} other workload(s); a pool's replicas suit its most "
                    "demanding member",
                    pool.workloads.size() - 1));
  for (const Candidate& c : ctx.candidates) {
    if (admits(ctx, w, c)) weigh(ctx, w, c, e);
  }
  auto cheapest = [](const SlotOption& a, const SlotOption& b) {
    return std::tie(a.perPod, a.instanceType, a.mode) < std::tie(b.perPod, b.instanceType, b.mode);
  };
  std::sort(e.options.begin(), e.options.end(), cheapest);
  std::sort(e.cheaper.begin(), e.cheaper.end(),
            [&](const CheaperSlot& a, const CheaperSlot& b) { return cheapest(a.option, b.option); });
  if (e.cheaper.empty())
    e.facts.push_back("no slot of its GPU model is cheaper a pod than the one it has, one step away");
  const auto anyMig = std::any_of(ctx.candidates.begin(), ctx.candidates.end(),
                                  [&](const Candidate& c) { return c.mig && admits(ctx, w, c); });
  if (anyMig) {
    e.facts.push_back(
        "MIG slots: the smallest profile that holds a pod, as many a GPU as the GPU allows of it; "
        "smaller profiles one step away are not weighed (gpuslice catalog mig lists them)");
  }
  return e;
}

}  // namespace gpuslice::detail
