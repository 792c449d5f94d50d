// How one pod of a workload fits one instance type, in each sharing mode.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "planner/context.h"

namespace gpuslice::detail {

/// The fit of one pod on one candidate. Zero replicas means "not in that mode".
struct SlotFit {
  bool any = false;             ///< fits in at least one mode
  bool dedicated = false;       ///< fits a whole GPU (or the fractional slice)
  int timeSlicing = 0;          ///< most safe time-slicing replicas, >= 2, or 0
  int mps = 0;                  ///< most safe MPS replicas, >= 2, or 0
  int nodeCap = 0;              ///< pods per node that CPU, memory and max-pods allow
  std::int64_t computePpm = 0;  ///< on this candidate's GPU model
  bool estimate = false;        ///< scaled from another GPU model
};

/// Pods per node and replicas for a pool of `pods` pods in `mode` on `c`, given
/// the smallest safe replica count and node cap over its members.
struct PoolShape {
  int replicas = 1;
  int podsPerNode = 0;
  int nodes = 0;
  bool gpuBound = false;  ///< the node could host every slot the members allow (else a node resource bounds it)
};

/// The modes a workload may use under the run's strategy, its isolation and the modes the
/// run leaves out; dedicated at most for a pod of more than one GPU (gpu.count).
ModeMask effectiveModes(const Workload& w, const PlanOptions& options);

/// True if c's GPUs are the model, and variant when gpu.model named one, that `w` was measured on.
bool onMeasuredGpu(const PlanContext& ctx, const Workload& w, const Candidate& c);

/// True if `c` passes the workload's own filters (model, arch, instanceTypes); a move to another
/// GPU model (--any-gpu-model, or off a retired one) only to a compute capability at least its
/// gpu.minComputeCapability, else that of the GPU it was measured on.
bool admits(const PlanContext& ctx, const Workload& w, const Candidate& c);

/// The fit of one pod of `w` on `c` (assumes admits()).
SlotFit fitOf(const PlanContext& ctx, const Workload& w, const Candidate& c);

/// The compute of one pod of `w` on c's GPU model: as measured on the same model, else scaled
/// by relative throughput (then `*estimate` is set, when given).
std::int64_t computeOn(const PlanContext& ctx, const Workload& w, const Candidate& c, bool* estimate = nullptr);

/// The GPU side of fitOf, without the node cap: the same for all candidates of one gpuKind.
/// Memory is NVML's total per GPU less the overhead (Candidate::usableMemoryMiB): r pods share a
/// GPU only if r x peak fits it. Under MPS the device plugin also limits each client to
/// floor(total / r) (mpsClientMemoryMiB); r x peak <= total - overhead implies peak <= that
/// limit, so a pod also stays within its client limit less its 1/r share of the overhead.
SlotFit gpuFitOf(const PlanContext& ctx, const Workload& w, const Candidate& c);

/// `gpu` (from gpuFitOf on a candidate of c's kind) completed with c's node cap.
SlotFit withNodeCap(SlotFit gpu, const Workload& w, const Candidate& c);

/// `gpu` completed with a node cap worked out before (nodeCapOf): no slot below 1.
SlotFit withNodeCap(SlotFit gpu, int nodeCap);

/// `f` without the slots of the modes `modes` leaves out (dedicated, time-slicing, MPS).
inline SlotFit inModes(SlotFit f, ModeMask modes) {
  if (!(modes & bit(Mode::Dedicated))) f.dedicated = false;
  if (!(modes & bit(Mode::TimeSlicing))) f.timeSlicing = 0;
  if (!(modes & bit(Mode::Mps))) f.mps = 0;
  return f;
}

/// Pods of `w` that CPU, memory and max-pods allow on one node of `c`, and for a pod of
/// gpu.count N > 1 its GPUs (c.gpus / N; 0 on a fractional type). Pools and the bound take
/// the least cap of their pods, so a node never holds more GPUs' worth of pods than it has.
int nodeCapOf(const Workload& w, const Candidate& c);

/// Which node resource sets nodeCapOf(w, c): the GPUs (gpu.count > 1), else CPU, else memory,
/// else the node's pod limit.
LimitedBy nodeLimitOf(const Workload& w, const Candidate& c);

/// Shape of a pool in `mode` with the given member minima; podsPerNode 0 if impossible.
PoolShape shapePool(const Candidate& c, Mode mode, int minReplicas, int minNodeCap, long long pods);

/// Isolation rank of a mode: lower is better isolated.
int isolationPenalty(Mode m);

}  // namespace gpuslice::detail
