// Workloads as `gpuslice profile` measured them: the figures a WorkloadSet entry takes and
// what each figure rests on, so the output can say so.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "model/workload.h"

namespace gpuslice {

/// One label of a metric series: name and value.
struct Label {
  std::string name;
  std::string value;
};
using Labels = std::vector<Label>;

/// One measured figure: a percentile of a metric over a number of samples.
struct MeasuredFigure {
  std::string metric;     ///< e.g. DCGM_FI_DEV_FB_USED
  double percentile = 0;  ///< e.g. 99
  double value = 0;       ///< the percentile, in the metric's unit (MiB, %, ratio)
  std::uint64_t samples = 0;
};

/// One workload as measured: the WorkloadSet entry (`workload`) and where its figures came from.
struct ProfiledWorkload {
  Workload workload;              ///< name, namespace, replicas, gpu model, memoryMiB, computePpm
  double memoryGiB = 0;           ///< as written: percentile plus margin, rounded up to 0.01
  double compute = 0;             ///< as written: busy fraction of one whole GPU, rounded up to 0.001
  MeasuredFigure memory;          ///< framebuffer used
  MeasuredFigure busy;            ///< the busy metric
  std::string groupedBy;          ///< how pods were tied to the workload, e.g. "kube-state-metrics: Deployment infer"
  std::vector<std::string> pods;  ///< sorted
  std::string gpuModelName;       ///< the modelName label as the exporter gave it
  bool sharedGpu = false;         ///< pods shared a GPU with other pods: the per-pod split is an estimate
  std::vector<std::string> notes;
  /// replicas: the median of its pods with a sample at one timestamp, over this many timestamps;
  /// maxPodsAtOnce the most (workload.maxReplicas is set when it is more than replicas).
  std::size_t replicaTimestamps = 0;
  int maxPodsAtOnce = 0;
  /// cpu and memory (workload.cpuMillis, memoryBytes): the largest of its pods' requests, each
  /// pod's the sum of its containers' (kube-state-metrics); these are how many pods had them
  /// and whether they differed.
  int requestPods = 0;
  bool requestsDiffer = false;
  /// The instance types of the nodes its pods ran on (kube_pod_info joined with
  /// kube_node_labels): type -> pods. workload.currentType is the most common, when plan knows it.
  std::map<std::string, int> instanceTypes;
};

/// What `gpuslice profile` found in all its inputs.
struct Profile {
  double windowStart = 0;  ///< unix seconds of the first and last sample used
  double windowEnd = 0;
  double memoryMarginPercent = 0;
  std::vector<ProfiledWorkload> workloads;  ///< sorted by namespace, then name
  std::vector<std::string> skipped;         ///< workloads left out, and why
  bool requestsSeen = false;                ///< some workload's pods had kube_pod_container_resource_requests
  bool instanceTypesSeen = false;  ///< some workload's pods had an instance type (kube_pod_info, kube_node_labels)
};

/// Which figure of a measured workload its slot in a saved plan does not hold (`profile
/// --check`), or that the plan has no slot for it.
enum class SlotProblem { Memory, Compute, NotInPlan };

/// One measured workload outside its slot.
struct SlotFinding {
  std::string workload;  ///< namespace/name
  SlotProblem problem = SlotProblem::Memory;
  std::string pool;     ///< empty when not in the plan
  std::string slot;     ///< the slot as the plan states it: "mig 1g.10gb", "mps 1/4 of a GPU", ...
  std::string figure;   ///< what was measured: "p99 of DCGM_FI_DEV_FB_USED plus 10%"
  double measured = 0;  ///< memory: MiB (as profile would write it); compute: share of one GPU
  double limit = 0;     ///< the slot's memory limit, MiB, or compute share
};

/// What `profile --check` found.
struct SlotCheck {
  std::vector<SlotFinding> outside;      ///< in the Profile's order of workloads; memory before compute
  int within = 0;                        ///< measured workloads that fit their slots
  std::vector<std::string> notMeasured;  ///< in the plan, without samples in the input (not a failure)
};

}  // namespace gpuslice
