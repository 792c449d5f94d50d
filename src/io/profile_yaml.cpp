#include "io/profile_yaml.h"

#include <fmt/format.h>

#include <ctime>

#include "util/quantity.h"
#include "util/utf8.h"
#include "util/yaml_scalar.h"

namespace gpuslice::io {

namespace {

std::string utc(double unixSeconds) {
  const auto t = static_cast<std::time_t>(unixSeconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec);
}

/// A comment line's text: one line, control characters and bad bytes escaped.
std::string safe(const std::string& s) { return escapeBytes(s, EscapeAlso::Controls); }

std::string podList(const std::vector<std::string>& pods) {
  std::string s;
  for (std::size_t i = 0; i < pods.size() && i < 3; ++i) s += (i ? ", " : "") + pods[i];
  if (pods.size() > 3) s += fmt::format(", and {} more", pods.size() - 3);
  return s;
}

/// The comments on replicas, cpu and memory, and current.instanceType.
void writeFleetComments(std::string& out, const ProfiledWorkload& w, const Profile& p) {
  out += fmt::format(
      "    # replicas: the median of its pods with a DCGM_FI_DEV_FB_USED sample at one time, over {} timestamps; "
      "at most {}{}\n",
      w.replicaTimestamps, w.maxPodsAtOnce, w.workload.maxReplicas ? " (maxReplicas)" : "");
  if (w.requestPods > 0) {
    const char* fields = !w.workload.cpuMillis     ? "memory (no cpu)"
                         : !w.workload.memoryBytes ? "cpu (no memory)"
                                                   : "cpu, memory";
    out += fmt::format(
        "    # {}: kube_pod_container_resource_requests summed over a pod's containers, the largest of {} pod{}{}\n",
        fields, w.requestPods, w.requestPods == 1 ? "" : "s", w.requestsDiffer ? " (their requests differ)" : "");
  } else if (p.requestsSeen) {
    out += "    # cpu, memory: left out, no kube_pod_container_resource_requests of its pods\n";
  }
  if (w.instanceTypes.size() > 1) {
    std::string types;
    for (const auto& [type, pods] : w.instanceTypes)
      types += fmt::format("{}{} {}", types.empty() ? "" : ", ", type, pods);
    out += fmt::format("    # its pods ran on {} instance types (pods: {}): current.instanceType is the most common\n",
                       w.instanceTypes.size(), safe(types));
  } else if (w.workload.currentType) {
    out += "    # current.instanceType: the node its pods ran on (kube_pod_info, kube_node_labels)\n";
  } else if (p.instanceTypesSeen && w.instanceTypes.empty()) {
    out += "    # current.instanceType: left out, no kube_pod_info or node instance type of its pods\n";
  }
}

/// The fields after gpu: cpu, memory, current.instanceType.
void writeFleetFields(std::string& out, const Workload& w) {
  if (w.cpuMillis) out += "      cpu: " + yamlScalar(cpuQuantity(*w.cpuMillis)) + "\n";
  if (w.memoryBytes) out += "      memory: " + yamlScalar(memoryQuantity(*w.memoryBytes)) + "\n";
  if (w.currentType) out += "      current:\n        instanceType: " + yamlScalar(*w.currentType) + "\n";
}

void writeWorkload(std::string& out, const ProfiledWorkload& w, const Profile& p) {
  out += fmt::format("    # {}: {}; pods {}\n", safe(w.workload.qualifiedName()), safe(w.groupedBy),
                     safe(podList(w.pods)));
  out += fmt::format("    # memoryGiB: p{:g} of {} = {:.0f} MiB over {} samples, plus {:g}%\n", w.memory.percentile,
                     w.memory.metric, w.memory.value, w.memory.samples, p.memoryMarginPercent);
  out += fmt::format("    # compute: p{:g} of {} = {:.3f} of one GPU over {} samples; gpu.model from \"{}\"\n",
                     w.busy.percentile, w.busy.metric, w.busy.value, w.busy.samples, safe(w.gpuModelName));
  writeFleetComments(out, w, p);
  if (w.sharedGpu) {
    out +=
        "    # its pods shared GPUs with other pods: the exporter repeats a GPU's figures for each pod on it,\n"
        "    # so the per-pod split (the GPU's figures divided among its pods) is an estimate\n";
  }
  for (const std::string& n : w.notes) out += "    # " + safe(n) + "\n";
  out += fmt::format("    - name: {}\n      namespace: {}\n      replicas: {}\n", w.workload.name, w.workload.ns,
                     w.workload.replicas);
  if (w.workload.maxReplicas) out += fmt::format("      maxReplicas: {}\n", *w.workload.maxReplicas);
  out += "      gpu:\n";
  if (!w.workload.gpuModel.empty()) out += "        model: " + yamlScalar(w.workload.gpuModel) + "\n";
  out += fmt::format("        memoryGiB: {:.2f}\n        compute: {:.3f}\n", w.memoryGiB, w.compute);
  writeFleetFields(out, w.workload);
}

}  // namespace

std::string profileYaml(const Profile& p) {
  std::string out = "# Measured by gpuslice profile";
  out += fmt::format(" from {} to {} ({:.1f} days).\n", utc(p.windowStart), utc(p.windowEnd),
                     (p.windowEnd - p.windowStart) / 86400.0);
  out += "# Percentiles are nearest-rank: exact up to 1,024 samples, else at most 1% above (src/profile/sketch.h).\n";
  if (!p.requestsSeen) {
    out += "# cpu and memory left out: no kube_pod_container_resource_requests series of the pods measured.\n";
  }
  if (!p.instanceTypesSeen) {
    out +=
        "# current.instanceType left out: no kube_pod_info with kube_node_labels' instance-type label for the pods\n"
        "# measured (kube-state-metrics exports node labels only as --metric-labels-allowlist allows).\n";
  }
  for (const std::string& s : p.skipped) out += "# left out: " + safe(s) + "\n";
  out += "apiVersion: gpuslice.dev/v1alpha1\nkind: WorkloadSet\nspec:\n  workloads:\n";
  for (const ProfiledWorkload& w : p.workloads) writeWorkload(out, w, p);
  return out;
}

}  // namespace gpuslice::io
