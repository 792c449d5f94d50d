// gpuslice plan: read workloads and prices, plan, print.
#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/plan_inputs.h"
#include "io/files.h"
#include "io/plan_report.h"

namespace gpuslice::cli {

int report(const Error& e) {
  std::cerr << "gpuslice: " << e.describe() << "\n";
  return static_cast<int>(e.kind);
}

namespace {

struct PlanArgs {
  PlanInputs in;
  std::string format = "table";
  std::string output = "-";
};

int runPlan(const PlanArgs& a) {
  auto planned = planFromInputs(a.in);
  if (!planned) return report(planned.error());
  const PlannedInputs& p = **planned;
  const io::ReportInput in{p.plan, p.set, p.catalog, p.options};
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
  return 0;
}

}  // namespace

Runner registerPlan(CLI::App& app) {
  auto a = std::make_shared<PlanArgs>();
  app.description(
      "Plan GPU sharing for a set of workloads: pools of instances (one instance type and one\n"
      "device-plugin config each), instance counts, hourly and monthly cost, savings against one\n"
      "whole GPU per pod, a lower bound on cost, and what each workload risks.");
  app.add_option("files", a->in.files, "WorkloadSet files (YAML or JSON; '-' reads stdin); workloads are merged")
      ->required();
  addPlanOptions(app, a->in);
  app.add_option("--format", a->format, "Output format")
      ->check(CLI::IsMember({"table", "json", "yaml", "markdown"}))
      ->capture_default_str();
  app.add_option("-o,--output", a->output, "Write to FILE (atomically: whole or not at all) instead of stdout");
  return [a] { return runPlan(*a); };
}

}  // namespace gpuslice::cli
