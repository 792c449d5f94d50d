// What a node offers pods after kubelet and system reservations.
#pragma once

#include <cstdint>

#include "model/catalog.h"

namespace gpuslice {

/// Resources the scheduler can hand to pods on one node of an instance type.
struct Allocatable {
  std::int64_t cpuMillis = 0;
  std::int64_t memoryBytes = 0;
  int maxPods = 0;
};

/// CPU and memory that DaemonSet pods (device plugin, DCGM exporter, CNI, kube-proxy, ...)
/// request on every node; what is left is for the workloads.
struct DaemonSetRequests {
  std::int64_t cpuMillis = 0;
  std::int64_t memoryBytes = 0;
};

/// Kubelet max-pods assumed for every node (the kubelet default; EKS with prefix delegation).
constexpr int kDefaultMaxPods = 110;

/// Allocatable resources computed as Karpenter does for EKS nodes:
///  - memory capacity is the instance memory less a 7.5% VM overhead;
///  - kube-reserved CPU: 6% of the first core, 1% of the second, 0.5% of cores 3-4,
///    0.25% of every core above 4;
///  - kube-reserved memory: 255 MiB + 11 MiB per pod the node may run;
///  - hard eviction threshold memory.available = 100 MiB;
/// then less what `daemonSets` request.
Allocatable nodeAllocatable(const InstanceType& type, int maxPods = kDefaultMaxPods, DaemonSetRequests daemonSets = {});

}  // namespace gpuslice
