// Per workload, the patch that steers its pods to their pool and requests the right resource;
// with --format kustomize, a kustomization that applies them.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "render/detail.h"

namespace gpuslice::detail {

namespace {

/// Whether two mappings have the same members, in any order (`kubectl get` sorts keys, a
/// template need not).
bool sameMembers(const Value& a, const Value& b) {
  if (!a.isMapping() || !b.isMapping()) return a == b;
  if (a.members.size() != b.members.size()) return false;
  for (const ValueMember& m : a.members) {
    const Value* other = b.find(m.key);
    if (!other || !sameMembers(m.value, *other)) return false;
  }
  return true;
}

/// Drops a toleration the template adds that the object already has.
void dropRepeatedTolerations(Value& podTemplate) {
  Value* spec = podTemplate.find("spec");
  Value* list = spec && spec->isMapping() ? spec->find("tolerations") : nullptr;
  if (!list || !list->isSequence()) return;
  std::vector<Value> kept;
  for (Value& t : list->items) {
    const bool seen = std::any_of(kept.begin(), kept.end(), [&](const Value& k) { return sameMembers(k, t); });
    if (!seen) kept.push_back(std::move(t));
  }
  list->items = std::move(kept);
}

/// The object patch: the workload's kind, name and namespace, and the pod template where
/// that kind keeps it.
Value objectPatch(const Workload& w, Value podTemplate) {
  Value object = Value::map();
  object.set("apiVersion", Value::string(apiVersionOf(w.kind)));
  object.set("kind", Value::string(workloadKindName(w.kind)));
  Value& metadata = object.set("metadata", Value::map());
  metadata.set("name", Value::string(w.name));
  metadata.set("namespace", Value::string(w.ns));
  const std::vector<std::string_view> path = podTemplatePath(w.kind);
  Value* at = &object;
  for (std::size_t i = 0; i + 1 < path.size(); ++i) {
    Value* next = at->find(path[i]);
    at = next ? next : &at->set(path[i], Value::map());
  }
  at->set(path.back(), std::move(podTemplate));
  return object;
}

/// The label render puts on a workload's pods so that its topology spread counts them.
constexpr const char* kWorkloadLabel = "gpuslice.io/workload";

/// The pod template's metadata of a workload spread over `minNodes` nodes: the label its
/// topology spread selects. Absent (nullopt) when it is not spread.
std::optional<Value> spreadMetadata(const Workload& w, int minNodes) {
  if (minNodes < 2) return std::nullopt;
  Value labels = Value::map();
  labels.set(kWorkloadLabel, Value::string(w.name));
  Value metadata = Value::map();
  metadata.set("labels", std::move(labels));
  return metadata;
}

/// The topologySpreadConstraints of a workload spread over `minNodes` nodes: its pods (by the
/// label above; a label selector only sees pods of its own namespace) differ by at most one
/// between nodes, and until there are minNodes nodes of its pool each node takes at most one,
/// so that Karpenter launches them. Absent when it is not spread.
std::optional<Value> spreadConstraints(const Workload& w, int minNodes) {
  if (minNodes < 2) return std::nullopt;
  Value matchLabels = Value::map();
  matchLabels.set(kWorkloadLabel, Value::string(w.name));
  Value selector = Value::map();
  selector.set("matchLabels", std::move(matchLabels));
  Value c = Value::map();
  c.set("maxSkew", Value::integer(1));
  c.set("minDomains", Value::integer(minNodes));
  c.set("topologyKey", Value::string("kubernetes.io/hostname"));
  c.set("whenUnsatisfiable", Value::string("DoNotSchedule"));
  c.set("labelSelector", std::move(selector));
  Value list = Value::list();
  list.push(std::move(c));
  return list;
}

/// The comment lines of w's patch: what it does, how to apply it, what it keeps and removes.
std::vector<std::string> patchComments(const Workload& w, const Pool& pool, const std::string& resource,
                                       const std::string& file, const PodPatch& patch, int minNodes) {
  std::vector<std::string> out;
  const char* kind = workloadKindName(w.kind);
  const std::string each = w.gpuCount > 1 ? fmt::format("{} {}", w.gpuCount, resource) : "one " + resource;
  out.push_back(fmt::format("Workload {}: {} pod{} in pool {}, {} each, in container {}.", w.qualifiedName(),
                            w.replicas, w.replicas == 1 ? "" : "s", pool.name, each, w.containerName()));
  if (w.kind == WorkloadKind::Job) {
    out.push_back("A Job's pod template cannot change once created: merge this into its manifest (kustomize) and");
    out.push_back("create the Job again.");
  } else {
    std::string lower = kind;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](char ch) { return ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch; });
    out.push_back(fmt::format("Merge into its {}, e.g.", kind));
    out.push_back(fmt::format("kubectl patch {} {} -n {} --patch-file {}", lower, w.name, w.ns, file));
  }
  out.insert(out.end(), patch.notes.begin(), patch.notes.end());
  if (minNodes > 1) {
    out.push_back(fmt::format("Spread over at least {} nodes: at most {} of its pods on a node, by the label", minNodes,
                              (w.replicas + minNodes - 1) / minNodes));
    out.push_back(fmt::format("{} it puts on them.", kWorkloadLabel));
  }
  return out;
}

/// An error when some workload is spread over nodes (minNodes) but the workload-patch template
/// (a user's own, from --templates) leaves out the placeholders that carry the spread: without
/// them the patch would render without its topologySpreadConstraint and nobody would know.
std::optional<Error> spreadPlaceholdersMissing(const RenderContext& c) {
  const auto spread = std::find_if(c.plan.placements.begin(), c.plan.placements.end(),
                                   [](const Placement& pl) { return pl.minNodes > 1; });
  if (spread == c.plan.placements.end()) return std::nullopt;
  auto it = c.templates.find("workload-patch.yaml");
  if (it == c.templates.end()) return std::nullopt;  // fill reports the missing template
  std::set<std::string> used;
  if (auto e = forEachPlaceholder(it->second, [&](const std::string& name, int) -> std::optional<Error> {
        used.insert(name);
        return std::nullopt;
      })) {
    return e;
  }
  for (const char* name : {"topologySpread", "podMetadata"}) {
    if (used.count(name)) continue;
    const Workload& w = c.set.workloads[spread->workload];
    return Error{
        ErrorKind::BadInput, it->second.file, 0, "",
        fmt::format("{} spreads its pods over at least {} nodes (minNodes, --min-nodes), but this template has no "
                    "${{{}}}: its patches would lose the spread; add ${{podMetadata}} under the pod "
                    "template's metadata and ${{topologySpread}} under its spec, as the built-in template does",
                    w.qualifiedName(), spread->minNodes, name)};
  }
  return std::nullopt;
}

}  // namespace

Result<std::vector<Manifest>> renderPatches(const RenderContext& c) {
  if (auto e = spreadPlaceholdersMissing(c)) return *e;
  // By namespace, then name, whatever order the workload files had.
  std::vector<std::size_t> order(c.plan.placements.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  auto id = [&](std::size_t i) {
    const Workload& w = c.set.workloads[c.plan.placements[i].workload];
    return std::pair{w.ns, w.name};
  };
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return id(a) < id(b); });
  std::vector<Manifest> out;
  for (std::size_t i : order) {
    const Placement& pl = c.plan.placements[i];
    const Workload& w = c.set.workloads[pl.workload];
    const Pool& pool = c.plan.pools[pl.pool];
    const std::string resource = podResource(c, pool, pl);
    auto patch = podPatch(c, w, pool, resource);
    if (!patch) return patch.error();
    Bindings b;
    b["name"] = Value::string(w.name);
    b["namespace"] = Value::string(w.ns);
    b["nodePool"] = Value::string(pool.name);
    b["container"] = Value::string(w.containerName());
    b["nodeSelector"] = patch->nodeSelector;
    b["affinity"] = patch->affinity;
    b["tolerations"] = patch->tolerations;
    b["gpuRequest"] = patch->resources;
    b["podMetadata"] = spreadMetadata(w, pl.minNodes);
    b["topologySpread"] = spreadConstraints(w, pl.minNodes);
    auto podTemplate = c.fill("workload-patch.yaml", b);
    if (!podTemplate) return podTemplate.error();
    dropRepeatedTolerations(*podTemplate);
    const std::string file = fmt::format("patch-{}.{}.yaml", w.ns, w.name);
    out.push_back({Part::Patches, file, patchComments(w, pool, resource, file, *patch, pl.minNodes),
                   objectPatch(w, std::move(*podTemplate)), false});
  }
  return out;
}

Result<std::vector<Manifest>> renderKustomization(const RenderContext& c, const std::vector<Manifest>& soFar) {
  Value resources = Value::list();
  Value patches = Value::list();
  for (const Manifest& m : soFar) {
    if (m.kubernetesObject) resources.push(Value::string(m.file));
    if (m.part != Part::Patches) continue;
    // The target: the patch's own kind, name and namespace, so an edited template stays consistent.
    Value target = Value::map();
    const Value* apiVersion = m.body.find("apiVersion");
    if (apiVersion && apiVersion->isString()) {
      const std::string& av = apiVersion->text;
      const auto slash = av.find('/');
      if (slash != std::string::npos) target.set("group", Value::string(av.substr(0, slash)));
      target.set("version", Value::string(slash == std::string::npos ? av : av.substr(slash + 1)));
    }
    for (const char* key : {"kind"}) {
      if (const Value* v = m.body.find(key)) target.set(key, *v);
    }
    for (const char* key : {"name", "namespace"}) {
      if (const Value* v = m.body.at({"metadata", key})) target.set(key, *v);
    }
    Value patch = Value::map();
    patch.set("path", Value::string(m.file));
    patch.set("target", std::move(target));
    patches.push(std::move(patch));
  }
  auto k = c.fill("kustomization.yaml", {{"resources", std::move(resources)}, {"patches", std::move(patches)}});
  if (!k) return k.error();
  std::vector<Manifest> out;
  out.push_back({Part::Patches,
                 "kustomization.yaml",
                 {"Applies the rendered objects and patches the workloads' objects: add those (or a base",
                  "holding them) to resources, then kubectl apply -k DIR"},
                 std::move(*k),
                 false});
  return out;
}

}  // namespace gpuslice::detail
