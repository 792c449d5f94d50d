// gpuslice diff OLD NEW: what changed between two saved plans, for a pull request.
#include <memory>
#include <string>

#include "cli/commands.h"
#include "io/files.h"
#include "io/plan_diff.h"

namespace gpuslice::cli {

namespace {

constexpr const char* kDescription =
    "Compares two plans saved with gpuslice plan --format json (or yaml), for a review: the cost\n"
    "per hour and per month before and after, and the instances; pools added, removed or changed\n"
    "(nodes, pods, price: a pool is known by its name, which holds its instance type, mode and\n"
    "replicas, so a pool that changes its replicas is one removed and one added); workloads added,\n"
    "removed, moved to another pool or changed in their pool (pods, slot). The table and Markdown\n"
    "list what changed and count the rest; JSON (kind PlanDiff, money in dollars) lists every\n"
    "pool and workload with change: added, removed, changed, moved or unchanged.\n"
    "Exit 0 whether or not the plans differ; 1 when a file cannot be read as a plan.\n"
    "Example, in CI, for the pull request's comment:\n"
    "  gpuslice plan workloads.yaml --format json -o new.json\n"
    "  gpuslice diff main.json new.json --format markdown";

struct DiffArgs {
  std::string before, after, format = "table", output = "-";
};

int runDiff(const DiffArgs& a) {
  auto read = [](const std::string& path) -> Result<io::PlanSummary> {
    auto text = io::readFile(path);
    if (!text) return text.error();
    return io::readPlanSummary(*text, path);
  };
  auto before = read(a.before);
  if (!before) return report(before.error());
  auto after = read(a.after);
  if (!after) return report(after.error());
  const io::PlanDiff d = io::diffPlans(std::move(*before), std::move(*after));
  const std::string text = a.format == "json"       ? io::diffJson(d)
                           : a.format == "markdown" ? io::diffMarkdown(d)
                                                    : io::diffTable(d);
  if (auto e = io::writeFileAtomic(a.output, text)) return report(*e);
  return 0;
}

}  // namespace

Runner registerDiff(CLI::App& app) {
  auto a = std::make_shared<DiffArgs>();
  app.footer(kDescription);
  app.add_option("old", a->before, "The plan before (plan --format json or yaml; '-' reads stdin)")->required();
  app.add_option("new", a->after, "The plan after")->required();
  app.add_option("--format", a->format, "Output format")
      ->check(CLI::IsMember({"table", "markdown", "json"}))
      ->default_val("table");
  app.add_option("-o,--output", a->output, "Write to FILE (atomically: whole or not at all) instead of stdout");
  return [a] { return runDiff(*a); };
}

}  // namespace gpuslice::cli
