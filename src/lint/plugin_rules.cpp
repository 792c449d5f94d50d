// GS3xx: NVIDIA device plugin configs (api/config/v1), on their own and against the pools and
// pods that use them.
#include <algorithm>
#include <charconv>
#include <set>
#include <string_view>

#include "lint/checks.h"

namespace gpuslice::lint {

namespace {

using Keys = std::set<std::string_view>;

/// The keys the plugin's config structs define, by where they sit ("" is the top level).
const Keys* knownKeys(std::string_view where) {
  static const Keys kTop = {"version", "flags", "resources", "sharing", "imex"};
  static const Keys kFlags = {"migStrategy",       "failOnInitError",         "mpsRoot",    "nvidiaDriverRoot",
                              "nvidiaDevRoot",     "gdrcopyEnabled",          "gdsEnabled", "mofedEnabled",
                              "useNodeFeatureAPI", "deviceDiscoveryStrategy", "plugin",     "gfd"};
  static const Keys kPlugin = {
      "passDeviceSpecs",     "deviceListStrategy",           "deviceIDStrategy", "cdiAnnotationPrefix", "nvidiaCTKPath",
      "containerDriverRoot", "sharedDevicesAllocationPolicy"};
  static const Keys kGfd = {"oneshot", "noTimestamp", "sleepInterval", "outputFile", "machineTypeFile"};
  static const Keys kSharing = {"timeSlicing", "mps"};
  static const Keys kReplicated = {"renameByDefault", "failRequestsGreaterThanOne", "resources"};
  static const Keys kResource = {"name", "replicas", "rename", "devices"};
  static const Keys kImex = {"channelIDs", "required"};
  if (where.empty()) return &kTop;
  if (where == "flags") return &kFlags;
  if (where == "flags.plugin") return &kPlugin;
  if (where == "flags.gfd") return &kGfd;
  if (where == "sharing") return &kSharing;
  if (where == "sharing.timeSlicing" || where == "sharing.mps") return &kReplicated;
  if (where == "sharing.timeSlicing.resources[]" || where == "sharing.mps.resources[]") return &kResource;
  if (where == "imex") return &kImex;
  return nullptr;
}

std::string prefix(const EmbeddedConfig& c) { return "device plugin config \"" + c.key + "\" (" + c.owner + ")"; }

void unknownKeys(const EmbeddedConfig& c, const io::Node& n, const std::string& where, std::vector<Finding>& out) {
  if (n.isSequence()) {
    for (const io::Node& item : n.items) unknownKeys(c, item, where + "[]", out);
    return;
  }
  const Keys* known = knownKeys(where);
  if (!known || !n.isMapping()) return;
  for (const io::NodeMember& m : n.members) {
    const std::string path = where.empty() ? m.first : where + "." + m.first;
    if (!known->count(m.first)) {
      out.push_back(finding("GS304", c.file, c.line(m.keyLine), prefix(c) + ": unknown key " + path,
                            "remove it, or correct its spelling (the plugin's keys: README of "
                            "NVIDIA/k8s-device-plugin, \"Configuration File\")"));
      continue;
    }
    if (path == "resources" || path.ends_with("].rename") || path.ends_with("].devices")) {
      out.push_back(finding("GS305", c.file, c.line(m.keyLine),
                            prefix(c) + ": " + path + " is ignored by the device plugin",
                            "remove it; only name and replicas (with renameByDefault and "
                            "failRequestsGreaterThanOne) take effect"));
      continue;
    }
    unknownKeys(c, m.second, path, out);
  }
}

void replicas(const EmbeddedConfig& c, std::vector<Finding>& out) {
  for (const char* mode : {"timeSlicing", "mps"}) {
    const io::Node* res = at(c.tree, {"sharing", mode, "resources"});
    if (!res || !res->isSequence()) continue;
    for (const io::Node& r : res->items) {
      const io::Node* n = r.isMapping() ? r.find("replicas") : nullptr;
      if (!n) continue;
      const auto v = integerOf(*n);
      if (v && *v >= 2) continue;
      out.push_back(finding("GS301", c.file, c.line(n->line), prefix(c) + ": sharing." + mode + " replicas " + n->text,
                            "give replicas 2 or more (how many pods share one GPU), or remove the sharing "
                            "section for whole GPUs"));
    }
  }
}

void versionAndStrategy(const EmbeddedConfig& c, std::vector<Finding>& out) {
  if (const io::Node* v = c.tree.find("version"); v && !v->isNull() && scalarText(v) != "v1")
    out.push_back(finding("GS308", c.file, c.line(v->line), prefix(c) + ": version " + v->text, "write version: v1"));
  const io::Node* s = at(c.tree, {"flags", "migStrategy"});
  const std::string strategy = scalarText(s);
  if (s && strategy != "none" && strategy != "single" && strategy != "mixed")
    out.push_back(finding("GS308", c.file, c.line(s->line), prefix(c) + ": migStrategy " + s->text,
                          "write migStrategy none, single or mixed"));
}

bool usesMps(const EmbeddedConfig& c) { return at(c.tree, {"sharing", "mps"}) != nullptr; }

void mpsWithMixed(const Manifests& m, const EmbeddedConfig& c, std::vector<Finding>& out) {
  if (!usesMps(c)) return;
  if (const io::Node* s = at(c.tree, {"flags", "migStrategy"}); scalarText(s) == "mixed")
    out.push_back(finding("GS302", c.file, c.line(s->line), prefix(c) + ": sharing.mps with migStrategy mixed",
                          "use migStrategy none (MPS shares whole GPUs); put MIG nodes on another config"));
  for (const HelmValues& h : m.helm) {
    const io::Node* s = at(*h.node, {"mig", "strategy"});
    if (scalarText(s) == "mixed")
      out.push_back(finding("GS302", h.file, s->line,
                            "Helm values mig.strategy mixed (the GPU Operator passes it to every device plugin) with "
                            "MPS in " +
                                prefix(c),
                            "set mig.strategy single or none, or give MPS nodes no mixed MIG strategy"));
  }
}

void mpsWithMig(const Manifests& m, const Cluster& cl, std::vector<Finding>& out) {
  for (const Pool& p : cl.pools) {
    auto mig = p.labels.find("nvidia.com/mig.config");
    if (mig == p.labels.end() || mig->second.value == "all-disabled") continue;
    for (const EmbeddedConfig* c : poolConfigs(m, p)) {
      if (!usesMps(*c)) continue;
      out.push_back(finding("GS303", p.object->file, mig->second.line,
                            describe(*p.object) + " gives its nodes MIG layout \"" + mig->second.value + "\" and " +
                                prefix(*c) + ", which uses MPS",
                            "give MIG nodes a config without sharing.mps (time-slicing or none), or drop the "
                            "nvidia.com/mig.config label"));
    }
  }
}

/// The configs that decide which name a pod's GPUs have, and whether they come from its pool.
std::vector<const EmbeddedConfig*> configsForPod(const Manifests& m, const Cluster& cl, const PodSpec& pod) {
  if (auto it = pod.selects.find("nvidia.com/device-plugin.config"); it != pod.selects.end())
    return pluginConfigs(m, it->second.front().value);
  if (auto it = pod.selects.find("karpenter.sh/nodepool"); it != pod.selects.end())
    if (const Pool* p = cl.findPool(it->second.front().value)) return poolConfigs(m, *p);
  return {};
}

void renamed(const Manifests& m, const Cluster& cl, std::vector<Finding>& out) {
  std::vector<const EmbeddedConfig*> all;
  for (const EmbeddedConfig& c : m.configs)
    if (c.kind == ConfigKind::DevicePlugin) all.push_back(&c);
  if (all.empty()) return;
  for (const PodSpec& pod : cl.pods) {
    auto linked = configsForPod(m, cl, pod);
    const auto& configs = linked.empty() ? all : linked;
    bool anyRenamed = false, allRenamed = true;
    for (const EmbeddedConfig* c : configs) {
      const Sharing s = sharingOf(*c);
      anyRenamed |= s.shared && s.renamed;
      allRenamed &= s.shared && s.renamed;
    }
    for (const ResourceUse& r : pod.resources) {
      const bool shared = r.name == "nvidia.com/gpu.shared";
      if (r.name != "nvidia.com/gpu" && !shared) continue;
      if (shared ? anyRenamed : !allRenamed) continue;
      const std::string names =
          linked.empty() ? "the device plugin configs given advertise" : prefix(*configs.front()) + " advertises";
      out.push_back(finding("GS306", pod.object->file, r.line,
                            describe(*pod.object) + " container " + r.container + " requests " + r.name + " but " +
                                names +
                                (shared ? " nvidia.com/gpu (no renameByDefault: true)"
                                        : " nvidia.com/gpu.shared (renameByDefault: true)"),
                            shared ? "request nvidia.com/gpu, or set renameByDefault: true in the config"
                                   : "request nvidia.com/gpu.shared, or set renameByDefault: false in the config"));
    }
  }
}

}  // namespace

void checkDevicePlugin(const Manifests& m, const Cluster& cl, std::vector<Finding>& out) {
  for (const EmbeddedConfig& c : m.configs) {
    if (c.kind != ConfigKind::DevicePlugin) continue;
    unknownKeys(c, c.tree, "", out);
    replicas(c, out);
    versionAndStrategy(c, out);
    mpsWithMixed(m, c, out);
  }
  mpsWithMig(m, cl, out);
  renamed(m, cl, out);
}

}  // namespace gpuslice::lint
