#include "planner/planner.h"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <future>
#include <map>
#include <memory>
#include <numeric>
#include <set>

#include "planner/bound/node_bound.h"
#include "planner/diagnostics.h"
#include "planner/fit.h"
#include "planner/mig_packing.h"
#include "planner/packing.h"
#include "planner/risk.h"
#include "planner/search/improve.h"
#include "util/glob.h"

namespace gpuslice {

std::string resourceName(const Pool& pool, const Placement& placement) {
  if (pool.mode == Mode::Mig && pool.migStrategy == "mixed") return "nvidia.com/mig-" + placement.profile;
  return "nvidia.com/gpu";
}

namespace {

using detail::Candidate;
using detail::PackedPool;
using detail::PlanContext;

Error workloadError(const Workload& w, ErrorKind kind, const std::string& field, std::string message) {
  int line = w.source.line;
  if (field == ".gpu.model" && w.source.modelLine > 0) line = w.source.modelLine;
  if (field == ".current.instanceType" && w.source.currentLine > 0) line = w.source.currentLine;
  return Error{kind, w.source.file, line, w.source.field + field, std::move(message)};
}

/// Priced candidates that pass the global filters.
Result<PlanContext> makeContext(const Catalog& catalog, const PlanOptions& options) {
  PlanContext ctx;
  ctx.catalog = &catalog;
  ctx.options = &options;
  ctx.computeTargetPpm = static_cast<std::int64_t>(std::llround((1.0 - options.headroom) * 1e6));
  bool anyPrice = false;
  std::map<std::tuple<std::string, std::int64_t, double>, std::size_t> kinds;
  for (std::size_t i = 0; i < catalog.instanceTypes.size(); ++i) {
    const InstanceType& t = catalog.instanceTypes[i];
    const auto price = Catalog::price(t, options.capacity);
    if (!price) continue;
    anyPrice = true;
    if (!globMatchAny(options.allowInstanceTypes, t.name)) continue;
    Candidate c;
    c.type = &t;
    c.gpu = catalog.findGpu(t.gpuModel);
    c.index = static_cast<int>(i);
    c.price = *price;
    c.allocatable = nodeAllocatable(t, options.maxPodsPerNode, options.daemonSets);
    c.gpus = t.wholeGpus();
    if (!t.fractional()) c.mig = catalog.findMigGpu(t.name);
    const double overhead = t.fractional() ? options.gpuOverheadMiB * t.gpuCount : options.gpuOverheadMiB;
    c.usableMemoryMiB = t.gpuMemoryMiB - static_cast<std::int64_t>(std::ceil(overhead));
    // The GPU side of a fit depends on the model, the usable memory and the slice share only.
    const auto kind = std::make_tuple(t.gpuModel, c.usableMemoryMiB, t.fractional() ? t.gpuCount : 0.0);
    c.gpuKind = static_cast<int>(kinds.emplace(kind, kinds.size()).first->second);
    ctx.candidates.push_back(c);
  }
  ctx.gpuKinds = static_cast<int>(kinds.size());
  if (!anyPrice) {
    return Error{ErrorKind::BadInput, catalog.file, 0, "",
                 fmt::format("the price table has no {} prices; pass --pricing FILE with a table that has them",
                             capacityName(options.capacity))};
  }
  return ctx;
}

/// Checks each workload against the catalog and fills in gpu.model from
/// current.instanceType where it was left out. Only then is the set copied (into `filled`);
/// the result points at the workloads to plan.
Result<const std::vector<Workload>*> resolveWorkloads(const WorkloadSet& set, const Catalog& catalog,
                                                      std::vector<Workload>& filled) {
  const bool copy =
      std::any_of(set.workloads.begin(), set.workloads.end(), [](const Workload& w) { return w.gpuModel.empty(); });
  if (copy) filled = set.workloads;
  const std::vector<Workload>& out = copy ? filled : set.workloads;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const Workload& w = out[i];
    if (w.currentType) {
      const InstanceType* t = catalog.findType(*w.currentType);
      if (!t) {
        return workloadError(
            w, ErrorKind::BadInput, ".current.instanceType",
            fmt::format("unknown instance type \"{}\" (not in the price table {})", *w.currentType, catalog.file));
      }
      if (w.gpuModel.empty()) {
        filled[i].gpuModel = t->gpuModel;
      } else if (w.gpuModel != t->gpuModel) {
        return workloadError(w, ErrorKind::BadInput, ".gpu.model",
                             fmt::format("\"{}\" does not match current.instanceType {}, which has {} GPUs", w.gpuModel,
                                         t->name, t->gpuModel));
      }
    }
    if (w.gpuModel.empty()) {
      return workloadError(w, ErrorKind::BadInput, ".gpu.model", "required when current.instanceType is not given");
    }
    const bool known =
        catalog.findGpu(w.gpuModel) || std::any_of(catalog.instanceTypes.begin(), catalog.instanceTypes.end(),
                                                   [&](const InstanceType& t) { return t.gpuModel == w.gpuModel; });
    if (!known) {
      std::vector<std::string> names;
      for (const GpuModel& g : catalog.gpus) names.push_back(g.name);
      return workloadError(w, ErrorKind::BadInput, ".gpu.model",
                           fmt::format("unknown GPU model \"{}\"; known: {}", w.gpuModel, fmt::join(names, ", ")));
    }
  }
  return &out;
}

std::string poolBaseName(const std::string& type, Mode mode, int replicas) {
  std::string name = type;
  std::replace(name.begin(), name.end(), '.', '-');
  switch (mode) {
    case Mode::Dedicated: return name + "-dedicated";
    case Mode::TimeSlicing: return fmt::format("{}-ts{}", name, replicas);
    case Mode::Mps: return fmt::format("{}-mps{}", name, replicas);
    case Mode::Mig: return name + "-mig";
  }
  return name;
}

/// Which node resource sets `nodeCap`, the most pods of these members a node can hold.
std::string nodeLimit(const Candidate& c, const std::vector<Workload>& ws, const std::vector<std::size_t>& members,
                      int nodeCap) {
  for (std::size_t wi : members) {
    const Workload& w = ws[wi];
    if (w.cpuMillis && *w.cpuMillis > 0 && c.allocatable.cpuMillis / *w.cpuMillis == nodeCap) return "cpu";
    if (w.memoryBytes && *w.memoryBytes > 0 && c.allocatable.memoryBytes / *w.memoryBytes == nodeCap) return "memory";
  }
  return "pods";
}

/// Why a workload that allows MIG, on a model some candidate offers MIG for, has no MIG
/// profile that holds it; nullopt otherwise.
std::optional<std::string> notMigEligible(const PlanContext& ctx, const Workload& w) {
  if (!(detail::effectiveModes(w, *ctx.options) & bit(Mode::Mig))) return std::nullopt;
  const Candidate* roomiest = nullptr;
  std::int64_t roomiestMiB = 0;
  for (const Candidate& c : ctx.candidates) {
    if (!c.mig || !detail::admits(ctx, w, c)) continue;
    if (detail::migProfileFor(ctx, w, c)) return std::nullopt;
    const std::int64_t mib = detail::largestInstanceMiB(c);
    if (!roomiest || mib > roomiestMiB) {
      roomiest = &c;
      roomiestMiB = mib;
    }
  }
  if (!roomiest) return std::nullopt;
  return fmt::format(
      "not MIG-eligible: no MIG profile holds one pod ({:.2f} GiB, {:.1f}% compute); the largest instance, on {}, "
      "has {:.2f} GiB usable after the overhead and 7 of 7 compute slices",
      static_cast<double>(w.memoryMiB) / 1024.0, static_cast<double>(w.computePpm) / 1e4, roomiest->type->name,
      static_cast<double>(roomiestMiB - ctx.options->gpuOverheadMiB) / 1024.0);
}

/// The MIG GPU, strategy and per-GPU layout of a MIG pool.
void describeMig(const MigGpu& gpu, const std::vector<MigGeometry>& layout, Pool& pool) {
  pool.migGpu = gpu.name;
  pool.migPlacementsAssumed = gpu.placementsSource == PlacementsSource::Assumed;
  std::set<std::size_t> profiles;
  for (const MigGeometry& g : layout) {
    std::vector<MigSlot>& slots = pool.geometry.emplace_back();
    for (const MigPlacement& p : g.placements) {
      slots.push_back(MigSlot{gpu.profiles[p.profile].name, p.start});
      profiles.insert(p.profile);
    }
  }
  // The single strategy shows every instance as nvidia.com/gpu: right only when they are alike.
  pool.migStrategy = profiles.size() == 1 ? "single" : "mixed";
}

/// Turns packed pools into named, described pools and per-workload placements.
void describePools(const PlanContext& ctx, const std::vector<Workload>& ws, std::vector<PackedPool>& packed,
                   Plan& plan) {
  auto byName = [&](std::size_t a, std::size_t b) {
    return std::tie(ws[a].ns, ws[a].name) < std::tie(ws[b].ns, ws[b].name);
  };
  for (PackedPool& p : packed) std::sort(p.workloads.begin(), p.workloads.end(), byName);
  std::sort(packed.begin(), packed.end(), [&](const PackedPool& a, const PackedPool& b) {
    const auto& ta = ctx.candidates[static_cast<std::size_t>(a.candidate)].type->name;
    const auto& tb = ctx.candidates[static_cast<std::size_t>(b.candidate)].type->name;
    if (ta != tb) return ta < tb;
    if (a.mode != b.mode) return a.mode < b.mode;
    if (a.shape.replicas != b.shape.replicas) return a.shape.replicas > b.shape.replicas;
    return byName(a.workloads.front(), b.workloads.front());
  });
  std::map<std::string, int> used;
  plan.placements.resize(ws.size());
  for (const PackedPool& p : packed) {
    const Candidate& c = ctx.candidates[static_cast<std::size_t>(p.candidate)];
    Pool pool;
    const std::string base = poolBaseName(c.type->name, p.mode, p.shape.replicas);
    const int n = ++used[base];
    pool.name = n == 1 ? base : fmt::format("{}-{}", base, n);
    pool.instanceType = c.type->name;
    pool.gpuModel = c.type->gpuModel;
    pool.mode = p.mode;
    pool.replicas = p.shape.replicas;
    pool.nodes = p.shape.nodes;
    pool.gpusPerNode = c.gpus;
    pool.podsPerNode = p.shape.podsPerNode;
    pool.pods = static_cast<int>(p.pods);
    pool.limitedBy = p.shape.limitedBy == "gpu" ? "gpu" : nodeLimit(c, ws, p.workloads, p.minNodeCap);
    pool.hourly = c.price * p.shape.nodes;
    pool.usableMemoryMiB = c.usableMemoryMiB;
    pool.workloads = p.workloads;
    if (p.migGpu) describeMig(*p.migGpu, p.migLayout, pool);
    double compute = 0, memory = 0;
    for (std::size_t wi : p.workloads) {
      // Only the pod's compute on this GPU and whether it is an estimate are needed here.
      const detail::SlotFit f = detail::gpuFitOf(ctx, ws[wi], c);
      if (p.migGpu) plan.placements[wi].profile = p.migGpu->profiles[*detail::migProfileFor(ctx, ws[wi], c)].name;
      pool.maxMemoryMiB = std::max(pool.maxMemoryMiB, ws[wi].memoryMiB);
      pool.maxComputePpm = std::max(pool.maxComputePpm, f.computePpm);
      pool.estimate = pool.estimate || f.estimate;
      compute += static_cast<double>(f.computePpm) * ws[wi].replicas;
      memory += static_cast<double>(ws[wi].memoryMiB) * ws[wi].replicas;
      plan.placements[wi].workload = wi;
      plan.placements[wi].computePpm = f.computePpm;
      plan.placements[wi].risk.estimate = f.estimate;
    }
    const double gpus = static_cast<double>(pool.nodes) * (c.type->fractional() ? c.type->gpuCount : c.gpus);
    pool.computePerGpu = compute / 1e6 / gpus;
    pool.memoryPerGpu = memory / (static_cast<double>(pool.nodes) * c.gpus * static_cast<double>(c.usableMemoryMiB));
    plan.pools.push_back(std::move(pool));
  }
  std::vector<std::size_t> order(plan.pools.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return plan.pools[a].name < plan.pools[b].name; });
  std::vector<Pool> sorted;
  for (std::size_t i : order) sorted.push_back(std::move(plan.pools[i]));
  plan.pools = std::move(sorted);
  // The GPU Operator has one MIG strategy for the whole cluster: mixed as soon as one pool
  // needs it.
  if (std::any_of(plan.pools.begin(), plan.pools.end(),
                  [](const Pool& p) { return p.mode == Mode::Mig && p.migStrategy == "mixed"; })) {
    for (Pool& p : plan.pools) {
      if (p.mode == Mode::Mig) p.migStrategy = "mixed";
    }
  }
  for (std::size_t pi = 0; pi < plan.pools.size(); ++pi) {
    const Pool& pool = plan.pools[pi];
    const MigGpu* gpu = pool.mode == Mode::Mig ? ctx.catalog->findMigGpu(pool.instanceType) : nullptr;
    plan.pools[pi].notes = detail::poolNotes(pool, *ctx.options, gpu);
    const std::int64_t gpuMemoryMiB = gpu ? ctx.catalog->findType(pool.instanceType)->gpuMemoryMiB : 0;
    for (std::size_t wi : pool.workloads) {
      Placement& placement = plan.placements[wi];
      placement.pool = pi;
      std::optional<std::size_t> profile;
      if (gpu) {
        auto it = std::find_if(gpu->profiles.begin(), gpu->profiles.end(),
                               [&](const MigProfile& m) { return m.name == placement.profile; });
        if (it != gpu->profiles.end()) profile = static_cast<std::size_t>(it - gpu->profiles.begin());
      }
      placement.risk = detail::assessRisk(ws[wi], pool, placement, *ctx.options, gpu, profile, gpuMemoryMiB);
      if (pool.mode != Mode::Mig) {
        if (auto why = notMigEligible(ctx, ws[wi])) placement.risk.notes.push_back(*why);
      }
    }
  }
  for (const Pool& p : plan.pools) {
    plan.fleet.instances[p.instanceType] += p.nodes;
    plan.fleet.hourly += p.hourly;
  }
}

/// One whole GPU per pod: on the current type when given, else the cheapest that fits.
Result<Fleet> baselineFleet(const PlanContext& ctx, const std::vector<Workload>& ws) {
  std::map<std::string, double> nodes;  // fractional node demand per type
  for (const Workload& w : ws) {
    const InstanceType* chosen = nullptr;
    int podsPerNode = 1;
    if (w.currentType) {
      chosen = ctx.catalog->findType(*w.currentType);
      if (!Catalog::price(*chosen, ctx.options->capacity)) {
        return workloadError(w, ErrorKind::BadInput, ".current.instanceType",
                             fmt::format("{} has no {} price in the price table {}", chosen->name,
                                         capacityName(ctx.options->capacity), ctx.catalog->file));
      }
      Candidate c;
      c.type = chosen;
      c.gpus = chosen->wholeGpus();
      c.allocatable = nodeAllocatable(*chosen, ctx.options->maxPodsPerNode, ctx.options->daemonSets);
      // It runs there today, so at least one pod fits a node whatever the requests say.
      const int cap = std::max(1, detail::withNodeCap(detail::SlotFit{}, w, c).nodeCap);
      podsPerNode = std::min(c.gpus, cap);
    } else {
      Micros bestCost = 0;
      int bestNodes = 0;
      for (const Candidate& c : ctx.candidates) {
        if (!detail::admits(ctx, w, c) || c.type->gpuModel != w.gpuModel) continue;
        const detail::SlotFit f = detail::fitOf(ctx, w, c);
        if (!f.dedicated) continue;
        const int ppn = std::min(c.gpus, f.nodeCap);
        const int n = (w.replicas + ppn - 1) / ppn;
        const Micros cost = c.price * n;
        if (!chosen || cost < bestCost || (cost == bestCost && n < bestNodes)) {
          chosen = c.type;
          bestCost = cost;
          bestNodes = n;
          podsPerNode = ppn;
        }
      }
      if (!chosen) continue;  // makePlan reports it as infeasible
    }
    nodes[chosen->name] += static_cast<double>(w.replicas) / podsPerNode;
  }
  Fleet fleet;
  for (const auto& [name, demand] : nodes) {
    const int n = static_cast<int>(std::ceil(demand - 1e-9));
    fleet.instances[name] = n;
    fleet.hourly += *Catalog::price(*ctx.catalog->findType(name), ctx.options->capacity) * n;
  }
  return fleet;
}

/// The smallest sum of node prices (any number of each) that reaches `need`: whatever a
/// group of candidates is bought in, it is bought in whole nodes. Gives `need` rounded up
/// when the search would be long (many nodes or many distinct prices); either is a valid
/// lower bound.
Micros smallestSumAtLeast(std::vector<Micros> prices, double need) {
  const auto target = static_cast<Micros>(std::ceil(need - 1e-6));
  std::sort(prices.begin(), prices.end(), std::greater<>());
  prices.erase(std::unique(prices.begin(), prices.end()), prices.end());
  if (prices.empty() || target <= 0) return std::max<Micros>(0, target);
  Micros best = (target + prices.back() - 1) / prices.back() * prices.back();  // cheapest type only
  long long budget = 200000;                                                   // search steps
  // Depth-first over how many nodes of each price, dearest first, pruned by the best so far.
  auto search = [&](auto&& self, std::size_t i, Micros sum) -> void {
    if (--budget < 0) return;
    if (sum >= target) {
      best = std::min(best, sum);
      return;
    }
    if (i == prices.size()) return;
    // Enough of this price to reach the target, but never a sum as dear as the best so far.
    const Micros most = std::min((target - sum + prices[i] - 1) / prices[i], (best - sum - 1) / prices[i]);
    for (Micros k = most; k >= 0 && budget >= 0; --k) self(self, i + 1, sum + k * prices[i]);
  };
  search(search, 0, 0);
  return budget < 0 ? target : best;
}

/// What every planning run starts from: resolved workloads and the context over them.
struct Prepared {
  PlanOptions options;           ///< the context points at this copy
  std::vector<Workload> filled;  ///< a copy, only when some gpu.model had to be filled in
  const std::vector<Workload>* workloads = nullptr;
  PlanContext ctx;
  std::vector<PackedPool> pools;
  double lowerBoundMicros = 0;
};

/// Resolves the workloads, groups them by the candidates that admit them and packs each
/// group into pools. Fills `p` in place (its context points into it).
std::optional<Error> packAll(const WorkloadSet& set, const Catalog& catalog, const PlanOptions& options, Prepared& p) {
  p.options = options;
  auto ctx = makeContext(catalog, p.options);
  if (!ctx) return ctx.error();
  p.ctx = std::move(*ctx);
  auto resolved = resolveWorkloads(set, catalog, p.filled);
  if (!resolved) return resolved.error();
  p.workloads = *resolved;
  const std::vector<Workload>& ws = *p.workloads;
  p.ctx.workloads = &ws;
  p.ctx.measuredOn.reserve(ws.size());
  for (const Workload& w : ws) p.ctx.measuredOn.push_back(catalog.findGpu(w.gpuModel));
  detail::chooseMigBoundWeights(p.ctx, ws);

  // Classes: workloads admitted by exactly the same candidates. Admission depends only on
  // the model, the architectures and the instance-type patterns, so it is worked out once
  // per distinct combination.
  std::vector<std::pair<std::vector<int>, std::vector<std::size_t>>> classes;
  std::map<std::vector<int>, std::size_t> classOf;
  std::map<std::string, std::size_t> classOfKey;
  for (std::size_t wi = 0; wi < ws.size(); ++wi) {
    const Workload& w = ws[wi];
    std::string key = w.gpuModel;
    key += static_cast<char>('0' + w.arch);
    for (const std::string& g : w.instanceTypes) key += '\0' + g;
    auto cached = classOfKey.find(key);
    if (cached == classOfKey.end()) {
      std::vector<int> admitted;
      for (std::size_t k = 0; k < p.ctx.candidates.size(); ++k) {
        if (detail::admits(p.ctx, w, p.ctx.candidates[k])) admitted.push_back(static_cast<int>(k));
      }
      auto [it, inserted] = classOf.emplace(admitted, classes.size());
      if (inserted) classes.push_back({std::move(admitted), {}});
      cached = classOfKey.emplace(std::move(key), it->second).first;
    }
    auto& [admitted, members] = classes[cached->second];
    if (auto why = detail::whyInfeasible(p.ctx, w, admitted)) {
      return workloadError(w, ErrorKind::Infeasible, "", fmt::format("{} fits nowhere: {}", w.qualifiedName(), *why));
    }
    members.push_back(wi);
  }
  // Lower bound: classes that share a candidate form a component; nodes of different
  // components are different nodes. Each component costs at least the pods' fractional
  // share, and at least one node that fits its most demanding pod.
  std::vector<std::size_t> componentOfCandidate(p.ctx.candidates.size());
  std::iota(componentOfCandidate.begin(), componentOfCandidate.end(), 0);
  auto root = [&](std::size_t k) {
    while (componentOfCandidate[k] != k) k = componentOfCandidate[k] = componentOfCandidate[componentOfCandidate[k]];
    return k;
  };
  struct Component {
    double fractional = 0;  // the per-pod bound
    Micros node = 0;        // the dearest of the members' cheapest fitting nodes
    std::vector<std::size_t> members;
  };
  std::map<std::size_t, Component> components;  // by root candidate
  for (const auto& [admitted, index] : classOf) {
    for (std::size_t i = 1; i < admitted.size(); ++i) {
      componentOfCandidate[root(static_cast<std::size_t>(admitted[i]))] = root(static_cast<std::size_t>(admitted[0]));
    }
  }
  // In the order of the admitted candidates (classOf is sorted), for deterministic output.
  for (const auto& [admitted, index] : classOf) {
    detail::Packing packing = detail::packClassWithMig(p.ctx, ws, classes[index].second, admitted);
    Component& comp = components[root(static_cast<std::size_t>(admitted.front()))];
    comp.fractional += packing.lowerBoundMicros;
    comp.node = std::max(comp.node, packing.cheapestNodeForAll);
    comp.members.insert(comp.members.end(), classes[index].second.begin(), classes[index].second.end());
    for (PackedPool& pool : packing.pools) p.pools.push_back(std::move(pool));
  }
  for (const auto& [r, comp] : components) {
    std::vector<Micros> prices;
    std::vector<int> candidates;
    for (std::size_t k = 0; k < p.ctx.candidates.size(); ++k) {
      if (root(k) != r) continue;
      prices.push_back(p.ctx.candidates[k].price);
      candidates.push_back(static_cast<int>(k));
    }
    // Whole nodes: the node LP, where pods of a kind are too few to fill their cheapest node.
    const double nodes = detail::nodeLpBound(p.ctx, ws, comp.members, candidates);
    const double need = std::max({comp.fractional, static_cast<double>(comp.node), nodes});
    p.lowerBoundMicros += static_cast<double>(smallestSumAtLeast(prices, need));
  }
  detail::mergePools(p.ctx, p.pools);
  detail::improvePools(p.ctx, ws, p.pools);
  return std::nullopt;
}

}  // namespace

namespace {

/// One packing, not yet described; its cost, nodes and isolation penalty decide between
/// packings as they decide between pools.
struct Attempt {
  std::unique_ptr<Prepared> prepared;  // its context points into it
  detail::PackingScore score;
};

Result<Attempt> attempt(const WorkloadSet& set, const Catalog& catalog, const PlanOptions& options) {
  Attempt a;
  a.prepared = std::make_unique<Prepared>();
  if (auto e = packAll(set, catalog, options, *a.prepared)) return *e;
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
        catalog.findMigGpu(t.name)) {
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
        if (const InstanceType* t = catalog.findType(*w.currentType)) model = t->gpuModel;
      }
      mig = options.anyGpuModel ? !migModels.empty() : migModels.count(model) > 0;
    }
    if (mps && mig) return true;
  }
  return false;
}

/// The plan: one packing, or, where MPS and MIG could both be used, the cheaper (then fewer
/// nodes) of the packing without MPS and the one without MIG, the second on another thread
/// when `parallel`. Its lower bound holds for every plan that does not use both.
Result<Attempt> bestAttempt(const WorkloadSet& set, const Catalog& catalog, const PlanOptions& options, bool parallel,
                            std::string* note, ModeMask* left = nullptr) {
  if (!mpsAndMigPossible(set, catalog, options)) return attempt(set, catalog, options);
  PlanOptions noMps = options, noMig = options;
  noMps.withoutModes |= bit(Mode::Mps);
  noMig.withoutModes |= bit(Mode::Mig);
  std::future<Result<Attempt>> second;
  if (parallel) second = std::async(std::launch::async, [&] { return attempt(set, catalog, noMig); });
  auto withoutMps = attempt(set, catalog, noMps);
  auto withoutMig = parallel ? second.get() : attempt(set, catalog, noMig);
  if (!withoutMps && !withoutMig) {
    return Error{ErrorKind::Infeasible, "", 0, "",
                 fmt::format("some workloads need MPS and others MIG, which gpuslice never plans together (the "
                             "NVIDIA device plugin runs MPS only on whole GPUs and not beside MIG's mixed "
                             "strategy). Without MPS: {} Without MIG: {}",
                             withoutMps.error().message, withoutMig.error().message)};
  }
  const bool mpsWins = !withoutMps || (withoutMig && withoutMig->score <= withoutMps->score);
  double bound = (mpsWins ? *withoutMig : *withoutMps).prepared->lowerBoundMicros;
  if (withoutMps && withoutMig) {
    bound = std::min(withoutMps->prepared->lowerBoundMicros, withoutMig->prepared->lowerBoundMicros);
    if (note && hasModeIn(*withoutMig, Mode::Mps) && hasModeIn(*withoutMps, Mode::Mig)) {
      const Micros other = std::get<0>(mpsWins ? withoutMps->score : withoutMig->score);
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
  return std::get<0>(a->score);
}

}  // namespace

Result<Plan> makePlan(const WorkloadSet& set, const Catalog& catalog, const PlanOptions& options) {
  std::string note;
  ModeMask left = 0;
  auto best = bestAttempt(set, catalog, options, true, &note, &left);
  if (!best) return best.error();
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
  describePools(ctx, *best->prepared->workloads, best->prepared->pools, plan);
  plan.lowerBound = static_cast<Micros>(std::floor(best->prepared->lowerBoundMicros + 1e-6));
  plan.lowerBound = std::min(plan.lowerBound, plan.fleet.hourly);

  auto baseline = baselineFleet(ctx, *best->prepared->workloads);
  if (!baseline) return baseline.error();
  plan.baseline = std::move(*baseline);

  plan.notes = detail::planNotes(ctx, *best->prepared->workloads, plan);
  if (!note.empty()) plan.notes.push_back(note);
  if (other.valid()) plan.anyModelHourly = other.get();
  return plan;
}

}  // namespace gpuslice
