#include "io/plan_reader.h"

#include <fmt/format.h>

#include <map>

#include "io/decode.h"
#include "io/document.h"
#include "io/plan_check.h"

namespace gpuslice::io {

std::optional<Error> checkPlanKind(const Decoder& d, const Node& root) {
  for (const auto& [key, want] : {std::pair{"apiVersion", "gpuslice.dev/v1alpha1"}, std::pair{"kind", "Plan"}}) {
    auto s = requiredString(d, root, key, "");
    if (!s) return s.error();
    if (*s != want) {
      return d.error(*root.find(key), key,
                     fmt::format("must be {}: this file is not a plan of gpuslice plan --format json", want));
    }
  }
  return std::nullopt;
}

namespace {

Result<const Node*> member(const Decoder& d, const Node& parent, std::string_view key, const std::string& f) {
  const Node* n = parent.isMapping() ? parent.find(key) : nullptr;
  if (!n) return d.error(parent, join(f, key), "required");
  return n;
}

Result<std::int64_t> integerField(const Decoder& d, const Node& parent, std::string_view key, const std::string& f,
                                  std::int64_t min, std::int64_t max) {
  auto n = member(d, parent, key, f);
  if (!n) return n.error();
  return d.integer(**n, join(f, key), min, max);
}

Result<Mode> modeOf(const Decoder& d, const Node& pool, const std::string& f) {
  auto s = requiredString(d, pool, "mode", f);
  if (!s) return s.error();
  for (Mode m : {Mode::Dedicated, Mode::TimeSlicing, Mode::Mps, Mode::Mig}) {
    if (*s == modeName(m)) return m;
  }
  return d.error(*pool.find("mode"), join(f, "mode"),
                 fmt::format("must be dedicated, time-slicing, mps or mig, got {}", *s));
}

std::optional<Error> readGeometry(const Decoder& d, const Node& node, Pool& p, const std::string& f) {
  const std::string g = join(f, "geometry");
  GS_TRY(d.sequence(node, g));
  for (std::size_t i = 0; i < node.items.size(); ++i) {
    const Node& gpu = node.items[i];
    const std::string gf = index(g, i);
    GS_TRY(d.sequence(gpu, gf));
    if (gpu.items.empty()) return d.error(gpu, gf, "a MIG GPU needs at least one instance");
    std::vector<MigSlot> slots;
    for (std::size_t k = 0; k < gpu.items.size(); ++k) {
      const Node& slot = gpu.items[k];
      const std::string sf = index(gf, k);
      if (!slot.isMapping()) return d.error(slot, sf, "must be a mapping");
      auto profile = requiredString(d, slot, "profile", sf);
      if (!profile) return profile.error();
      auto start = integerField(d, slot, "start", sf, 0, 7);
      if (!start) return start.error();
      slots.push_back({*profile, static_cast<int>(*start)});
    }
    p.geometry.push_back(std::move(slots));
  }
  if (static_cast<int>(p.geometry.size()) != p.gpusPerNode) {
    return d.error(node, g, fmt::format("has {} GPUs, but gpusPerNode is {}", p.geometry.size(), p.gpusPerNode));
  }
  return std::nullopt;
}

Result<std::optional<std::int64_t>> optionalInteger(const Decoder& d, const Node& parent, std::string_view key,
                                                    const std::string& f, std::int64_t min, std::int64_t max);

Result<Pool> readPool(const Decoder& d, const Node& node, const std::string& f, const Catalog& catalog) {
  if (!node.isMapping()) return d.error(node, f, "must be a mapping");
  Pool p;
  auto name = requiredString(d, node, "name", f);
  if (!name) return name.error();
  if (auto why = dns1123Problem(*name); !why.empty()) return d.error(*node.find("name"), join(f, "name"), why);
  p.name = *name;
  auto type = requiredString(d, node, "instanceType", f);
  if (!type) return type.error();
  if (!catalog.findType(*type)) {
    return d.error(*node.find("instanceType"), join(f, "instanceType"),
                   fmt::format("{} is not in the price table {} (pass the plan's --pricing)", *type, catalog.file));
  }
  p.instanceType = *type;
  auto model = requiredString(d, node, "gpuModel", f);
  if (!model) return model.error();
  p.gpuModel = *model;
  auto mode = modeOf(d, node, f);
  if (!mode) return mode.error();
  p.mode = *mode;
  auto replicas = integerField(d, node, "replicas", f, 1, 1000);
  if (!replicas) return replicas.error();
  p.replicas = static_cast<int>(*replicas);
  if ((p.mode == Mode::TimeSlicing || p.mode == Mode::Mps) && p.replicas < 2) {
    return d.error(
        *node.find("replicas"), join(f, "replicas"),
        fmt::format("{} needs replicas >= 2 (the device plugin rejects fewer), got {}", modeName(p.mode), p.replicas));
  }
  auto nodes = integerField(d, node, "nodes", f, 0, 100000);
  if (!nodes) return nodes.error();
  p.nodes = static_cast<int>(*nodes);
  auto atMax = optionalInteger(d, node, "nodesAtMaxReplicas", f, p.nodes, 1000000);
  if (!atMax) return atMax.error();
  p.nodesAtMaxReplicas = static_cast<int>(atMax->value_or(p.nodes));
  auto gpus = integerField(d, node, "gpusPerNode", f, 1, 64);
  if (!gpus) return gpus.error();
  p.gpusPerNode = static_cast<int>(*gpus);
  auto pods = integerField(d, node, "pods", f, 0, 10000000);
  if (!pods) return pods.error();
  p.pods = static_cast<int>(*pods);
  if (p.mode == Mode::Mig) {
    auto gpu = requiredString(d, node, "migGpu", f);
    if (!gpu) return gpu.error();
    p.migGpu = *gpu;
    auto strategy = requiredString(d, node, "migStrategy", f);
    if (!strategy) return strategy.error();
    if (*strategy != "single" && *strategy != "mixed") {
      return d.error(*node.find("migStrategy"), join(f, "migStrategy"),
                     fmt::format("must be single or mixed, got {}", *strategy));
    }
    p.migStrategy = *strategy == "single" ? MigStrategy::Single : MigStrategy::Mixed;
    auto geometry = member(d, node, "geometry", f);
    if (!geometry) return geometry.error();
    if (auto e = readGeometry(d, **geometry, p, f)) return *e;
  }
  return p;
}

/// An optional whole number `key` of `parent` in [min, max]; nothing when absent.
Result<std::optional<std::int64_t>> optionalInteger(const Decoder& d, const Node& parent, std::string_view key,
                                                    const std::string& f, std::int64_t min, std::int64_t max) {
  const Node* n = parent.find(key);
  if (!n) return std::optional<std::int64_t>{};
  auto v = d.integer(*n, join(f, key), min, max);
  if (!v) return v.errors();
  return std::optional<std::int64_t>{*v};
}

/// A workload's `container` and `kind`, which a saved plan holds only where they are not the
/// defaults (the workload's name, Deployment).
std::optional<Error> readPatchTarget(const Decoder& d, const Node& w, const std::string& f, Workload& wl) {
  if (const Node* c = w.find("container")) {
    auto s = d.string(*c, join(f, "container"));
    if (!s) return s.error();
    if (auto why = dns1123Problem(*s); !why.empty()) return d.error(*c, join(f, "container"), why);
    wl.container = *s;
  }
  if (const Node* k = w.find("kind")) {
    auto s = d.string(*k, join(f, "kind"));
    if (!s) return s.error();
    const auto kind = workloadKindNamed(*s);
    if (!kind) return d.error(*k, join(f, "kind"), "must be Deployment, StatefulSet, Job or CronJob");
    wl.kind = *kind;
  }
  return std::nullopt;
}

/// The figures of workload `w` the re-check uses, where the plan states them.
Result<MemberSource> memberSource(const Decoder& d, const Node& w, const std::string& f) {
  MemberSource m{&w, f, std::nullopt, std::nullopt};
  auto peak = optionalInteger(d, w, "peakGpuMemoryMiB", f, 1, std::int64_t{1} << 40);
  if (!peak) return peak.errors();
  m.peakMemoryMiB = *peak;
  const Node* slot = w.find("slot");
  const Node* compute = slot && slot->isMapping() ? slot->find("computePerPod") : nullptr;
  if (compute) {
    const std::string cf = join(join(f, "slot"), "computePerPod");
    auto c = d.number(*compute, cf);
    if (!c) return c.errors();
    if (!(*c > 0 && *c <= 64)) return d.error(*compute, cf, fmt::format("must be in (0, 64], got {}", compute->text));
    m.computePpm = std::llround(*c * 1e6);
  }
  return m;
}

/// slot.memoryMiB and slot.gpuShare, where the plan states them, as the risk's memory limit
/// and compute share (what plan wrote them from; profile --check compares against them).
std::optional<Error> readSlotLimits(const Decoder& d, const Node& w, const std::string& f, Risk& r) {
  const Node* slot = w.find("slot");
  if (!slot || !slot->isMapping()) return std::nullopt;
  const std::string sf = join(f, "slot");
  auto memory = optionalInteger(d, *slot, "memoryMiB", sf, 0, std::int64_t{1} << 40);
  if (!memory) return memory.error();
  r.memoryLimitMiB = memory->value_or(0);
  if (const Node* share = slot->find("gpuShare")) {
    auto v = d.number(*share, join(sf, "gpuShare"));
    if (!v) return v.error();
    if (!(*v > 0 && *v <= 1))
      return d.error(*share, join(sf, "gpuShare"), fmt::format("must be in (0, 1], got {}", share->text));
    r.computeShare = *v;
  }
  return std::nullopt;
}

/// settings.gpuOverheadMiB, settings.headroom and settings.maxPodsPerNode, where the plan states them.
Result<SavedSettings> savedSettings(const Decoder& d, const Node& root) {
  SavedSettings s;
  const Node* settings = root.find("settings");
  if (!settings || !settings->isMapping()) return s;
  auto overhead = optionalInteger(d, *settings, "gpuOverheadMiB", "settings", 0, 65536);
  if (!overhead) return overhead.errors();
  if (*overhead) s.gpuOverheadMiB = **overhead;
  if (const Node* h = settings->find("headroom")) {
    auto v = d.number(*h, "settings.headroom");
    if (!v) return v.errors();
    if (!(*v >= 0 && *v <= 0.95))
      return d.error(*h, "settings.headroom", fmt::format("must be in [0, 0.95], got {}", h->text));
    s.headroom = *v;
  }
  // The ranges of plan's options (--max-pods 1..1000).
  auto maxPods = optionalInteger(d, *settings, "maxPodsPerNode", "settings", 1, 1000);
  if (!maxPods) return maxPods.errors();
  if (*maxPods) s.maxPodsPerNode = static_cast<int>(**maxPods);
  return s;
}

/// What reading the pools leaves for reading the workloads and the re-check.
struct PoolsRead {
  std::map<std::string, std::size_t> index;  ///< by name
  std::vector<PoolSource> sources;
};

/// plan.capacity and plan.pools[] into `out`.
Result<PoolsRead> readPools(const Decoder& d, const Node& plan, const Catalog& catalog, SavedPlan& out) {
  if (!plan.isMapping()) return d.error(plan, "plan", "must be a mapping");
  auto capacity = requiredString(d, plan, "capacity", "plan");
  if (!capacity) return capacity.error();
  if (*capacity != "on-demand" && *capacity != "spot") {
    return d.error(*plan.find("capacity"), "plan.capacity",
                   fmt::format("must be on-demand or spot, got {}", *capacity));
  }
  out.plan.capacity = *capacity == "spot" ? Capacity::Spot : Capacity::OnDemand;
  auto pools = member(d, plan, "pools", "plan");
  if (!pools) return pools.error();
  if (auto e = d.sequence(**pools, "plan.pools")) return *e;
  PoolsRead read;
  for (std::size_t i = 0; i < (*pools)->items.size(); ++i) {
    const Node& node = (*pools)->items[i];
    const std::string f = index("plan.pools", i);
    auto p = readPool(d, node, f, catalog);
    if (!p) return p.error();
    auto usable = optionalInteger(d, node, "usableMemoryMiB", f, 0, std::int64_t{1} << 40);
    if (!usable) return usable.errors();
    read.sources.push_back({&node, f, *usable});
    if (!read.index.emplace(p->name, i).second) {
      return d.error(*node.find("name"), join(f, "name"), fmt::format("pool {} appears twice", p->name));
    }
    out.plan.pools.push_back(std::move(*p));
  }
  return read;
}

/// Workload `i` of the plan (node `w`) into `out`, and its figures into `members`.
std::optional<Error> readMember(const Decoder& d, const Node& w, std::size_t i, const PoolsRead& pools, SavedPlan& out,
                                std::vector<MemberSource>& members) {
  const std::string f = index("workloads", i);
  if (!w.isMapping()) return d.error(w, f, "must be a mapping");
  Workload wl;
  auto name = requiredString(d, w, "name", f);
  if (!name) return name.error();
  if (auto why = dns1123Problem(*name); !why.empty()) return d.error(*w.find("name"), join(f, "name"), why);
  auto ns = requiredString(d, w, "namespace", f);
  if (!ns) return ns.error();
  if (auto why = dns1123Problem(*ns); !why.empty()) return d.error(*w.find("namespace"), join(f, "namespace"), why);
  auto replicas = integerField(d, w, "replicas", f, 1, 10000000);
  if (!replicas) return replicas.error();
  wl.name = *name;
  wl.ns = *ns;
  wl.replicas = static_cast<int>(*replicas);
  if (auto e = readPatchTarget(d, w, f, wl)) return *e;
  auto gpuCount = optionalInteger(d, w, "gpuCount", f, 1, kMaxGpuCount);  // absent: 1
  if (!gpuCount) return gpuCount.error();
  if (*gpuCount) wl.gpuCount = static_cast<std::uint8_t>(**gpuCount);
  auto maxReplicas = optionalInteger(d, w, "maxReplicas", f, wl.replicas, 100000);
  if (!maxReplicas) return maxReplicas.error();
  if (*maxReplicas) wl.maxReplicas = static_cast<int>(**maxReplicas);
  auto pool = requiredString(d, w, "pool", f);
  if (!pool) return pool.error();
  auto it = pools.index.find(*pool);
  if (it == pools.index.end()) {
    return d.error(*w.find("pool"), join(f, "pool"), fmt::format("no pool {} in plan.pools", *pool));
  }
  Placement pl;
  pl.workload = i;
  pl.pool = it->second;
  auto minNodes = optionalInteger(d, w, "minNodes", f, 1, wl.replicas);
  if (!minNodes) return minNodes.error();
  if (*minNodes) pl.minNodes = static_cast<int>(**minNodes);
  if (out.plan.pools[it->second].mode == Mode::Mig) {
    auto profile = requiredString(d, w, "profile", f);
    if (!profile) return profile.error();
    pl.profile = *profile;
  }
  if (auto e = readSlotLimits(d, w, f, pl.risk)) return *e;
  auto figures = memberSource(d, w, f);
  if (!figures) return figures.error();
  members.push_back(std::move(*figures));
  out.set.workloads.push_back(std::move(wl));
  out.plan.placements.push_back(std::move(pl));
  return std::nullopt;
}

}  // namespace

Result<SavedPlan> readPlan(std::string_view text, const std::string& file, const Catalog& catalog) {
  auto doc = parseDocument(text, file);
  if (!doc) return doc.error();
  const Decoder d(file);
  const Node& root = *doc;
  if (!root.isMapping()) return d.error(root, "", "a plan must be a mapping (gpuslice plan --format json)");
  if (auto e = checkPlanKind(d, root)) return *e;
  SavedPlan out;
  auto planNode = member(d, root, "plan", "");
  if (!planNode) return planNode.error();
  auto pools = readPools(d, **planNode, catalog, out);
  if (!pools) return pools.errors();
  auto workloads = member(d, root, "workloads", "");
  if (!workloads) return workloads.error();
  if (auto e = d.sequence(**workloads, "workloads")) return *e;
  std::vector<MemberSource> members;
  for (std::size_t i = 0; i < (*workloads)->items.size(); ++i) {
    if (auto e = readMember(d, (*workloads)->items[i], i, *pools, out, members)) return *e;
  }
  auto settings = savedSettings(d, root);
  if (!settings) return settings.errors();
  out.plan.maxPodsPerNode = settings->maxPodsPerNode;
  ErrorList broken;
  checkSavedPlan(d, out, pools->sources, members, *settings, catalog, broken);
  if (!broken.empty()) return broken;
  return out;
}

}  // namespace gpuslice::io
