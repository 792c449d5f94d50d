#include "io/check_report.h"

#include <fmt/format.h>

#include <cmath>
#include <set>

#include "io/plan_report.h"
#include "io/tree_writer.h"

namespace gpuslice::io {

namespace {

const char* problemName(SlotProblem p) {
  switch (p) {
    case SlotProblem::Memory: return "memory";
    case SlotProblem::Compute: return "compute";
    case SlotProblem::NotInPlan: return "not-in-plan";
  }
  return "";
}

/// A share of a GPU to four decimals, as the plan writes them.
double share(double v) { return std::round(v * 1e4) / 1e4; }

/// Memory in whole MiB; a share of a GPU to at most four decimals.
std::string figureText(SlotProblem p, double v) {
  return p == SlotProblem::Memory ? fmt::format("{:.0f} MiB", v) : fmt::format("{:g}", share(v));
}

/// A figure in the JSON: memory as whole MiB, a share to four decimals.
void figureField(TreeWriter& w, std::string_view key, SlotProblem p, double v) {
  if (p == SlotProblem::Memory)
    w.field(key, static_cast<std::int64_t>(std::llround(v)));
  else
    w.field(key, share(v));
}

}  // namespace

std::string slotCheckTable(const SlotCheck& c, const std::string& planFile) {
  std::string out;
  std::set<std::string> outside;
  int notPlanned = 0;
  if (!c.outside.empty()) {
    std::vector<std::vector<std::string>> rows{{"WORKLOAD", "OUTSIDE", "MEASURED", "LIMIT", "SLOT", "POOL", "FROM"}};
    for (const SlotFinding& f : c.outside) {
      outside.insert(f.workload);
      if (f.problem == SlotProblem::NotInPlan) {
        ++notPlanned;
        rows.push_back({f.workload, "not in the plan"});
        continue;
      }
      rows.push_back({f.workload, problemName(f.problem), figureText(f.problem, f.measured),
                      figureText(f.problem, f.limit), f.slot, f.pool, f.figure});
    }
    out += aligned(rows);
  }
  out += fmt::format("{} of {} measured workloads outside their slots in {}", outside.size(),
                     outside.size() + static_cast<std::size_t>(c.within), planFile);
  if (notPlanned > 0) out += fmt::format(" ({} not in the plan)", notPlanned);
  if (!c.notMeasured.empty()) {
    out += fmt::format("; not measured: {}", c.notMeasured.front());
    if (c.notMeasured.size() > 1) out += fmt::format(" and {} more", c.notMeasured.size() - 1);
  }
  return out + "\n";
}

std::string slotCheckJson(const SlotCheck& c) {
  std::string out;
  JsonWriter w(out);
  w.beginMap();
  w.field("notMeasured", c.notMeasured);
  w.key("outside");
  w.beginList();
  for (const SlotFinding& f : c.outside) {
    w.beginMap();
    if (f.problem != SlotProblem::NotInPlan) {
      w.field("figure", f.figure);
      figureField(w, "limit", f.problem, f.limit);
      figureField(w, "measured", f.problem, f.measured);
      w.field("pool", f.pool);
    }
    w.field("problem", problemName(f.problem));
    if (f.problem != SlotProblem::NotInPlan) w.field("slot", f.slot);
    w.field("workload", f.workload);
    w.endMap();
  }
  w.endList();
  w.field("within", c.within);
  w.endMap();
  return out;
}

}  // namespace gpuslice::io
