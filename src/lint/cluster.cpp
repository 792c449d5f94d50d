#include "lint/cluster.h"

#include <algorithm>
#include <charconv>
#include <set>

namespace gpuslice::lint {

const Pool* Cluster::findPool(const std::string& name) const {
  for (const Pool& p : pools)
    if (p.object->name == name) return &p;
  return nullptr;
}

std::string describe(const Object& o) { return o.name.empty() ? o.kind : o.kind + " \"" + o.name + "\""; }

bool isMigResource(const std::string& name) { return name.starts_with("nvidia.com/mig-"); }

std::vector<const EmbeddedConfig*> pluginConfigs(const Manifests& m, const std::string& key) {
  std::vector<const EmbeddedConfig*> found;
  for (const EmbeddedConfig& c : m.configs)
    if (c.kind == ConfigKind::DevicePlugin && c.key == key) found.push_back(&c);
  return found;
}

bool anyConfig(const Manifests& m, ConfigKind kind) {
  return std::any_of(m.configs.begin(), m.configs.end(), [&](const EmbeddedConfig& c) { return c.kind == kind; });
}

std::optional<long> integerOf(const io::Node& n) {
  if (!n.isScalar() || n.quoted) return std::nullopt;
  long v = 0;
  const auto [end, ec] = std::from_chars(n.text.data(), n.text.data() + n.text.size(), v);
  if (ec != std::errc() || end != n.text.data() + n.text.size()) return std::nullopt;
  return v;
}

Sharing sharingOf(const EmbeddedConfig& c) {
  Sharing s;
  for (const char* mode : {"mps", "timeSlicing"}) {
    const io::Node* section = at(c.tree, {"sharing", mode});
    if (!section) continue;
    if (const io::Node* res = section->find("resources"); res && res->isSequence())
      for (const io::Node& r : res->items)
        if (const io::Node* n = r.isMapping() ? r.find("replicas") : nullptr; n && integerOf(*n).value_or(0) > 1)
          s.shared = true;
    s.renamed = scalarText(section->find("renameByDefault")) == "true";
    break;  // with both, the plugin uses mps
  }
  return s;
}

std::vector<const EmbeddedConfig*> poolConfigs(const Manifests& m, const Pool& p) {
  if (auto it = p.labels.find("nvidia.com/device-plugin.config"); it != p.labels.end())
    return pluginConfigs(m, it->second.value);
  std::string def = "default";
  for (const HelmValues& h : m.helm)
    if (auto d = scalarText(at(*h.node, {"devicePlugin", "config", "default"})); !d.empty()) def = d;
  return pluginConfigs(m, def);
}

namespace {

std::vector<Requirement> requirementsOf(const io::Node* list) {
  std::vector<Requirement> out;
  if (!list || !list->isSequence()) return out;
  for (const io::Node& r : list->items) {
    if (!r.isMapping()) continue;
    Requirement req{scalarText(r.find("key")), scalarText(r.find("operator")), {}, r.line};
    if (const io::Node* values = r.find("values"); values && values->isSequence())
      for (const io::Node& v : values->items)
        if (v.isScalar()) req.values.push_back(v.text);
    out.push_back(std::move(req));
  }
  return out;
}

const Requirement* findIn(const std::vector<Requirement>& reqs, const char* key) {
  for (const Requirement& r : reqs)
    if (r.key == key && r.op == "In") return &r;
  return nullptr;
}

bool contains(const std::vector<std::string>& values, std::string_view v) {
  return std::find(values.begin(), values.end(), v) != values.end();
}

std::string familyOf(const std::string& type) { return type.substr(0, type.find('.')); }

/// The instance types a pool may launch (Pool::types).
void resolveTypes(Pool& pool, const Catalog& catalog) {
  if (const Requirement* r = findIn(pool.requirements, "node.kubernetes.io/instance-type")) {
    pool.types = r->values;
    pool.typesLine = r->line;
    pool.typesNamed = true;
    return;
  }
  const Requirement* family = findIn(pool.requirements, "karpenter.k8s.aws/instance-family");
  const Requirement* gpu = findIn(pool.requirements, "karpenter.k8s.aws/instance-gpu-name");
  if (!family && !gpu) return;
  std::vector<std::string> types;
  for (const InstanceType& t : catalog.instanceTypes) {
    if (family && !contains(family->values, familyOf(t.name))) continue;
    if (gpu && std::none_of(gpu->values.begin(), gpu->values.end(),
                            [&](const std::string& g) { return sameGpuName(g, t.gpuModel); }))
      continue;
    types.push_back(t.name);
  }
  pool.types = std::move(types);
  pool.typesLine = (family ? family : gpu)->line;
  pool.typesNamed = family != nullptr;
}

Pool poolOf(const Object& o, const Catalog& catalog) {
  Pool pool{&o, o.node->line, {}, {}, std::nullopt, 0, false};
  if (const io::Node* spec = at(*o.node, {"spec", "template", "spec"}))
    pool.requirements = requirementsOf(spec->find("requirements"));
  if (const io::Node* labels = at(*o.node, {"spec", "template", "metadata", "labels"}); labels && labels->isMapping())
    for (const io::NodeMember& m : labels->members) pool.labels[m.first] = Located{scalarText(&m.second), m.keyLine};
  resolveTypes(pool, catalog);
  return pool;
}

Overlay overlayOf(const Object& o) {
  Overlay overlay{&o, requirementsOf(at(*o.node, {"spec", "requirements"})), {}};
  if (const io::Node* cap = at(*o.node, {"spec", "capacity"}); cap && cap->isMapping())
    for (const io::NodeMember& m : cap->members) overlay.capacity.push_back(Located{m.first, m.keyLine});
  return overlay;
}

/// The pod spec of a workload kind, or nullptr.
const io::Node* podSpecOf(const Object& o) {
  if (o.kind == "Pod") return at(*o.node, {"spec"});
  static const std::set<std::string> kTemplated = {"Deployment", "StatefulSet", "DaemonSet",
                                                   "ReplicaSet", "Job",         "ReplicationController"};
  if (kTemplated.count(o.kind)) return at(*o.node, {"spec", "template", "spec"});
  if (o.kind == "CronJob") return at(*o.node, {"spec", "jobTemplate", "spec", "template", "spec"});
  return nullptr;
}

void addResources(PodSpec& pod, const io::Node& container) {
  const std::string name = scalarText(container.find("name"));
  for (const char* part : {"requests", "limits"}) {
    const io::Node* r = at(container, {"resources", part});
    if (!r || !r->isMapping()) continue;
    for (const io::NodeMember& m : r->members) {
      if (m.second.isNull()) continue;
      const bool seen = std::any_of(pod.resources.begin(), pod.resources.end(),
                                    [&](const ResourceUse& u) { return u.name == m.first && u.container == name; });
      if (!seen) pod.resources.push_back(ResourceUse{m.first, name, m.keyLine});
    }
  }
}

void addAffinity(PodSpec& pod, const io::Node& spec) {
  const io::Node* terms =
      at(spec, {"affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms"});
  if (!terms || !terms->isSequence() || terms->items.size() != 1) return;  // several terms: any one may hold
  for (const Requirement& r : requirementsOf(at(terms->items[0], {"matchExpressions"}))) {
    if (r.op != "In") continue;
    for (const std::string& v : r.values) pod.selects[r.key].push_back(Located{v, r.line});
  }
}

PodSpec podOf(const Object& o, const io::Node& spec) {
  PodSpec pod{&o, spec.line, {}, {}};
  if (const io::Node* sel = spec.find("nodeSelector"); sel && sel->isMapping())
    for (const io::NodeMember& m : sel->members)
      if (m.second.isScalar()) pod.selects[m.first].push_back(Located{m.second.text, m.keyLine});
  addAffinity(pod, spec);
  for (const char* list : {"initContainers", "containers"}) {
    const io::Node* cs = spec.find(list);
    if (!cs || !cs->isSequence()) continue;
    for (const io::Node& c : cs->items)
      if (c.isMapping()) addResources(pod, c);
  }
  return pod;
}

}  // namespace

Cluster buildCluster(const Manifests& m, const Catalog& catalog) {
  Cluster c;
  for (const Object& o : m.objects) {
    const bool karpenter = o.apiVersion.starts_with("karpenter.sh/");
    if (karpenter && o.kind == "NodePool") c.pools.push_back(poolOf(o, catalog));
    if (karpenter && o.kind == "NodeOverlay") c.overlays.push_back(overlayOf(o));
    if (const io::Node* spec = podSpecOf(o); spec && spec->isMapping()) c.pods.push_back(podOf(o, *spec));
  }
  return c;
}

}  // namespace gpuslice::lint
