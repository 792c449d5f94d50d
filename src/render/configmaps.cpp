// The device-plugin ConfigMap, the mig-parted ConfigMap and the GPU Operator's Helm values.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "render/detail.h"

namespace gpuslice::detail {

namespace {

Value sharingSection(const RenderContext& c, const Pool& p) {
  Value resource = Value::map();
  resource.set("name", Value::string("nvidia.com/gpu"));
  resource.set("replicas", Value::integer(p.replicas));
  Value section = Value::map();
  section.set("renameByDefault", Value::boolean(c.options.renameByDefault));
  if (p.mode == Mode::TimeSlicing) section.set("failRequestsGreaterThanOne", Value::boolean(true));
  section.set("resources", Value::list()).push(std::move(resource));
  Value sharing = Value::map();
  sharing.set(p.mode == Mode::Mps ? "mps" : "timeSlicing", std::move(section));
  return sharing;
}

Result<std::string> devicePluginConfig(const RenderContext& c, const Pool* p) {
  Bindings b;
  // The cluster's strategy (the Helm values' mig.strategy) in every config, so a node's plugin
  // and GPU feature discovery agree with the operator whichever config the node picks; MPS
  // alone keeps none, as the device plugin never shares MIG devices through MPS.
  const bool mps = p && p->mode == Mode::Mps;
  b["migStrategy"] = Value::string(migStrategyName(mps ? MigStrategy::None : c.migStrategy));
  if (p && (p->mode == Mode::TimeSlicing || p->mode == Mode::Mps)) {
    b["sharing"] = sharingSection(c, *p);
  } else {
    b["sharing"] = std::nullopt;
  }
  auto config = c.fill("device-plugin-config.yaml", b);
  if (!config) return config.error();
  return toYaml(*config);
}

/// One GPU's instances as (profile, count), in the order of their first start.
std::vector<std::pair<std::string, int>> profileCounts(const std::vector<MigSlot>& gpu) {
  std::vector<MigSlot> slots = gpu;
  std::stable_sort(slots.begin(), slots.end(), [](const MigSlot& a, const MigSlot& b) { return a.start < b.start; });
  std::vector<std::pair<std::string, int>> counts;
  for (const MigSlot& s : slots) {
    auto it = std::find_if(counts.begin(), counts.end(), [&](const auto& pc) { return pc.first == s.profile; });
    if (it == counts.end()) {
      counts.emplace_back(s.profile, 1);
    } else {
      ++it->second;
    }
  }
  return counts;
}

/// The pool's mig-parted entries: GPUs with the same instances share one entry.
Value migEntries(const Pool& p) {
  std::vector<std::vector<std::pair<std::string, int>>> layouts;
  std::vector<std::vector<int>> devices;
  for (std::size_t i = 0; i < p.geometry.size(); ++i) {
    auto counts = profileCounts(p.geometry[i]);
    auto sorted = counts;
    std::sort(sorted.begin(), sorted.end());
    std::size_t k = 0;
    for (; k < layouts.size(); ++k) {
      auto other = layouts[k];
      std::sort(other.begin(), other.end());
      if (other == sorted) break;
    }
    if (k == layouts.size()) {
      layouts.push_back(std::move(counts));
      devices.emplace_back();
    }
    devices[k].push_back(static_cast<int>(i));
  }
  Value entries = Value::list();
  for (std::size_t k = 0; k < layouts.size(); ++k) {
    Value entry = Value::map();
    if (layouts.size() == 1) {
      entry.set("devices", Value::string("all"));
    } else {
      Value list = Value::list();
      for (int d : devices[k]) list.push(Value::integer(d));
      entry.set("devices", std::move(list));
    }
    entry.set("mig-enabled", Value::boolean(true));
    Value migDevices = Value::map();
    for (const auto& [profile, count] : layouts[k]) migDevices.set(profile, Value::integer(count));
    entry.set("mig-devices", std::move(migDevices));
    entries.push(std::move(entry));
  }
  return entries;
}

}  // namespace

Result<ConfigMaps> renderConfigMaps(const RenderContext& c) {
  ConfigMaps maps;
  if (c.options.sharingVia == SharingVia::Bottlerocket) return maps;
  // One data key per distinct config; "dedicated" is always there, for nodes without the label.
  std::map<std::string, const Pool*> configs{{"dedicated", nullptr}};
  for (const Pool& p : c.plan.pools) configs.emplace(devicePluginKey(c, p), &p);
  Value data = Value::map();
  for (const auto& [key, pool] : configs) {
    auto text = devicePluginConfig(c, pool);
    if (!text) return text.error();
    data.set(key, Value::string(*text));
  }
  auto cm = c.fill("device-plugin-configmap.yaml", {{"data", std::move(data)}});
  if (!cm) return cm.error();
  auto name = objectName(c, "device-plugin-configmap.yaml", *cm);
  if (!name) return name.error();
  maps.devicePluginName = *name;
  maps.devicePluginDefault = "dedicated";
  maps.manifests.push_back({Part::ConfigMaps,
                            "configmap-device-plugin.yaml",
                            {"NVIDIA device plugin configs, one per data key; a node picks one with its label "
                             "nvidia.com/device-plugin.config"},
                            std::move(*cm),
                            true});

  Value migConfigs = Value::map();
  for (const Pool& p : c.plan.pools) {
    if (p.mode == Mode::Mig) migConfigs.set(p.name, migEntries(p));
  }
  if (migConfigs.members.empty()) return maps;
  Value disabled = Value::map();
  disabled.set("devices", Value::string("all"));
  disabled.set("mig-enabled", Value::boolean(false));
  Value disabledList = Value::list();
  disabledList.push(std::move(disabled));
  migConfigs.members.insert(migConfigs.members.begin(), {"all-disabled", std::move(disabledList), 0});
  auto config = c.fill("mig-parted-config.yaml", {{"migConfigs", std::move(migConfigs)}});
  if (!config) return config.error();
  auto mig = c.fill("mig-parted-configmap.yaml", {{"config", Value::string(toYaml(*config))}});
  if (!mig) return mig.error();
  auto migName = objectName(c, "mig-parted-configmap.yaml", *mig);
  if (!migName) return migName.error();
  maps.migPartedName = *migName;
  maps.manifests.push_back({Part::ConfigMaps,
                            "configmap-mig-parted.yaml",
                            {"MIG layouts for the GPU Operator's MIG manager, one per MIG pool; a node picks one with "
                             "its label nvidia.com/mig.config"},
                            std::move(*mig),
                            true});
  return maps;
}

Result<std::vector<Manifest>> renderHelmValues(const RenderContext& c, const ConfigMaps& maps) {
  const bool operatorShares = c.options.sharingVia == SharingVia::GpuOperator;
  auto optional = [](const std::string& s) -> std::optional<Value> {
    if (s.empty()) return std::nullopt;
    return Value::string(s);
  };
  Bindings b;
  b["devicePluginEnabled"] = Value::boolean(operatorShares);
  b["devicePluginConfigName"] = optional(maps.devicePluginName);
  b["devicePluginConfigDefault"] = optional(maps.devicePluginDefault);
  b["migStrategy"] = Value::string(migStrategyName(c.migStrategy));
  b["migManagerEnabled"] = Value::boolean(operatorShares);
  b["migManagerConfigName"] = optional(maps.migPartedName);
  auto values = c.fill("gpu-operator-values.yaml", b);
  if (!values) return values.error();
  std::vector<Manifest> out;
  out.push_back(
      {Part::HelmValues,
       "gpu-operator-values.yaml",
       {"GPU Operator Helm values (not a Kubernetes object), e.g.",
        "helm upgrade --install gpu-operator nvidia/gpu-operator -n gpu-operator -f gpu-operator-values.yaml"},
       std::move(*values),
       false});
  return out;
}

}  // namespace gpuslice::detail
