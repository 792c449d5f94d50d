// render: the plan's pools and placements as manifests, filled into the templates.
#include "render/render.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "render/detail.h"
#include "render/template_fill.h"

namespace gpuslice {

namespace detail {

bool sliced(const Pool& p) { return p.mode != Mode::Dedicated; }

MigStrategy clusterMigStrategy(const Plan& plan, const RenderOptions& o) {
  if (o.sharingVia == SharingVia::Bottlerocket) return MigStrategy::None;
  MigStrategy s = MigStrategy::None;
  for (const Pool& p : plan.pools) {
    if (p.mode != Mode::Mig) continue;
    if (p.migStrategy == MigStrategy::Single && s == MigStrategy::None) s = MigStrategy::Single;
    if (p.migStrategy != MigStrategy::Single) s = MigStrategy::Mixed;
  }
  return s;
}

std::string podResource(const RenderContext& c, const Pool& pool, const Placement& pl) {
  switch (pool.mode) {
    case Mode::Dedicated: return "nvidia.com/gpu";
    case Mode::TimeSlicing:
    case Mode::Mps: return c.options.renameByDefault ? "nvidia.com/gpu.shared" : "nvidia.com/gpu";
    case Mode::Mig: return c.migStrategy == MigStrategy::Mixed ? "nvidia.com/mig-" + pl.profile : "nvidia.com/gpu";
  }
  return "nvidia.com/gpu";
}

std::string devicePluginKey(const RenderContext& c, const Pool& p) {
  switch (p.mode) {
    case Mode::Dedicated: return "dedicated";
    case Mode::TimeSlicing: return fmt::format("time-slicing-{}", p.replicas);
    case Mode::Mps: return fmt::format("mps-{}", p.replicas);
    case Mode::Mig: return std::string("mig-") + migStrategyName(c.migStrategy);
  }
  return "dedicated";
}

Result<std::string> objectName(const RenderContext& c, const std::string& templateName, const Value& object) {
  const Value* name = object.at({"metadata", "name"});
  if (!name || !name->isString() || name->text.empty()) {
    const Template& t = c.templates.at(templateName);
    return Error{ErrorKind::BadInput, t.file, t.root.line, "metadata.name", "must be a non-empty string"};
  }
  return name->text;
}

Error planError(const Pool& p, std::string message) {
  return Error{ErrorKind::BadInput, "", 0, "pools." + p.name, std::move(message)};
}

std::optional<Error> checkPool(const RenderContext& c, const Pool& p) {
  if (const InstanceType* t = c.catalog.findType(p.instanceType); t && t->retired()) {
    return planError(p, fmt::format("{} is retired{}: EC2 no longer offers it, so these nodes cannot be launched; "
                                    "plan again without --allow-retired",
                                    t->name, t->statusSource.empty() ? "" : " (" + t->statusSource + ")"));
  }
  if (p.mode == Mode::TimeSlicing || p.mode == Mode::Mps) {
    if (p.replicas < 2) {
      return planError(p, fmt::format("{} needs replicas >= 2 (the device plugin rejects fewer), got {}",
                                      modeName(p.mode), p.replicas));
    }
    const int limit = p.mode == Mode::Mps ? mpsClientLimit(c.catalog.findGpu(p.gpuModel)) : kMpsClientLimit;
    if (p.replicas > limit) {
      return planError(p, fmt::format("{} allows at most {} replicas per {} GPU, got {}", modeName(p.mode), limit,
                                      p.gpuModel, p.replicas));
    }
  }
  if (p.mode == Mode::Mig) {
    if (p.geometry.empty() || static_cast<int>(p.geometry.size()) != p.gpusPerNode) {
      return planError(p, fmt::format("a MIG pool needs one geometry per GPU of a node ({}), got {}", p.gpusPerNode,
                                      p.geometry.size()));
    }
    for (const auto& gpu : p.geometry) {
      if (gpu.empty()) return planError(p, "every GPU of a MIG pool needs at least one MIG instance");
    }
  }
  if (p.nodes < 0 || p.gpusPerNode < 1) return planError(p, "nodes and gpusPerNode must be positive");
  return std::nullopt;
}

}  // namespace detail

Result<Value> detail::RenderContext::fill(const std::string& name, const detail::Bindings& b) const {
  auto it = templates.find(name);
  if (it == templates.end()) {
    return Error{ErrorKind::BadInput, "", 0, "", fmt::format("template {} is missing", name)};
  }
  return detail::fill(it->second, b);
}

Result<std::vector<Manifest>> render(const Plan& plan, const WorkloadSet& set, const Catalog& catalog,
                                     const RenderOptions& options, const Templates& templates) {
  for (const TemplateSpec& spec : templateSpecs()) {
    auto it = templates.find(spec.name);
    if (it == templates.end()) {
      return Error{ErrorKind::BadInput, "", 0, "", fmt::format("template {} is missing", spec.name)};
    }
    if (auto e = checkTemplate(it->second)) return *e;
  }
  detail::RenderContext c{plan, set, catalog, options, templates, detail::clusterMigStrategy(plan, options)};
  bool mps = false;
  std::string mixedPool;
  for (const Pool& p : plan.pools) {
    if (auto e = detail::checkPool(c, p)) return *e;
    mps = mps || p.mode == Mode::Mps;
    if (p.mode == Mode::Mig && p.migStrategy != MigStrategy::Single && mixedPool.empty()) mixedPool = p.name;
  }
  if (options.sharingVia == SharingVia::GpuOperator && mps && !mixedPool.empty()) {
    return Error{ErrorKind::Usage, "", 0, "",
                 fmt::format("MIG pool {} needs mig.strategy mixed, which the GPU Operator passes to every node's "
                             "device plugin, and the device plugin refuses MPS with the mixed strategy; re-plan "
                             "without MPS or without that MIG pool",
                             mixedPool)};
  }
  if (options.sharingVia == SharingVia::Bottlerocket && options.ami != Ami::Bottlerocket) {
    return Error{ErrorKind::Usage, "", 0, "--sharing-via", "bottlerocket needs --ami bottlerocket"};
  }
  std::vector<Manifest> out;
  auto add = [&](Result<std::vector<Manifest>> r) -> std::optional<Error> {
    if (!r) return r.error();
    for (Manifest& m : *r) out.push_back(std::move(m));
    return std::nullopt;
  };
  // ConfigMaps are built whatever --only says: the Helm values need their names.
  auto configMaps = detail::renderConfigMaps(c);
  if (!configMaps) return configMaps.error();
  if (options.parts & bit(Part::ConfigMaps)) {
    for (const Manifest& m : configMaps->manifests) out.push_back(m);
  }
  if (options.parts & bit(Part::Karpenter)) {
    if (ErrorList drivers = detail::driverProblems(c); !drivers.empty()) return drivers;
    if (auto e = add(detail::renderKarpenter(c))) return *e;
  }
  if (options.parts & bit(Part::HelmValues)) {
    if (auto e = add(detail::renderHelmValues(c, *configMaps))) return *e;
  }
  if (options.parts & bit(Part::Patches)) {
    if (auto e = add(detail::renderPatches(c))) return *e;
  }
  if (options.kustomization) {
    if (auto e = add(detail::renderKustomization(c, out))) return *e;
  }
  return out;
}

std::string manifestText(const Manifest& m) {
  std::string out;
  for (const std::string& line : m.comments) out += "# " + line + "\n";
  return out + toYaml(m.body);
}

}  // namespace gpuslice
