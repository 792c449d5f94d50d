#include "io/plan_check.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace gpuslice::io {

namespace {

/// What the checks of one pool share.
struct PoolCheck {
  const Decoder& d;
  const Pool& pool;
  const PoolSource& at;
  const InstanceType& type;
  ErrorList& errors;

  /// An error at the pool's field `key` (at the pool when the field is absent).
  void fail(std::string_view key, std::string message) const {
    const Node* n = at.node->find(key);
    errors.push_back(d.error(n ? *n : *at.node, join(at.field, key), std::move(message)));
  }
};

/// A workload of the plan with where it is.
struct Member {
  const Workload* workload;
  const Placement* placement;
  const MemberSource* at;
};

std::string mib(std::int64_t n) { return fmt::format("{} MiB", n); }

const char* plural(long long n) { return n == 1 ? "" : "s"; }

void checkType(const PoolCheck& c, const Catalog& catalog) {
  const Pool& p = c.pool;
  const InstanceType& t = c.type;
  if (p.gpuModel != t.gpuModel) {
    c.fail("gpuModel", fmt::format("{} does not match {}, which has {} GPUs", p.gpuModel, t.name, t.gpuModel));
  }
  if (p.gpusPerNode != t.wholeGpus()) {
    c.fail("gpusPerNode", fmt::format("must be {} ({} has {} GPU{}), got {}", t.wholeGpus(), t.name, t.wholeGpus(),
                                      plural(t.wholeGpus()), p.gpusPerNode));
  }
  if (t.fractional() && p.mode != Mode::Dedicated) {
    c.fail("mode", fmt::format("{} has a fraction of a GPU, which is never shared: must be dedicated, got {}", t.name,
                               modeName(p.mode)));
  }
  if (p.mode == Mode::Dedicated && p.replicas != 1) {
    c.fail("replicas", fmt::format("a dedicated pool has replicas 1, got {}", p.replicas));
  }
  if (p.mode == Mode::TimeSlicing || p.mode == Mode::Mps) {
    const int limit = p.mode == Mode::Mps ? mpsClientLimit(catalog.findGpu(t.gpuModel)) : kMpsClientLimit;
    if (p.replicas > limit) {
      c.fail("replicas", fmt::format("{} allows at most {} replicas per {} GPU, got {}", modeName(p.mode), limit,
                                     t.gpuModel, p.replicas));
    }
  }
}

/// The index of `profile` in `gpu`, if it has one of that name.
std::optional<std::size_t> profileIndex(const MigGpu& gpu, const std::string& profile) {
  for (std::size_t i = 0; i < gpu.profiles.size(); ++i) {
    if (gpu.profiles[i].name == profile) return i;
  }
  return std::nullopt;
}

/// The geometry of the pool's GPU `g` on `gpu`, or nothing when a profile is unknown (an
/// error then).
std::optional<MigGeometry> layoutOf(const PoolCheck& c, const MigGpu& gpu, std::size_t g) {
  const Node* geometry = c.at.node->find("geometry");
  const Node* gpuNode = geometry && g < geometry->items.size() ? &geometry->items[g] : c.at.node;
  const std::string gf = index(join(c.at.field, "geometry"), g);
  std::vector<MigPlacement> placements;
  bool known = true;
  for (std::size_t k = 0; k < c.pool.geometry[g].size(); ++k) {
    const MigSlot& slot = c.pool.geometry[g][k];
    if (auto i = profileIndex(gpu, slot.profile)) {
      placements.push_back({*i, slot.start});
      continue;
    }
    std::vector<std::string> names;
    for (const MigProfile& p : gpu.profiles) names.push_back(p.name);
    const Node* slotNode = gpuNode->isSequence() && k < gpuNode->items.size() ? &gpuNode->items[k] : gpuNode;
    const Node* at = slotNode->find("profile");
    c.errors.push_back(
        c.d.error(at ? *at : *slotNode, join(index(gf, k), "profile"),
                  fmt::format("{} has no MIG profile {} (it has {})", gpu.name, slot.profile, fmt::join(names, ", "))));
    known = false;
  }
  if (!known) return std::nullopt;
  MigGeometry layout = MigGeometry::of(std::move(placements));
  if (auto why = whyInvalid(gpu, layout)) {
    c.errors.push_back(c.d.error(*gpuNode, gf, fmt::format("not a valid MIG layout on {}: {}", gpu.name, *why)));
    return std::nullopt;
  }
  return layout;
}

/// The MIG rules of a pool; the instances of each profile one node holds, by name (empty
/// when the layout is not valid).
std::map<std::string, int> checkMig(const PoolCheck& c, const Catalog& catalog) {
  const Pool& p = c.pool;
  const MigGpu* gpu = c.type.fractional() ? nullptr : catalog.findMigGpu(c.type.name);
  if (!gpu) {
    c.fail("mode", fmt::format("{} has no MIG ({} GPUs)", c.type.name, c.type.gpuModel));
    return {};
  }
  if (p.migGpu != gpu->name) {
    c.fail("migGpu", fmt::format("must be {} (the MIG GPU of {}), got {}", gpu->name, c.type.name, p.migGpu));
  }
  std::map<std::string, int> perNode;
  bool valid = true;
  for (std::size_t g = 0; g < p.geometry.size(); ++g) {
    auto layout = layoutOf(c, *gpu, g);
    valid = valid && layout;
    for (const MigSlot& slot : p.geometry[g]) ++perNode[slot.profile];
  }
  if (p.migStrategy == MigStrategy::Single && perNode.size() > 1) {
    std::vector<std::string> names;
    for (const auto& [name, count] : perNode) names.push_back(name);
    c.fail("migStrategy",
           fmt::format("single needs one profile on every GPU, but the geometry has {}", fmt::join(names, ", ")));
  }
  return valid ? perNode : std::map<std::string, int>{};
}

/// usableMemoryMiB, and the members' peak memory and compute against replicas. Memory is
/// checked against what the catalog's GPU leaves after the plan's overhead, whatever the plan
/// states as usable.
void checkFigures(const PoolCheck& c, const std::vector<Member>& members, const SavedSettings& settings,
                  const Catalog& catalog) {
  const Pool& p = c.pool;
  const std::int64_t usable = catalog.usableMemoryMiB(c.type, settings.gpuOverheadMiB);
  if (const std::optional<std::int64_t> stated = c.at.usableMemoryMiB; stated && *stated > usable) {
    c.fail("usableMemoryMiB",
           fmt::format("{} is more than the {} usable on a GPU of {} ({} less the {} overhead)", mib(*stated),
                       mib(usable), c.type.name, mib(catalog.gpuMemory(c.type).mib), mib(settings.gpuOverheadMiB)));
  }
  if (p.mode == Mode::Mig) return;
  std::int64_t peak = 0, compute = 0;
  for (const Member& m : members) {
    peak = std::max(peak, m.at->peakMemoryMiB.value_or(0));
    compute = std::max(compute, m.at->computePpm.value_or(0));
  }
  const int r = p.mode == Mode::Dedicated ? 1 : p.replicas;
  if (peak > 0 && r * peak > usable) {
    c.fail("replicas", fmt::format("{} pod{} of up to {} peak GPU memory need{} {}, more than the {} usable per GPU", r,
                                   plural(r), mib(peak), r == 1 ? "s" : "", mib(r * peak), mib(usable)));
  }
  const auto target = static_cast<std::int64_t>(std::llround((1.0 - settings.headroom) * 1e6));
  if (p.mode != Mode::Dedicated && compute > 0 && r * compute > target) {
    c.fail("replicas", fmt::format("{} pods busy up to {:.1f}% of a GPU need {:.1f}%, more than the {:.1f}% each GPU "
                                   "may be busy (1 - headroom)",
                                   r, static_cast<double>(compute) / 1e4, static_cast<double>(r * compute) / 1e4,
                                   static_cast<double>(target) / 1e4));
  }
}

/// The most whole GPUs a pod of `members` takes (gpu.count).
int mostGpusPerPod(const std::vector<Member>& members) {
  int most = 1;
  for (const Member& m : members) most = std::max<int>(most, m.workload->gpuCount);
  return most;
}

/// A pool holding pods of up to `most` > 1 GPUs each: dedicated, every such pod within a node's
/// GPUs, and the nodes holding the pods as the planner counts them: a node of g GPUs holds
/// g / most pods (pods of different counts share a node at the larger count).
void checkGpuCounts(const PoolCheck& c, const std::vector<Member>& members, long long pods, int most) {
  const Pool& p = c.pool;
  for (const Member& m : members) {
    if (m.workload->gpuCount < 2) continue;
    const Node* n = m.at->node->find("gpuCount");
    const std::string field = join(m.at->field, "gpuCount");
    if (p.mode != Mode::Dedicated) {
      c.errors.push_back(c.d.error(*n, field,
                                   fmt::format("{} whole GPUs a pod are never shared, but pool {} is {}",
                                               m.workload->gpuCount, p.name, modeName(p.mode))));
    } else if (m.workload->gpuCount > p.gpusPerNode) {
      c.errors.push_back(
          c.d.error(*n, field,
                    fmt::format("{} needs {} GPUs on one node, but {} has {}", m.workload->qualifiedName(),
                                m.workload->gpuCount, c.type.name, p.gpusPerNode)));
    }
  }
  if (p.mode != Mode::Dedicated || most > p.gpusPerNode) return;
  const long long perNode = p.gpusPerNode / most;
  const long long holds = static_cast<long long>(p.nodes) * perNode;
  if (pods > holds) {
    c.fail("nodes",
           fmt::format("{} node{} of {} GPUs hold{} {} pods of up to {} GPUs each ({} a node), but its "
                       "workloads have {}",
                       p.nodes, plural(p.nodes), p.gpusPerNode, p.nodes == 1 ? "s" : "", holds, most, perNode, pods));
  }
}

/// `pods` against the members, the nodes against the members' minNodes, and the slots of the
/// pool's nodes against its pods.
void checkPods(const PoolCheck& c, const std::vector<Member>& members, const std::map<std::string, int>& migPerNode) {
  const Pool& p = c.pool;
  long long pods = 0;
  std::map<std::string, long long> perProfile;
  for (const Member& m : members) {
    pods += m.workload->replicas;
    perProfile[m.placement->profile] += m.workload->replicas;
  }
  if (pods != p.pods) {
    c.fail("pods", fmt::format("{}, but its workloads have {} pods", p.pods, pods));
  }
  for (const Member& m : members) {
    if (m.placement->minNodes > 1 && m.placement->minNodes > p.nodes) {
      c.fail("nodes", fmt::format("{}, but {} spreads its pods over at least {} nodes (minNodes)", p.nodes,
                                  m.workload->qualifiedName(), m.placement->minNodes));
    }
  }
  if (p.mode != Mode::Mig) {
    const int most = mostGpusPerPod(members);
    if (most > 1) return checkGpuCounts(c, members, pods, most);
    const long long slots =
        static_cast<long long>(p.nodes) * p.gpusPerNode * (p.mode == Mode::Dedicated ? 1 : p.replicas);
    if (pods > slots) {
      const int perGpu = p.mode == Mode::Dedicated ? 1 : p.replicas;
      c.fail("nodes", fmt::format("{} node{} of {} GPU{} x {} slot{} hold{} {} pods, but its workloads have {}",
                                  p.nodes, plural(p.nodes), p.gpusPerNode, plural(p.gpusPerNode), perGpu,
                                  plural(perGpu), p.nodes == 1 ? "s" : "", slots, pods));
    }
    return;
  }
  if (migPerNode.empty()) return;  // the layout is wrong already
  for (const auto& [profile, need] : perProfile) {
    const auto it = migPerNode.find(profile);
    const long long have = it == migPerNode.end() ? 0 : static_cast<long long>(p.nodes) * it->second;
    if (it != migPerNode.end() && need > have) {
      c.fail("nodes", fmt::format("{} node{} hold{} {} {} instance{}, but {} pods need one", p.nodes, plural(p.nodes),
                                  p.nodes == 1 ? "s" : "", have, profile, plural(have), need));
    }
  }
}

/// A MIG pod's profile is in its pool's layout, and its peak memory fits the instance.
void checkMigMember(const Decoder& d, const Member& m, const Pool& p, const InstanceType& t, const Catalog& catalog,
                    const SavedSettings& settings, ErrorList& errors) {
  const Node* profileNode = m.at->node->find("profile");
  const Node& at = profileNode ? *profileNode : *m.at->node;
  const std::string field = join(m.at->field, "profile");
  const bool inLayout = std::any_of(p.geometry.begin(), p.geometry.end(), [&](const std::vector<MigSlot>& gpu) {
    return std::any_of(gpu.begin(), gpu.end(), [&](const MigSlot& s) { return s.profile == m.placement->profile; });
  });
  if (!inLayout) {
    errors.push_back(
        d.error(at, field, fmt::format("{} is not in the geometry of pool {}", m.placement->profile, p.name)));
    return;
  }
  const MigGpu* gpu = catalog.findMigGpu(t.name);
  const auto i = gpu ? profileIndex(*gpu, m.placement->profile) : std::nullopt;
  if (!i || !m.at->peakMemoryMiB) return;
  const std::int64_t usable = instanceMemoryMiB(*gpu, *i, catalog.gpuMemory(t).mib) - settings.gpuOverheadMiB;
  if (*m.at->peakMemoryMiB > usable) {
    errors.push_back(
        d.error(at, field,
                fmt::format("a {} instance has {} usable after the {} MiB overhead, less than the pod's "
                            "peak of {}",
                            m.placement->profile, mib(usable), settings.gpuOverheadMiB, mib(*m.at->peakMemoryMiB))));
  }
}

/// mode and instanceType of a workload, where it states them, are its pool's.
void checkMemberAgrees(const Decoder& d, const Member& m, const Pool& p, ErrorList& errors) {
  for (const auto& [key, want] : {std::pair<const char*, std::string>{"mode", modeName(p.mode)},
                                  std::pair<const char*, std::string>{"instanceType", p.instanceType}}) {
    const Node* n = m.at->node->find(key);
    if (n && n->isScalar() && n->text != want) {
      errors.push_back(d.error(*n, join(m.at->field, key),
                               fmt::format("{} does not match pool {}, whose {} is {}", shown(*n), p.name, key, want)));
    }
  }
}

void checkDuplicates(const Decoder& d, const SavedPlan& saved, const std::vector<MemberSource>& members,
                     ErrorList& errors) {
  std::map<std::string, std::size_t> first;
  for (std::size_t i = 0; i < saved.set.workloads.size(); ++i) {
    const Workload& w = saved.set.workloads[i];
    auto [it, added] = first.emplace(w.qualifiedName(), i);
    if (added) continue;
    const Node* name = members[i].node->find("name");
    errors.push_back(d.error(name ? *name : *members[i].node, join(members[i].field, "name"),
                             fmt::format("duplicate workload {} (first defined at {}:{})", w.qualifiedName(), d.file(),
                                         members[it->second].node->line)));
  }
}

}  // namespace

void checkSavedPlan(const Decoder& d, const SavedPlan& saved, const std::vector<PoolSource>& pools,
                    const std::vector<MemberSource>& members, const SavedSettings& settings, const Catalog& catalog,
                    ErrorList& errors) {
  const Plan& plan = saved.plan;
  std::vector<std::vector<Member>> byPool(plan.pools.size());
  for (std::size_t i = 0; i < plan.placements.size(); ++i) {
    const Placement& pl = plan.placements[i];
    byPool[pl.pool].push_back({&saved.set.workloads[i], &pl, &members[i]});
  }
  for (std::size_t k = 0; k < plan.pools.size(); ++k) {
    const Pool& p = plan.pools[k];
    const InstanceType* t = catalog.findType(p.instanceType);
    if (!t) continue;  // readPlan refused it
    const PoolCheck c{d, p, pools[k], *t, errors};
    if (byPool[k].empty()) {
      c.fail("name", fmt::format("no workload is in pool {}", p.name));
      continue;
    }
    checkType(c, catalog);
    const std::map<std::string, int> migPerNode =
        p.mode == Mode::Mig ? checkMig(c, catalog) : std::map<std::string, int>{};
    checkFigures(c, byPool[k], settings, catalog);
    checkPods(c, byPool[k], migPerNode);
    for (const Member& m : byPool[k]) {
      checkMemberAgrees(d, m, p, errors);
      if (p.mode == Mode::Mig) checkMigMember(d, m, p, *t, catalog, settings, errors);
    }
  }
  checkDuplicates(d, saved, members, errors);
}

}  // namespace gpuslice::io
