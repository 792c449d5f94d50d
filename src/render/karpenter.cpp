// Karpenter: an EC2NodeClass (one, or one per shared pool when Bottlerocket shares the GPUs),
// a NodePool per pool and a NodeOverlay per shared pool and per pool on a fractional-GPU type.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "render/detail.h"

namespace gpuslice::detail {

namespace {

constexpr const char* kNodeClass = "gpuslice";

/// Karpenter's karpenter.k8s.aws/instance-gpu-name for a GPU model: its name in lower case when
/// that is one word of letters and digits (V100 -> v100, A10G -> a10g, L40S -> l40s); otherwise
/// none, and the instance-type requirement alone selects the GPU. Karpenter sets the label on
/// fractional types too: its generated instance-type reference (v1.14.1) lists g6f.large with
/// instance-gpu-name l4, instance-gpu-manufacturer nvidia and instance-gpu-count 0, so a g6f
/// pool may require it (only the GPU count is 0, which the NodeOverlay makes up for).
std::optional<std::string> karpenterGpuName(const std::string& model) {
  std::string out;
  for (char c : model) {
    if (c >= 'A' && c <= 'Z') {
      out += static_cast<char>(c - 'A' + 'a');
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      out += c;
    } else {
      return std::nullopt;
    }
  }
  if (out.empty()) return std::nullopt;
  return out;
}

Value requirement(const std::string& key, const std::string& value) {
  Value r = Value::map();
  r.set("key", Value::string(key));
  r.set("operator", Value::string("In"));
  r.set("values", Value::list()).push(Value::string(value));
  return r;
}

/// Every MIG instance of the pool has this one profile, or nullopt.
std::optional<std::string> uniformProfile(const Pool& p) {
  std::optional<std::string> profile;
  for (const auto& gpu : p.geometry) {
    for (const MigSlot& s : gpu) {
      if (profile && *profile != s.profile) return std::nullopt;
      profile = s.profile;
    }
  }
  return profile;
}

/// Bottlerocket's MIG manager gives every GPU of a node as many instances of one profile as
/// fit, and only for the GPUs and profiles it knows (catalog/mig-profiles.yaml, `bottlerocket`);
/// any other value becomes the whole GPU, so the pool is refused instead. The TOML that sets it.
Result<std::string> bottlerocketMig(const RenderContext& c, const Pool& p, const std::string& head) {
  auto refuse = [&](const std::string& why) {
    return Error{ErrorKind::Usage, "", 0, "--sharing-via",
                 fmt::format("pool {}: {}; use --sharing-via gpu-operator", p.name, why)};
  };
  const auto profile = uniformProfile(p);
  if (!profile) {
    return refuse("Bottlerocket gives every GPU one MIG profile, but the pool's layout is a mix of profiles");
  }
  const auto gpu = std::find_if(c.catalog.migGpus.begin(), c.catalog.migGpus.end(),
                                [&](const MigGpu& g) { return g.name == p.migGpu; });
  if (gpu == c.catalog.migGpus.end() || gpu->bottlerocketKey.empty()) {
    return refuse(fmt::format("Bottlerocket's MIG manager does not know the {}", p.migGpu));
  }
  const auto& known = gpu->bottlerocketProfiles;
  if (std::find(known.begin(), known.end(), *profile) == known.end()) {
    return refuse(
        fmt::format("Bottlerocket's MIG manager knows only {} on the {} (it would turn {} into the whole GPU)",
                    fmt::join(known, ", "), p.migGpu, *profile));
  }
  return fmt::format(
      "{}device-partitioning-strategy = \"mig\"\n\n"
      "[settings.kubelet-device-plugins.nvidia.mig.profile]\n\"{}\" = \"{}\"\n",
      head, gpu->bottlerocketKey, *profile);
}

/// The Bottlerocket settings (TOML) that share the pool's GPUs, or nullopt for a dedicated pool.
Result<std::optional<std::string>> userData(const RenderContext& c, const Pool& p) {
  const std::string head = "[settings.kubelet-device-plugins.nvidia]\n";
  const char* rename = c.options.renameByDefault ? "true" : "false";
  switch (p.mode) {
    case Mode::Dedicated: return std::optional<std::string>{};
    case Mode::TimeSlicing:
      return std::optional<std::string>{fmt::format(
          "{}device-sharing-strategy = \"time-slicing\"\n\n[settings.kubelet-device-plugins.nvidia.time-slicing]\n"
          "replicas = {}\nrename-by-default = {}\nfail-requests-greater-than-one = true\n",
          head, p.replicas, rename)};
    case Mode::Mps:
      return std::optional<std::string>{
          fmt::format("{}device-sharing-strategy = \"mps\"\n\n[settings.kubelet-device-plugins.nvidia.mps]\n"
                      "replicas = {}\nrename-by-default = {}\n",
                      head, p.replicas, rename)};
    case Mode::Mig: {
      auto toml = bottlerocketMig(c, p, head);
      if (!toml) return toml.error();
      return std::optional<std::string>{std::move(*toml)};
    }
  }
  return std::optional<std::string>{};
}

/// A pool on a fractional-GPU type (g6f, gr6f): EC2 reports no GPU for it, so Karpenter counts
/// none unless an overlay gives it the GPU.
bool fractionalPool(const RenderContext& c, const Pool& p) {
  const InstanceType* type = c.catalog.findType(p.instanceType);
  return type && type->fractional();
}

/// Sliced resources a node of the pool offers, by resource name; for a dedicated pool on a
/// fractional type, its one GPU (slice).
std::map<std::string, int> nodeCapacity(const RenderContext& c, const Pool& p) {
  std::map<std::string, int> capacity;
  if (p.mode == Mode::Dedicated && fractionalPool(c, p)) {
    Placement any;
    capacity[podResource(c, p, any)] = p.gpusPerNode;
  } else if (p.mode == Mode::TimeSlicing || p.mode == Mode::Mps) {
    Placement any;
    capacity[podResource(c, p, any)] = p.gpusPerNode * p.replicas;
  } else if (p.mode == Mode::Mig) {
    for (const auto& gpu : p.geometry) {
      for (const MigSlot& s : gpu) {
        Placement pl;
        pl.profile = s.profile;
        const bool viaBottlerocket = c.options.sharingVia == SharingVia::Bottlerocket;
        ++capacity[viaBottlerocket ? "nvidia.com/gpu" : podResource(c, p, pl)];
      }
    }
  }
  return capacity;
}

/// With the GPU Operator on Bottlerocket, the operator's device plugin advertises the GPUs, so
/// Bottlerocket's own (which its NVIDIA variants start by default) is switched off: never two
/// plugins registering nvidia.com/gpu on one node. The setting came with Bottlerocket 1.63.0
/// (core-kit 14.6.0); older releases refuse the node's settings, and the node does not join.
std::optional<std::string> sharedUserData(const RenderContext& c) {
  if (c.options.ami != Ami::Bottlerocket || c.options.sharingVia != SharingVia::GpuOperator) return std::nullopt;
  return std::string(
      "# The GPU Operator's device plugin advertises the GPUs: Bottlerocket's own stays off.\n"
      "[settings.kubelet-device-plugins.nvidia]\n"
      "enabled = false\n");
}

std::vector<std::string> pluginOffComments() {
  return {"Bottlerocket's own NVIDIA device plugin is switched off (userData), as the GPU Operator's runs",
          "instead; the setting needs Bottlerocket 1.63.0 or later (bottlerocket@latest is), and the",
          "operator installs no driver and no toolkit there (gpu-operator-values.yaml)."};
}

Result<Manifest> nodeClass(const RenderContext& c, const std::string& name, const std::optional<std::string>& data) {
  const std::string templateName =
      c.options.ami == Ami::Bottlerocket ? "ec2nodeclass-bottlerocket.yaml" : "ec2nodeclass-al2023.yaml";
  Bindings b;
  b["name"] = Value::string(name);
  b["nodeRole"] = Value::string(c.options.nodeRole);
  b["cluster"] = Value::string(c.options.cluster);
  b["userData"] = data ? std::optional<Value>(Value::string(*data)) : std::nullopt;
  b["amiSelectorTerms"] = amiSelectorTerms(c);
  b["amiFamily"] = amiFamily(c);
  std::vector<std::string> comments = customAmiComments(c);
  if (c.plan.maxPodsPerNode) {
    // Without it Karpenter sizes each node by its ENI limit and the kubelet stops there.
    Value kubelet = Value::map();
    kubelet.set("maxPods", Value::integer(*c.plan.maxPodsPerNode));
    b["kubelet"] = std::move(kubelet);
    comments.push_back(
        fmt::format("kubelet.maxPods {}: the plan's --max-pods (prefix delegation or a custom CNI); "
                    "without it Karpenter and the kubelet use each type's ENI limit",
                    *c.plan.maxPodsPerNode));
  } else {
    b["kubelet"] = std::nullopt;
  }
  auto v = c.fill(templateName, b);
  if (!v) return v.error();
  return Manifest{Part::Karpenter, "ec2nodeclass-" + name + ".yaml", std::move(comments), std::move(*v), true};
}

/// The NodePool of pool p, whose nodes take the EC2NodeClass `className`.
Result<Manifest> nodePool(const RenderContext& c, const Pool& p, const std::string& className) {
  const bool viaBottlerocket = c.options.sharingVia == SharingVia::Bottlerocket;
  const InstanceType* type = c.catalog.findType(p.instanceType);
  if (!type) return planError(p, fmt::format("instance type {} is not in the catalog", p.instanceType));
  Bindings b;
  b["name"] = Value::string(p.name);
  b["devicePluginConfig"] = viaBottlerocket ? std::nullopt : std::optional<Value>(Value::string(devicePluginKey(c, p)));
  b["migConfig"] = p.mode == Mode::Mig && !viaBottlerocket ? std::optional<Value>(Value::string(p.name)) : std::nullopt;
  b["nodeClass"] = Value::string(className);
  b["instanceType"] = Value::string(p.instanceType);
  const auto gpuName = karpenterGpuName(p.gpuModel);
  b["gpuNameRequirement"] =
      gpuName ? std::optional<Value>(requirement("karpenter.k8s.aws/instance-gpu-name", *gpuName)) : std::nullopt;
  b["capacityType"] = Value::string(capacityName(c.plan.capacity));
  // The planned nodes with every workload at its maxReplicas (the HPA's room), plus one, so
  // that Karpenter can replace a node (drift, expiry) before removing it. CPU, not GPUs:
  // Karpenter counts physical GPUs, an overlay counts slices.
  const std::int64_t nodes = std::max(p.nodes, p.nodesAtMaxReplicas);
  Value limits = Value::map();
  limits.set("cpu", Value::string(std::to_string((nodes + 1) * type->vcpu)));
  b["limits"] = std::move(limits);
  auto pool = c.fill("nodepool.yaml", b);
  if (!pool) return pool.error();
  return Manifest{Part::Karpenter,
                  "nodepool-" + p.name + ".yaml",
                  {fmt::format("Pool {}: {} x {} ({}, {} per GPU), {} pods", p.name, p.nodes, p.instanceType,
                               modeName(p.mode), p.mode == Mode::Mig ? "MIG" : std::to_string(p.replicas), p.pods)},
                  std::move(*pool),
                  true};
}

/// The comment of pool p's NodeOverlay: what it is for, what Karpenter does without it (which
/// depends on the resource: it counts physical GPUs as nvidia.com/gpu, and knows no other), and
/// that it is alpha.
std::vector<std::string> overlayComments(const RenderContext& c, const Pool& p,
                                         const std::map<std::string, int>& capacity) {
  std::vector<std::string> shown;
  for (const auto& [resource, count] : capacity) shown.push_back(fmt::format("{} {}", count, resource));
  std::vector<std::string> out;
  out.push_back(fmt::format("NodeOverlay of pool {}: a node offers {}.", p.name, fmt::join(shown, ", ")));
  out.push_back("Karpenter's scheduling simulation then launches the nodes the plan counts; without it Karpenter");
  const bool fractional = fractionalPool(c, p);
  for (const auto& [resource, count] : capacity) {
    if (fractional) {
      out.push_back(fmt::format("finds no {} on a {} (EC2 reports 0 GPUs for its {}) and launches none.", resource,
                                p.instanceType, c.catalog.findType(p.instanceType)->fractionText()));
    } else if (resource == kGpuResource) {
      out.push_back(fmt::format("counts the node's {} physical GPU{} as nvidia.com/gpu and launches too many nodes.",
                                p.gpusPerNode, p.gpusPerNode == 1 ? "" : "s"));
    } else {
      out.push_back(fmt::format("finds no {} on any node and launches none for its pods.", resource));
    }
  }
  out.push_back("Alpha (karpenter.sh/v1alpha1): Karpenter reads it only with the feature gate NodeOverlay=true");
  out.push_back("(Helm: --set settings.featureGates.nodeOverlay=true).");
  return out;
}

/// The NodeOverlay of a sliced pool or one on a fractional type: the resources its nodes offer.
Result<Manifest> nodeOverlay(const RenderContext& c, const Pool& p) {
  const std::map<std::string, int> counts = nodeCapacity(c, p);
  Value capacity = Value::map();
  for (const auto& [resource, count] : counts) capacity.set(resource, Value::string(std::to_string(count)));
  Bindings ob;
  ob["name"] = Value::string(p.name);
  ob["nodePool"] = Value::string(p.name);
  ob["instanceType"] = Value::string(p.instanceType);
  ob["capacity"] = std::move(capacity);
  auto overlay = c.fill("nodeoverlay.yaml", ob);
  if (!overlay) return overlay.error();
  return Manifest{Part::Karpenter, "nodeoverlay-" + p.name + ".yaml", overlayComments(c, p, counts),
                  std::move(*overlay), true};
}

/// The Karpenter objects being built, by kind, and whether some pool uses the shared EC2NodeClass.
struct KarpenterObjects {
  std::vector<Manifest> classes, pools, overlays;
  bool sharedClass = false;
};

/// Adds pool p's objects to `out`: its own EC2NodeClass when Bottlerocket shares its GPUs, its
/// NodePool, and its NodeOverlay when it is sliced or on a fractional type.
std::optional<Error> addPool(const RenderContext& c, const Pool& p, KarpenterObjects& out) {
  std::string className = kNodeClass;
  if (c.options.sharingVia == SharingVia::Bottlerocket) {
    auto data = userData(c, p);
    if (!data) return data.error();
    if (*data) {
      className = p.name;
      auto m = nodeClass(c, className, *data);
      if (!m) return m.error();
      out.classes.push_back(std::move(*m));
    } else {
      out.sharedClass = true;
    }
  } else {
    out.sharedClass = true;
  }
  auto pool = nodePool(c, p, className);
  if (!pool) return pool.error();
  out.pools.push_back(std::move(*pool));
  if (!sliced(p) && !fractionalPool(c, p)) return std::nullopt;
  auto overlay = nodeOverlay(c, p);
  if (!overlay) return overlay.error();
  out.overlays.push_back(std::move(*overlay));
  return std::nullopt;
}

}  // namespace

Result<std::vector<Manifest>> renderKarpenter(const RenderContext& c) {
  if (c.options.cluster.empty() || c.options.nodeRole.empty()) {
    return Error{ErrorKind::Usage, "", 0, c.options.cluster.empty() ? "--cluster" : "--node-role",
                 "the Karpenter manifests need --cluster NAME (subnet and security-group discovery tag) and "
                 "--node-role NAME (the nodes' IAM role); or leave them out with --only"};
  }
  KarpenterObjects objects;
  for (const Pool& p : c.plan.pools) {
    if (auto e = addPool(c, p, objects)) return *e;
  }
  std::vector<Manifest> out;
  if (objects.sharedClass) {
    const std::optional<std::string> data = sharedUserData(c);
    auto m = nodeClass(c, kNodeClass, data);
    if (!m) return m.error();
    if (data) {
      for (std::string& line : pluginOffComments()) m->comments.push_back(std::move(line));
    }
    out.push_back(std::move(*m));
  }
  for (auto* group : {&objects.classes, &objects.pools, &objects.overlays}) {
    for (Manifest& m : *group) out.push_back(std::move(m));
  }
  return out;
}

}  // namespace gpuslice::detail
