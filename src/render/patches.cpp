// Per workload, the patch that steers its pods to their pool and requests the right resource;
// with --format kustomize, a kustomization that applies them.
#include <fmt/format.h>

#include <algorithm>

#include "render/detail.h"

namespace gpuslice::detail {

Result<std::vector<Manifest>> renderPatches(const RenderContext& c) {
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
    Bindings b;
    b["name"] = Value::string(w.name);
    b["namespace"] = Value::string(w.ns);
    b["nodePool"] = Value::string(pool.name);
    b["container"] = Value::string(w.name);
    Value request = Value::map();
    request.set(resource, Value::integer(1));
    b["gpuRequest"] = std::move(request);
    auto patch = c.fill("workload-patch.yaml", b);
    if (!patch) return patch.error();
    out.push_back(
        {Part::Patches,
         fmt::format("patch-{}.{}.yaml", w.ns, w.name),
         {fmt::format("Workload {}/{}: {} pod{} in pool {}, one {} each. Merge into its Deployment, e.g.", w.ns, w.name,
                      w.replicas, w.replicas == 1 ? "" : "s", pool.name, resource),
          fmt::format("kubectl patch deployment {} -n {} --patch-file patch-{}.{}.yaml", w.name, w.ns, w.ns, w.name)},
         std::move(*patch),
         false});
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
                 {"Applies the rendered objects and patches the workloads' Deployments: add those (or a base",
                  "holding them) to resources, then kubectl apply -k DIR"},
                 std::move(*k),
                 false});
  return out;
}

}  // namespace gpuslice::detail
