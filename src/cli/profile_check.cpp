#include "cli/profile_check.h"

#include <cstdio>

#include "cli/commands.h"
#include "io/check_report.h"
#include "io/files.h"
#include "io/plan_reader.h"
#include "profile/slot_check.h"

namespace gpuslice::cli {

int checkAgainstPlan(const Profile& measured, const std::string& planPath, const std::string& format,
                     const Catalog& catalog) {
  const std::string planName = planPath == "-" ? "<stdin>" : planPath;
  auto text = io::readFile(planPath);
  if (!text) return report(text.errors());
  auto saved = io::readPlan(*text, planName, catalog);
  if (!saved) return report(saved.errors());
  auto check = checkSlots(measured, saved->plan, saved->set, planName);
  if (!check) return report(check.error());
  const std::string out = format == "json" ? io::slotCheckJson(*check) : io::slotCheckTable(*check, planName);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return check->outside.empty() ? 0 : kExitOutsideSlots;
}

}  // namespace gpuslice::cli
