#include "profile/kube_state.h"

#include <fmt/format.h>

#include <cmath>

namespace gpuslice {

namespace {

std::string valueOf(const Labels& labels, std::string_view name) {
  for (const Label& l : labels) {
    if (l.name == name) return l.value;
  }
  return "";
}

/// The namespace label as the DCGM series' readers take it: "default" when there is none.
std::string namespaceOf(const Labels& labels) {
  for (const Label& l : labels) {
    if (l.name == "namespace") return l.value;
  }
  return "default";
}

}  // namespace

bool KubeState::series(const Labels& labels) {
  current_ = nullptr;
  const std::string metric = valueOf(labels, "__name__");
  const std::string ns = namespaceOf(labels), pod = valueOf(labels, "pod");
  if (metric == "kube_node_labels") {
    std::string type = valueOf(labels, "label_node_kubernetes_io_instance_type");
    if (type.empty()) type = valueOf(labels, "label_beta_kubernetes_io_instance_type");
    const std::string node = valueOf(labels, "node");
    if (!type.empty() && !node.empty()) nodeTypes_[node] = type;
    return true;
  }
  if (metric == "kube_pod_info") {
    const std::string node = valueOf(labels, "node");
    if (!node.empty() && !pod.empty()) podNodes_[{ns, pod}] = node;
    return true;
  }
  if (metric != "kube_pod_container_resource_requests") return false;
  const std::string resource = valueOf(labels, "resource"), unit = valueOf(labels, "unit");
  if (resource != "cpu" && resource != "memory") return true;  // nvidia_com_gpu, ephemeral_storage, ...
  const char* want = resource == "cpu" ? "core" : "byte";
  if (unit != want) {
    const std::string why =
        fmt::format("kube_pod_container_resource_requests series of resource {} {}", resource,
                    unit.empty() ? "without a unit label" : fmt::format("in unit \"{}\", not \"{}\"", unit, want));
    auto [it, fresh] = skipped_.try_emplace(why, 0, ns + "/" + pod);
    ++it->second.first;
    return true;
  }
  if (pod.empty()) return true;
  const Resource r = resource == "cpu" ? Resource::Cpu : Resource::Memory;
  auto [it, fresh] = requests_.try_emplace({ns, pod, r, valueOf(labels, "container")}, -1.0);
  current_ = &it->second;
  return true;
}

void KubeState::sample(double value) {
  if (current_ && std::isfinite(value) && value >= 0) *current_ = std::max(*current_, value);
}

PodRequests KubeState::requests(const std::string& ns, const std::string& pod) const {
  PodRequests out;
  for (auto it = requests_.lower_bound({ns, pod, Resource::Cpu, ""});
       it != requests_.end() && std::get<0>(it->first) == ns && std::get<1>(it->first) == pod; ++it) {
    if (it->second < 0) continue;
    if (std::get<2>(it->first) == Resource::Cpu) {
      // Cores to millicores, a fraction of a millicore rounded up as Kubernetes does.
      out.cpuMillis = out.cpuMillis.value_or(0) + static_cast<std::int64_t>(std::ceil(it->second * 1000 - 1e-6));
    } else {
      out.memoryBytes = out.memoryBytes.value_or(0) + static_cast<std::int64_t>(std::ceil(it->second - 1e-6));
    }
  }
  return out;
}

std::optional<std::string> KubeState::instanceType(const std::string& ns, const std::string& pod) const {
  const auto node = podNodes_.find({ns, pod});
  if (node == podNodes_.end()) return std::nullopt;
  const auto type = nodeTypes_.find(node->second);
  if (type == nodeTypes_.end()) return std::nullopt;
  return type->second;
}

std::vector<std::string> KubeState::skipped() const {
  std::vector<std::string> out;
  for (const auto& [why, seen] : skipped_) {
    out.push_back(fmt::format("{} {} (the first of pod {})", seen.first, why, seen.second));
  }
  return out;
}

}  // namespace gpuslice
