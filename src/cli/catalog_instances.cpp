#include "cli/catalog_instances.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "io/tree_writer.h"
#include "model/node_capacity.h"

namespace gpuslice::cli {

namespace {

/// Whether type `t` has the GPU `filter.gpu` names (`named`: its model and variant, if any).
bool hasGpu(const Catalog& catalog, const InstanceType& t, const std::optional<GpuName>& named,
            const std::string& name) {
  if (!named) return sameGpuName(t.gpuModel, name);  // a model only the price table names
  if (t.gpuModel != named->model->name) return false;
  return !named->variant || catalog.gpuMemory(t).variant == named->variant;
}

void writeType(io::TreeWriter& w, const Catalog& catalog, const InstanceType& t) {
  const GpuMemoryFigure m = catalog.gpuMemory(t);
  const auto price = [&](const char* key, const std::optional<Micros>& p) {
    if (p) w.field(key, static_cast<double>(*p) / 1e6);
  };
  w.beginMap();
  w.field("arch", archName(t.arch));
  w.key("gpu");
  w.beginMap();
  w.field("count", t.gpuCount);
  w.field("memoryMiB", m.mib);
  w.field("memorySource", m.nvml ? "nvml" : "ec2");
  w.field("mig", catalog.findMigGpu(t.name) != nullptr);
  w.field("model", t.gpuModel);
  w.endMap();
  w.field("maxPods", nodeMaxPods(t));
  w.field("memoryGiB", static_cast<double>(t.memoryMiB) / 1024.0);
  w.field("name", t.name);
  price("onDemand", t.onDemand);
  price("reserved1y", t.reserved1y);
  price("reserved3y", t.reserved3y);
  price("spot", t.spot);
  w.field("status", typeStatusName(t.status));
  w.field("vcpu", t.vcpu);
  w.endMap();
}

}  // namespace

const char* const kInstancesJsonHelp = R"(--format json: one object, keys in byte order:
  currency, date, region, source   the price table's metadata
  filters        what was asked: gpu (string), maxPrice (number), mig (true); only those given
  instanceTypes  the types listed, by name, each {arch, gpu: {count, memoryMiB, memorySource,
                 mig, model}, maxPods, memoryGiB, name, onDemand, reserved1y, reserved3y, spot,
                 status, vcpu}; prices in USD per hour, left out where the table has none;
                 gpu.memoryMiB is one GPU (or slice) as the planner counts it, memorySource
                 "nvml" (NVML's total) or "ec2" (the EC2 figure, assumed); gpu.mig: the MIG
                 catalog has the GPU's profiles; maxPods: ENIs x (IPv4 per ENI - 1) + 2,
                 or 110 where the table knows no ENI limits
  total          how many types the table has before the filters)";

Result<Catalog> filterInstances(Catalog catalog, const InstanceFilter& filter) {
  std::optional<GpuName> named;
  if (!filter.gpu.empty()) {
    named = catalog.findGpuName(filter.gpu);
    const bool inTable = std::any_of(catalog.instanceTypes.begin(), catalog.instanceTypes.end(),
                                     [&](const InstanceType& t) { return sameGpuName(t.gpuModel, filter.gpu); });
    if (!named && !inTable) {
      std::vector<std::string> names;
      for (const GpuModel& g : catalog.gpus) names.push_back(g.name);
      return Error{ErrorKind::Usage, "", 0, "--gpu",
                   fmt::format("unknown GPU model \"{}\"; known: {} (in any case, or another name `gpuslice catalog "
                               "gpus` lists)",
                               filter.gpu, fmt::join(names, ", "))};
    }
  }
  const std::optional<Micros> cap =
      filter.maxPrice ? std::optional<Micros>(std::llround(*filter.maxPrice * 1e6)) : std::nullopt;
  std::vector<InstanceType> kept;
  for (InstanceType& t : catalog.instanceTypes) {
    if (!filter.gpu.empty() && !hasGpu(catalog, t, named, filter.gpu)) continue;
    if (filter.mig && !catalog.findMigGpu(t.name)) continue;
    if (cap && (!t.onDemand || *t.onDemand > *cap)) continue;
    kept.push_back(std::move(t));
  }
  catalog.instanceTypes = std::move(kept);
  return catalog;
}

std::string filterText(const InstanceFilter& filter) {
  std::vector<std::string> parts;
  if (!filter.gpu.empty()) parts.push_back("--gpu " + filter.gpu);
  if (filter.mig) parts.push_back("--mig");
  if (filter.maxPrice) parts.push_back(fmt::format("--max-price {}", *filter.maxPrice));
  return fmt::format("{}", fmt::join(parts, ", "));
}

std::string instancesJson(const Catalog& catalog, const InstanceFilter& filter, std::size_t all) {
  std::string out;
  io::JsonWriter w(out);
  w.beginMap();
  w.field("currency", catalog.currency);
  w.field("date", catalog.date);
  w.key("filters");
  w.beginMap();
  if (!filter.gpu.empty()) w.field("gpu", filter.gpu);
  if (filter.maxPrice) w.field("maxPrice", *filter.maxPrice);
  if (filter.mig) w.field("mig", true);
  w.endMap();
  w.key("instanceTypes");
  w.beginList();
  for (const InstanceType& t : catalog.instanceTypes) writeType(w, catalog, t);
  w.endList();
  w.field("region", catalog.region);
  w.field("source", catalog.source);
  w.field("total", static_cast<std::int64_t>(all));
  w.endMap();
  return out;  // the writer ends the document with a newline
}

}  // namespace gpuslice::cli
