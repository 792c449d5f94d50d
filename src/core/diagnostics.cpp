#include "diagnostics.h"

#include <fmt/format.h>
#include <algorithm>
#include <set>

namespace gpuslice::detail {

namespace {

std::string gib(std::int64_t mib) { return fmt::format("{:.2f} GiB", static_cast<double>(mib) / 1024.0); }

std::string modeList(ModeMask m) {
  std::vector<std::string> names;
  for (Mode mode : {Mode::Dedicated, Mode::TimeSlicing, Mode::Mps, Mode::Mig}) {
    if (m & bit(mode)) names.push_back(modeName(mode));
  }
  return names.empty() ? "none" : fmt::format("{}", fmt::join(names, ", "));
}

std::string constraints(const PlanContext& ctx, const Workload& w) {
  std::vector<std::string> parts;
  std::vector<std::string> arch;
  for (Arch a : {Arch::Amd64, Arch::Arm64}) {
    if (w.arch & archBit(a)) arch.push_back(archName(a));
  }
  parts.push_back(fmt::format("arch [{}]", fmt::join(arch, ", ")));
  if (!w.instanceTypes.empty()) parts.push_back(fmt::format("instanceTypes [{}]", fmt::join(w.instanceTypes, ", ")));
  if (!ctx.options->allowInstanceTypes.empty()) {
    parts.push_back(fmt::format("--allow-instance-types {}", fmt::join(ctx.options->allowInstanceTypes, ",")));
  }
  if (ctx.options->capacity == Capacity::Spot) parts.push_back("a spot price");
  return fmt::format("{}", fmt::join(parts, ", "));
}

}  // namespace

std::optional<std::string> whyInfeasible(const PlanContext& ctx, const Workload& w, const std::vector<int>& admitted) {
  const ModeMask modes = effectiveModes(w, ctx.options->strategy);
  if (modes == 0) {
    if ((w.sharing & ~bit(Mode::Mig)) == 0) {
      const GpuModel* g = ctx.measuredGpu(w);
      if (g && g->mig == MigSupport::No && !ctx.options->anyGpuModel) {
        std::vector<std::string> capable;
        for (const GpuModel& m : ctx.catalog->gpus) {
          if (m.mig == MigSupport::Yes) capable.push_back(m.name);
        }
        return fmt::format(
            "it allows only MIG sharing, but {} GPUs have no MIG (MIG-capable models: {}); allow "
            "dedicated, time-slicing or mps in sharing",
            g->name, capable.empty() ? std::string("none") : fmt::format("{}", fmt::join(capable, ", ")));
      }
      return std::string(
          "it allows only MIG sharing, which gpuslice does not plan yet; allow dedicated, "
          "time-slicing or mps in sharing");
    }
    return fmt::format("no sharing mode is left: sharing allows [{}], isolation {} {}, and --strategy {} allows [{}]",
                       modeList(w.sharing), isolationName(w.isolation),
                       w.isolation == Isolation::Full     ? "allows only dedicated or MIG"
                       : w.isolation == Isolation::Memory ? "rules out time-slicing"
                                                          : "allows every mode",
                       strategyName(ctx.options->strategy),
                       modeList(effectiveModes(Workload{}, ctx.options->strategy)));
  }
  if (admitted.empty()) {
    return fmt::format("no priced instance type with a{} {} GPU matches its constraints ({})",
                       ctx.options->anyGpuModel ? "ny GPU model, or a" : "", w.gpuModel, constraints(ctx, w));
  }
  const Candidate* roomiest = nullptr;
  bool computeFits = false, nodeFits = false;
  for (int k : admitted) {
    const Candidate& c = ctx.candidates[static_cast<std::size_t>(k)];
    const SlotFit f = fitOf(ctx, w, c);
    if ((f.dedicated && (modes & bit(Mode::Dedicated))) || (f.timeSlicing && (modes & bit(Mode::TimeSlicing))) ||
        (f.mps && (modes & bit(Mode::Mps)))) {
      return std::nullopt;
    }
    if (!roomiest || c.usableMemoryMiB > roomiest->usableMemoryMiB) roomiest = &c;
    computeFits = computeFits || f.computePpm <= 1000000;
    nodeFits = nodeFits || f.nodeCap >= 1;
  }
  if (w.memoryMiB > roomiest->usableMemoryMiB) {
    return fmt::format(
        "needs {} of GPU memory per pod, but the most any candidate GPU offers is {} ({}, after "
        "the {} MiB per-GPU overhead)",
        gib(w.memoryMiB), gib(roomiest->usableMemoryMiB), roomiest->type->name, ctx.options->gpuOverheadMiB);
  }
  if (!nodeFits) {
    return "its CPU or memory request is larger than what any candidate node can allocate to one pod";
  }
  if (!computeFits) {
    return "its compute need, scaled to the candidate GPU models, is more than one whole GPU";
  }
  if (!(modes & bit(Mode::Dedicated))) {
    return fmt::format(
        "it allows only [{}], but two of its pods never fit one GPU safely ({} of memory and {:.1f}% "
        "of compute each, target {:.1f}%)",
        modeList(modes), gib(w.memoryMiB), static_cast<double>(w.computePpm) / 1e4,
        static_cast<double>(ctx.computeTargetPpm) / 1e4);
  }
  return "it fits no candidate in any mode it allows";
}

std::vector<std::string> planNotes(const PlanContext& ctx, const std::vector<Workload>& ws, const Plan& plan) {
  std::vector<std::string> notes;
  std::set<std::string> models;
  bool migCapable = false;
  for (const Workload& w : ws) {
    models.insert(w.gpuModel);
    const GpuModel* g = ctx.catalog->findGpu(w.gpuModel);
    if (g && g->mig != MigSupport::No && (w.sharing & bit(Mode::Mig))) migCapable = true;
  }
  for (const InstanceType& t : ctx.catalog->instanceTypes) {
    if (Catalog::price(t, ctx.options->capacity) || !(models.count(t.gpuModel) || ctx.options->anyGpuModel)) continue;
    notes.push_back(fmt::format("{} has no {} price in the table and was not considered{}", t.name,
                                capacityName(ctx.options->capacity), t.note.empty() ? "" : " (" + t.note + ")"));
  }
  if (std::any_of(plan.pools.begin(), plan.pools.end(), [](const Pool& p) { return p.estimate; })) {
    notes.push_back(
        "some workloads moved to another GPU model; their compute is scaled by a rough relative "
        "throughput figure (an estimate, not a measurement)");
  }
  if (migCapable) {
    notes.push_back(
        "MIG planning is not available yet: workloads on MIG-capable GPUs were planned with "
        "dedicated, time-slicing and MPS only");
  }
  if (std::any_of(plan.pools.begin(), plan.pools.end(), [](const Pool& p) { return p.mode == Mode::Mps; })) {
    notes.push_back("MPS is marked experimental in the NVIDIA device plugin (since v0.15.0)");
  }
  return notes;
}

}  // namespace gpuslice::detail
