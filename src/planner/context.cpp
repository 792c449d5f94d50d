#include "planner/context.h"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "util/glob.h"

namespace gpuslice::detail {

Error workloadError(const Workload& w, ErrorKind kind, const std::string& field, std::string message) {
  int line = w.source.line;
  if (field == ".gpu.model" && w.source.modelLine > 0) line = w.source.modelLine;
  if (field == ".current.instanceType" && w.source.currentLine > 0) line = w.source.currentLine;
  return Error{kind, w.source.file, line, w.source.field + field, std::move(message)};
}

namespace {

using GpuKinds = std::map<std::tuple<std::string, std::int64_t, std::int64_t, double>, std::size_t>;

/// Type `i` of the catalog as a candidate at `price`, its GPU kind numbered in `kinds`.
Candidate candidateOf(const Catalog& catalog, const PlanOptions& options, std::size_t i, Micros price,
                      GpuKinds& kinds) {
  const InstanceType& t = catalog.instanceTypes[i];
  Candidate c;
  c.type = &t;
  c.gpu = catalog.findGpu(t.gpuModel);
  c.index = static_cast<int>(i);
  c.price = price;
  c.allocatable = nodeAllocatable(t, options.maxPodsPerNode, options.daemonSets);
  c.gpus = t.wholeGpus();
  if (!t.fractional()) c.mig = catalog.findMigGpu(t.name);
  c.memory = catalog.gpuMemory(t);
  c.usableMemoryMiB = catalog.usableMemoryMiB(t, options.gpuOverheadMiB);
  // The GPU side of a fit depends on the model and variant, the usable memory and the slice
  // share only.
  const auto kind = std::make_tuple(t.gpuModel, t.gpuMemoryMiB, c.usableMemoryMiB, t.fractional() ? t.gpuCount : 0.0);
  c.gpuKind = static_cast<int>(kinds.emplace(kind, kinds.size()).first->second);
  return c;
}

}  // namespace

bool onlyOnRetiredTypes(const Catalog& catalog, const PlanOptions& options, const std::string& model,
                        std::optional<std::int64_t> variantMiB) {
  if (options.allowRetired) return false;
  bool retired = false;
  for (const InstanceType& t : catalog.instanceTypes) {
    if (t.gpuModel != model || (variantMiB && *variantMiB != t.gpuMemoryMiB) || !Catalog::price(t, options.capacity) ||
        !globMatchAny(options.allowInstanceTypes, t.name)) {
      continue;
    }
    if (!t.retired()) return false;
    retired = true;
  }
  return retired;
}

Result<PlanContext> makeContext(const Catalog& catalog, const PlanOptions& options) {
  PlanContext ctx;
  ctx.catalog = &catalog;
  ctx.options = &options;
  ctx.computeTargetPpm = static_cast<std::int64_t>(std::llround((1.0 - options.headroom) * 1e6));
  bool anyPrice = false;
  GpuKinds kinds;
  for (std::size_t i = 0; i < catalog.instanceTypes.size(); ++i) {
    const InstanceType& t = catalog.instanceTypes[i];
    const auto price = Catalog::price(t, options.capacity);
    if (!price) continue;
    anyPrice = true;
    if (!globMatchAny(options.allowInstanceTypes, t.name)) continue;
    const bool left = t.retired() && !options.allowRetired;
    (left ? ctx.retiredCandidates : ctx.candidates).push_back(candidateOf(catalog, options, i, *price, kinds));
  }
  ctx.gpuKinds = static_cast<int>(kinds.size());
  if (!anyPrice) {
    return Error{ErrorKind::BadInput, catalog.file, 0, "",
                 fmt::format("the price table has no {} prices; pass --pricing FILE with a table that has them",
                             capacityName(options.capacity))};
  }
  return ctx;
}

std::string measuredGpuName(const Workload& w) {
  if (!w.gpuVariantMiB) return w.gpuModel;
  return fmt::format("{} ({:g} GiB)", w.gpuModel, static_cast<double>(*w.gpuVariantMiB) / 1024.0);
}

namespace {

/// What a workload's gpu.model resolves to: the model's own name and the variant it names.
struct ResolvedName {
  std::string model;
  std::optional<std::int64_t> variantMiB;
};

/// The model and variant `name` names: a name of the GPU table, else a model of the price table
/// (compared without regard to case); nullopt when neither knows it.
std::optional<ResolvedName> resolveName(const Catalog& catalog, const std::string& name) {
  if (auto g = catalog.findGpuName(name)) {
    ResolvedName r{g->model->name, std::nullopt};
    if (g->variant) r.variantMiB = g->variant->ec2MiB;
    return r;
  }
  for (const InstanceType& t : catalog.instanceTypes) {
    if (sameGpuName(t.gpuModel, name)) return ResolvedName{t.gpuModel, std::nullopt};
  }
  return std::nullopt;
}

Error unknownModel(const Workload& w, const Catalog& catalog) {
  std::vector<std::string> names;
  for (const GpuModel& g : catalog.gpus) names.push_back(g.name);
  return workloadError(w, ErrorKind::BadInput, ".gpu.model",
                       fmt::format("unknown GPU model \"{}\"; known: {} (in any case, or another name "
                                   "`gpuslice catalog gpus` lists)",
                                   w.gpuModel, fmt::join(names, ", ")));
}

/// Checks `w`'s resolved GPU against its current instance type `t`.
std::optional<Error> checkCurrent(const Workload& w, const ResolvedName& r, const InstanceType& t) {
  if (r.model != t.gpuModel) {
    return workloadError(w, ErrorKind::BadInput, ".gpu.model",
                         fmt::format("\"{}\" does not match current.instanceType {}, which has {} GPUs", w.gpuModel,
                                     t.name, t.gpuModel));
  }
  if (r.variantMiB && *r.variantMiB != t.gpuMemoryMiB) {
    return workloadError(w, ErrorKind::BadInput, ".gpu.model",
                         fmt::format("\"{}\" names the {} with {:g} GiB per GPU, but current.instanceType {} has "
                                     "{} GPUs with {:g} GiB",
                                     w.gpuModel, r.model, static_cast<double>(*r.variantMiB) / 1024.0, t.name,
                                     t.gpuModel, static_cast<double>(t.gpuMemoryMiB) / 1024.0));
  }
  return std::nullopt;
}

}  // namespace

Result<const std::vector<Workload>*> resolveWorkloads(const WorkloadSet& set, const Catalog& catalog,
                                                      std::vector<Workload>& filled) {
  // Per workload: its resolved model and variant. Names repeat, so each is looked up once.
  std::map<std::string, std::optional<ResolvedName>> lookedUp;
  std::vector<ResolvedName> resolved(set.workloads.size());
  bool changed = false;
  ErrorList errors;
  for (std::size_t i = 0; i < set.workloads.size(); ++i) {
    const Workload& w = set.workloads[i];
    const InstanceType* current = nullptr;
    if (w.currentType) {
      current = catalog.findCurrentType(*w.currentType);
      if (!current) {
        errors.push_back(workloadError(
            w, ErrorKind::BadInput, ".current.instanceType",
            fmt::format("unknown instance type \"{}\" (not in the price table {})", *w.currentType, catalog.file)));
        continue;
      }
    }
    if (w.gpuModel.empty()) {
      if (!current) {
        errors.push_back(
            workloadError(w, ErrorKind::BadInput, ".gpu.model", "required when current.instanceType is not given"));
        continue;
      }
      resolved[i].model = current->gpuModel;
      changed = true;
      continue;
    }
    auto it = lookedUp.find(w.gpuModel);
    if (it == lookedUp.end()) it = lookedUp.emplace(w.gpuModel, resolveName(catalog, w.gpuModel)).first;
    if (!it->second) {
      errors.push_back(unknownModel(w, catalog));
      continue;
    }
    if (current) {
      if (auto e = checkCurrent(w, *it->second, *current)) {
        errors.push_back(std::move(*e));
        continue;
      }
    }
    resolved[i] = *it->second;
    changed = changed || resolved[i].model != w.gpuModel || resolved[i].variantMiB;
  }
  if (!errors.empty()) return errors;
  if (!changed) return &set.workloads;
  filled = set.workloads;
  for (std::size_t i = 0; i < filled.size(); ++i) {
    filled[i].gpuModel = std::move(resolved[i].model);
    filled[i].gpuVariantMiB = resolved[i].variantMiB;
  }
  return &filled;
}

}  // namespace gpuslice::detail
