// What a workload's patch sets on its pods: one GPU resource, one placement, the tolerations
// it keeps. Every field a patch sets on the pod is decided in podPatch().
#include <fmt/format.h>

#include <algorithm>
#include <string_view>

#include "render/detail.h"

namespace gpuslice {

std::string currentKey(std::string_view kind, std::string_view ns, std::string_view name) {
  return fmt::format("{}/{}/{}", kind, ns, name);
}

namespace detail {

namespace {

constexpr std::string_view kNodePoolKey = "karpenter.sh/nodepool";
/// The placement keys a patch removes without knowing the object: it cannot remove a
/// prefix, only keys.
constexpr std::string_view kFixedPlacementKeys[] = {"node.kubernetes.io/instance-type",
                                                    "beta.kubernetes.io/instance-type", "nvidia.com/gpu.product"};

bool startsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

const Value* at(const Value& v, const std::vector<std::string_view>& path) {
  const Value* out = &v;
  for (std::string_view key : path) {
    out = out->isMapping() ? out->find(key) : nullptr;
    if (!out) return nullptr;
  }
  return out;
}

/// The items of a list member of `v`, or none.
const std::vector<Value>& listOf(const Value* v, std::string_view key) {
  static const std::vector<Value> none;
  const Value* list = v && v->isMapping() ? v->find(key) : nullptr;
  return list && list->isSequence() ? list->items : none;
}

std::string textOf(const Value* v) { return v && v->isString() ? v->text : std::string(); }

/// Everything podPatch learns from the workload's current object.
struct CurrentPod {
  const CurrentObject* object = nullptr;
  const Value* spec = nullptr;       ///< the pod template's spec
  const Value* container = nullptr;  ///< the container that gets the GPU
};

Error workloadError(const Workload& w, std::string message) {
  return Error{ErrorKind::BadInput, w.source.file, w.source.line, w.source.field,
               fmt::format("workload {}: {}", w.qualifiedName(), std::move(message))};
}

/// The first GPU resource container `c` requests or limits, or empty.
std::string firstGpuResource(const Value& c) {
  for (const char* kind : {"requests", "limits"}) {
    const Value* resources = c.at({"resources", kind});
    if (!resources || !resources->isMapping()) continue;
    for (const ValueMember& m : resources->members) {
      if (gpuResource(m.key)) return m.key;
    }
  }
  return "";
}

/// A container other than the GPU's that asks for a GPU resource: the pod would need two
/// slots, which no plan gives it.
std::optional<Error> otherGpuContainer(const Workload& w, const CurrentPod& cur) {
  for (const char* list : {"initContainers", "containers"}) {
    for (const Value& c : listOf(cur.spec, list)) {
      const std::string resource = &c == cur.container ? "" : firstGpuResource(c);
      if (resource.empty()) continue;
      return Error{ErrorKind::BadInput, cur.object->file, c.line, "",
                   fmt::format("workload {}: container {} also asks for {}; gpuslice plans one GPU slot per pod, "
                               "for container {}",
                               w.qualifiedName(), textOf(c.find("name")), resource, w.containerName())};
    }
  }
  return std::nullopt;
}

Result<CurrentPod> currentPod(const RenderContext& c, const Workload& w) {
  CurrentPod cur;
  if (!c.options.current) return cur;
  const char* kind = workloadKindName(w.kind);
  auto it = c.options.current->find(currentKey(kind, w.ns, w.name));
  if (it == c.options.current->end()) {
    return workloadError(w, fmt::format("no {} {} among the --current objects", kind, w.qualifiedName()));
  }
  cur.object = &it->second;
  cur.spec = at(cur.object->object, podTemplatePath(w.kind));
  if (cur.spec) cur.spec = cur.spec->isMapping() ? cur.spec->find("spec") : nullptr;
  if (!cur.spec || !cur.spec->isMapping()) {
    return workloadError(w, fmt::format("its {} in {} has no pod template spec", kind, cur.object->file));
  }
  std::vector<std::string> names;
  for (const Value& container : listOf(cur.spec, "containers")) {
    names.push_back(textOf(container.find("name")));
    if (names.back() == w.containerName()) cur.container = &container;
  }
  if (!cur.container) {
    return workloadError(w, fmt::format("its {} in {}:{} has no container {} (it has {}); set the workload's "
                                        "container field",
                                        kind, cur.object->file, cur.object->object.line, w.containerName(),
                                        names.empty() ? "none" : fmt::format("{}", fmt::join(names, ", "))));
  }
  if (auto e = otherGpuContainer(w, cur)) return *e;
  return cur;
}

/// The pool's node selector: the pool's name, and null (delete) for each placement key the
/// object has, or for the fixed ones when the object is not known.
Value nodeSelector(const Pool& pool, const CurrentPod& cur, std::vector<std::string>& removed) {
  Value selector = Value::map();
  selector.set(kNodePoolKey, Value::string(pool.name));
  if (!cur.object) {
    for (std::string_view key : kFixedPlacementKeys) selector.set(key, Value());
    return selector;
  }
  if (const Value* old = cur.spec->find("nodeSelector"); old && old->isMapping()) {
    for (const ValueMember& m : old->members) {
      if (m.key == kNodePoolKey || !placementKey(m.key)) continue;
      selector.set(m.key, Value());
      removed.push_back("nodeSelector " + m.key);
    }
  }
  return selector;
}

/// `term` without its matchExpressions on placement keys; their keys go to `removed`.
Value withoutPlacement(const Value& term, std::vector<std::string>& removed) {
  Value out = term;
  Value* expressions = out.find("matchExpressions");
  if (!expressions || !expressions->isSequence()) return out;
  std::vector<Value> kept;
  for (Value& e : expressions->items) {
    const std::string key = textOf(e.find("key"));
    if (placementKey(key)) {
      removed.push_back("node affinity on " + key);
    } else {
      kept.push_back(std::move(e));
    }
  }
  expressions->items = std::move(kept);
  if (expressions->items.empty()) {
    out.members.erase(std::remove_if(out.members.begin(), out.members.end(),
                                     [](const ValueMember& m) { return m.key == "matchExpressions"; }),
                      out.members.end());
  }
  return out;
}

/// The new required node affinity, or null to delete it: the terms are ORed, so a term that
/// only placed the pod (now the pool's job) makes the whole requirement hold.
Value requiredAffinity(const Value& required, std::vector<std::string>& removed) {
  Value out = Value::map();
  Value& terms = out.set("nodeSelectorTerms", Value::list());
  for (const Value& term : listOf(&required, "nodeSelectorTerms")) {
    Value t = withoutPlacement(term, removed);
    if (t.members.empty() && !term.members.empty()) return Value();
    terms.push(std::move(t));
  }
  return out;
}

/// The new preferred node affinity, or null: a preference that only placed the pod goes.
Value preferredAffinity(const Value& preferred, std::vector<std::string>& removed) {
  Value out = Value::list();
  for (const Value& p : preferred.items) {
    const Value* preference = p.find("preference");
    if (!preference) {
      out.push(p);
      continue;
    }
    Value kept = p;
    Value t = withoutPlacement(*preference, removed);
    if (t.members.empty() && !preference->members.empty()) continue;
    kept.set("preference", std::move(t));
    out.push(std::move(kept));
  }
  return out.items.empty() ? Value() : out;
}

/// The node affinity patch when the object's node affinity names placement keys; else none.
std::optional<Value> affinity(const CurrentPod& cur, std::vector<std::string>& removed) {
  const Value* node = cur.spec ? cur.spec->at({"affinity", "nodeAffinity"}) : nullptr;
  if (!node || !node->isMapping()) return std::nullopt;
  const std::size_t before = removed.size();
  Value patch = Value::map();
  const char* requiredKey = "requiredDuringSchedulingIgnoredDuringExecution";
  const char* preferredKey = "preferredDuringSchedulingIgnoredDuringExecution";
  if (const Value* r = node->find(requiredKey); r && r->isMapping()) {
    const std::size_t had = removed.size();
    Value v = requiredAffinity(*r, removed);
    if (removed.size() > had) patch.set(requiredKey, std::move(v));
  }
  if (const Value* p = node->find(preferredKey); p && p->isSequence()) {
    const std::size_t had = removed.size();
    Value v = preferredAffinity(*p, removed);
    if (removed.size() > had) patch.set(preferredKey, std::move(v));
  }
  if (removed.size() == before) return std::nullopt;
  Value out = Value::map();
  out.set("nodeAffinity", std::move(patch));
  return out;
}

/// Requests and limits: `count` of the pool's resource (gpu.count whole GPUs, else one slot),
/// null (delete) for every other GPU resource the container asks for, or for nvidia.com/gpu when
/// the object is not known.
Value resources(const std::string& resource, int count, const CurrentPod& cur, std::vector<std::string>& removed) {
  Value out = Value::map();
  out.set(resource, Value::integer(count));
  if (!cur.object) {
    if (resource != kGpuResource) out.set(kGpuResource, Value());
    return out;
  }
  for (const char* kind : {"requests", "limits"}) {
    const Value* old = cur.container->at({"resources", kind});
    if (!old || !old->isMapping()) continue;
    for (const ValueMember& m : old->members) {
      if (m.key == resource || !gpuResource(m.key) || out.find(m.key)) continue;
      out.set(m.key, Value());
      removed.push_back("resource " + m.key);
    }
  }
  return out;
}

/// The comment lines that say what the patch keeps and removes.
std::vector<std::string> notes(const CurrentPod& cur, std::size_t tolerations,
                               const std::vector<std::string>& removed) {
  if (!cur.object) {
    return {"Not knowing the object (render --current FILE reads it), this patch sets the pod's tolerations to",
            "gpuslice's alone (a strategic merge replaces the list): add the workload's own to it, and remove any",
            "other placement key (karpenter.k8s.aws/..., node affinity) from the workload by hand."};
  }
  std::vector<std::string> out;
  out.push_back(fmt::format("From {}:{} (--current): keeps its {} toleration{}{}", cur.object->file,
                            cur.object->object.line, tolerations, tolerations == 1 ? "" : "s",
                            removed.empty() ? "; removes nothing" : "; removes:"));
  for (const std::string& r : removed) out.push_back("  " + r);
  return out;
}

}  // namespace

std::vector<std::string_view> podTemplatePath(WorkloadKind k) {
  if (k == WorkloadKind::CronJob) return {"spec", "jobTemplate", "spec", "template"};
  return {"spec", "template"};
}

const char* apiVersionOf(WorkloadKind k) {
  return k == WorkloadKind::Job || k == WorkloadKind::CronJob ? "batch/v1" : "apps/v1";
}

bool placementKey(std::string_view key) {
  for (std::string_view fixed : kFixedPlacementKeys) {
    if (key == fixed) return true;
  }
  // Karpenter's and EKS's own node labels (instance family, GPU name, capacity type, node
  // group, ...): the pool's NodePool decides all of them now.
  return startsWith(key, "karpenter.k8s.aws/") || startsWith(key, "karpenter.sh/") ||
         startsWith(key, "eks.amazonaws.com/");
}

bool gpuResource(std::string_view key) {
  return key == kGpuResource || startsWith(key, "nvidia.com/gpu.") || startsWith(key, "nvidia.com/mig-");
}

Result<PodPatch> podPatch(const RenderContext& c, const Workload& w, const Pool& pool, const std::string& resource) {
  auto cur = currentPod(c, w);
  if (!cur) return cur.error();
  PodPatch out;
  std::vector<std::string> removed;
  out.nodeSelector = nodeSelector(pool, *cur, removed);
  out.affinity = affinity(*cur, removed);
  out.resources = resources(resource, w.gpuCount, *cur, removed);
  std::size_t kept = 0;
  if (cur->object) {
    const std::vector<Value>& own = listOf(cur->spec, "tolerations");
    kept = own.size();
    if (!own.empty()) {
      out.tolerations = Value::list();
      out.tolerations->items = own;
    }
  }
  out.notes = notes(*cur, kept, removed);
  return out;
}

}  // namespace detail

}  // namespace gpuslice
