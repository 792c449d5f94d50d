// The inputs and options of a plan, shared by the commands that plan (plan and render):
// workload files, price table and the planner's tuning options.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "io/document.h"
#include "model/catalog.h"
#include "model/plan.h"
#include "model/workload.h"
#include "util/quantity.h"

namespace gpuslice::cli {

struct PlanInputs {
  std::vector<std::string> files;
  std::string strategy = "auto";
  std::string capacity = "on-demand";
  std::string priceTerm = "on-demand";  ///< on-demand, ri-1y or ri-3y: which of the table's prices is paid
  std::string pricing;
  std::vector<std::string> allow;
  double headroom = 0;
  std::int64_t overhead = PlanOptions{}.gpuOverheadMiB;
  std::optional<int> maxPods = PlanOptions{}.maxPodsPerNode;
  int daemonSetPods = PlanOptions{}.daemonSets.pods;
  std::string daemonSetCpu = cpuQuantity(PlanOptions{}.daemonSets.cpuMillis);
  std::string daemonSetMemory = memoryQuantity(PlanOptions{}.daemonSets.memoryBytes);
  bool anyModel = false;
  bool allowRetired = false;
  int minNodes = PlanOptions{}.minNodes;
  bool partial = false;  ///< plan what fits, list the rest (plan's --partial)
};

/// Adds the planner's options (not the files) to `app`; returns them, for render --plan to
/// refuse those that would do nothing to a saved plan.
std::vector<CLI::Option*> addPlanOptions(CLI::App& app, PlanInputs& in);

/// Settings of an option that takes a list: comma-separated values, one argument per
/// occurrence (so a list never swallows the positional arguments after it), repeatable.
CLI::Option* listOption(CLI::Option* option);

/// The names errors give the workload files: as given, "<stdin>" for "-".
std::vector<std::string> inputNames(const PlanInputs& in);

/// The price table for `region`: `pricing`'s file when given, else the table `gpuslice pricing
/// fetch` cached for `region` (saying so on stderr), else the built-in one. An error when the
/// table does not cover `region`: `where` gives its kind, file, line and field, the message
/// says what to do.
Result<Catalog> catalogForRegion(const std::string& pricing, const std::string& region, Error where);

/// A plan made from the inputs, with what it was made from.
struct PlannedInputs {
  std::vector<io::Node> documents;  ///< the parsed workload files
  WorkloadSet set;
  Catalog catalog;
  PlanOptions options;
  Plan plan;
  /// Why the prices may be out of date (model/price_age.h), also the plan's first note.
  std::optional<std::string> priceWarning;
};

/// Reads the workload files and the price table, checks the options and plans (with
/// `partial`, makePartialPlan: `set` is then what the plan covers). Errors: all that were
/// found. Today, for how old the prices are, is SOURCE_DATE_EPOCH's day when it is set (the
/// reproducible-builds convention; anything but decimal seconds is a usage error), else the
/// clock's.
Result<std::unique_ptr<PlannedInputs>> planFromInputs(const PlanInputs& in);

/// Prints the warnings of a plan, one "gpuslice: warning: <text>" line each on stderr.
void printWarnings(const PlannedInputs& p);

}  // namespace gpuslice::cli
