// GS5xx: Karpenter and GPU sharing. Karpenter counts a node's physical GPUs as nvidia.com/gpu and
// knows no other GPU resource, so a sliced or fractional pool needs a NodeOverlay saying what its
// nodes offer (render emits one per such pool, scoped by karpenter.sh/nodepool and instance type);
// and the config labels of a pool must name configs that exist.
#include <algorithm>

#include "lint/checks.h"

namespace gpuslice::lint {

namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

/// Whether an overlay adds capacity to (some of) the pool's nodes: its nodepool and
/// instance-type requirements, where it has them, admit the pool.
bool covers(const Overlay& o, const Pool& p) {
  if (o.capacity.empty()) return false;
  for (const Requirement& r : o.requirements) {
    if (r.op != "In") continue;
    if (r.key == "karpenter.sh/nodepool" && !contains(r.values, p.object->name)) return false;
    if (r.key == "node.kubernetes.io/instance-type" && p.types &&
        std::none_of(p.types->begin(), p.types->end(), [&](const std::string& t) { return contains(r.values, t); }))
      return false;
  }
  return true;
}

bool hasOverlay(const Cluster& cl, const Pool& p) {
  return std::any_of(cl.overlays.begin(), cl.overlays.end(), [&](const Overlay& o) { return covers(o, p); });
}

constexpr const char* kOverlayFix =
    "add a karpenter.sh/v1alpha1 NodeOverlay with requirements karpenter.sh/nodepool In [<pool>] and the pool's "
    "instance types, and capacity {<resource>: \"<per node>\"}; turn on the NodeOverlay feature gate "
    "(`gpuslice render` writes both)";

/// How a pool slices its GPUs ("time-slicing config \"ts-4\"", "MIG layout \"x\""), or "".
std::string slicing(const Manifests& m, const Pool& p, int& line) {
  if (auto mig = p.labels.find("nvidia.com/mig.config"); mig != p.labels.end() && mig->second.value != "all-disabled") {
    line = mig->second.line;
    return "MIG layout \"" + mig->second.value + "\"";
  }
  for (const EmbeddedConfig* c : poolConfigs(m, p)) {
    if (!sharingOf(*c).shared) continue;
    auto label = p.labels.find("nvidia.com/device-plugin.config");
    line = label != p.labels.end() ? label->second.line : p.line;
    return "shared GPUs (device plugin config \"" + c->key + "\")";
  }
  return {};
}

void overlays(const Manifests& m, const Cluster& cl, const Catalog& catalog, std::vector<Finding>& out) {
  for (const Pool& p : cl.pools) {
    if (hasOverlay(cl, p)) continue;
    int line = p.line;
    if (const std::string how = slicing(m, p, line); !how.empty())
      out.push_back(finding("GS501", p.object->file, line, describe(*p.object) + " has " + how + " and no NodeOverlay",
                            kOverlayFix));
    if (!p.types || !p.typesNamed) continue;  // a GPU name (l4) alone does not ask for the slices
    std::vector<std::string> fractional;
    for (const std::string& t : *p.types)
      if (const InstanceType* it = catalog.findType(t); it && it->fractional()) fractional.push_back(t);
    if (fractional.empty()) continue;
    std::string names;
    for (const std::string& f : fractional) names += (names.empty() ? "" : ", ") + f;
    out.push_back(finding("GS502", p.object->file, p.typesLine,
                          describe(*p.object) + " offers fractional GPU types (" + names + ") and no NodeOverlay",
                          "add a karpenter.sh/v1alpha1 NodeOverlay for these types with capacity "
                          "{nvidia.com/gpu: \"1\"}, and turn on the NodeOverlay feature gate"));
  }
}

bool migConfigExists(const Manifests& m, const std::string& name) {
  return std::any_of(m.configs.begin(), m.configs.end(), [&](const EmbeddedConfig& c) {
    return c.kind == ConfigKind::MigParted && at(c.tree, {"mig-configs", name.c_str()}) != nullptr;
  });
}

void labelTargets(const Manifests& m, const Cluster& cl, std::vector<Finding>& out) {
  const bool plugin = anyConfig(m, ConfigKind::DevicePlugin);
  const bool parted = anyConfig(m, ConfigKind::MigParted);
  auto plugMissing = [&](const std::string& file, int line, const std::string& who, const std::string& v) {
    out.push_back(
        finding("GS503", file, line, who + " names device plugin config \"" + v + "\", which no config has",
                "use one of the config names (data keys) of the device plugin ConfigMap, or add \"" + v + "\" to it"));
  };
  auto migMissing = [&](const std::string& file, int line, const std::string& who, const std::string& v) {
    out.push_back(finding("GS504", file, line, who + " names MIG layout \"" + v + "\", which no mig-parted config has",
                          "use a name under mig-configs of the mig-parted config, or add \"" + v + "\" there"));
  };
  for (const Pool& p : cl.pools) {
    if (auto l = p.labels.find("nvidia.com/device-plugin.config");
        plugin && l != p.labels.end() && pluginConfigs(m, l->second.value).empty())
      plugMissing(p.object->file, l->second.line, describe(*p.object), l->second.value);
    if (auto l = p.labels.find("nvidia.com/mig.config");
        parted && l != p.labels.end() && l->second.value != "all-disabled" && !migConfigExists(m, l->second.value))
      migMissing(p.object->file, l->second.line, describe(*p.object), l->second.value);
  }
  for (const HelmValues& h : m.helm) {
    const io::Node* d = at(*h.node, {"devicePlugin", "config", "default"});
    if (plugin && !scalarText(d).empty() && pluginConfigs(m, d->text).empty())
      plugMissing(h.file, d->line, "Helm values devicePlugin.config.default", d->text);
    const io::Node* md = at(*h.node, {"migManager", "config", "default"});
    if (parted && !scalarText(md).empty() && md->text != "all-disabled" && !migConfigExists(m, md->text))
      migMissing(h.file, md->line, "Helm values migManager.config.default", md->text);
  }
}

void podTypes(const Cluster& cl, std::vector<Finding>& out) {
  for (const PodSpec& pod : cl.pods) {
    auto pool = pod.selects.find("karpenter.sh/nodepool");
    auto type = pod.selects.find("node.kubernetes.io/instance-type");
    if (pool == pod.selects.end() || type == pod.selects.end() || pool->second.size() != 1) continue;
    const Pool* p = cl.findPool(pool->second.front().value);
    if (!p || !p->types) continue;
    const bool offered = std::any_of(type->second.begin(), type->second.end(),
                                     [&](const Located& t) { return contains(*p->types, t.value); });
    if (offered) continue;
    out.push_back(finding("GS505", pod.object->file, type->second.front().line,
                          describe(*pod.object) + " selects instance type " + type->second.front().value + " but " +
                              describe(*p->object) + " does not offer it",
                          "select one of the pool's instance types, or drop the instance-type selector and let "
                          "the pool choose"));
  }
}

}  // namespace

void checkPlacement(const Manifests& m, const Cluster& cl, const Catalog& catalog, std::vector<Finding>& out) {
  overlays(m, cl, catalog, out);
  labelTargets(m, cl, out);
  podTypes(cl, out);
}

}  // namespace gpuslice::lint
