// gpuslice plan: read workloads and prices, plan, print.
#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/plan_inputs.h"
#include "cli/report_output.h"
#include "io/explain_text.h"
#include "io/files.h"
#include "io/plan_report.h"
#include "planner/planner.h"

namespace gpuslice::cli {

namespace {

/// What the table's rows and columns mean (plan --help); README "Reading the table" says the same.
constexpr const char* kTableHelp = R"(The table (--format table and markdown):
  baseline      today's fleet: each pod on a whole GPU of its current.instanceType (else the
                cheapest type that holds it), priced at its current.capacity (default on-demand)
  plan          the planned pools' instances at --capacity
  savings       printed baseline less printed plan, per hour and per month; the percent is of
                the printed monthly figures, so the figures on screen add up
    from sharing / from spot   when --capacity differs from some current.capacity: the plan's
                nodes at today's capacity split the saving into the two parts
  lower bound   no plan can cost less per hour; gap = how far the plan is above it
  any GPU model (estimate)     the plan had --any-gpu-model been given
Pools:
  POOL       pool name: instance type, mode and replicas (-2, -3: MIG pools of one type, other layouts)
  INSTANCE   the EC2 instance type of every node
  NODES      how many nodes
  MODE       dedicated, time-slicing, mps or mig
  REPLICAS   device-plugin replicas per GPU: pods sharing one GPU (1 for dedicated); "-" for
             mig, whose pods get MIG instances (the layout is in the notes)
  PODS       pods in the pool
  PODS/NODE  the most pods one node takes
  LIMIT      what caps PODS/NODE: gpu (the GPUs' slots), cpu or memory (the pods' requests
             against the node's allocatable after kubelet reservations and DaemonSets), pods
             (the node's max-pods less the DaemonSet pods)
  COST/H     NODES x the type's hourly price
  GPU BUSY   the pods' p95 busy shares (on this GPU model) summed, divided by the pool's
             GPUs (NODES x GPUs per node): a GPU's mean busy share, not the busiest GPU's
  GPU MEM    the pods' peak GPU memory summed, divided by the pool's GPUs x usable memory
             (NVML's total less --gpu-overhead-mib): a GPU's mean memory fill at peak
Workloads:
  PODS, POOL  its pods and their pool; SLOT what each pod gets (whole GPU, 1/r time-sliced,
              1/r MPS, MIG profile)
  GPU MEM     GPU memory of its slot: enforced (MPS client limit, MIG instance) or a fair share
  OOM         isolated, enforced-limit (MPS: a pod past its limit fails alone) or shared
  BUSY SLOWDOWN  throughput lost when every pod of its GPU is busy at its p95 share
  WORST STRETCH  worst-case latency stretch of one request while its neighbours are busy
                 (time-slicing r x 1.2, MPS 1 / its thread cap, MIG its busy share / SM share)
  NOTE        estimate: figures scaled from another GPU model
Cost by namespace, cost by team (chargeback; also JSON's chargeback and --format csv):
  TODAY       the namespace's (team's) share of the baseline: today's nodes of one instance
              type and capacity split by the nodes' worth of pods each workload holds there
  PLAN        its share of the planned pools: a pool's cost split by the GPU room its
              workloads' pods hold (whole GPUs, time-slicing or MPS slots, MIG memory slices),
              idle room paid in the same proportion
  A workload's team is its `team` field, else its namespace (workloads carry no labels, so
  there is no label to take a team from); COST BY TEAM is printed when some workload sets a
  team. Shares are exact to the micro-dollar (JSON); printed in cents by largest remainder so
  that every column adds up to the baseline's and the plan's printed cost.
--format csv: cost by namespace and by team, one row each, header
  group,name,workloads,pods,today_hourly,plan_hourly,today_monthly,plan_monthly
  group is namespace or team; figures in dollars, two decimals, each column of a group
  adding up to the printed baseline (today_*) or plan (plan_*) cost.)";

struct PlanArgs {
  PlanInputs in;
  std::string format = "table";
  std::string output = "-";
  std::string explain;
};

int runPlan(const PlanArgs& a) {
  auto planned = planFromInputs(a.in);
  if (!planned) return report(planned.errors(), inputNames(a.in), a.format);
  const PlannedInputs& p = **planned;
  const io::ReportInput in{p.plan, p.set, p.catalog, p.options};
  std::string text;
  if (!a.explain.empty()) {
    auto e = explainPlacement(p.set, p.catalog, p.options, p.plan, a.explain);
    if (!e) return report(e.errors());
    text = io::explanationText(*e);
  } else if (a.format == "json")
    text = io::planJsonText(in);
  else if (a.format == "yaml")
    text = io::planYamlText(in);
  else if (a.format == "markdown")
    text = io::planMarkdown(in);
  else if (a.format == "csv")
    text = io::planCsv(in);
  else if (a.format == "html" || a.format == "svg") {
    auto page = reportText(p, a.format);
    if (!page) return report(page.errors());
    text = std::move(*page);
  } else
    text = io::planTable(in);
  if (auto e = io::writeFileAtomic(a.output, text)) return report(*e);
  printWarnings(p);
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
  app.footer(kTableHelp);
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
                 "{errors: [{field, file, kind, line, message}]} (kind: bad-input, usage or infeasible). html and svg: "
                 "as gpuslice report writes them")
      ->check(CLI::IsMember({"table", "json", "yaml", "markdown", "csv", "html", "svg"}))
      ->capture_default_str();
  app.add_option("-o,--output", a->output, "Write to FILE (atomically: whole or not at all) instead of stdout");
  app.add_option(
         "--explain", a->explain,
         "Instead of the plan, say why workload NAME (namespace/name, or a name only one has) went where "
         "it did: what it needs, its pool and what a pod costs there, every slot it fits alone on its nodes "
         "(cheapest first), and what each cheaper slot one step away would need of it (less GPU memory, a "
         "lower busy share, another isolation). MIG slots are listed with the smallest profile that holds a pod")
      ->type_name("NAME");
  return [a] { return runPlan(*a); };
}

}  // namespace gpuslice::cli
