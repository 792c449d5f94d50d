// MIG in the planner, against the built-in catalog: hand-worked cases and a brute-force optimum.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <random>
#include <set>

#include "io/catalog_reader.h"
#include "mig/geometry.h"
#include "planner/mig_packing.h"
#include "planner/planner.h"
#include "support/test_support.h"

using namespace gpuslice;

namespace {

const Catalog& builtin() {
  static const Catalog catalog = *io::builtinCatalog();
  return catalog;
}

Workload migWorkload(std::string name, std::string model, std::int64_t memMiB, double compute, int replicas = 1,
                     ModeMask sharing = bit(Mode::Mig), Isolation isolation = Isolation::Full) {
  Workload w;
  w.name = std::move(name);
  w.gpuModel = std::move(model);
  w.memoryMiB = memMiB;
  w.computePpm = static_cast<std::int64_t>(compute * 1e6 + 0.5);
  w.replicas = replicas;
  w.sharing = sharing;
  w.isolation = isolation;
  w.source = {"w.yaml", 7, "workloads[0]"};
  return w;
}

PlanOptions only(std::vector<std::string> types) {
  PlanOptions o;
  o.allowInstanceTypes = std::move(types);
  o.estimateOtherModels = false;
  return o;
}

Plan planOf(std::vector<Workload> ws, const PlanOptions& options) {
  WorkloadSet set;
  set.workloads = std::move(ws);
  auto plan = makePlan(set, builtin(), options);
  REQUIRE_MESSAGE(plan, (plan ? "" : plan.error().describe()));
  return *plan;
}

std::string layout(const Pool& p) {
  std::string out;
  for (const auto& gpu : p.geometry) {
    out += out.empty() ? "" : " | ";
    for (std::size_t i = 0; i < gpu.size(); ++i)
      out += (i ? " " : "") + gpu[i].profile + "@" + std::to_string(gpu[i].start);
  }
  return out;
}

constexpr Micros kP5Small = 6880000;  // p5.4xlarge, one H100, per hour

}  // namespace

TEST_CASE("mig plan: seven 1g.10gb pods share one p5 GPU, single strategy") {
  const Plan plan = planOf({migWorkload("infer", "H100", 8 * 1024, 0.12, 7)}, only({"p5.4xlarge"}));
  REQUIRE(plan.pools.size() == 1);
  const Pool& p = plan.pools[0];
  CHECK(p.name == "p5-4xlarge-mig");
  CHECK(p.mode == Mode::Mig);
  CHECK(p.nodes == 1);
  CHECK(p.migGpu == "H100-80GB");
  CHECK(p.migStrategy == MigStrategy::Single);
  CHECK_FALSE(p.migPlacementsAssumed);
  CHECK(layout(p) == "1g.10gb@0 1g.10gb@1 1g.10gb@2 1g.10gb@3 1g.10gb@4 1g.10gb@5 1g.10gb@6");
  CHECK(plan.fleet.hourly == kP5Small);
  CHECK(plan.lowerBound == kP5Small);
  CHECK(plan.placements[0].profile == "1g.10gb");
  const Risk& r = plan.placements[0].risk;
  CHECK(r.oom == OomKind::Isolated);
  CHECK(r.memoryLimitMiB == 9984 - 512);
  CHECK(r.memorySlackMiB == 9984 - 512 - 8192);
  CHECK(r.slowdownPercent == 0);
}

TEST_CASE("mig plan: an eighth 1g.10gb pod needs a second p5 GPU") {
  const Plan plan = planOf({migWorkload("infer", "H100", 8 * 1024, 0.12, 8)}, only({"p5.4xlarge"}));
  REQUIRE(plan.pools.size() == 1);
  CHECK(plan.pools[0].nodes == 2);
  CHECK(plan.fleet.hourly == 2 * kP5Small);
}

TEST_CASE("mig plan: two 3g.40gb and one 1g.10gb never share one GPU; 4g.40gb and 3g.40gb do") {
  // 30 GiB and 40% of an H100: 3g.40gb (60 of 132 SMs, 45.5%); 8 GiB and 10%: 1g.10gb (16 SMs, 12.1%).
  const Plan invalid =
      planOf({migWorkload("big", "H100", 30 * 1024, 0.40, 2), migWorkload("small", "H100", 8 * 1024, 0.10)},
             only({"p5.4xlarge"}));
  CHECK(invalid.fleet.hourly == 2 * kP5Small);
  CHECK(invalid.placements[0].profile == "3g.40gb");
  CHECK(invalid.placements[1].profile == "1g.10gb");

  // 48% is more than 3g.40gb's 45.5%: 4g.40gb (64 of 132 SMs, 48.5%).
  const Plan valid = planOf({migWorkload("a", "H100", 30 * 1024, 0.48), migWorkload("b", "H100", 30 * 1024, 0.40)},
                            only({"p5.4xlarge"}));
  REQUIRE(valid.pools.size() == 1);
  CHECK(valid.fleet.hourly == kP5Small);
  CHECK(valid.pools[0].migStrategy == MigStrategy::Mixed);
  CHECK(layout(valid.pools[0]) == "4g.40gb@0 3g.40gb@4");
  CHECK(valid.placements[0].profile == "4g.40gb");
  CHECK(valid.placements[1].profile == "3g.40gb");
}

TEST_CASE("mig plan: profile choice follows usable memory after the overhead, and compute") {
  // 9472 MiB fits 1g.10gb (9984 usable - 512); one MiB more needs two memory slices.
  CHECK(planOf({migWorkload("a", "H100", 9472, 0.1)}, only({"p5.4xlarge"})).placements[0].profile == "1g.10gb");
  CHECK(planOf({migWorkload("a", "H100", 9473, 0.1)}, only({"p5.4xlarge"})).placements[0].profile == "1g.20gb");
  // 1g.10gb has 16 of the H100's 132 SMs: 121212 ppm at most (16 x 10^6 / 132 = 121212.1); one ppm
  // more takes 1g.20gb, whose 26 SMs give 196969 ppm at most, and one more 2g.20gb (32 SMs).
  CHECK(planOf({migWorkload("a", "H100", 1024, 0.121212)}, only({"p5.4xlarge"})).placements[0].profile == "1g.10gb");
  CHECK(planOf({migWorkload("a", "H100", 1024, 0.121213)}, only({"p5.4xlarge"})).placements[0].profile == "1g.20gb");
  CHECK(planOf({migWorkload("a", "H100", 1024, 0.196969)}, only({"p5.4xlarge"})).placements[0].profile == "1g.20gb");
  CHECK(planOf({migWorkload("a", "H100", 1024, 0.196970)}, only({"p5.4xlarge"})).placements[0].profile == "2g.20gb");
}

TEST_CASE("mig plan: a pod needing 12.5% of an H100 gets 1g.20gb, since 16 of 132 SMs is 12.1%") {
  // Compute slices alone (1 of 7, 14.3%) would give it 1g.10gb.
  const Plan plan = planOf({migWorkload("a", "H100", 4 * 1024, 0.125)}, only({"p5.4xlarge"}));
  CHECK(plan.placements[0].profile == "1g.20gb");
  const Risk& r = plan.placements[0].risk;
  CHECK(r.computeShare == doctest::Approx(26.0 / 132.0));
  CHECK(r.slowdownPercent == 0);
  // With headroom 0.2 the target is 80%: 1g.20gb gives 0.8 x 26/132 = 15.8%, 2g.20gb 19.4%.
  PlanOptions headroom = only({"p5.4xlarge"});
  headroom.headroom = 0.2;
  CHECK(planOf({migWorkload("a", "H100", 4 * 1024, 0.16)}, headroom).placements[0].profile == "2g.20gb");
  CHECK(planOf({migWorkload("a", "H100", 4 * 1024, 0.157)}, headroom).placements[0].profile == "1g.20gb");
}

TEST_CASE("mig plan: an A100 7g.40gb instance has 98 of the GPU's 108 SMs") {
  // 90% of an A100 fits 7g.40gb (90.7%); 91% fits no profile, so MIG-only is infeasible.
  const Plan plan = planOf({migWorkload("a", "A100", 4 * 1024, 0.90)}, only({"p4d.24xlarge"}));
  CHECK(plan.placements[0].profile == "7g.40gb");
  CHECK(plan.placements[0].risk.computeShare == doctest::Approx(98.0 / 108.0));
  WorkloadSet set;
  set.workloads = {migWorkload("a", "A100", 4 * 1024, 0.91)};
  auto none = makePlan(set, builtin(), only({"p4d.24xlarge"}));
  REQUIRE_FALSE(none);
  CHECK(none.error().kind == ErrorKind::Infeasible);
}

TEST_CASE("mig plan: a profile whose SMs are not known takes compute slices / 7, and says so") {
  // B200 3g.90gb's SMs were not found: 3/7 of the GPU. 40% of a B200 is more than 2g.45gb's 36 of
  // 148 SMs (24.3%) and fits 3g.90gb's 3/7 (42.9%).
  const Plan plan = planOf({migWorkload("a", "B200", 4 * 1024, 0.40)}, only({"p6-b200.48xlarge"}));
  CHECK(plan.placements[0].profile == "3g.90gb");
  const Risk& r = plan.placements[0].risk;
  CHECK(r.computeShare == doctest::Approx(3.0 / 7.0));
  CHECK(r.notes == std::vector<std::string>{"the SMs of 3g.90gb on B200-180GB are not known: its compute share is "
                                            "assumed to be 3 of 7 compute slices"});
}

TEST_CASE("mig plan: p4de's A100-80GB layouts are reported as assumed placements") {
  const Plan plan = planOf({migWorkload("a", "A100", 8 * 1024, 0.1, 3)}, only({"p4de.24xlarge"}));
  REQUIRE(plan.pools.size() == 1);
  CHECK(plan.pools[0].migPlacementsAssumed);
  CHECK(std::any_of(plan.pools[0].notes.begin(), plan.pools[0].notes.end(),
                    [](const std::string& n) { return n.rfind("ASSUMPTION: the A100-80GB layout", 0) == 0; }));
}

TEST_CASE("mig plan: auto puts full-isolation pods on MIG and time-slices the others on other nodes") {
  // Sixteen full-isolation pods would need sixteen whole GPUs; on MIG they fit three.
  std::vector<Workload> ws{migWorkload("secure", "H100", 8 * 1024, 0.1, 16, kAllModes, Isolation::Full),
                           migWorkload("shared", "H100", 4 * 1024, 0.05, 4, kAllModes, Isolation::None)};
  const Plan plan = planOf(ws, only({"p5.4xlarge"}));
  CHECK(plan.placements[0].profile == "1g.10gb");
  CHECK(plan.pools[plan.placements[0].pool].mode == Mode::Mig);
  CHECK(plan.fleet.hourly <= 4 * kP5Small);
  // --strategy time-slicing leaves MIG out: full isolation means a whole GPU each.
  PlanOptions ts = only({"p5.4xlarge"});
  ts.strategy = Strategy::TimeSlicing;
  const Plan noMig = planOf(ws, ts);
  for (const Pool& p : noMig.pools) CHECK(p.mode != Mode::Mig);
  CHECK(noMig.fleet.hourly == 17 * kP5Small);
}

TEST_CASE("mig plan: a MIG-only workload on a GPU without MIG is infeasible, naming where MIG is") {
  WorkloadSet set;
  set.workloads = {migWorkload("a", "L4", 1024, 0.1)};
  auto plan = makePlan(set, builtin(), PlanOptions{});
  REQUIRE_FALSE(plan);
  CHECK(plan.error().kind == ErrorKind::Infeasible);
  CHECK(plan.error().message ==
        "default/a fits nowhere: it allows only MIG sharing, but L4 GPUs have no MIG (MIG is available on "
        "A100-40GB (p4d.24xlarge), A100-80GB (p4de.24xlarge), B200-180GB (p6-b200.48xlarge), H100-80GB "
        "(p5.4xlarge, p5.48xlarge), H200-141GB (p5e.48xlarge, p5en.48xlarge)); allow dedicated, time-slicing or "
        "mps in sharing");
}

TEST_CASE("mig plan: a pod larger than every profile is infeasible with MIG only") {
  WorkloadSet set;
  set.workloads = {migWorkload("a", "H100", 80 * 1024, 0.1)};
  auto plan = makePlan(set, builtin(), only({"p5.4xlarge"}));
  REQUIRE_FALSE(plan);
  CHECK(plan.error().kind == ErrorKind::Infeasible);
  CHECK(plan.error().message ==
        "default/a fits nowhere: it allows only MIG sharing, but no MIG profile holds one pod (80.00 GiB of memory "
        "and 10.0% of compute): the largest instance, on p5.4xlarge, has 78.75 GiB usable after the 512 MiB "
        "overhead");
}

namespace {

/// Profile index of the smallest (by GPU share) non-+me profile holding memMiB and compute.
int smallestProfile(const MigGpu& g, std::int64_t memMiB, std::int64_t computePpm) {
  int best = -1;
  double bestShare = 2;
  for (std::size_t p = 0; p < g.profiles.size(); ++p) {
    const MigProfile& m = g.profiles[p];
    if (m.mediaExtensions || m.usableMiB - 512 < memMiB) continue;
    if (computePpm * g.sms > *m.sms * 1000000LL) continue;  // every H100 profile's SMs are known
    const double share = std::max(m.computeSlices / 7.0, m.memorySlices / 8.0);
    if (share < bestShare) {
      bestShare = share;
      best = static_cast<int>(p);
    }
  }
  return best;
}

/// Nodes of one GPU, all with one layout, that a pool's demand needs: the least n such that
/// one valid geometry holds ceil(demand / n) of every profile; -1 when no n does.
int bruteNodesOneGpu(const std::vector<std::vector<int>>& mixes, const std::vector<int>& demand) {
  int total = 0;
  for (int d : demand) total += d;
  for (int n = 1; n <= total; ++n) {
    for (const std::vector<int>& mix : mixes) {
      bool holds = true;
      for (std::size_t p = 0; p < demand.size(); ++p) holds = holds && mix[p] >= (demand[p] + n - 1) / n;
      if (holds) return n;
    }
  }
  return total == 0 ? 0 : -1;
}

}  // namespace

TEST_CASE("mig plan: cost equals the brute-force optimum over every split into pools (p5.4xlarge)") {
  const MigGpu* gpu = builtin().findMigGpu("p5.4xlarge");
  REQUIRE(gpu);
  // Every valid geometry's profile counts, from the geometries without +me.
  std::vector<std::vector<int>> mixes;
  for (const MigGeometry& g : maximalGeometries(*gpu)) {
    bool me = false;
    for (const MigPlacement& p : g.placements) me = me || gpu->profiles[p.profile].mediaExtensions;
    if (!me) mixes.push_back(profileCounts(*gpu, g));
  }
  std::mt19937 rng(20261122);
  const std::int64_t memories[] = {4 * 1024, 9 * 1024, 15 * 1024, 30 * 1024, 60 * 1024};
  const double computes[] = {0.05, 0.14, 0.25, 0.4, 0.55, 0.9};
  for (int round = 0; round < 150; ++round) {
    const int n = 1 + static_cast<int>(rng() % 5);
    std::vector<Workload> ws;
    std::vector<int> profileOf;
    for (int i = 0; i < n; ++i) {
      Workload w = migWorkload("w" + std::to_string(i), "H100", memories[rng() % 5], computes[rng() % 6],
                               1 + static_cast<int>(rng() % 5));
      profileOf.push_back(smallestProfile(*gpu, w.memoryMiB, w.computePpm));
      ws.push_back(w);
    }
    // Brute force: every set partition of the workloads into pools, each pool the fewest
    // identical one-GPU nodes.
    int best = 1 << 30;
    testing::forEachSplit(n, [&](const std::vector<int>& block, int blocks) {
      int nodes = 0;
      for (int b = 0; b < blocks; ++b) {
        std::vector<int> demand(gpu->profiles.size(), 0);
        for (std::size_t j = 0; j < ws.size(); ++j) {
          if (block[j] == b) demand[static_cast<std::size_t>(profileOf[j])] += ws[j].replicas;
        }
        const int k = bruteNodesOneGpu(mixes, demand);
        if (k < 0) return;  // no one layout holds this pool
        nodes += k;
      }
      best = std::min(best, nodes);
    });
    const Plan plan = planOf(ws, only({"p5.4xlarge"}));
    INFO("round " << round);
    CHECK(plan.fleet.hourly == kP5Small * best);
    for (std::size_t i = 0; i < ws.size(); ++i) {
      CHECK(plan.placements[i].profile == gpu->profiles[static_cast<std::size_t>(profileOf[i])].name);
    }
    CHECK(plan.lowerBound <= plan.fleet.hourly);
  }
}

TEST_CASE("mig plan: workloads that need MPS and others that need MIG cannot be planned together" *
          doctest::test_suite("threads")) {
  WorkloadSet set;
  set.workloads = {migWorkload("isolated", "H100", 8 * 1024, 0.1, 2),
                   migWorkload("mps-only", "H100", 4 * 1024, 0.1, 2, bit(Mode::Mps), Isolation::None)};
  auto plan = makePlan(set, builtin(), only({"p5.4xlarge"}));
  REQUIRE_FALSE(plan);
  CHECK(plan.error().kind == ErrorKind::Infeasible);
  CHECK(plan.error().message.rfind("some workloads need MPS and others MIG, which gpuslice never plans together", 0) ==
        0);
}

TEST_CASE("mig plan: random fleets keep every MIG pool sound and never mix MPS with MIG" *
          doctest::test_suite("threads")) {
  const Catalog& catalog = builtin();
  std::mt19937 rng(7);
  const char* models[] = {"A100", "H100", "H200"};
  int withMig = 0, withMps = 0;  // the rounds must exercise both
  for (int round = 0; round < 40; ++round) {
    std::vector<Workload> ws;
    const int n = 1 + static_cast<int>(rng() % 12);
    for (int i = 0; i < n; ++i) {
      Workload w = migWorkload("w" + std::to_string(i), models[rng() % 3],
                               static_cast<std::int64_t>(512 + rng() % (30 * 1024)), 0.01 + (rng() % 60) / 100.0,
                               1 + static_cast<int>(rng() % 9), kAllModes, static_cast<Isolation>(rng() % 3));
      if (rng() % 3 == 0) w.cpuMillis = 1000 * (1 + static_cast<std::int64_t>(rng() % 24));
      ws.push_back(w);
    }
    INFO("round " << round);
    const Plan plan = planOf(ws, PlanOptions{});
    auto summary = [](const Plan& p) {
      std::string out = std::to_string(p.fleet.hourly);
      for (const Pool& pool : p.pools) out += " " + pool.name + ":" + std::to_string(pool.nodes) + ":" + layout(pool);
      for (const Placement& pl : p.placements) out += " " + std::to_string(pl.pool) + pl.profile;
      return out;
    };
    CHECK(summary(plan) == summary(planOf(ws, PlanOptions{})));
    bool mps = false, mig = false;
    for (const Pool& p : plan.pools) {
      mps = mps || p.mode == Mode::Mps;
      mig = mig || p.mode == Mode::Mig;
      if (p.mode != Mode::Mig) continue;
      const MigGpu* gpu = catalog.findMigGpu(p.instanceType);
      REQUIRE(gpu);
      REQUIRE(p.geometry.size() == static_cast<std::size_t>(p.gpusPerNode));
      std::map<std::string, long long> supply, demand;
      for (const auto& g : p.geometry) {
        std::vector<MigPlacement> placements;
        for (const MigSlot& slot : g) {
          supply[slot.profile] += p.nodes;
          for (std::size_t k = 0; k < gpu->profiles.size(); ++k) {
            if (gpu->profiles[k].name == slot.profile) placements.push_back({k, slot.start});
          }
        }
        CHECK_FALSE(whyInvalid(*gpu, MigGeometry::of(placements)));
      }
      for (std::size_t wi : p.workloads) {
        const Placement& pl = plan.placements[wi];
        demand[pl.profile] += ws[wi].replicas;
        const MigProfile* prof = nullptr;
        for (const MigProfile& m : gpu->profiles) {
          if (m.name == pl.profile) prof = &m;
        }
        REQUIRE(prof);
        CHECK_FALSE(prof->mediaExtensions);
        CHECK(ws[wi].memoryMiB <= prof->usableMiB - 512);
        REQUIRE(prof->sms);  // known on A100, H100 and H200
        CHECK(pl.computePpm * gpu->sms <= *prof->sms * 1000000LL);
      }
      for (const auto& [profile, d] : demand) CHECK(d <= supply[profile]);
      if (p.migStrategy == MigStrategy::Single) CHECK(supply.size() == 1);
    }
    CHECK_FALSE((mps && mig));
    CHECK(plan.lowerBound <= plan.fleet.hourly);
    withMig += mig;
    withMps += mps;
  }
  CHECK(withMig >= 5);
  CHECK(withMps >= 5);
}

TEST_CASE("mig plan: an instance never gets more memory than its share of the whole GPU") {
  const Catalog& catalog = builtin();
  const MigGpu* b200 = catalog.findMigGpu("p6-b200.48xlarge");
  const MigGpu* h100 = catalog.findMigGpu("p5.48xlarge");
  REQUIRE(b200);
  REQUIRE(h100);
  // NVML's totals per GPU (catalog/gpus.yaml).
  const std::int64_t b200MiB = catalog.gpuMemory(*catalog.findType("p6-b200.48xlarge")).mib;
  const std::int64_t h100MiB = catalog.gpuMemory(*catalog.findType("p5.48xlarge")).mib;
  CHECK(b200MiB == 183359);
  CHECK(h100MiB == 81559);
  auto index = [](const MigGpu& g, const std::string& name) {
    for (std::size_t p = 0; p < g.profiles.size(); ++p) {
      if (g.profiles[p].name == name) return p;
    }
    FAIL("no profile " << name);
    return std::size_t{0};
  };
  // B200's 4- and 8-slice figures come from NVIDIA's mock and exceed the GPU NVML reports.
  CHECK(b200->profiles[index(*b200, "7g.180gb")].usableMiB == 184320);
  CHECK(instanceMemoryMiB(*b200, index(*b200, "7g.180gb"), b200MiB) == 183359);
  CHECK(b200->profiles[index(*b200, "4g.90gb")].usableMiB == 92160);
  CHECK(instanceMemoryMiB(*b200, index(*b200, "4g.90gb"), b200MiB) == 91679);  // 183359 x 4 / 8, rounded down
  // Its observed 1-slice figure is below its share (22919) and stands.
  CHECK(instanceMemoryMiB(*b200, index(*b200, "1g.23gb"), b200MiB) == 20992);
  // H100's observed figures are below their share and stand.
  CHECK(instanceMemoryMiB(*h100, index(*h100, "1g.10gb"), h100MiB) == 9984);
  CHECK(instanceMemoryMiB(*h100, index(*h100, "7g.80gb"), h100MiB) == 81152);
}

TEST_CASE("mig plan: a workload that allows MIG but fits no profile is told why") {
  // MPS left out: with both allowed the plan without MIG wins, and MIG is not considered at all.
  const ModeMask noMps = bit(Mode::Dedicated) | bit(Mode::TimeSlicing) | bit(Mode::Mig);
  const Plan plan =
      planOf({migWorkload("big", "H100", 79 * 1024, 0.3, 1, noMps, Isolation::None)}, only({"p5.4xlarge"}));
  REQUIRE(plan.pools.size() == 1);
  CHECK(plan.pools[0].mode == Mode::Dedicated);
  REQUIRE(plan.placements[0].risk.notes.size() == 1);
  CHECK(plan.placements[0].risk.notes[0] ==
        "not MIG-eligible: no MIG profile holds one pod (79.00 GiB, 30.0% compute); the largest instance, on "
        "p5.4xlarge, has 78.75 GiB usable after the overhead and 132 of 132 SMs");
}

TEST_CASE("mig plan: when CPU holds fewer pods per node than the layout has instances, nodes are added") {
  // p5.4xlarge allocates a little under 16 CPUs: three 4-CPU pods per node, though its one
  // GPU holds seven 1g.10gb instances.
  Workload w = migWorkload("cpu-heavy", "H100", 8 * 1024, 0.1, 7);
  w.cpuMillis = 4000;
  const Plan plan = planOf({w}, only({"p5.4xlarge"}));
  REQUIRE(plan.pools.size() == 1);
  const Pool& p = plan.pools[0];
  CHECK(p.nodes == 3);
  CHECK(p.podsPerNode == 3);
  CHECK(p.limitedBy == LimitedBy::Cpu);
  CHECK(plan.fleet.hourly == 3 * kP5Small);
}

TEST_CASE("mig plan: six 2g.20gb pods of 4 CPUs each on p5.4xlarge take 2 nodes, not 3") {
  // Hand-worked: p5.4xlarge has 16 vCPUs; kube-reserved CPU is 60 + 10 + 5 + 5 + 12 x 2.5 = 110m, so
  // 15890m are allocatable and 3 pods of 4000m fit a node (4 would need 16000m). 15 GiB and 22% of an
  // H100 is 2g.20gb (32 of 132 SMs, 24.2%; 1g.20gb's 26 are 19.7%); its one GPU holds three 2g.20gb
  // (memory slices 0, 2, 4) and a 1g.10gb at slice 6 that no pod uses. Per node: 3 instances of
  // 2g.20gb and room for 3 pods, so 2 nodes hold 6 pods (migNodesFor: max(6/3, 6/3) = 2). The old
  // rule counted the 1g.10gb as a fourth instance, saw the cap bind and added (6-1)/3 full plus
  // (6-1)/3 exhausted plus one: 3 nodes.
  Workload w = migWorkload("cpu-heavy", "H100", 15 * 1024, 0.22, 6);
  w.cpuMillis = 4000;
  PlanOptions o = only({"p5.4xlarge"});
  o.maxPodsPerNode = 110;
  o.daemonSets = DaemonSetRequests{};
  const Plan plan = planOf({w}, o);
  REQUIRE(plan.pools.size() == 1);
  const Pool& p = plan.pools[0];
  CHECK(plan.placements[0].profile == "2g.20gb");
  CHECK(layout(p) == "2g.20gb@0 2g.20gb@2 2g.20gb@4 1g.10gb@6");
  CHECK(p.nodes == 2);
  CHECK(p.podsPerNode == 3);
  CHECK(plan.fleet.hourly == 2 * kP5Small);
  // Seven pods need a third node by CPU (ceil(7 / 3)), and by instances (ceil(7 / 3)).
  w.replicas = 7;
  CHECK(planOf({w}, o).pools[0].nodes == 3);
}

TEST_CASE("mig plan: two profiles under a CPU cap: the fewest nodes that hold them, with a note on order") {
  // Two 1g.10gb pods (8 GiB, 10%) and four 2g.20gb pods (15 GiB, 22%), 4 CPUs each, on p5.4xlarge:
  // 6 pods at 3 per node need 2 nodes; a node of layout 2g.20gb@0 2g.20gb@2 1g.10gb@4 ... holds them.
  Workload small = migWorkload("small", "H100", 8 * 1024, 0.10, 2);
  Workload big = migWorkload("big", "H100", 15 * 1024, 0.22, 4);
  small.cpuMillis = big.cpuMillis = 4000;
  PlanOptions o = only({"p5.4xlarge"});
  o.daemonSets = DaemonSetRequests{};
  const Plan plan = planOf({big, small}, o);
  REQUIRE(plan.pools.size() == 1);
  const Pool& p = plan.pools[0];
  CHECK(p.nodes == 2);
  CHECK(p.podsPerNode == 3);
  CHECK(p.limitedBy == LimitedBy::Cpu);
  CHECK(p.notes.back() ==
        "a node has room for 3 of these pods (by cpu), fewer than its instances of their profiles: the 2 nodes hold "
        "every pod, but the scheduler places pods one at a time and may fill a node with pods of one profile, "
        "leaving a pod of another pending until Karpenter adds a node");
}

namespace {

/// The fewest nodes, each with `supply[p]` instances of profile p and room for `cap` pods, that
/// take `demand[p]` pods of every profile, or -1 when no number does: every way of filling one
/// node, then the fewest for what is left, remembered per demand left in `memo`.
int bruteNodes(const std::vector<int>& demand, const std::vector<int>& supply, int cap,
               std::map<std::vector<int>, int>& memo) {
  if (std::all_of(demand.begin(), demand.end(), [](int d) { return d == 0; })) return 0;
  if (const auto it = memo.find(demand); it != memo.end()) return it->second;
  int best = -1;
  std::vector<int> rest = demand;
  std::function<void(std::size_t, int, bool)> fill = [&](std::size_t p, int room, bool any) {
    if (p == rest.size()) {
      if (!any) return;  // a node that takes no pod does not help
      const int more = bruteNodes(rest, supply, cap, memo);
      if (more >= 0 && (best < 0 || more + 1 < best)) best = more + 1;
      return;
    }
    for (int x = 0; x <= std::min({demand[p], supply[p], room}); ++x) {
      rest[p] = demand[p] - x;
      fill(p + 1, room - x, any || x > 0);
    }
    rest[p] = demand[p];
  };
  fill(0, cap, false);
  memo.emplace(demand, best);
  return best;
}

}  // namespace

TEST_CASE("migNodesFor is the fewest identical nodes that hold the pods: brute force over small cases") {
  int cases = 0, capBinds = 0;
  for (int s0 = 0; s0 <= 3; ++s0) {
    for (int s1 = 0; s1 <= 3; ++s1) {
      for (int s2 = 0; s2 <= 2; ++s2) {
        for (int cap = 1; cap <= 5; ++cap) {
          std::map<std::vector<int>, int> memo;  // per supply and cap
          for (int d0 = 0; d0 <= 4; ++d0) {
            for (int d1 = 0; d1 <= 4; ++d1) {
              for (int d2 = 0; d2 <= 3; ++d2) {
                const std::vector<int> supply{s0, s1, s2}, demand{d0, d1, d2};
                CAPTURE(supply);
                CAPTURE(demand);
                CAPTURE(cap);
                const long long n = detail::migNodesFor(demand, supply, cap);
                const int brute = bruteNodes(demand, supply, cap, memo);
                CHECK(n == brute);
                ++cases;
                if (brute > 0 && cap < s0 + s1 + s2) ++capBinds;
              }
            }
          }
        }
      }
    }
  }
  CHECK(cases == 4 * 4 * 3 * 5 * 5 * 5 * 4);
  CHECK(capBinds > 1000);
  // The p5.4xlarge case: 3 of 2g.20gb and a 1g.10gb per node, room for 3, six 2g.20gb pods.
  CHECK(detail::migNodesFor({0, 6}, {1, 3}, 3) == 2);
}

TEST_CASE("mig plan: nodes at maxReplicas count MIG instances, and the node's CPU") {
  // 7 pods of 1g.10gb fill one p5.4xlarge's H100; at 16 they need ceil(16 / 7) = 3 GPUs, so
  // 3 nodes: $20.64/h at the maximum against $6.88/h today.
  Workload w = migWorkload("infer", "H100", 8 * 1024, 0.12, 7);
  w.maxReplicas = 16;
  const Plan plan = planOf({w}, only({"p5.4xlarge"}));
  REQUIRE(plan.pools.size() == 1);
  CHECK(plan.pools[0].nodes == 1);
  CHECK(plan.pools[0].nodesAtMaxReplicas == 3);
  CHECK(plan.maxReplicasHourly == 3 * kP5Small);
  // With 4 CPUs a pod, a p5.4xlarge (16 vCPUs, less the kubelet's and DaemonSets' share) holds
  // 3 of them although its GPU has 7 instances: 7 pods take 3 nodes, 16 take ceil(16 / 3) = 6.
  w.cpuMillis = 4000;
  const Plan cpu = planOf({w}, only({"p5.4xlarge"}));
  REQUIRE(cpu.pools.size() == 1);
  CHECK(cpu.pools[0].podsPerNode == 3);
  CHECK(cpu.pools[0].nodes == 3);
  CHECK(cpu.pools[0].nodesAtMaxReplicas == 6);
  CHECK(cpu.maxReplicasHourly == 6 * kP5Small);
}
