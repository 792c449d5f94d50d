#include "cli/plan_inputs.h"

#include <fmt/format.h>

#include <cstdlib>
#include <ctime>
#include <iostream>

#include "io/catalog_reader.h"
#include "io/files.h"
#include "io/price_cache.h"
#include "io/workload_reader.h"
#include "model/price_age.h"
#include "planner/planner.h"
#include "util/civil_date.h"
#include "util/quantity.h"

namespace gpuslice::cli {

namespace {

Strategy parseStrategy(const std::string& s) {
  if (s == "dedicated") return Strategy::Dedicated;
  if (s == "time-slicing") return Strategy::TimeSlicing;
  if (s == "mps") return Strategy::Mps;
  if (s == "mig") return Strategy::Mig;
  return Strategy::Auto;
}

}  // namespace

CLI::Option* listOption(CLI::Option* option) {
  // A vector option takes every argument up to the next option unless extra arguments are
  // refused: `--only patches FILE` would take FILE as a part. (In CLI11 2.1, expected(1) alone
  // does not stop that, and caps the values of `--only a,b` at one.)
  return option->allow_extra_args(false)->delimiter(',');
}

std::vector<std::string> inputNames(const PlanInputs& in) {
  std::vector<std::string> names;
  for (const std::string& f : in.files) names.push_back(f == "-" ? "<stdin>" : f);
  return names;
}

std::vector<CLI::Option*> addPlanOptions(CLI::App& app, PlanInputs& in) {
  const std::size_t before = app.get_options().size();
  app.add_option("--strategy", in.strategy,
                 "auto mixes modes per workload; dedicated, time-slicing or mps use only that mode (plus dedicated "
                 "where a workload cannot share); mig uses MIG instances (A100, H100, H200, B200) and whole GPUs")
      ->check(CLI::IsMember({"auto", "dedicated", "time-slicing", "mps", "mig"}))
      ->capture_default_str();
  app.add_option("--headroom", in.headroom,
                 "Keep this share of every shared GPU's compute free: pools keep replicas x peak compute <= 1 - H")
      ->check(CLI::Range(0.0, 0.95))
      ->capture_default_str();
  app.add_option("--gpu-overhead-mib", in.overhead,
                 "GPU memory per GPU (and per MIG instance) kept for the driver, the MPS server and CUDA contexts; "
                 "pools keep replicas x peak memory <= GPU memory - N")
      ->check(CLI::Range(0, 65536))
      ->capture_default_str();
  app.add_flag("--any-gpu-model", in.anyModel,
               "Let workloads move to other GPU models, scaling compute by relative throughput (every such "
               "placement is an estimate). Without it, plan still prints what moving would save");
  listOption(app.add_option("--allow-instance-types", in.allow,
                            "Only plan on instance types matching these globs, e.g. 'p3.*,g5.*' (comma-separated; "
                            "may be repeated)"));
  app.add_option("--capacity", in.capacity,
                 "Price instances on-demand or spot (spot needs spot prices in the table); render also sets the "
                 "NodePools' capacity type from it")
      ->check(CLI::IsMember({"on-demand", "spot"}))
      ->capture_default_str();
  app.add_option("--price-term", in.priceTerm,
                 "Pay on-demand instances at the table's on-demand price, or at its standard reserved price with no "
                 "upfront fee for 1 or 3 years (reserved1y, reserved3y: gpuslice pricing import writes them); types "
                 "without that price are not planned")
      ->check(CLI::IsMember({"on-demand", "ri-1y", "ri-3y"}))
      ->capture_default_str();
  app.add_option("--pricing", in.pricing,
                 "Price table file (same format as the built-in pricing/aws-us-east-1.yaml). It REPLACES the "
                 "built-in table; the GPU-model table stays built in");
  app.add_option("--max-pods", in.maxPods,
                 "Kubelet max-pods of every node (prefix delegation, custom CNI), for node capacity and kube-reserved "
                 "memory; default: each instance type's ENI limit, as Karpenter and nodeadm set it")
      ->check(CLI::Range(1, 1000));
  app.add_option(
         "--daemonset-pods", in.daemonSetPods,
         "DaemonSet pods on every node, counted against its max-pods (default: an assumed typical EKS GPU node, "
         "see the README)")
      ->check(CLI::Range(0, 1000))
      ->capture_default_str();
  app.add_option("--daemonset-cpu", in.daemonSetCpu,
                 "CPU that DaemonSet pods request on every node (e.g. 500m); taken from what workloads can use")
      ->capture_default_str();
  app.add_option("--daemonset-memory", in.daemonSetMemory,
                 "Memory that DaemonSet pods request on every node (e.g. 1Gi); taken from what workloads can use")
      ->capture_default_str();
  app.add_flag("--allow-retired", in.allowRetired,
               "Also plan pools on instance types EC2 no longer offers (P3), to compare with older plans; render "
               "refuses such pools");
  app.add_option("--min-nodes", in.minNodes,
                 "Spread the pods of every workload of two or more replicas over at least N nodes (at most its "
                 "replicas; a workload's minNodes overrides it): at most ceil(replicas / N) of its pods on a node, "
                 "and render adds a topologySpreadConstraint")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  std::vector<CLI::Option*> all = app.get_options();
  return {all.begin() + static_cast<std::ptrdiff_t>(before), all.end()};
}

namespace {

/// `catalog` with each type's on-demand price replaced by its reserved price of `term` (ri-1y,
/// ri-3y; none where the table has none), and its source saying so. on-demand: unchanged.
std::optional<Error> applyPriceTerm(Catalog& catalog, const std::string& term) {
  if (term == "on-demand") return std::nullopt;
  const bool oneYear = term == "ri-1y";
  bool any = false;
  for (InstanceType& t : catalog.instanceTypes) {
    t.onDemand = oneYear ? t.reserved1y : t.reserved3y;
    any = any || t.onDemand.has_value();
  }
  if (!any) {
    return Error{ErrorKind::BadInput, catalog.file, 0, oneYear ? "reserved1y" : "reserved3y",
                 fmt::format("--price-term {}: the price table has no such prices (gpuslice pricing import writes "
                             "them from AWS's offer files)",
                             term)};
  }
  catalog.source +=
      fmt::format("; on-demand instances priced at their {}-year standard reserved price, no upfront", oneYear ? 1 : 3);
  return std::nullopt;
}

/// Today's day number: SOURCE_DATE_EPOCH's when set, else the clock's.
Result<std::int64_t> today() {
  const char* epoch = std::getenv("SOURCE_DATE_EPOCH");
  if (auto day = todayDays(epoch, static_cast<std::int64_t>(std::time(nullptr)))) return *day;
  return Error{ErrorKind::Usage, "", 0, "SOURCE_DATE_EPOCH",
               fmt::format("\"{}\" is not a number of seconds since 1970-01-01 UTC (decimal digits)", epoch)};
}

}  // namespace

Result<Catalog> catalogForRegion(const std::string& pricing, const std::string& region, Error where) {
  auto loaded = io::loadCatalogForRegion(pricing, region, io::userPriceCacheDir());
  if (!loaded) return loaded.errors();
  const Catalog& c = loaded->catalog;
  if (c.region != region) {
    const std::string fetch = fmt::format("gpuslice pricing fetch --region {}", region);
    where.message = pricing.empty()
                        ? fmt::format(
                              "no prices for {} in {} (it covers {}); run `{}` (then the cached table is used) or pass "
                              "--pricing FILE with a table for {}",
                              region, c.file, c.region, fetch, region)
                        : fmt::format(
                              "no prices for {} in {} (it covers {}); pass --pricing FILE with a table for {} (`{} -o "
                              "FILE` writes one)",
                              region, c.file, c.region, region, fetch);
    return where;
  }
  if (!loaded->cachedFile.empty()) {
    std::cerr << fmt::format(
        "gpuslice: {} prices of {} from the cached table {} (written by `gpuslice pricing fetch`)\n", region, c.date,
        loaded->cachedFile);
  }
  return std::move(loaded->catalog);
}

Result<std::unique_ptr<PlannedInputs>> planFromInputs(const PlanInputs& in) {
  auto out = std::make_unique<PlannedInputs>();
  std::vector<io::InputText> inputs;
  ErrorList unread;
  for (const std::string& f : in.files) {
    auto text = io::readFile(f);
    if (!text)
      unread.push_back(text.error());
    else
      inputs.push_back({f == "-" ? "<stdin>" : f, std::move(*text)});
  }
  if (inputs.empty() && !unread.empty()) return unread;
  auto set = io::readWorkloads(inputs, &out->documents);
  if (!set) unread.insert(unread.end(), set.errors().begin(), set.errors().end());
  if (!unread.empty()) return unread;
  const SourceRef& at = set->regionSource;
  auto catalog =
      catalogForRegion(in.pricing, set->region,
                       Error{ErrorKind::BadInput, at.file.empty() ? in.files.front() : at.file, at.line, "region", ""});
  if (!catalog) return catalog.errors();
  if (auto e = applyPriceTerm(*catalog, in.priceTerm)) return *e;
  PlanOptions& o = out->options;
  o.strategy = parseStrategy(in.strategy);
  o.headroom = in.headroom;
  o.gpuOverheadMiB = in.overhead;
  o.anyGpuModel = in.anyModel;
  o.allowInstanceTypes = in.allow;
  o.capacity = in.capacity == "spot" ? Capacity::Spot : Capacity::OnDemand;
  o.maxPodsPerNode = in.maxPods;
  o.allowRetired = in.allowRetired;
  o.minNodes = in.minNodes;
  const auto cpu = parseCpuMillis(in.daemonSetCpu);
  if (!cpu) {
    return Error{ErrorKind::Usage, "", 0, "--daemonset-cpu", fmt::format("not a CPU quantity: {}", in.daemonSetCpu)};
  }
  const auto memory = parseMemoryBytes(in.daemonSetMemory);
  if (!memory) {
    return Error{ErrorKind::Usage, "", 0, "--daemonset-memory",
                 fmt::format("not a memory quantity: {}", in.daemonSetMemory)};
  }
  o.daemonSets = {*cpu, *memory, in.daemonSetPods};
  const auto day = today();
  if (!day) return day.error();
  auto plan = in.partial ? makePartialPlan(*set, *catalog, o) : makePlan(*set, *catalog, o);
  if (!plan) return plan.errors();
  out->priceWarning = priceAgeWarning(*catalog, *day);
  if (out->priceWarning) plan->notes.insert(plan->notes.begin(), *out->priceWarning);
  out->set = std::move(*set);
  out->catalog = std::move(*catalog);
  out->plan = std::move(*plan);
  return out;
}

}  // namespace gpuslice::cli

namespace gpuslice::cli {

void printWarnings(const PlannedInputs& p) {
  if (p.priceWarning) std::cerr << "gpuslice: warning: " << *p.priceWarning << "\n";
}

}  // namespace gpuslice::cli
