// What a node offers pods after kubelet and system reservations and the DaemonSets.
#pragma once

#include <cstdint>
#include <optional>

#include "model/catalog.h"

namespace gpuslice {

/// Resources the scheduler can hand to pods on one node of an instance type.
struct Allocatable {
  std::int64_t cpuMillis = 0;    ///< for workload pods, after the DaemonSets'
  std::int64_t memoryBytes = 0;  ///< for workload pods, after the DaemonSets'
  int maxPods = 0;               ///< the node's kubelet max-pods
  int workloadPods = 0;          ///< maxPods less the DaemonSet pods, never below 0
};

/// What DaemonSet pods (device plugin, DCGM exporter, CNI, kube-proxy, ...) take on every
/// node; what is left is for the workloads.
struct DaemonSetRequests {
  std::int64_t cpuMillis = 0;
  std::int64_t memoryBytes = 0;
  int pods = 0;  ///< count against the node's max-pods

  bool operator==(const DaemonSetRequests&) const = default;
};

/// The kubelet's own max-pods default, assumed for a type whose ENI limits no table gives.
constexpr int kDefaultMaxPods = 110;

/// Pods the Amazon VPC CNI lets a node run without prefix delegation, as Karpenter and
/// AL2023's nodeadm set max-pods: ENIs x (IPv4 addresses per ENI - 1) + 2 (each ENI's primary
/// address is the node's own; two host-network pods need none).
int eniMaxPods(const EniLimits& eni);

/// The kubelet max-pods of a node of `type`: `override` (--max-pods) when given, else
/// eniMaxPods of its ENI limits, else kDefaultMaxPods.
int nodeMaxPods(const InstanceType& type, std::optional<int> override = std::nullopt);

/// Allocatable resources computed as Karpenter does for EKS nodes:
///  - max-pods as nodeMaxPods(type, maxPods);
///  - memory capacity is the instance memory less a 7.5% VM overhead;
///  - kube-reserved CPU: 6% of the first core, 1% of the second, 0.5% of cores 3-4,
///    0.25% of every core above 4;
///  - kube-reserved memory: 255 MiB + 11 MiB per pod of max-pods;
///  - hard eviction threshold memory.available = 100 MiB;
/// then less what `daemonSets` take (their pods from max-pods).
Allocatable nodeAllocatable(const InstanceType& type, std::optional<int> maxPods = std::nullopt,
                            DaemonSetRequests daemonSets = {});

}  // namespace gpuslice
