// gpuslice plan: read workloads and prices, plan, print.
#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>

#include "commands.h"
#include "gpuslice/planner.h"
#include "gpuslice/quantity.h"
#include "io/catalog_reader.h"
#include "io/files.h"
#include "io/plan_report.h"
#include "io/workload_reader.h"

namespace gpuslice::cli {

int report(const Error& e) {
  std::cerr << "gpuslice: " << e.describe() << "\n";
  return static_cast<int>(e.kind);
}

namespace {

struct PlanArgs {
  std::vector<std::string> files;
  std::string strategy = "auto";
  std::string capacity = "on-demand";
  std::string format = "table";
  std::string output = "-";
  std::string pricing;
  std::vector<std::string> allow;
  double headroom = 0;
  std::int64_t overhead = 512;
  int maxPods = 110;
  std::string daemonSetCpu = "0";
  std::string daemonSetMemory = "0";
  bool anyModel = false;
};

Strategy parseStrategy(const std::string& s) {
  if (s == "dedicated") return Strategy::Dedicated;
  if (s == "time-slicing") return Strategy::TimeSlicing;
  if (s == "mps") return Strategy::Mps;
  if (s == "mig") return Strategy::Mig;
  return Strategy::Auto;
}

int runPlan(const PlanArgs& a) {
  std::vector<io::InputText> inputs;
  for (const std::string& f : a.files) {
    auto text = io::readFile(f);
    if (!text) return report(text.error());
    inputs.push_back({f == "-" ? "<stdin>" : f, std::move(*text)});
  }
  // The process ends right after printing: keep the documents (and, below, everything
  // else) rather than spend a tenth of a second per 100k workloads freeing them.
  static std::vector<io::Node> documents;
  auto set = io::readWorkloads(inputs, &documents);
  if (!set) return report(set.error());
  auto catalog = io::loadCatalog(a.pricing);
  if (!catalog) return report(catalog.error());
  if (set->region != catalog->region) {
    const SourceRef& at = set->regionSource;
    return report(Error{ErrorKind::BadInput, at.file.empty() ? a.files.front() : at.file, at.line, "region",
                        fmt::format("no prices for {} in {} (it covers {}); pass --pricing FILE with a table for {}",
                                    set->region, catalog->file, catalog->region, set->region)});
  }
  PlanOptions options;
  options.strategy = parseStrategy(a.strategy);
  options.headroom = a.headroom;
  options.gpuOverheadMiB = a.overhead;
  options.anyGpuModel = a.anyModel;
  options.allowInstanceTypes = a.allow;
  options.capacity = a.capacity == "spot" ? Capacity::Spot : Capacity::OnDemand;
  options.maxPodsPerNode = a.maxPods;
  const auto dsCpu = parseCpuMillis(a.daemonSetCpu);
  if (!dsCpu)
    return report(
        Error{ErrorKind::Usage, "", 0, "--daemonset-cpu", fmt::format("not a CPU quantity: {}", a.daemonSetCpu)});
  const auto dsMemory = parseMemoryBytes(a.daemonSetMemory);
  if (!dsMemory) {
    return report(Error{ErrorKind::Usage, "", 0, "--daemonset-memory",
                        fmt::format("not a memory quantity: {}", a.daemonSetMemory)});
  }
  options.daemonSets = {*dsCpu, *dsMemory};
  auto plan = makePlan(*set, *catalog, options);
  if (!plan) return report(plan.error());
  const io::ReportInput in{*plan, *set, *catalog, options};
  std::string text;
  if (a.format == "json")
    text = io::planJsonText(in);
  else if (a.format == "yaml")
    text = io::planYamlText(in);
  else if (a.format == "markdown")
    text = io::planMarkdown(in);
  else
    text = io::planTable(in);
  if (auto e = io::writeFileAtomic(a.output, text)) return report(*e);
  std::cout.flush();
  std::fflush(nullptr);
  std::_Exit(0);  // nothing left to do but free memory the process is about to return
}

}  // namespace

Runner registerPlan(CLI::App& app) {
  auto a = std::make_shared<PlanArgs>();
  app.description(
      "Plan GPU sharing for a set of workloads: pools of instances (one instance type and one\n"
      "device-plugin config each), instance counts, hourly and monthly cost, savings against one\n"
      "whole GPU per pod, a lower bound on cost, and what each workload risks.");
  app.add_option("files", a->files, "WorkloadSet files (YAML or JSON; '-' reads stdin); workloads are merged")
      ->required();
  app.add_option("--strategy", a->strategy,
                 "auto mixes modes per workload; dedicated, time-slicing or mps use only that mode (plus dedicated "
                 "where a workload cannot share); mig uses MIG instances (A100, H100, H200, B200) and whole GPUs")
      ->check(CLI::IsMember({"auto", "dedicated", "time-slicing", "mps", "mig"}))
      ->capture_default_str();
  app.add_option("--headroom", a->headroom,
                 "Keep this share of every shared GPU's compute free: pools keep replicas x peak compute <= 1 - H")
      ->check(CLI::Range(0.0, 0.95))
      ->capture_default_str();
  app.add_option("--gpu-overhead-mib", a->overhead,
                 "GPU memory per GPU kept for the driver, the MPS server and CUDA contexts; pools keep "
                 "replicas x peak memory <= GPU memory - N")
      ->check(CLI::Range(0, 65536))
      ->capture_default_str();
  app.add_flag("--any-gpu-model", a->anyModel,
               "Let workloads move to other GPU models, scaling compute by relative throughput (every such "
               "placement is an estimate). Without it, plan still prints what moving would save");
  app.add_option("--allow-instance-types", a->allow,
                 "Only plan on instance types matching these globs, e.g. 'p3.*,g5.*'")
      ->delimiter(',');
  app.add_option("--capacity", a->capacity, "Price instances on-demand or spot (spot needs spot prices in the table)")
      ->check(CLI::IsMember({"on-demand", "spot"}))
      ->capture_default_str();
  app.add_option("--pricing", a->pricing,
                 "Price table file (same format as the built-in pricing/aws-us-east-1.yaml). It REPLACES the "
                 "built-in table; the GPU-model table stays built in");
  app.add_option("--max-pods", a->maxPods, "Kubelet max-pods per node, used for node capacity and kube-reserved memory")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  app.add_option("--daemonset-cpu", a->daemonSetCpu,
                 "CPU that DaemonSet pods request on every node (e.g. 500m); taken from what workloads can use")
      ->capture_default_str();
  app.add_option("--daemonset-memory", a->daemonSetMemory,
                 "Memory that DaemonSet pods request on every node (e.g. 1Gi); taken from what workloads can use")
      ->capture_default_str();
  app.add_option("--format", a->format, "Output format")
      ->check(CLI::IsMember({"table", "json", "yaml", "markdown"}))
      ->capture_default_str();
  app.add_option("-o,--output", a->output, "Write to FILE (atomically: whole or not at all) instead of stdout");
  return [a] { return runPlan(*a); };
}

}  // namespace gpuslice::cli
