// A plan: the options it was made with, its pools, where each workload goes, its cost and risk.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/catalog.h"
#include "model/error.h"
#include "model/node_capacity.h"
#include "model/workload.h"

namespace gpuslice {

/// Which sharing modes a plan may use. `Auto` mixes them per workload.
enum class Strategy { Auto, Dedicated, TimeSlicing, Mps, Mig };

const char* strategyName(Strategy s);

/// What bounds a pool's pods per node: the GPUs' slots, or the node's CPU, memory or pod limit.
enum class LimitedBy { Gpu, Cpu, Memory, Pods };

const char* limitedByName(LimitedBy l);

/// How the device plugin advertises MIG instances (its `flags.migStrategy`): not at all,
/// every instance as `nvidia.com/gpu` (right only when all are alike), or one resource per
/// profile, `nvidia.com/mig-<profile>`.
enum class MigStrategy { None, Single, Mixed };

const char* migStrategyName(MigStrategy s);

/// What a pod's out-of-memory does to others: nothing (its own instance or GPU), nothing
/// within an enforced per-client limit (MPS), or it may take its GPU neighbours down.
enum class OomKind { Isolated, EnforcedLimit, Shared };

const char* oomName(OomKind k);

/// Everything the user can tune about planning.
struct PlanOptions {
  Strategy strategy = Strategy::Auto;
  double headroom = 0.0;                        ///< compute target per GPU is 1 - headroom
  std::int64_t gpuOverheadMiB = 512;            ///< subtracted from every GPU's memory
  bool anyGpuModel = false;                     ///< may move workloads to other GPU models
  std::vector<std::string> allowInstanceTypes;  ///< globs; empty = all
  Capacity capacity = Capacity::OnDemand;
  std::optional<int> maxPodsPerNode;  ///< --max-pods for every node; unset: each type's ENI limit
  /// Taken from every node before workloads. The default is an assumed typical GPU node on EKS
  /// (README, "Node capacity"): aws-node, kube-proxy, ebs-csi-node and eks-pod-identity-agent,
  /// and the GPU Operator's device plugin, GPU feature discovery, DCGM exporter, container
  /// toolkit, validator, MIG manager and NFD worker: 11 pods. The chart sets no requests for its
  /// own; measured EKS nodes with aws-node, ebs-csi-node and kube-proxy request 170-195m CPU and
  /// 250Mi, so 200m and 256Mi.
  DaemonSetRequests daemonSets{200, std::int64_t{256} << 20, 11};
  /// May plan pools on instance types EC2 no longer offers (--allow-retired).
  bool allowRetired = false;
  int maxReplicas = kMpsClientLimit;    ///< time-slicing replicas cap, MPS's limit; MPS uses its GPU's own
  double contextSwitchOverhead = 0.20;  ///< time-slicing slowdown estimate when the GPU is busy
  bool estimateOtherModels = true;      ///< also price "--any-gpu-model" when it is off
  ModeMask withoutModes = 0;            ///< modes no workload may use (the planner's own retries)
  bool levelSearch = true;              ///< re-choose families in the pool search (off for the estimate)
  /// --min-nodes: the fewest nodes the pods of a workload of two or more replicas spread over,
  /// unless the workload sets minNodes (at most its replicas).
  int minNodes = 1;
};

/// One GPU instance of a MIG geometry.
struct MigSlot {
  std::string profile;  ///< e.g. 1g.10gb
  int start = 0;        ///< first memory slice it occupies
};

/// One group of nodes with one instance type and one device-plugin config (and, for MIG,
/// one mig-parted config).
struct Pool {
  std::string name;  ///< DNS-1123 label, unique in the plan
  std::string instanceType;
  std::string gpuModel;
  Mode mode = Mode::Dedicated;
  int replicas = 1;  ///< device-plugin replicas per GPU (1 when dedicated)
  int nodes = 0;
  int gpusPerNode = 1;
  int podsPerNode = 0;  ///< the most pods any node of the pool can take
  /// Each node's kubelet max-pods (ENI limit or --max-pods), the DaemonSets' pods included.
  int maxPodsPerNode = 0;
  int pods = 0;
  LimitedBy limitedBy = LimitedBy::Gpu;  ///< what bounds podsPerNode
  Micros hourly = 0;
  std::int64_t usableMemoryMiB = 0;    ///< per GPU, after overhead
  std::int64_t gpuMemoryMiB = 0;       ///< per GPU as NVML reports it (else the price table's figure)
  std::int64_t maxMemoryMiB = 0;       ///< largest pod memory in the pool
  std::int64_t maxComputePpm = 0;      ///< largest pod compute, on this pool's GPU model
  double computePerGpu = 0;            ///< mean busy share of a GPU (sum over pods / GPUs)
  double memoryPerGpu = 0;             ///< mean memory used per GPU, as a share of usable memory
  bool estimate = false;               ///< holds a workload moved to another GPU model
  std::vector<std::string> notes;      ///< what sharing this pool means for its pods
  std::vector<std::size_t> workloads;  ///< indices into the WorkloadSet, sorted by name
  // MIG pools only (mode Mig); every node of the pool has the same layout.
  std::string migGpu;                           ///< the MIG GPU of the profiles, e.g. A100-40GB
  MigStrategy migStrategy = MigStrategy::None;  ///< single: one profile on every GPU; else mixed
  std::vector<std::vector<MigSlot>> geometry;   ///< per GPU of a node (gpusPerNode lists), by start
  bool migPlacementsAssumed = false;            ///< the profiles' starts are assumed, not observed
  /// Nodes it needs with every member at its maxReplicas (the others at replicas); `nodes`
  /// when no member sets maxReplicas.
  int nodesAtMaxReplicas = 0;
  /// How many pools packed apart it holds (alike in type, mode, replicas and layout, their pods
  /// taking different room on a node): its nodes are theirs added up, so with more than one a
  /// node may hold fewer than podsPerNode. Not saved with a plan (1 when read back).
  int packedParts = 1;
};

/// What one pod of a workload risks in its slot.
struct Risk {
  /// Throughput saturation: how much longer its work takes when every pod of its GPU is busy at
  /// its measured p95 share at once, percent; 0 while its slot covers its own busy share.
  double slowdownPercent = 0;
  OomKind oom = OomKind::Isolated;
  std::int64_t memoryLimitMiB = 0;  ///< enforced or fair-share memory of its slot
  std::int64_t memorySlackMiB = 0;  ///< usable GPU memory left when every slot is at the pool's peak
  double computeShare = 1.0;        ///< share of the GPU it gets when all slots are busy
  bool estimate = false;            ///< figures scaled from another GPU model
  std::vector<std::string> notes;   ///< about this workload only; the pool's notes cover sharing
  /// Worst-case latency stretch: the most one request of a pod may take, as a multiple of its
  /// time on a whole GPU of its own (planner/risk.h says how each mode gets it).
  double worstStretch = 1.0;
};

/// Where one workload's pods go.
struct Placement {
  std::size_t workload = 0;
  std::size_t pool = 0;
  std::string gpuModel;         ///< the model its figures were measured on, as the GPU table names it
  std::int64_t computePpm = 0;  ///< per pod, on the pool's GPU model
  std::string profile;          ///< MIG pools: the profile each pod gets
  /// Its pods' share of their pool's hourly cost and of the baseline's (planner/cost_shares.h
  /// says how they are split): the shares of a pool, and of the baseline, add up to its cost
  /// exactly. What the plan's cost by namespace and by team adds up.
  Micros hourly = 0;
  Micros baselineHourly = 0;
  int minNodes = 1;  ///< the fewest nodes its pods spread over (minNodes, --min-nodes)
  Risk risk;
};

/// Instance counts by type, with their hourly cost.
struct Fleet {
  std::map<std::string, int> instances;
  Micros hourly = 0;
};

/// A workload that fits nowhere, left out of a plan made with --partial.
struct Unplanned {
  Workload workload;
  std::string why;  ///< as the Infeasible error says it, after "<namespace>/<name> fits nowhere: "
};

/// The planner's answer.
struct Plan {
  Strategy strategy = Strategy::Auto;
  Capacity capacity = Capacity::OnDemand;
  Fleet baseline;  ///< each workload at its current.capacity (on-demand without a current type)
  Fleet fleet;
  /// The pools priced at the baseline's capacity (fleetAtBaselineCapacity): baseline less this
  /// is the saving from sharing, this less fleet the saving from the capacity type (spot). Set
  /// only when the baseline pays some workload at another capacity than the plan's.
  std::optional<Micros> fleetAtBaselineCapacity;
  std::vector<Pool> pools;               ///< sorted by name
  std::vector<Placement> placements;     ///< one per workload, in WorkloadSet order
  Micros lowerBound = 0;                 ///< no plan can cost less per hour
  std::optional<Micros> anyModelHourly;  ///< estimate with --any-gpu-model, when it was off
  std::vector<std::string> notes;        ///< assumptions and caveats for the user
  std::vector<Unplanned> unplanned;      ///< --partial: what fits nowhere, in WorkloadSet order
  /// --max-pods: every node's kubelet max-pods, which render writes into the EC2NodeClass
  /// (kubelet.maxPods); unset: each type's ENI limit, which Karpenter and nodeadm apply themselves.
  std::optional<int> maxPodsPerNode;
  /// The pools' cost with every workload at its maxReplicas, when some workload sets one.
  std::optional<Micros> maxReplicasHourly;
};

}  // namespace gpuslice
