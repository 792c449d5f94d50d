#include "model/node_capacity.h"

#include <algorithm>

namespace gpuslice {

namespace {
constexpr std::int64_t kMiB = 1024 * 1024;

// Karpenter's kube-reserved CPU, in millicores, for a node with `vcpu` cores.
std::int64_t reservedCpuMillis(int vcpu) {
  // Work in ten-thousandths of a millicore to keep the 0.25% step exact.
  std::int64_t r = 0;
  for (int core = 1; core <= vcpu; ++core) {
    if (core == 1)
      r += 600000;  // 6% of 1000m
    else if (core == 2)
      r += 100000;  // 1%
    else if (core <= 4)
      r += 50000;  // 0.5%
    else
      r += 25000;  // 0.25%
  }
  return (r + 9999) / 10000;
}
}  // namespace

int eniMaxPods(const EniLimits& eni) { return eni.interfaces * (eni.ipv4PerInterface - 1) + 2; }

int nodeMaxPods(const InstanceType& type, std::optional<int> override) {
  if (override) return *override;
  return type.eni ? eniMaxPods(*type.eni) : kDefaultMaxPods;
}

Allocatable nodeAllocatable(const InstanceType& type, std::optional<int> maxPods, DaemonSetRequests daemonSets) {
  Allocatable a;
  a.maxPods = nodeMaxPods(type, maxPods);
  a.workloadPods = std::max(0, a.maxPods - daemonSets.pods);
  a.cpuMillis = std::max<std::int64_t>(0, std::int64_t{type.vcpu} * 1000 - reservedCpuMillis(type.vcpu));
  const std::int64_t capacity = type.memoryMiB * kMiB - (type.memoryMiB * kMiB * 75 + 999) / 1000;
  const std::int64_t reserved = (255 + 11 * std::int64_t{a.maxPods}) * kMiB + 100 * kMiB;
  a.memoryBytes = std::max<std::int64_t>(0, capacity - reserved - daemonSets.memoryBytes);
  a.cpuMillis = std::max<std::int64_t>(0, a.cpuMillis - daemonSets.cpuMillis);
  return a;
}

}  // namespace gpuslice
