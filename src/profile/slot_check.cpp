#include "profile/slot_check.h"

#include <fmt/format.h>

#include <map>

namespace gpuslice {

namespace {

/// The slot as the plan states it: the mode and, shared, how many pods share a GPU.
std::string slotName(const Pool& pool, const Placement& pl) {
  switch (pool.mode) {
    case Mode::Mig: return "mig " + pl.profile;
    case Mode::Dedicated: return "dedicated";
    case Mode::TimeSlicing:
    case Mode::Mps: return fmt::format("{}, {} per GPU", modeName(pool.mode), pool.replicas);
  }
  return "";
}

/// The findings of one workload placed at `pl`.
void compare(const ProfiledWorkload& w, const Pool& pool, const Placement& pl, double marginPercent, SlotCheck& out) {
  const std::string slot = slotName(pool, pl);
  const std::string name = w.workload.qualifiedName();
  bool fits = true;
  const auto memory = static_cast<double>(w.workload.memoryMiB);
  if (memory > static_cast<double>(pl.risk.memoryLimitMiB)) {
    out.outside.push_back({name, SlotProblem::Memory, pool.name, slot,
                           fmt::format("p{:g} of {} plus {:g}%", w.memory.percentile, w.memory.metric, marginPercent),
                           memory, static_cast<double>(pl.risk.memoryLimitMiB)});
    fits = false;
  }
  // The plan writes the share to four decimals: a figure at it is inside.
  if (w.compute > pl.risk.computeShare + 5e-5) {
    out.outside.push_back({name, SlotProblem::Compute, pool.name, slot,
                           fmt::format("p{:g} of {}", w.busy.percentile, w.busy.metric), w.compute,
                           pl.risk.computeShare});
    fits = false;
  }
  out.within += fits ? 1 : 0;
}

}  // namespace

Result<SlotCheck> checkSlots(const Profile& measured, const Plan& plan, const WorkloadSet& planned,
                             const std::string& planFile) {
  std::map<std::string, std::size_t> placed;  // namespace/name -> placement
  for (std::size_t i = 0; i < plan.placements.size(); ++i) {
    placed[planned.workloads[plan.placements[i].workload].qualifiedName()] = i;
  }
  SlotCheck out;
  for (const ProfiledWorkload& w : measured.workloads) {
    const std::string name = w.workload.qualifiedName();
    const auto it = placed.find(name);
    if (it == placed.end()) {
      out.outside.push_back({name, SlotProblem::NotInPlan, "", "", "", 0, 0});
      continue;
    }
    const Placement& pl = plan.placements[it->second];
    if (pl.risk.memoryLimitMiB <= 0) {
      return badInput(planFile, 0, fmt::format("workloads[{}].slot.memoryMiB", it->second),
                      "profile --check needs each workload's slot.memoryMiB (write the plan with gpuslice plan "
                      "--format json)");
    }
    compare(w, plan.pools[pl.pool], pl, measured.memoryMarginPercent, out);
    placed.erase(it);
  }
  for (const auto& [name, i] : placed) out.notMeasured.push_back(name);
  return out;
}

}  // namespace gpuslice
