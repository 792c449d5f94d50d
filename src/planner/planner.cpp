#include "planner/planner.h"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <future>
#include <map>
#include <memory>
#include <set>

#include "planner/baseline.h"
#include "planner/bound/lower_bound.h"
#include "planner/classes.h"
#include "planner/context.h"
#include "planner/cost_shares.h"
#include "planner/describe.h"
#include "planner/diagnostics.h"
#include "planner/explain.h"
#include "planner/fit.h"
#include "planner/fleet_notes.h"
#include "planner/mig_packing.h"
#include "planner/packing.h"
#include "planner/search/improve.h"
#include "planner/spread.h"
#include "util/glob.h"

namespace gpuslice {

namespace {

using detail::PackedPool;
using detail::PlanContext;

constexpr const char* kMpsMigRule =
    "some workloads need MPS and others MIG, which gpuslice never plans together (the NVIDIA device plugin runs "
    "MPS only on whole GPUs and not beside MIG's mixed strategy): each workload below fits nowhere without one of "
    "them";

/// What every planning run starts from: resolved workloads and the context over them.
struct Prepared {
  PlanOptions options;           ///< the context points at this copy
  std::vector<Workload> filled;  ///< a copy, only when some gpu.model had to be filled in
  const std::vector<Workload>* workloads = nullptr;
  PlanContext ctx;
  detail::MigCovers migCovers;  ///< the MIG covering solvers of this run
  std::vector<PackedPool> pools;
  double lowerBoundMicros = 0;
};

/// Fills ctx.offRetired: which workloads' GPU models are offered only on retired types.
void markOffRetired(const Catalog& catalog, PlanContext& ctx, const std::vector<Workload>& ws) {
  using Key = std::pair<std::string, std::optional<std::int64_t>>;  // model and variant
  std::map<Key, bool> byModel;
  for (const Workload& w : ws) {
    const Key key{w.gpuModel, w.gpuVariantMiB};
    auto it = byModel.find(key);
    if (it == byModel.end())
      it = byModel.emplace(key, detail::onlyOnRetiredTypes(catalog, *ctx.options, w.gpuModel, w.gpuVariantMiB)).first;
    if (it->second) ctx.offRetired.resize(ws.size(), 0);
  }
  if (ctx.offRetired.empty()) return;
  for (std::size_t i = 0; i < ws.size(); ++i) ctx.offRetired[i] = byModel[{ws[i].gpuModel, ws[i].gpuVariantMiB}];
}

/// Resolves the workloads and makes the context over them: the first part of every planning
/// run, and all that finding the workloads that fit nowhere needs.
ErrorList prepare(const WorkloadSet& set, const Catalog& catalog, const PlanOptions& options, Prepared& p) {
  p.options = options;
  auto ctx = detail::makeContext(catalog, p.options);
  if (!ctx) return ctx.errors();
  p.ctx = std::move(*ctx);
  auto resolved = detail::resolveWorkloads(set, catalog, p.filled);
  if (!resolved) return resolved.errors();
  p.workloads = *resolved;
  const std::vector<Workload>& ws = *p.workloads;
  p.ctx.workloads = &ws;
  p.ctx.measuredOn.reserve(ws.size());
  for (const Workload& w : ws) p.ctx.measuredOn.push_back(catalog.findGpu(w.gpuModel));
  markOffRetired(catalog, p.ctx, ws);
  return {};
}

/// Resolves the workloads, groups them into classes, packs each class into pools and works out
/// the lower bound, then improves the pools. Fills `p` in place (its context points into it).
/// Errors: those of prepare, or one per workload that fits nowhere.
ErrorList packAll(const WorkloadSet& set, const Catalog& catalog, const PlanOptions& options, Prepared& p) {
  if (ErrorList e = prepare(set, catalog, options, p); !e.empty()) return e;
  const std::vector<Workload>& ws = *p.workloads;
  detail::chooseMigBoundWeights(p.ctx, p.migCovers, ws);
  std::vector<detail::Misfit> misfits;
  const std::vector<detail::WorkloadClass> classes = detail::formClasses(p.ctx, ws, misfits);
  if (!misfits.empty()) return detail::misfitErrors(ws, misfits);
  std::vector<detail::Packing> packings;
  packings.reserve(classes.size());
  for (const detail::WorkloadClass& c : classes) {
    packings.push_back(detail::packClassWithMig(p.ctx, p.migCovers, ws, c.members, c.candidates));
  }
  p.lowerBoundMicros = detail::lowerBound(p.ctx, ws, classes, packings);
  for (detail::Packing& packing : packings) {
    for (PackedPool& pool : packing.pools) p.pools.push_back(std::move(pool));
  }
  detail::mergePools(p.ctx, p.pools);
  detail::improvePools(p.ctx, ws, p.pools);
  detail::spreadPools(p.ctx, ws, p.pools);
  return {};
}

/// The workloads of `set` that fit nowhere with `options` (indices into set.workloads), each
/// with why; no packing. Errors: those of prepare.
Result<std::vector<detail::Misfit>> misfitsOf(const WorkloadSet& set, const Catalog& catalog,
                                              const PlanOptions& options) {
  Prepared p;
  if (ErrorList e = prepare(set, catalog, options, p); !e.empty()) return e;
  std::vector<detail::Misfit> misfits;
  detail::formClasses(p.ctx, *p.workloads, misfits);
  return misfits;
}

/// One packing, not yet described; its cost, nodes and isolation penalty decide between
/// packings as they decide between pools.
struct Attempt {
  std::unique_ptr<Prepared> prepared;  // its context points into it
  detail::PackingScore score;
};

Result<Attempt> attempt(const WorkloadSet& set, const Catalog& catalog, const PlanOptions& options) {
  Attempt a;
  a.prepared = std::make_unique<Prepared>();
  if (ErrorList e = packAll(set, catalog, options, *a.prepared); !e.empty()) return e;
  a.score = detail::scoreOf(a.prepared->ctx, a.prepared->pools);
  return a;
}

bool hasModeIn(const Attempt& a, Mode mode) {
  return std::any_of(a.prepared->pools.begin(), a.prepared->pools.end(),
                     [&](const PackedPool& p) { return p.mode == mode; });
}

/// Whether some workload could take MPS and some MIG: then the planner plans without each in
/// turn, since the NVIDIA device plugin does not run MPS beside MIG's mixed strategy and MPS
/// only ever shares whole GPUs. gpuslice keeps the rule simple: MPS or MIG, never both.
bool mpsAndMigPossible(const WorkloadSet& set, const Catalog& catalog, const PlanOptions& options) {
  std::set<std::string> migModels;  // models of priced, allowed instance types with MIG
  for (const InstanceType& t : catalog.instanceTypes) {
    if (Catalog::price(t, options.capacity) && !t.fractional() && globMatchAny(options.allowInstanceTypes, t.name) &&
        (!t.retired() || options.allowRetired) && catalog.findMigGpu(t.name)) {
      migModels.insert(t.gpuModel);
    }
  }
  bool mps = false, mig = false;
  for (const Workload& w : set.workloads) {
    const ModeMask modes = detail::effectiveModes(w, options);
    mps = mps || (modes & bit(Mode::Mps));
    if (!mig && (modes & bit(Mode::Mig))) {
      std::string model = w.gpuModel;
      if (model.empty() && w.currentType) {
        if (const InstanceType* t = catalog.findCurrentType(*w.currentType)) model = t->gpuModel;
      }
      std::optional<std::int64_t> variant;
      if (auto named = catalog.findGpuName(model)) {
        model = named->model->name;
        if (named->variant) variant = named->variant->ec2MiB;
      }
      const bool moves = options.anyGpuModel || detail::onlyOnRetiredTypes(catalog, options, model, variant);
      mig = moves ? !migModels.empty() : migModels.count(model) > 0;
    }
    if (mps && mig) return true;
  }
  return false;
}

/// The errors when a plan without MPS and one without MIG both leave workloads out: what
/// gpuslice's rule is, then each workload that fits nowhere without MPS and each that fits
/// nowhere without MIG.
ErrorList neitherMode(const WorkloadSet& set, const Catalog& catalog, const PlanOptions& noMps,
                      const PlanOptions& noMig) {
  ErrorList errors{Error{ErrorKind::Infeasible, "", 0, "", std::string(kMpsMigRule)}};
  for (const auto& [options, qualifier] : {std::pair{&noMps, " without MPS"}, std::pair{&noMig, " without MIG"}}) {
    auto misfits = misfitsOf(set, catalog, *options);
    if (!misfits) return misfits.errors();
    for (Error& e : detail::misfitErrors(set.workloads, *misfits, qualifier)) errors.push_back(std::move(e));
  }
  return errors;
}

/// The plan: one packing, or, where MPS and MIG could both be used, the cheaper (then fewer
/// nodes) of the packing without MPS and the one without MIG, the second on another thread
/// when `parallel`. Its lower bound holds for every plan that does not use both.
Result<Attempt> bestAttempt(const WorkloadSet& set, const Catalog& catalog, const PlanOptions& options, bool parallel,
                            std::string* note, ModeMask* left = nullptr) {
  if (!mpsAndMigPossible(set, catalog, options)) return attempt(set, catalog, options);
  // First the input errors and the workloads that fit nowhere even with both modes: those are
  // what the user must fix, whichever mode is left out.
  auto misfits = misfitsOf(set, catalog, options);
  if (!misfits) return misfits.errors();
  if (!misfits->empty()) return detail::misfitErrors(set.workloads, *misfits);
  PlanOptions noMps = options, noMig = options;
  noMps.withoutModes |= bit(Mode::Mps);
  noMig.withoutModes |= bit(Mode::Mig);
  std::future<Result<Attempt>> second;
  if (parallel) second = std::async(std::launch::async, [&] { return attempt(set, catalog, noMig); });
  auto withoutMps = attempt(set, catalog, noMps);
  auto withoutMig = parallel ? second.get() : attempt(set, catalog, noMig);
  if (!withoutMps && !withoutMig) return neitherMode(set, catalog, noMps, noMig);
  const bool mpsWins = !withoutMps || (withoutMig && withoutMig->score <= withoutMps->score);
  double bound = (mpsWins ? *withoutMig : *withoutMps).prepared->lowerBoundMicros;
  if (withoutMps && withoutMig) {
    bound = std::min(withoutMps->prepared->lowerBoundMicros, withoutMig->prepared->lowerBoundMicros);
    if (note && hasModeIn(*withoutMig, Mode::Mps) && hasModeIn(*withoutMps, Mode::Mig)) {
      const Micros other = (mpsWins ? withoutMps->score : withoutMig->score).cost;
      *note = fmt::format(
          "MPS and MIG are never planned together (the NVIDIA device plugin runs MPS only on whole GPUs and not "
          "beside MIG's mixed strategy): planned without {}; without {} instead the plan costs ${:.2f}/h",
          mpsWins ? "MIG" : "MPS", mpsWins ? "MPS" : "MIG", static_cast<double>(other) / 1e6);
    }
  }
  if (left) *left = bit(mpsWins ? Mode::Mig : Mode::Mps);
  Attempt chosen = std::move(mpsWins ? *withoutMig : *withoutMps);
  chosen.prepared->lowerBoundMicros = bound;
  return chosen;
}

/// Hourly cost of the plan with --any-gpu-model, for the estimate printed without it; with
/// the modes the plan left out (MPS or MIG) left out too, when it left one out.
std::optional<Micros> anyModelCost(const WorkloadSet& set, const Catalog& catalog, PlanOptions options, ModeMask left) {
  options.anyGpuModel = true;
  options.withoutModes |= left;
  options.levelSearch = false;  // an estimate: the quicker search will do
  auto a = left ? attempt(set, catalog, options) : bestAttempt(set, catalog, options, false, nullptr);
  if (!a) return std::nullopt;
  return a->score.cost;
}

/// Moves the `misfits` of `set` out of it into `unplanned`, in set order, each with why:
/// `prefix` and the reason.
void setAside(WorkloadSet& set, const std::vector<detail::Misfit>& misfits, const std::string& prefix,
              std::vector<Unplanned>& unplanned) {
  if (misfits.empty()) return;
  std::vector<char> out(set.workloads.size(), 0);
  for (const detail::Misfit& m : misfits) {
    out[m.workload] = 1;
    unplanned.push_back({set.workloads[m.workload], prefix + m.why});
  }
  std::size_t kept = 0;
  for (std::size_t i = 0; i < set.workloads.size(); ++i) {
    if (out[i]) continue;
    if (kept != i) set.workloads[kept] = std::move(set.workloads[i]);
    ++kept;
  }
  set.workloads.resize(kept);
}

}  // namespace

Result<Plan> makePlan(const WorkloadSet& set, const Catalog& catalog, const PlanOptions& options) {
  std::string note;
  ModeMask left = 0;
  auto best = bestAttempt(set, catalog, options, true, &note, &left);
  if (!best) return best.errors();
  // The "what if workloads could move GPU models" estimate is a second, independent
  // packing: run it on the other core while this plan is described.
  std::future<std::optional<Micros>> other;
  if (!options.anyGpuModel && options.estimateOtherModels) {
    other = std::async(std::launch::async,
                       [&set, &catalog, options, left] { return anyModelCost(set, catalog, options, left); });
  }
  const PlanContext& ctx = best->prepared->ctx;
  Plan plan;
  plan.strategy = options.strategy;
  plan.capacity = options.capacity;
  plan.maxPodsPerNode = options.maxPodsPerNode;
  detail::describePools(ctx, *best->prepared->workloads, best->prepared->pools, plan);
  plan.lowerBound = static_cast<Micros>(std::floor(best->prepared->lowerBoundMicros + 1e-6));
  plan.lowerBound = std::min(plan.lowerBound, plan.fleet.hourly);

  auto baseline = detail::baselineFleet(ctx, *best->prepared->workloads);
  if (!baseline) return baseline.errors();
  plan.baseline = std::move(baseline->fleet);
  const std::vector<Workload>& planned = *best->prepared->workloads;
  detail::splitPoolCosts(catalog, planned, plan);
  for (std::size_t wi = 0; wi < plan.placements.size(); ++wi)
    plan.placements[wi].baselineHourly = baseline->byWorkload[wi];
  if (detail::baselineCapacityDiffers(planned, plan.capacity)) {
    plan.fleetAtBaselineCapacity = detail::fleetAtBaselineCapacity(catalog, planned, plan);
    if (!plan.fleetAtBaselineCapacity) {
      baseline->notes.push_back(fmt::format(
          "the savings are not split into sharing and {}: some pool's type has no price at the capacity its "
          "workloads run at today",
          capacityName(plan.capacity)));
    }
  }

  plan.notes = detail::planNotes(ctx, *best->prepared->workloads, plan);
  for (std::string& n : baseline->notes) plan.notes.push_back(std::move(n));
  if (!note.empty()) plan.notes.push_back(note);
  for (std::string& n : detail::fleetNotes(ctx, *best->prepared->workloads, plan)) plan.notes.push_back(std::move(n));
  if (auto idle = detail::scaledToZeroNote(set)) plan.notes.push_back(*idle);
  if (other.valid()) plan.anyModelHourly = other.get();
  if (auto costlier = detail::costlierNote(ctx, plan)) plan.notes.insert(plan.notes.begin(), std::move(*costlier));
  return plan;
}

Result<Plan> makePartialPlan(WorkloadSet& set, const Catalog& catalog, const PlanOptions& options) {
  std::vector<Unplanned> unplanned;
  auto misfits = misfitsOf(set, catalog, options);
  if (!misfits) return misfits.errors();
  setAside(set, *misfits, "", unplanned);
  if (mpsAndMigPossible(set, catalog, options)) {
    // Each workload fits somewhere now, but maybe only with MPS, or only with MIG: leave out
    // those that fit nowhere without MPS, or those without MIG, whichever are fewer.
    PlanOptions noMps = options, noMig = options;
    noMps.withoutModes |= bit(Mode::Mps);
    noMig.withoutModes |= bit(Mode::Mig);
    auto withoutMps = misfitsOf(set, catalog, noMps);
    auto withoutMig = misfitsOf(set, catalog, noMig);
    if (!withoutMps) return withoutMps.errors();
    if (!withoutMig) return withoutMig.errors();
    if (!withoutMps->empty() && !withoutMig->empty()) {
      const bool dropMpsUsers = withoutMps->size() <= withoutMig->size();
      setAside(set, dropMpsUsers ? *withoutMps : *withoutMig,
               dropMpsUsers ? "it needs MPS, which gpuslice never plans beside MIG, and other workloads need MIG; "
                              "without MPS, "
                            : "it needs MIG, which gpuslice never plans beside MPS, and other workloads need MPS; "
                              "without MIG, ",
               unplanned);
    }
  }
  auto plan = makePlan(set, catalog, options);
  if (!plan) return plan;
  if (!unplanned.empty()) {
    long long pods = 0;
    for (const Unplanned& u : unplanned) pods += u.workload.replicas;
    plan->notes.push_back(fmt::format(
        "--partial: {} workload{} ({} pod{}) fit nowhere and are not planned (listed under unplanned); the plan, its "
        "baseline and its savings cover the other workloads only",
        unplanned.size(), unplanned.size() == 1 ? "" : "s", pods, pods == 1 ? "" : "s"));
  }
  plan->unplanned = std::move(unplanned);
  return plan;
}

Error unplannedError(const Unplanned& u) {
  return detail::workloadError(u.workload, ErrorKind::Infeasible, "",
                               fmt::format("{} fits nowhere: {}", u.workload.qualifiedName(), u.why));
}

Result<Explanation> explainPlacement(const WorkloadSet& set, const Catalog& catalog, const PlanOptions& options,
                                     const Plan& plan, const std::string& name) {
  Prepared p;
  if (ErrorList e = prepare(set, catalog, options, p); !e.empty()) return e;
  const std::vector<Workload>& ws = *p.workloads;
  std::vector<std::size_t> found;
  for (std::size_t i = 0; i < ws.size(); ++i) {
    if (ws[i].qualifiedName() == name || (name.find('/') == std::string::npos && ws[i].name == name))
      found.push_back(i);
  }
  auto usage = [](std::string message) { return Error{ErrorKind::Usage, "", 0, "--explain", std::move(message)}; };
  if (found.empty()) return usage(fmt::format("no workload {} in the plan (give namespace/name)", name));
  if (found.size() > 1)
    return usage(fmt::format("{} names {} workloads; give namespace/name ({}, ...)", name, found.size(),
                             ws[found[0]].qualifiedName()));
  const std::size_t i = found[0];
  if (i >= plan.placements.size()) return usage(fmt::format("{} was left out of the plan", name));
  return detail::explainWorkload(p.ctx, ws[i], plan, plan.placements[i]);
}

}  // namespace gpuslice
