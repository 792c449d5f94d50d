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
#include "planner/planner.h"

namespace gpuslice::cli {

namespace {

struct PlanArgs {
  PlanInputs in;
  std::string format = "table";
  std::string output = "-";
};

int runPlan(const PlanArgs& a) {
  auto planned = planFromInputs(a.in);
  if (!planned) return report(planned.errors(), inputNames(a.in), a.format);
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
  if (p.plan.unplanned.empty()) return 0;
  // --partial: the plan is out; the workloads it left out are errors all the same.
  ErrorList left;
  for (const Unplanned& u : p.plan.unplanned) left.push_back(unplannedError(u));
  return report(left, inputNames(a.in));
}

}  // namespace

Runner registerPlan(CLI::App& app) {
  auto a = std::make_shared<PlanArgs>();
  app.description(
      "Plan GPU sharing for a set of workloads: pools of instances (one instance type and one\n"
      "device-plugin config each), instance counts, hourly and monthly cost, savings against one\n"
      "whole GPU per pod, a lower bound on cost, and what each workload risks.");
  app.add_option("files", a->in.files,
                 "WorkloadSet files (YAML or JSON; '-' reads stdin; a YAML file may hold several "
                 "'---'-separated WorkloadSets); workloads are merged, those with replicas 0 left out with a note")
      ->required();
  addPlanOptions(app, a->in);
  app.add_flag("--partial", a->in.partial,
               "Plan the workloads that fit and list those that fit nowhere (with why) instead of failing; exits "
               "3 when some were left out");
  app.add_option("--format", a->format,
                 "Output format. With json or yaml, a run that fails also prints every error on stdout as "
                 "{errors: [{field, file, kind, line, message}]} (kind: bad-input, usage or infeasible)")
      ->check(CLI::IsMember({"table", "json", "yaml", "markdown"}))
      ->capture_default_str();
  app.add_option("-o,--output", a->output, "Write to FILE (atomically: whole or not at all) instead of stdout");
  return [a] { return runPlan(*a); };
}

}  // namespace gpuslice::cli
