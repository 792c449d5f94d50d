// gpuslice catalog: print the instance and GPU tables the planner uses.
#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "commands.h"
#include "io/catalog_reader.h"
#include "io/files.h"

namespace gpuslice::cli {

namespace {

struct CatalogArgs {
  std::string what = "instances";
  std::string pricing;
};

std::string price(const std::optional<Micros>& p) {
  return p ? fmt::format("{}", static_cast<double>(*p) / 1e6) : "-";
}

int runCatalog(const CatalogArgs& a) {
  auto catalog = io::builtinCatalog();
  if (!catalog) return report(catalog.error());
  if (!a.pricing.empty()) {
    auto text = io::readFile(a.pricing);
    if (!text) return report(text.error());
    catalog = io::readPriceTable(*text, a.pricing, std::move(*catalog));
    if (!catalog) return report(catalog.error());
  }
  std::string out;
  if (a.what == "gpus") {
    out += fmt::format("{:<32} {:>8} {:>6} {:>11} {:>6} {:>10}\n", "MODEL", "MEM GiB", "CC", "MIG", "MPS", "REL THRU");
    for (const GpuModel& g : catalog->gpus) {
      out += fmt::format("{:<32} {:>8g} {:>6} {:>11} {:>6} {:>10}\n", g.name, g.memoryGiB, g.computeCapability,
                         g.mig == MigSupport::Yes ? "yes" : g.mig == MigSupport::No ? "no" : "unverified",
                         g.mpsMaxClients, g.relativeThroughput ? fmt::format("{:g}", *g.relativeThroughput) : "-");
    }
  } else {
    out += fmt::format("# {} prices for {} ({}), from {}\n", catalog->currency, catalog->region, catalog->date,
                       catalog->source);
    out += fmt::format("{:<20} {:<30} {:>6} {:>9} {:>5} {:>8} {:<6} {:>11} {:>9}\n", "INSTANCE", "GPU", "GPUS",
                       "GPU GiB", "VCPU", "MEM GiB", "ARCH", "ON-DEMAND", "SPOT");
    for (const InstanceType& t : catalog->instanceTypes) {
      out += fmt::format("{:<20} {:<30} {:>6g} {:>9.2f} {:>5} {:>8g} {:<6} {:>11} {:>9}\n", t.name, t.gpuModel,
                         t.gpuCount, static_cast<double>(t.gpuMemoryMiB) / 1024.0, t.vcpu,
                         static_cast<double>(t.memoryMiB) / 1024.0, archName(t.arch), price(t.onDemand),
                         price(t.spot));
    }
    for (const InstanceType& t : catalog->instanceTypes) {
      if (!t.note.empty()) out += fmt::format("# {}: {}\n", t.name, t.note);
    }
  }
  std::cout << out;
  return 0;
}

}  // namespace

Runner registerCatalog(CLI::App& app) {
  auto a = std::make_shared<CatalogArgs>();
  app.add_option("table", a->what, "Which table: instances (types and prices) or gpus (GPU models)")
      ->check(CLI::IsMember({"instances", "gpus"}))
      ->capture_default_str();
  app.add_option("--pricing", a->pricing, "Show this price table instead of the built-in one");
  return [a] { return runCatalog(*a); };
}

}  // namespace gpuslice::cli
