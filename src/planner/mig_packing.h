// MIG in the planner: which profile a pod gets, MIG pools for a set of workloads, and the
// choice, per class of workloads, of which of them go to MIG and which share otherwise.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "mig/cover.h"
#include "planner/fit.h"
#include "planner/packing.h"

namespace gpuslice::detail {

/// The MIG covering solvers of one planning run, one per MIG GPU, made on first use. Each
/// remembers what it has worked out (mig/cover.h), so one object serves a whole run; not
/// thread-safe, like MigCover.
class MigCovers {
 public:
  MigCover& of(const MigGpu& gpu);

 private:
  std::map<const MigGpu*, std::unique_ptr<MigCover>> covers_;
};

/// The smallest profile of `c.mig` (an index into its profiles, never a +me profile) whose
/// usable memory (within its slices' share of NVML's total) less the per-GPU overhead holds the
/// pod's peak and whose compute share (its SMs over the GPU's, computeFraction, times the compute
/// target) covers its compute on c's GPU model. Smallest: the least share of a GPU,
/// max(compute slices / 7, memory slices / 8). nullopt when none does or `c` has no MIG.
std::optional<std::size_t> migProfileFor(const PlanContext& ctx, const Workload& w, const Candidate& c);

/// The fewest identical nodes that hold `demand[p]` pods of each MIG profile p when a node has
/// `supply[p]` instances of p and room (CPU, memory, max pods) for at most `cap` pods:
/// max(ceil(sum of demand / cap), max over demanded p of ceil(demand[p] / supply[p])). Both are
/// needed; they suffice because placing pods on n such nodes is a flow from profiles to nodes,
/// and a cut of it that keeps profiles S costs sum_{p not in S} demand[p] + n min(cap,
/// sum_{p in S} supply[p]), at least the total demand exactly when both bounds hold. The
/// scheduler places pods one at a time, so with several profiles and a binding cap an unlucky
/// order can still leave one pending (the plan notes it). 0 without demand; -1 when a demanded
/// profile has no instance on the node or cap < 1.
long long migNodesFor(const std::vector<int>& demand, const std::vector<int>& supply, int cap);

/// The most memory one MIG instance of `c` gives a process (its largest profile, within its
/// share of the GPU); 0 without MIG.
std::int64_t largestInstanceMiB(const Candidate& c);

/// Chooses, per MIG GPU of the candidates, the per-profile weights the lower bound charges a
/// MIG pod (a share of a GPU that no layout exceeds in total), the strongest for the MIG pods
/// these workloads could have. Call once before packClassWithMig.
void chooseMigBoundWeights(PlanContext& ctx, MigCovers& covers, const std::vector<Workload>& workloads);

/// Packs one class of workloads (indices into `workloads`, all admitted by exactly
/// `classCandidates`) into pools in every mode, MIG included: decides which workloads that
/// allow MIG take MIG instances and packs the rest with packClass. Its lower bound counts
/// each pod at its cheapest standalone slot in any mode it allows.
Packing packClassWithMig(const PlanContext& ctx, MigCovers& covers, const std::vector<Workload>& workloads,
                         const std::vector<std::size_t>& members, const std::vector<int>& classCandidates);

}  // namespace gpuslice::detail
