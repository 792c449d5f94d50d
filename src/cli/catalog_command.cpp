// gpuslice catalog: print the instance and GPU tables the planner uses.
#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <tuple>
#include <vector>

#include "cli/commands.h"
#include "io/catalog_reader.h"
#include "io/mig_reader.h"
#include "mig/geometry.h"
#include "model/node_capacity.h"

namespace gpuslice::cli {

namespace {

struct CatalogArgs {
  std::string what = "instances";
  std::string pricing;
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

int runCatalog(const CatalogArgs& a) {
  auto catalog = io::loadCatalog(a.pricing);
  if (!catalog) return report(catalog.error());
  std::string out;
  if (a.what == "gpus") {
    out += fmt::format("{:<32} {:>8} {:>6} {:>11} {:>6} {:>10}\n", "MODEL", "MEM GiB", "CC", "MIG", "MPS", "REL THRU");
    for (const GpuModel& g : catalog->gpus) {
      out += fmt::format("{:<32} {:>8g} {:>6} {:>11} {:>6} {:>10}\n", g.name, g.memoryGiB, g.computeCapability,
                         g.mig == MigSupport::Yes  ? "yes"
                         : g.mig == MigSupport::No ? "no"
                                                   : "unverified",
                         g.mpsMaxClients, g.relativeThroughput ? fmt::format("{:g}", *g.relativeThroughput) : "-");
    }
  } else {
    out += fmt::format("# {} prices for {} ({}), from {}\n", catalog->currency, catalog->region, catalog->date,
                       catalog->source);
    out += fmt::format("{:<20} {:<30} {:>6} {:>9} {:>5} {:>8} {:<6} {:>11} {:>9} {:>8}  {}\n", "INSTANCE", "GPU",
                       "GPUS", "GPU GiB", "VCPU", "MEM GiB", "ARCH", "ON-DEMAND", "SPOT", "MAX PODS", "STATUS");
    for (const InstanceType& t : catalog->instanceTypes) {
      out += fmt::format("{:<20} {:<30} {:>6g} {:>9.2f} {:>5} {:>8g} {:<6} {:>11} {:>9} {:>8}  {}\n", t.name,
                         t.gpuModel, t.gpuCount, static_cast<double>(t.gpuMemoryMiB) / 1024.0, t.vcpu,
                         static_cast<double>(t.memoryMiB) / 1024.0, archName(t.arch), price(t.onDemand), price(t.spot),
                         nodeMaxPods(t), typeStatusName(t.status));
    }
    for (const InstanceType& t : catalog->instanceTypes) {
      if (!t.note.empty()) out += fmt::format("# {}: {}\n", t.name, t.note);
    }
    out += maxPodsFootnotes(*catalog) + statusFootnotes(*catalog);
  }
  std::cout << out;
  return 0;
}

bool sameName(std::string_view a, std::string_view b) {
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) { return lower(x) == lower(y); });
}

/// The one-line error for a name that picks no GPU of the MIG catalog, saying why if the GPU
/// (or instance type) is known and listing the GPUs that have MIG.
Error noMig(const std::string& name, const Catalog& catalog, const std::vector<MigGpu>& mig) {
  std::vector<std::string> names;
  for (const MigGpu& g : mig) names.push_back(g.name);
  const std::string have = fmt::format("GPUs with MIG: {}", fmt::join(names, ", "));
  std::string model;
  for (const InstanceType& t : catalog.instanceTypes) {
    if (sameName(t.name, name)) model = t.gpuModel;
  }
  const std::string shownName = model.empty() ? name : fmt::format("{} ({})", name, model);
  if (model.empty()) model = name;
  for (const GpuModel& g : catalog.gpus) {
    if (!sameName(g.name, model)) continue;
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
  out += fmt::format("{:<12} {:>7} {:>6} {:>7} {:>10} {:>3}  {}\n", "PROFILE", "COMPUTE", "MEMORY", "MEM GiB",
                     "USABLE GiB", "MAX", "STARTS");
  for (const MigProfile& p : gpu.profiles) {
    out += fmt::format("{:<12} {:>7} {:>6} {:>7g} {:>10.2f} {:>3}  {}\n", p.name, p.computeSlices, p.memorySlices,
                       p.memoryGiB, static_cast<double>(p.usableMiB) / 1024.0, p.maxCount, fmt::join(p.starts, ","));
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
  return [a, gpu, mig] { return mig->parsed() ? runMig(*gpu) : runCatalog(*a); };
}

}  // namespace gpuslice::cli
