// Workloads as the planner sees them: measured per-pod GPU use plus constraints.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/catalog.h"

namespace gpuslice {

/// How much a workload needs to be protected from its GPU neighbours.
enum class Isolation { None, Memory, Full };

/// GPU sharing modes. Values are bits so a set of modes fits in one mask.
enum class Mode : unsigned { Dedicated = 1, TimeSlicing = 2, Mps = 4, Mig = 8 };

using ModeMask = unsigned;
constexpr ModeMask kAllModes = 1 | 2 | 4 | 8;

inline ModeMask bit(Mode m) { return static_cast<ModeMask>(m); }
const char* modeName(Mode m);
const char* isolationName(Isolation i);

/// The Kubernetes kind whose pod template runs a workload's pods: what render's patch targets.
enum class WorkloadKind { Deployment, StatefulSet, Job, CronJob };
const char* workloadKindName(WorkloadKind k);
/// The kind `name` spells (exactly as workloadKindName writes it), or nullopt.
std::optional<WorkloadKind> workloadKindNamed(std::string_view name);

/// Where a workload was defined, for messages that point back at the input.
struct SourceRef {
  std::string file;
  int line = 0;
  std::string field;    ///< e.g. "workloads[2]"
  int modelLine = 0;    ///< line of gpu.model (0 when absent)
  int currentLine = 0;  ///< line of current.instanceType (0 when absent)
  /// Line of current.capacity (0 when absent).
  int capacityLine = 0;
};

/// One workload: `replicas` identical pods.
struct Workload {
  std::string name;
  std::string ns = "default";
  /// team: who pays for it in the plan's cost by team (a DNS-1123 label); empty: its namespace.
  std::string team;
  int replicas = 1;
  /// gpu.count: whole GPUs each pod requests on one node (tensor-parallel inference, training).
  /// memoryMiB and computePpm stay per GPU, each of its GPUs holding them. Above 1 the pod is
  /// dedicated only (effectiveModes) and a node of g GPUs holds at most g / gpuCount of its pods
  /// (nodeCapOf). One byte: the reader allows 1 to kMaxGpuCount.
  std::uint8_t gpuCount = 1;
  std::string gpuModel;  ///< the model the figures were measured on
  /// The memory variant gpu.model names, by the price table's per-GPU memory (A100-80GB: 81920
  /// MiB, the A100s of p4de); none: any variant of the model.
  std::optional<std::int64_t> gpuVariantMiB;
  std::int64_t memoryMiB = 0;   ///< peak GPU memory per pod, rounded up to whole MiB
  std::int64_t computePpm = 0;  ///< p95 busy share of one whole GPU, in millionths
  /// gpu.minComputeCapability in tenths (80 = 8.0): with --any-gpu-model, the lowest CUDA compute
  /// capability it may move to; unset: that of the GPU it was measured on.
  std::optional<int> minComputeCapability;
  std::optional<std::int64_t> cpuMillis;    ///< CPU request per pod
  std::optional<std::int64_t> memoryBytes;  ///< memory request per pod
  Isolation isolation = Isolation::None;
  ModeMask sharing = kAllModes;            ///< modes the workload allows
  std::optional<std::string> currentType;  ///< instance type each pod runs on today
  /// What today's nodes are paid at (current.capacity): the baseline's price for this
  /// workload, whatever --capacity the plan is made at. On-demand when not given.
  Capacity currentCapacity = Capacity::OnDemand;
  ArchSet arch = archBit(Arch::Amd64);     ///< architectures it may run on
  std::vector<std::string> instanceTypes;  ///< glob patterns; empty = any
  std::string container;                   ///< the container that gets the GPU; empty: `name`
  WorkloadKind kind = WorkloadKind::Deployment;
  /// minNodes: the fewest nodes its pods spread over (render adds a topology spread
  /// constraint); unset: --min-nodes for a workload of two or more replicas.
  std::optional<int> minNodes;
  /// maxReplicas: the most pods its HorizontalPodAutoscaler may run (>= replicas); the
  /// NodePools' limits leave room for it and the plan prints the cost at it.
  std::optional<int> maxReplicas;
  SourceRef source;

  std::string qualifiedName() const { return ns + "/" + name; }
  /// The team its cost is charged to: `team`, else its namespace.
  const std::string& teamName() const { return team.empty() ? ns : team; }
  const std::string& containerName() const { return container.empty() ? name : container; }
};

/// The most GPUs one pod may request (gpu.count): twice the eight of the largest built-in
/// type, room for a price table of larger nodes.
constexpr int kMaxGpuCount = 16;

/// Workloads from one or more files, merged.
struct WorkloadSet {
  std::string region = "us-east-1";
  SourceRef regionSource;  ///< where region was set; empty file when defaulted
  std::vector<Workload> workloads;
  /// Workloads with `replicas: 0` (scaled to zero): read and checked, then left out of the
  /// plan, which says so in a note. Sorted like `workloads`.
  std::vector<Workload> scaledToZero;
};

}  // namespace gpuslice
