// gpuslice catalog: print the instance and GPU tables the planner uses.
#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <tuple>
#include <vector>

#include "cli/catalog_instances.h"
#include "cli/commands.h"
#include "cli/plan_inputs.h"
#include "io/catalog_reader.h"
#include "io/mig_reader.h"
#include "mig/geometry.h"
#include "model/node_capacity.h"

namespace gpuslice::cli {

namespace {

struct CatalogArgs {
  std::string what = "instances";
  std::string pricing;
  std::string region;
  InstanceFilter filter;         ///< catalog instances only
  std::string format = "table";  ///< catalog instances only
};

std::string price(const std::optional<Micros>& p) { return p ? fmt::format("{}", static_cast<double>(*p) / 1e6) : "-"; }

/// Names of the types that `pick` selects, comma-separated.
template <class Pick>
std::string typesWhere(const Catalog& catalog, Pick pick) {
  std::vector<std::string> names;
  for (const InstanceType& t : catalog.instanceTypes) {
    if (pick(t)) names.push_back(t.name);
  }
  return fmt::format("{}", fmt::join(names, ", "));
}

/// How MAX PODS was worked out, and for which types it was not from the table itself.
std::string maxPodsFootnotes(const Catalog& catalog) {
  std::string out =
      "# max pods: ENIs x (IPv4 addresses per ENI - 1) + 2, the VPC CNI's limit that Karpenter and nodeadm give "
      "the kubelet (plan --max-pods overrides it)\n";
  const std::string builtIn =
      typesWhere(catalog, [](const InstanceType& t) { return t.eni && t.eniOrigin == FactOrigin::BuiltIn; });
  if (!builtIn.empty()) out += fmt::format("# max pods from the built-in table's ENI limits: {}\n", builtIn);
  const std::string assumed = typesWhere(catalog, [](const InstanceType& t) { return !t.eni; });
  if (!assumed.empty()) {
    out +=
        fmt::format("# max pods assumed {} (the kubelet default; no ENI limits known): {}\n", kDefaultMaxPods, assumed);
  }
  return out;
}

/// Each status with its date and source, and the types it covers when not all of them.
std::string statusFootnotes(const Catalog& catalog) {
  std::vector<std::tuple<TypeStatus, std::string, std::string>> seen;  // in order of first use
  for (const InstanceType& t : catalog.instanceTypes) {
    const auto key = std::make_tuple(t.status, t.statusDate, t.statusSource);
    if (t.statusOrigin != FactOrigin::Assumed && std::find(seen.begin(), seen.end(), key) == seen.end())
      seen.push_back(key);
  }
  std::string out;
  for (const auto& key : seen) {
    const auto& [status, date, source] = key;
    int count = 0;
    const std::string types = typesWhere(catalog, [&](const InstanceType& t) {
      const bool in =
          t.statusOrigin != FactOrigin::Assumed && std::make_tuple(t.status, t.statusDate, t.statusSource) == key;
      count += in;
      return in;
    });
    out += fmt::format("# {}{} ({}): {}\n", typeStatusName(status), date.empty() ? "" : " as of " + date,
                       status == TypeStatus::Retired ? types : fmt::format("{} type{}", count, count == 1 ? "" : "s"),
                       source);
  }
  const std::string assumed =
      typesWhere(catalog, [](const InstanceType& t) { return t.statusOrigin == FactOrigin::Assumed; });
  if (!assumed.empty()) out += fmt::format("# current assumed (no table states a status): {}\n", assumed);
  return out;
}

/// The MIG column of `catalog gpus`: yes only where the MIG catalog has the model's profiles.
const char* migColumn(const Catalog& catalog, const GpuModel& g) {
  const bool profiles =
      std::any_of(catalog.migGpus.begin(), catalog.migGpus.end(), [&](const MigGpu& m) { return m.model == g.name; });
  if (profiles) return "yes";
  return g.mig == MigSupport::No ? "no" : "no profiles";
}

/// `catalog gpus`: one row per memory variant of each model, then the other names.
std::string gpuTable(const Catalog& catalog) {
  std::string out =
      "# NVML MiB: memory of one GPU as NVML reports it (what nvidia-smi prints; ECC on), per memory variant of\n"
      "# the price table (EC2 GiB); plans use it less --gpu-overhead-mib. assumed: no NVML figure known, the\n"
      "# EC2 figure is used. MIG yes: `gpuslice catalog mig` has its profiles; no profiles: never planned.\n";
  out += fmt::format("{:<30} {:>8} {:>9} {:<9} {:>5} {:<11} {:>4} {:>9}\n", "MODEL", "EC2 GiB", "NVML MiB", "SOURCE",
                     "CC", "MIG", "MPS", "REL THRU");
  std::string names;
  for (const GpuModel& g : catalog.gpus) {
    for (const GpuMemory& m : g.memory) {
      out += fmt::format("{:<30} {:>8g} {:>9} {:<9} {:>5} {:<11} {:>4} {:>9}\n", g.name, m.ec2GiB,
                         m.nvmlMiB ? std::to_string(*m.nvmlMiB) : "-", m.observed ? "observed" : "assumed",
                         g.computeCapability, migColumn(catalog, g), g.mpsMaxClients,
                         g.relativeThroughput ? fmt::format("{:g}", *g.relativeThroughput) : "-");
      if (!m.names.empty())
        names += fmt::format("#   {} ({:g} GiB only): {}\n", g.name, m.ec2GiB, fmt::join(m.names, ", "));
    }
    if (!g.names.empty()) names += fmt::format("#   {}: {}\n", g.name, fmt::join(g.names, ", "));
  }
  out +=
      "# Other names a workload's gpu.model may use (any case; Karpenter's instance-gpu-name label is the\n"
      "# model in lower case unless listed):\n";
  return out + names;
}

/// `catalog instances`: the price table, with the GPU memory the planner counts per GPU; the
/// filters `filter` (of `all` types) when some were given.
std::string instanceTable(const Catalog& catalog, const InstanceFilter& filter, std::size_t all) {
  std::string out =
      fmt::format("# {} prices for {} ({}), from {}\n", catalog.currency, catalog.region, catalog.date, catalog.source);
  if (filter.any()) out += fmt::format("# {}: {} of {} types\n", filterText(filter), catalog.instanceTypes.size(), all);
  out += "# GPU MiB: one GPU (or slice) as NVML reports it; * = no NVML figure known, the EC2 figure (assumed)\n";
  out += fmt::format("{:<20} {:<30} {:>6} {:>9} {:>5} {:>8} {:<6} {:>11} {:>9} {:>8}  {}\n", "INSTANCE", "GPU", "GPUS",
                     "GPU MiB", "VCPU", "MEM GiB", "ARCH", "ON-DEMAND", "SPOT", "MAX PODS", "STATUS");
  for (const InstanceType& t : catalog.instanceTypes) {
    const GpuMemoryFigure m = catalog.gpuMemory(t);
    out += fmt::format("{:<20} {:<30} {:>6g} {:>9} {:>5} {:>8g} {:<6} {:>11} {:>9} {:>8}  {}\n", t.name, t.gpuModel,
                       t.gpuCount, fmt::format("{}{}", m.mib, m.nvml ? "" : "*"), t.vcpu,
                       static_cast<double>(t.memoryMiB) / 1024.0, archName(t.arch), price(t.onDemand), price(t.spot),
                       nodeMaxPods(t), typeStatusName(t.status));
  }
  for (const InstanceType& t : catalog.instanceTypes) {
    if (!t.note.empty()) out += fmt::format("# {}: {}\n", t.name, t.note);
  }
  out += maxPodsFootnotes(catalog) + statusFootnotes(catalog);
  return out;
}

int runCatalog(const CatalogArgs& a) {
  auto catalog = a.region.empty()
                     ? io::loadCatalog(a.pricing)
                     : catalogForRegion(a.pricing, a.region, Error{ErrorKind::BadInput, "", 0, "--region", ""});
  if (!catalog) return report(catalog.error());
  if (a.what == "gpus") {
    if (a.filter.any() || a.format != "table") {
      return report(
          Error{ErrorKind::Usage, "", 0, "", "--gpu, --mig, --max-price and --format are for catalog instances"});
    }
    std::cout << gpuTable(*catalog);
    return 0;
  }
  const std::size_t all = catalog->instanceTypes.size();
  auto listed = filterInstances(std::move(*catalog), a.filter);
  if (!listed) return report(listed.error());
  std::cout << (a.format == "json" ? instancesJson(*listed, a.filter, all) : instanceTable(*listed, a.filter, all));
  return 0;
}

/// The one-line error for a name that picks no GPU of the MIG catalog, saying why if the GPU
/// (or instance type) is known and listing the GPUs that have MIG.
Error noMig(const std::string& name, const Catalog& catalog, const std::vector<MigGpu>& mig) {
  std::vector<std::string> names;
  for (const MigGpu& g : mig) names.push_back(g.name);
  const std::string have = fmt::format("GPUs with MIG: {}", fmt::join(names, ", "));
  std::string model;
  for (const InstanceType& t : catalog.instanceTypes) {
    if (sameGpuName(t.name, name)) model = t.gpuModel;
  }
  const std::string shownName = model.empty() ? name : fmt::format("{} ({})", name, model);
  if (model.empty()) model = name;
  for (const GpuModel& g : catalog.gpus) {
    if (!sameGpuName(g.name, model)) continue;
    const char* why = g.mig == MigSupport::No ? "" : ": the MIG catalog has no profiles for it";
    return Error{ErrorKind::BadInput, "", 0, "", fmt::format("MIG is not available on {}{}; {}", shownName, why, have)};
  }
  return Error{ErrorKind::BadInput, "", 0, "",
               fmt::format("MIG is not available on \"{}\" (not a GPU gpuslice knows); {}", name, have)};
}

std::string migSection(const MigGpu& gpu) {
  std::string out = fmt::format("# {} (model {}; {}): {} memory slices, {} compute slices\n", gpu.name, gpu.model,
                                fmt::join(gpu.instanceTypes, ", "), gpu.memorySlices, gpu.computeSlices);
  if (gpu.placementsSource == PlacementsSource::Observed) {
    out += fmt::format("# placements: observed ({})\n", gpu.placementsReason);
  } else {
    out += fmt::format("# placements: ASSUMED, not observed on this GPU ({})\n", gpu.placementsReason);
  }
  if (gpu.memorySource == MemorySource::Observed) {
    out += fmt::format("# usable memory: observed ({})\n", gpu.memoryReason);
  } else {
    out += fmt::format("# usable memory: ASSUMED, not observed on this GPU ({})\n", gpu.memoryReason);
  }
  out += fmt::format("# SMs: {} ({}); a profile's compute share is its SMs over the GPU's {}{}\n",
                     gpu.smsObserved ? "observed" : "ASSUMED", gpu.smsReason, gpu.sms,
                     std::all_of(gpu.profiles.begin(), gpu.profiles.end(), [](const MigProfile& p) { return p.sms; })
                         ? ""
                         : ", or its compute slices over 7 where its SMs are not known (-)");
  out += fmt::format("{:<12} {:>7} {:>6} {:>7} {:>7} {:>10} {:>3}  {}\n", "PROFILE", "COMPUTE", "MEMORY", "SMS",
                     "MEM GiB", "USABLE GiB", "MAX", "STARTS");
  for (const MigProfile& p : gpu.profiles) {
    out += fmt::format("{:<12} {:>7} {:>6} {:>7} {:>7g} {:>10.2f} {:>3}  {}\n", p.name, p.computeSlices, p.memorySlices,
                       p.sms ? fmt::format("{}/{}", *p.sms, gpu.sms) : "-", p.memoryGiB,
                       static_cast<double>(p.usableMiB) / 1024.0, p.maxCount, fmt::join(p.starts, ","));
  }
  const std::vector<MigGeometry> geometries = maximalGeometries(gpu);
  std::vector<std::vector<int>> mixes;
  for (const MigGeometry& g : geometries) mixes.push_back(profileCounts(gpu, g));
  std::sort(mixes.begin(), mixes.end());
  mixes.erase(std::unique(mixes.begin(), mixes.end()), mixes.end());
  out += fmt::format("# {} maximal geometries (no further instance fits), {} distinct profile mixes\n",
                     geometries.size(), mixes.size());
  out += "COMPUTE  GEOMETRY\n";
  for (const MigGeometry& g : geometries) {
    out += fmt::format("{:>7}  {}\n", fmt::format("{}/{}", computeSlicesUsed(gpu, g), gpu.computeSlices),
                       describe(gpu, g));
  }
  return out;
}

int runMig(const std::string& name) {
  auto mig = io::builtinMigCatalog();
  if (!mig) return report(mig.error());
  const std::vector<const MigGpu*> gpus = findMigGpus(*mig, name);
  if (gpus.empty()) {
    auto catalog = io::builtinCatalog();
    if (!catalog) return report(catalog.error());
    return report(noMig(name, *catalog, *mig));
  }
  std::string out;
  for (const MigGpu* g : gpus) out += (out.empty() ? "" : "\n") + migSection(*g);
  std::cout << out;
  return 0;
}

}  // namespace

Runner registerCatalog(CLI::App& app) {
  auto a = std::make_shared<CatalogArgs>();
  auto gpu = std::make_shared<std::string>();
  CLI::App* mig = app.add_subcommand("mig", "MIG profiles, allowed starts and maximal geometries of one GPU");
  mig->add_option("gpu", *gpu,
                  "A GPU of the MIG catalog (A100-40GB, A100-80GB, H100-80GB, H200-141GB, B200-180GB), a model "
                  "name from the GPU table (A100 shows both A100 variants, H100 the H100-80GB) or an instance "
                  "type (p4de.24xlarge); case does not matter. A GPU without MIG (V100, T4, T4G, A10G, L4, L40S) "
                  "or an unknown name exits 1.")
      ->required();
  app.add_option("table", a->what, "Which table: instances (types and prices) or gpus (GPU models)")
      ->check(CLI::IsMember({"instances", "gpus"}))
      ->capture_default_str();
  app.add_option("--pricing", a->pricing, "Show this price table instead of the built-in one");
  app.add_option("--region", a->region,
                 "Show the table for this region: --pricing's, else the one `gpuslice pricing fetch --region` "
                 "cached, else the built-in one; an error when it is of another region");
  app.add_option("--gpu", a->filter.gpu,
                 "instances: only types of this GPU model (any case, or another name `catalog gpus` lists; a "
                 "variant's name, such as A100-80GB, picks that variant)");
  app.add_flag("--mig", a->filter.mig, "instances: only types whose GPUs have MIG profiles (plan --strategy mig)");
  app.add_option("--max-price", a->filter.maxPrice, "instances: only types with an on-demand price of at most X USD/h")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--format", a->format, "instances: table, or json for pipelines (below)")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  app.footer(kInstancesJsonHelp);
  return [a, gpu, mig] { return mig->parsed() ? runMig(*gpu) : runCatalog(*a); };
}

}  // namespace gpuslice::cli
