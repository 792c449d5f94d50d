#include "planner/diagnostics.h"

#include <fmt/format.h>
#include <algorithm>
#include <set>

#include "planner/mig_packing.h"

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

/// "; p3.2xlarge would, but is retired (...)" for the retired types that admit `w`, or "".
std::string retiredMatches(const PlanContext& ctx, const Workload& w) {
  std::vector<std::string> names;
  for (const Candidate& c : ctx.retiredCandidates) {
    if (admits(ctx, w, c)) names.push_back(c.type->name);
  }
  if (names.empty()) return "";
  return fmt::format("; {} would, but {} retired (EC2 no longer offers {}; --allow-retired plans on {} anyway)",
                     fmt::join(names, ", "), names.size() == 1 ? "is" : "are", names.size() == 1 ? "it" : "them",
                     names.size() == 1 ? "it" : "them");
}

/// Why a workload that allows only MIG has no MIG slot among `admitted`.
std::optional<std::string> whyNoMig(const PlanContext& ctx, const Workload& w, const std::vector<int>& admitted) {
  const Candidate* roomiest = nullptr;  // the candidate with the largest MIG instance
  std::int64_t roomiestMiB = 0;
  bool nodeFits = false;
  for (int k : admitted) {
    const Candidate& c = ctx.candidates[static_cast<std::size_t>(k)];
    if (!c.mig) continue;
    const bool nodeHolds = nodeCapOf(w, c) >= 1;
    if (nodeHolds && migProfileFor(ctx, w, c)) return std::nullopt;
    nodeFits = nodeFits || nodeHolds;
    const std::int64_t mib = largestInstanceMiB(c);
    if (!roomiest || mib > roomiestMiB) {
      roomiest = &c;
      roomiestMiB = mib;
    }
  }
  if (!roomiest) {
    std::set<std::string> capable;
    for (const MigGpu& g : ctx.catalog->migGpus) {
      capable.insert(fmt::format("{} ({})", g.name, fmt::join(g.instanceTypes, ", ")));
    }
    std::set<std::string> models;
    for (int k : admitted) models.insert(ctx.candidates[static_cast<std::size_t>(k)].type->gpuModel);
    return fmt::format(
        "it allows only MIG sharing, but {} GPUs have no MIG ({}); allow dedicated, time-slicing or mps in sharing",
        fmt::join(models, " and "),
        capable.empty() ? std::string("the catalog has no MIG profiles for any GPU")
                        : fmt::format("MIG is available on {}", fmt::join(capable, ", ")));
  }
  if (!nodeFits) return "its CPU or memory request is larger than what any candidate node can allocate to one pod";
  return fmt::format(
      "it allows only MIG sharing, but no MIG profile holds one pod ({} of memory and {:.1f}% of compute): the "
      "largest instance, on {}, has {} usable after the {} MiB overhead",
      gib(w.memoryMiB), static_cast<double>(w.computePpm) / 1e4, roomiest->type->name,
      gib(roomiestMiB - ctx.options->gpuOverheadMiB), ctx.options->gpuOverheadMiB);
}

/// Why a pod of gpu.count N fits no candidate when none has N whole GPUs on one node.
std::optional<std::string> tooFewGpus(const PlanContext& ctx, const Workload& w, const std::vector<int>& admitted) {
  if (w.gpuCount < 2) return std::nullopt;
  const Candidate* largest = nullptr;
  int most = -1;  // whole GPUs of `largest`
  for (int k : admitted) {
    const Candidate& c = ctx.candidates[static_cast<std::size_t>(k)];
    const int g = c.type->fractional() ? 0 : c.gpus;
    if (g >= w.gpuCount) return std::nullopt;
    if (g > most) largest = &c, most = g;
  }
  return fmt::format("needs {} GPUs on one node (gpu.count); the largest candidate has {} ({})", w.gpuCount, most,
                     largest->type->name);
}

/// One note per instance type of the plan whose GPU memory is the price table's figure, not
/// NVML's (no printout known), saying so.
std::vector<std::string> assumedMemoryNotes(const Catalog& catalog, const Plan& plan) {
  std::set<std::string> types;
  for (const Pool& p : plan.pools) types.insert(p.instanceType);
  std::vector<std::string> notes;
  for (const std::string& name : types) {
    const InstanceType& t = *catalog.findType(name);
    const GpuMemoryFigure m = catalog.gpuMemory(t);
    if (m.nvml) continue;
    const std::string why =
        m.variant ? m.variant->source
                  : fmt::format("catalog/gpus.yaml has no figure for {} GPUs with {:g} GiB in the price table",
                                t.gpuModel, static_cast<double>(t.gpuMemoryMiB) / 1024.0);
    notes.push_back(fmt::format("{}: GPU memory {} MiB{} is the price table's figure, ASSUMED: no NVML figure ({})",
                                t.name, m.mib, t.fractional() ? " (the slice's)" : " per GPU", why));
  }
  return notes;
}

}  // namespace

std::optional<std::string> whyInfeasible(const PlanContext& ctx, const Workload& w, const std::vector<int>& admitted) {
  const ModeMask modes = effectiveModes(w, *ctx.options);
  if (modes == 0) {
    return fmt::format("no sharing mode is left: sharing allows [{}], isolation {} {}, and --strategy {} allows [{}]",
                       modeList(w.sharing), isolationName(w.isolation),
                       w.isolation == Isolation::Full     ? "allows only dedicated or MIG"
                       : w.isolation == Isolation::Memory ? "rules out time-slicing"
                                                          : "allows every mode",
                       strategyName(ctx.options->strategy), modeList(effectiveModes(Workload{}, *ctx.options)));
  }
  if (admitted.empty()) {
    return fmt::format("no priced instance type with a{} {} GPU matches its constraints ({}){}",
                       ctx.options->anyGpuModel ? "ny GPU model, or a" : "", measuredGpuName(w), constraints(ctx, w),
                       retiredMatches(ctx, w));
  }
  if (auto why = tooFewGpus(ctx, w, admitted)) return why;
  if (modes == bit(Mode::Mig)) return whyNoMig(ctx, w, admitted);
  if (modes & bit(Mode::Mig)) {
    for (int k : admitted) {
      const Candidate& c = ctx.candidates[static_cast<std::size_t>(k)];
      if (nodeCapOf(w, c) >= 1 && migProfileFor(ctx, w, c)) return std::nullopt;
    }
  }
  const Candidate* roomiest = nullptr;
  bool computeFits = false, nodeFits = false, sharesGpu = false;
  for (int k : admitted) {
    const Candidate& c = ctx.candidates[static_cast<std::size_t>(k)];
    const SlotFit f = fitOf(ctx, w, c);
    // A shared GPU needs two of its pods on it, so a node with room for two per GPU.
    const bool twoPerGpu = (f.nodeCap + c.gpus - 1) / c.gpus >= 2;
    if ((f.dedicated && (modes & bit(Mode::Dedicated))) ||
        (twoPerGpu && ((f.timeSlicing && (modes & bit(Mode::TimeSlicing))) || (f.mps && (modes & bit(Mode::Mps)))))) {
      return std::nullopt;
    }
    if (!roomiest || c.usableMemoryMiB > roomiest->usableMemoryMiB) roomiest = &c;
    computeFits = computeFits || f.computePpm <= 1000000;
    nodeFits = nodeFits || f.nodeCap >= 1;
    sharesGpu = sharesGpu || f.timeSlicing || f.mps;
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
  if (!(modes & bit(Mode::Dedicated)) && sharesGpu) {
    return fmt::format(
        "it allows only [{}], which put two of its pods on one GPU, but no candidate node has room for two of "
        "them per GPU (by CPU, memory or max pods); allow dedicated, or lower its cpu or memory request",
        modeList(modes));
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
  for (const Workload& w : ws) models.insert(w.gpuModel);
  for (const InstanceType& t : ctx.catalog->instanceTypes) {
    if (Catalog::price(t, ctx.options->capacity) || !(models.count(t.gpuModel) || ctx.options->anyGpuModel)) continue;
    notes.push_back(fmt::format("{} has no {} price in the table and was not considered{}", t.name,
                                capacityName(ctx.options->capacity), t.note.empty() ? "" : " (" + t.note + ")"));
  }
  for (const std::string& note : assumedMemoryNotes(*ctx.catalog, plan)) notes.push_back(note);
  if (std::any_of(plan.pools.begin(), plan.pools.end(), [](const Pool& p) { return p.estimate; })) {
    notes.push_back(
        "some workloads moved to another GPU model; their compute is scaled by a rough relative "
        "throughput figure (an estimate, not a measurement)");
  }
  if (std::any_of(plan.pools.begin(), plan.pools.end(), [](const Pool& p) { return p.mode == Mode::Mig; })) {
    notes.push_back(
        "MIG pods get the smallest profile that holds their peak memory and compute; +me (media extension) "
        "profiles are never assigned");
  }
  if (std::any_of(plan.pools.begin(), plan.pools.end(), [](const Pool& p) { return p.mode == Mode::Mps; })) {
    notes.push_back("MPS is marked experimental in the NVIDIA device plugin (since v0.15.0)");
  }
  return notes;
}

std::optional<std::string> scaledToZeroNote(const WorkloadSet& set) {
  if (set.scaledToZero.empty()) return std::nullopt;
  std::vector<std::string> names;
  names.reserve(set.scaledToZero.size());
  for (const Workload& w : set.scaledToZero) names.push_back(w.qualifiedName());
  return fmt::format("replicas: 0 (scaled to zero), not planned: {}", fmt::join(names, ", "));
}

}  // namespace gpuslice::detail
