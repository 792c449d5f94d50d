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

Result<PlanContext> makeContext(const Catalog& catalog, const PlanOptions& options) {
  PlanContext ctx;
  ctx.catalog = &catalog;
  ctx.options = &options;
  ctx.computeTargetPpm = static_cast<std::int64_t>(std::llround((1.0 - options.headroom) * 1e6));
  bool anyPrice = false;
  std::map<std::tuple<std::string, std::int64_t, double>, std::size_t> kinds;
  for (std::size_t i = 0; i < catalog.instanceTypes.size(); ++i) {
    const InstanceType& t = catalog.instanceTypes[i];
    const auto price = Catalog::price(t, options.capacity);
    if (!price) continue;
    anyPrice = true;
    if (!globMatchAny(options.allowInstanceTypes, t.name)) continue;
    Candidate c;
    c.type = &t;
    c.gpu = catalog.findGpu(t.gpuModel);
    c.index = static_cast<int>(i);
    c.price = *price;
    c.allocatable = nodeAllocatable(t, options.maxPodsPerNode, options.daemonSets);
    c.gpus = t.wholeGpus();
    if (!t.fractional()) c.mig = catalog.findMigGpu(t.name);
    c.usableMemoryMiB = t.usableMemoryMiB(options.gpuOverheadMiB);
    // The GPU side of a fit depends on the model, the usable memory and the slice share only.
    const auto kind = std::make_tuple(t.gpuModel, c.usableMemoryMiB, t.fractional() ? t.gpuCount : 0.0);
    c.gpuKind = static_cast<int>(kinds.emplace(kind, kinds.size()).first->second);
    ctx.candidates.push_back(c);
  }
  ctx.gpuKinds = static_cast<int>(kinds.size());
  if (!anyPrice) {
    return Error{ErrorKind::BadInput, catalog.file, 0, "",
                 fmt::format("the price table has no {} prices; pass --pricing FILE with a table that has them",
                             capacityName(options.capacity))};
  }
  return ctx;
}

Result<const std::vector<Workload>*> resolveWorkloads(const WorkloadSet& set, const Catalog& catalog,
                                                      std::vector<Workload>& filled) {
  const bool copy =
      std::any_of(set.workloads.begin(), set.workloads.end(), [](const Workload& w) { return w.gpuModel.empty(); });
  if (copy) filled = set.workloads;
  const std::vector<Workload>& out = copy ? filled : set.workloads;
  ErrorList errors;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const Workload& w = out[i];
    if (w.currentType) {
      const InstanceType* t = catalog.findType(*w.currentType);
      if (!t) {
        errors.push_back(workloadError(
            w, ErrorKind::BadInput, ".current.instanceType",
            fmt::format("unknown instance type \"{}\" (not in the price table {})", *w.currentType, catalog.file)));
        continue;
      }
      if (w.gpuModel.empty()) {
        filled[i].gpuModel = t->gpuModel;
      } else if (w.gpuModel != t->gpuModel) {
        errors.push_back(workloadError(w, ErrorKind::BadInput, ".gpu.model",
                                       fmt::format("\"{}\" does not match current.instanceType {}, which has {} GPUs",
                                                   w.gpuModel, t->name, t->gpuModel)));
        continue;
      }
    }
    if (w.gpuModel.empty()) {
      errors.push_back(
          workloadError(w, ErrorKind::BadInput, ".gpu.model", "required when current.instanceType is not given"));
      continue;
    }
    const bool known =
        catalog.findGpu(w.gpuModel) || std::any_of(catalog.instanceTypes.begin(), catalog.instanceTypes.end(),
                                                   [&](const InstanceType& t) { return t.gpuModel == w.gpuModel; });
    if (!known) {
      std::vector<std::string> names;
      for (const GpuModel& g : catalog.gpus) names.push_back(g.name);
      errors.push_back(
          workloadError(w, ErrorKind::BadInput, ".gpu.model",
                        fmt::format("unknown GPU model \"{}\"; known: {}", w.gpuModel, fmt::join(names, ", "))));
    }
  }
  if (!errors.empty()) return errors;
  return &out;
}

}  // namespace gpuslice::detail
