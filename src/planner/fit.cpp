#include "planner/fit.h"

#include <algorithm>
#include <cmath>

#include "util/glob.h"

namespace gpuslice::detail {

ModeMask effectiveModes(const Workload& w, const PlanOptions& options) {
  ModeMask m = w.sharing;
  if (w.gpuCount > 1) m &= bit(Mode::Dedicated);  // N whole GPUs: never a share of one
  if (w.isolation == Isolation::Full) m &= bit(Mode::Dedicated) | bit(Mode::Mig);
  if (w.isolation == Isolation::Memory) m &= bit(Mode::Dedicated) | bit(Mode::Mps) | bit(Mode::Mig);
  m &= ~options.withoutModes;
  switch (options.strategy) {
    case Strategy::Auto: break;
    case Strategy::Dedicated: m &= bit(Mode::Dedicated); break;
    case Strategy::TimeSlicing: m &= bit(Mode::Dedicated) | bit(Mode::TimeSlicing); break;
    case Strategy::Mps: m &= bit(Mode::Dedicated) | bit(Mode::Mps); break;
    case Strategy::Mig: m &= bit(Mode::Dedicated) | bit(Mode::Mig); break;
  }
  return m;
}

bool onMeasuredGpu(const PlanContext& ctx, const Workload& w, const Candidate& c) {
  const GpuModel* from = ctx.measuredGpu(w);
  const bool sameModel = from && c.gpu ? from == c.gpu : c.type->gpuModel == w.gpuModel;
  return sameModel && (!w.gpuVariantMiB || *w.gpuVariantMiB == c.type->gpuMemoryMiB);
}

bool admits(const PlanContext& ctx, const Workload& w, const Candidate& c) {
  const InstanceType& t = *c.type;
  if (!(w.arch & archBit(t.arch))) return false;
  if (!globMatchAny(w.instanceTypes, t.name)) return false;
  if (onMeasuredGpu(ctx, w, c)) return true;
  if (!ctx.mayChangeModel(w)) return false;
  const GpuModel* from = ctx.measuredGpu(w);
  if (!(from && from->relativeThroughput && c.gpu && c.gpu->relativeThroughput)) return false;
  // Never to an older architecture than the workload runs on (bf16, FP8 and FlashAttention need
  // 8.0 or later) unless it names the lowest it accepts.
  return c.gpu->computeCapabilityTenths >= w.minComputeCapability.value_or(from->computeCapabilityTenths);
}

std::int64_t computeOn(const PlanContext& ctx, const Workload& w, const Candidate& c, bool* estimate) {
  const GpuModel* measured = ctx.measuredGpu(w);
  const bool sameModel = onMeasuredGpu(ctx, w, c);
  if (estimate) *estimate = !sameModel;
  if (sameModel) return w.computePpm;
  const double from = *measured->relativeThroughput;
  const double to = *c.gpu->relativeThroughput;
  const auto scaled = static_cast<std::int64_t>(std::ceil(static_cast<double>(w.computePpm) * from / to - 1e-9));
  return std::max<std::int64_t>(1, scaled);
}

SlotFit gpuFitOf(const PlanContext& ctx, const Workload& w, const Candidate& c) {
  SlotFit f;
  const InstanceType& t = *c.type;
  f.computePpm = computeOn(ctx, w, c, &f.estimate);
  if (w.memoryMiB > c.usableMemoryMiB) return f;
  if (t.fractional()) {
    const auto share = static_cast<std::int64_t>(std::llround(t.gpuCount * 1e6));
    f.dedicated = f.computePpm <= share;
  } else {
    f.dedicated = f.computePpm <= 1000000;
    const std::int64_t byMemory = c.usableMemoryMiB / std::max<std::int64_t>(1, w.memoryMiB);
    const std::int64_t byCompute = ctx.computeTargetPpm / f.computePpm;
    const std::int64_t r = std::min<std::int64_t>({byMemory, byCompute, ctx.options->maxReplicas});
    if (r >= 2) {
      f.timeSlicing = static_cast<int>(r);
      const int mpsMax = mpsClientLimit(c.gpu);
      f.mps = std::min<int>(f.timeSlicing, mpsMax);
      if (f.mps < 2) f.mps = 0;
    }
  }
  f.any = f.dedicated || f.timeSlicing > 0;
  return f;
}

namespace {

/// nodeCapOf and what sets it.
std::pair<std::int64_t, LimitedBy> nodeCapAndLimit(const Workload& w, const Candidate& c) {
  const Allocatable& a = c.allocatable;
  const std::int64_t pods = a.workloadPods;
  const std::int64_t cpu = w.cpuMillis && *w.cpuMillis > 0 ? a.cpuMillis / *w.cpuMillis : pods;
  const std::int64_t memory = w.memoryBytes && *w.memoryBytes > 0 ? a.memoryBytes / *w.memoryBytes : pods;
  // A pod of gpu.count N takes N of the node's whole GPUs (none of a fractional type's slice).
  const std::int64_t gpus = w.gpuCount > 1 ? (c.type->fractional() ? 0 : c.gpus / w.gpuCount) : pods;
  const std::int64_t cap = std::min({pods, cpu, memory, gpus});
  if (w.gpuCount > 1 && gpus == cap) return {cap, LimitedBy::Gpu};
  if (w.cpuMillis && *w.cpuMillis > 0 && cpu == cap) return {cap, LimitedBy::Cpu};
  if (w.memoryBytes && *w.memoryBytes > 0 && memory == cap) return {cap, LimitedBy::Memory};
  return {cap, LimitedBy::Pods};
}

}  // namespace

int nodeCapOf(const Workload& w, const Candidate& c) { return static_cast<int>(nodeCapAndLimit(w, c).first); }

LimitedBy nodeLimitOf(const Workload& w, const Candidate& c) { return nodeCapAndLimit(w, c).second; }

SlotFit withNodeCap(SlotFit f, const Workload& w, const Candidate& c) { return withNodeCap(f, nodeCapOf(w, c)); }

SlotFit withNodeCap(SlotFit f, int nodeCap) {
  f.nodeCap = nodeCap;
  if (f.nodeCap < 1) {
    f.dedicated = false;
    f.timeSlicing = f.mps = 0;
    f.any = false;
  }
  return f;
}

SlotFit fitOf(const PlanContext& ctx, const Workload& w, const Candidate& c) {
  return withNodeCap(gpuFitOf(ctx, w, c), w, c);
}

PoolShape shapePool(const Candidate& c, Mode mode, int minReplicas, int minNodeCap, long long pods) {
  PoolShape s;
  const int g = c.gpus;
  if (minNodeCap < 1) return s;
  if (mode == Mode::Dedicated) {
    s.replicas = 1;
  } else {
    if (c.type->fractional() || minReplicas < 2) return s;
    // Never advertise more replicas per GPU than the node can host: the same node count,
    // a larger share for every pod.
    const int hostable = (minNodeCap + g - 1) / g;
    s.replicas = std::min(minReplicas, hostable);
    if (s.replicas < 2) return s;
  }
  const long long slots = static_cast<long long>(g) * s.replicas;
  s.podsPerNode = static_cast<int>(std::min<long long>(slots, minNodeCap));
  // GPU-bound only if the node could host every slot the members would allow.
  const long long wanted = static_cast<long long>(g) * (mode == Mode::Dedicated ? 1 : minReplicas);
  s.gpuBound = wanted <= minNodeCap;
  s.nodes = static_cast<int>((pods + s.podsPerNode - 1) / s.podsPerNode);
  if (mode != Mode::Dedicated && pods > 0) {
    // Advertise no more replicas than the pods need on that many nodes: the same nodes,
    // a larger share (and, with MPS, a larger memory limit) for every pod.
    const long long perGpu = (pods + static_cast<long long>(s.nodes) * g - 1) / (static_cast<long long>(s.nodes) * g);
    s.replicas = static_cast<int>(std::max<long long>(2, std::min<long long>(s.replicas, perGpu)));
    s.podsPerNode = static_cast<int>(std::min<long long>(static_cast<long long>(g) * s.replicas, minNodeCap));
  }
  return s;
}

int isolationPenalty(Mode m) {
  switch (m) {
    case Mode::Dedicated: return 0;
    case Mode::Mig: return 0;
    case Mode::Mps: return 1;
    case Mode::TimeSlicing: return 2;
  }
  return 3;
}

}  // namespace gpuslice::detail
