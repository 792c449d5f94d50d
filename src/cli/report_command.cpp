// gpuslice report: the plan as one self-contained HTML page (or its pools as SVG) for the
// people who decide.
#include <fmt/format.h>

#include <cstdlib>
#include <ctime>
#include <memory>

#include "cli/commands.h"
#include "cli/report_output.h"
#include "io/files.h"
#include "planner/planner.h"
#include "report/report.h"

namespace gpuslice::cli {

namespace {

constexpr Strategy kStrategies[] = {Strategy::Dedicated, Strategy::TimeSlicing, Strategy::Mps, Strategy::Mig,
                                    Strategy::Auto};

/// The plan of every strategy: the one made already for its own, the others planned anew.
std::vector<report::StrategyOutcome> strategyOutcomes(const PlannedInputs& p) {
  std::vector<report::StrategyOutcome> out;
  for (Strategy s : kStrategies) {
    report::StrategyOutcome o;
    o.strategy = s;
    if (s == p.options.strategy) {
      o.plan = p.plan;
    } else {
      PlanOptions options = p.options;
      options.strategy = s;
      options.estimateOtherModels = false;  // the report shows no any-GPU-model estimate
      auto plan = makePlan(p.set, p.catalog, options);
      if (plan)
        o.plan = std::move(*plan);
      else
        o.why = plan.errors().front().message;
    }
    out.push_back(std::move(o));
  }
  return out;
}

/// SOURCE_DATE_EPOCH as "YYYY-MM-DD HH:MM UTC"; "" when unset.
Result<std::string> generatedAt() {
  const char* epoch = std::getenv("SOURCE_DATE_EPOCH");
  if (!epoch) return std::string();
  const std::string text = epoch;
  if (text.empty() || text.size() > 12 || text.find_first_not_of("0123456789") != std::string::npos) {
    // plan's reading of it (plan_inputs) refuses the same values first, in the same words
    return Error{ErrorKind::Usage, "", 0, "SOURCE_DATE_EPOCH",
                 fmt::format("\"{}\" is not a number of seconds since 1970-01-01 UTC (decimal digits)", text)};
  }
  const std::time_t t = static_cast<std::time_t>(std::stoll(text));
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  return std::string(buf);
}

struct ReportArgs {
  PlanInputs in;
  std::string format = "html";
  std::string output = "-";
};

int runReport(const ReportArgs& a) {
  auto planned = planFromInputs(a.in);
  if (!planned) return report(planned.errors(), inputNames(a.in));
  auto text = reportText(**planned, a.format);
  if (!text) return report(text.errors());
  if (auto e = io::writeFileAtomic(a.output, *text)) return report(*e);
  if ((*planned)->plan.unplanned.empty()) return 0;
  ErrorList left;
  for (const Unplanned& u : (*planned)->plan.unplanned) left.push_back(unplannedError(u));
  return report(left, inputNames(a.in));
}

}  // namespace

Result<std::string> reportText(const PlannedInputs& p, const std::string& format) {
  if (format == "svg") return report::poolsSvg(p.plan, p.set, p.catalog);
  auto generated = generatedAt();
  if (!generated) return generated.errors();
  report::ReportData data{p.plan, p.set, p.catalog, strategyOutcomes(p), *generated};
  return report::reportHtml(data);
}

Runner registerReport(CLI::App& app) {
  auto a = std::make_shared<ReportArgs>();
  app.description(
      "Plan as `gpuslice plan` does and write one self-contained HTML page for the people who decide: the\n"
      "strategies side by side (each planned), a chart of monthly cost, cost by namespace and team, a picture\n"
      "of every pool's nodes and GPU slots coloured by risk, and the risks in plain words. No script, nothing\n"
      "fetched; the same inputs give the same bytes (a date only with SOURCE_DATE_EPOCH).");
  app.add_option("files", a->in.files, "WorkloadSet files, as for plan")->required();
  addPlanOptions(app, a->in);
  app.add_flag("--partial", a->in.partial, "Report on the workloads that fit; exits 3 when some were left out");
  app.add_option("--format", a->format, "html: the whole page; svg: the pools' picture alone")
      ->check(CLI::IsMember({"html", "svg"}))
      ->capture_default_str();
  app.add_option("-o,--output", a->output, "Write to FILE (atomically) instead of stdout");
  return [a] { return runReport(*a); };
}

}  // namespace gpuslice::cli
