// What kube-state-metrics says about pods besides their owners: the resource requests of their
// containers, the node each ran on, and each node's instance type.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "model/profile.h"

namespace gpuslice {

/// One pod's requests: the sum over its containers of each container's largest value in the
/// window (requests seldom change; the largest is the safe one). Unset: no series of it.
struct PodRequests {
  std::optional<std::int64_t> cpuMillis;
  std::optional<std::int64_t> memoryBytes;
};

/// Reads kube_pod_container_resource_requests (resource "cpu" in unit "core", "memory" in
/// unit "byte"; other resources such as nvidia_com_gpu are not needed), kube_pod_info (its
/// `node` label) and kube_node_labels (`label_node_kubernetes_io_instance_type`, else
/// `label_beta_kubernetes_io_instance_type`, which kube-state-metrics exports only when
/// --metric-labels-allowlist allows them).
class KubeState {
 public:
  /// Takes a series of one of those metrics and returns true; false for any other metric. A
  /// cpu or memory request series without the unit it should carry is left out and counted
  /// (skipped()).
  bool series(const Labels& labels);
  /// One sample of the series series() last took (ignored unless it was a request series):
  /// NaN, infinities and negative values are left out.
  void sample(double value);

  PodRequests requests(const std::string& ns, const std::string& pod) const;
  /// The instance type of the node the pod ran on, when kube_pod_info and kube_node_labels say.
  std::optional<std::string> instanceType(const std::string& ns, const std::string& pod) const;
  /// Series left out, one line per reason: how many and the first one's pod.
  std::vector<std::string> skipped() const;

 private:
  enum class Resource { Cpu, Memory };
  using ContainerKey = std::tuple<std::string, std::string, Resource, std::string>;  // ns, pod, resource, container
  std::map<ContainerKey, double> requests_;  // largest value seen, in cores or bytes
  double* current_ = nullptr;
  std::map<std::pair<std::string, std::string>, std::string> podNodes_;
  std::map<std::string, std::string> nodeTypes_;
  std::map<std::string, std::pair<int, std::string>> skipped_;  // reason -> count, first pod
};

}  // namespace gpuslice
