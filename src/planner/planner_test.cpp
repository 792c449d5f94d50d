#include "planner/planner.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <tuple>

#include "model/node_capacity.h"
#include "support/test_support.h"

using namespace gpuslice;

namespace {

GpuModel gpu(std::string name, int mps, std::optional<double> throughput) {
  GpuModel g;
  g.name = std::move(name);
  g.mpsMaxClients = mps;
  g.relativeThroughput = throughput;
  return g;
}

// A small catalog with the figures of the built-in table.
Catalog testCatalog() {
  Catalog c = testing::catalogOf(
      {
          testing::instanceType("g4dn.xlarge", "T4", 1, 16, 4, 16, 0.526),
          testing::instanceType("g6.xlarge", "L4", 1, 22.35, 4, 16, 0.8048),
          testing::instanceType("g6f.large", "L4", 0.125, 2.79, 2, 8, 0.202),
          testing::instanceType("p3.2xlarge", "V100", 1, 16, 8, 61, 3.06),
          testing::instanceType("p3.8xlarge", "V100", 4, 16, 32, 244, 12.24),
      },
      {gpu("A100", 48, 2.08), gpu("L4", 48, 0.57), gpu("T4", 48, 0.43), gpu("V100", 16, 1.0)});
  c.gpus[0].mig = MigSupport::Yes;
  return c;
}

using testing::workload;

WorkloadSet seed() {
  WorkloadSet s;
  for (const char* n : {"a", "b", "c", "d"}) {
    Workload w = workload(n, "V100", 3.5, 0.25);
    w.currentType = "p3.2xlarge";
    s.workloads.push_back(w);
  }
  return s;
}

Plan planOk(const WorkloadSet& s, const PlanOptions& o = {}) {
  static const Catalog catalog = testCatalog();
  auto p = makePlan(s, catalog, o);
  REQUIRE_MESSAGE(p.ok(), (p.ok() ? "" : p.error().describe()));
  return *p;
}

}  // namespace

TEST_CASE("seed: four quarter-V100 workloads share one p3.2xlarge") {
  const Plan p = planOk(seed());
  CHECK(p.baseline.hourly == 12240000);
  CHECK(p.baseline.instances == std::map<std::string, int>{{"p3.2xlarge", 4}});
  CHECK(p.fleet.hourly == 3060000);
  CHECK(p.fleet.instances == std::map<std::string, int>{{"p3.2xlarge", 1}});
  CHECK(p.lowerBound == 3060000);
  REQUIRE(p.pools.size() == 1);
  const Pool& pool = p.pools[0];
  // MPS and time-slicing cost the same here; the tie goes to the better isolated mode.
  CHECK(pool.mode == Mode::Mps);
  CHECK(pool.replicas == 4);
  CHECK(pool.name == "p3-2xlarge-mps4");
  CHECK(pool.usableMemoryMiB == 16384 - 512);
  CHECK(pool.pods == 4);
  CHECK(pool.limitedBy == LimitedBy::Gpu);
  for (const Placement& pl : p.placements) {
    CHECK(pl.pool == 0);
    CHECK(pl.risk.oom == OomKind::EnforcedLimit);
    CHECK(pl.risk.memoryLimitMiB == 4096);  // the device plugin's MPS limit: NVML's 16384 MiB / 4
    CHECK(pl.risk.slowdownPercent == 0.0);
  }
}

TEST_CASE("time-slicing strategy: same count, memory not enforced, context-switch slowdown") {
  PlanOptions o;
  o.strategy = Strategy::TimeSlicing;
  const Plan p = planOk(seed(), o);
  REQUIRE(p.pools.size() == 1);
  CHECK(p.pools[0].mode == Mode::TimeSlicing);
  CHECK(p.pools[0].name == "p3-2xlarge-ts4");
  CHECK(p.fleet.hourly == 3060000);
  const Risk& r = p.placements[0].risk;
  CHECK(r.oom == OomKind::Shared);
  CHECK(r.memorySlackMiB == 15872 - 4 * 3584);
  CHECK(r.slowdownPercent == doctest::Approx(20.0));  // c*r = 1, plus the 20% switch estimate
}

TEST_CASE("headroom lowers the safe replica count") {
  PlanOptions o;
  o.headroom = 0.2;  // 3 x 0.25 <= 0.8 < 4 x 0.25
  const Plan p = planOk(seed(), o);
  CHECK(p.fleet.hourly == 2 * 3060000);
  REQUIRE(p.pools.size() == 1);
  // Three would be safe, but two nodes hold four pods at two each: the larger share wins.
  CHECK(p.pools[0].replicas == 2);
  CHECK(p.pools[0].nodes == 2);
}

TEST_CASE("memory bounds the replicas: 5 GiB pods fit three to a 16 GiB V100") {
  WorkloadSet s;
  s.workloads.push_back(workload("big", "V100", 5, 0.1, 6));
  const Plan p = planOk(s);
  REQUIRE(p.pools.size() == 1);
  CHECK(p.pools[0].replicas == 3);
  CHECK(p.fleet.hourly == 2 * 3060000);
}

TEST_CASE("isolation full never shares; ties go to fewer nodes") {
  WorkloadSet s = seed();
  for (Workload& w : s.workloads) w.isolation = Isolation::Full;
  const Plan p = planOk(s);
  CHECK(p.fleet.hourly == 12240000);
  // four p3.2xlarge or one p3.8xlarge cost the same: one node wins
  CHECK(p.fleet.instances == std::map<std::string, int>{{"p3.8xlarge", 1}});
  CHECK(p.pools[0].mode == Mode::Dedicated);
  CHECK(p.placements[0].risk.oom == OomKind::Isolated);
}

TEST_CASE("isolation memory rules out time-slicing") {
  WorkloadSet s = seed();
  for (Workload& w : s.workloads) {
    w.isolation = Isolation::Memory;
    w.sharing = bit(Mode::TimeSlicing) | bit(Mode::Dedicated);
  }
  const Plan p = planOk(s);
  CHECK(p.fleet.hourly == 12240000);
  CHECK(p.pools[0].mode == Mode::Dedicated);
}

TEST_CASE("MPS client limit: V100 takes 16 MPS clients, time-slicing more") {
  WorkloadSet s;
  s.workloads.push_back(workload("tiny", "V100", 0.5, 0.01, 31));
  PlanOptions o;
  o.strategy = Strategy::Mps;
  Plan p = planOk(s, o);
  CHECK(p.pools[0].replicas == 16);
  CHECK(p.fleet.hourly == 2 * 3060000);
  o.strategy = Strategy::Auto;
  p = planOk(s, o);
  CHECK(p.pools[0].mode == Mode::TimeSlicing);
  CHECK(p.pools[0].replicas == 31);  // min(15872/512 = 31, 1/0.01 = 100, cap 48)
  CHECK(p.fleet.hourly == 3060000);
}

TEST_CASE("CPU requests limit pods per node, and replicas follow") {
  WorkloadSet s = seed();
  for (Workload& w : s.workloads) w.cpuMillis = 3000;  // p3.2xlarge allocates 7910m: two pods
  const Plan p = planOk(s);
  REQUIRE(p.pools.size() == 1);
  CHECK(p.pools[0].podsPerNode == 2);
  CHECK(p.pools[0].replicas == 2);
  CHECK(p.pools[0].limitedBy == LimitedBy::Cpu);
  CHECK(p.fleet.hourly == 2 * 3060000);
}

TEST_CASE("DaemonSet requests come off every node before the workloads'") {
  WorkloadSet s = seed();
  for (Workload& w : s.workloads) w.cpuMillis = 1900;  // 7910m allocatable: all four fit one p3.2xlarge
  PlanOptions o;
  CHECK(planOk(s, o).fleet.hourly == 3060000);
  o.daemonSets = {500, 0};  // 7410m left: three per node
  const Plan p = planOk(s, o);
  CHECK(p.fleet.hourly == 2 * 3060000);
  CHECK(p.pools[0].limitedBy == LimitedBy::Cpu);
  for (Workload& w : s.workloads) w.memoryBytes = std::int64_t{1} << 30;
  o.daemonSets = {0, std::int64_t{60} << 30};  // more than a p3.2xlarge has: only p3.8xlarge is left
  CHECK(planOk(s, o).fleet.instances == std::map<std::string, int>{{"p3.8xlarge", 1}});
}

TEST_CASE("fractional L4 slices are priced options for small pods") {
  WorkloadSet one;
  one.workloads.push_back(workload("small", "L4", 2, 0.1));
  CHECK(planOk(one).fleet.instances == std::map<std::string, int>{{"g6f.large", 1}});
  WorkloadSet eight;
  eight.workloads.push_back(workload("small", "L4", 2, 0.1, 8));
  const Plan p = planOk(eight);  // 8 x 0.202 > one shared g6.xlarge at 0.8048
  CHECK(p.fleet.instances == std::map<std::string, int>{{"g6.xlarge", 1}});
}

TEST_CASE("cross-model moves only with anyGpuModel, and are marked estimates" * doctest::test_suite("threads")) {
  WorkloadSet s;
  s.workloads.push_back(workload("v", "V100", 3, 0.2, 2));
  Plan p = planOk(s);
  CHECK(p.fleet.instances == std::map<std::string, int>{{"p3.2xlarge", 1}});
  REQUIRE(p.anyModelHourly.has_value());
  CHECK(*p.anyModelHourly == 526000);  // both pods on one T4: 0.2 / 0.43 = 0.466 each
  PlanOptions o;
  o.anyGpuModel = true;
  p = planOk(s, o);
  CHECK(p.fleet.instances == std::map<std::string, int>{{"g4dn.xlarge", 1}});
  CHECK(p.placements[0].risk.estimate);
  CHECK(p.placements[0].computePpm == 465117);
  CHECK(p.pools[0].estimate);
}

TEST_CASE("--any-gpu-model never moves to an older compute capability unless the workload allows it" *
          doctest::test_suite("threads")) {
  Catalog catalog = testCatalog();
  for (GpuModel& g : catalog.gpus) {
    g.computeCapabilityTenths = g.name == "A100" ? 80 : g.name == "L4" ? 89 : g.name == "T4" ? 75 : 70;
  }
  auto fleetOf = [&](const WorkloadSet& s) {
    PlanOptions o;
    o.anyGpuModel = true;
    auto p = makePlan(s, catalog, o);
    REQUIRE_MESSAGE(p.ok(), (p.ok() ? "" : p.error().describe()));
    return p->fleet.instances;
  };
  // Two L4 (8.9) pods of 0.2: a T4 (7.5) g4dn.xlarge would hold both at 0.2 x 0.57 / 0.43 = 0.266
  // each for $0.526, but T4 is older than L4; so they stay on one g6.xlarge for $0.8048.
  WorkloadSet s;
  s.workloads.push_back(workload("a", "L4", 3, 0.2, 2));
  CHECK(fleetOf(s) == std::map<std::string, int>{{"g6.xlarge", 1}});
  s.workloads[0].minComputeCapability = 75;  // gpu.minComputeCapability: "7.5"
  CHECK(fleetOf(s) == std::map<std::string, int>{{"g4dn.xlarge", 1}});
  s.workloads[0].minComputeCapability = 80;  // 8.0: not the T4, and no A100 type is priced here
  CHECK(fleetOf(s) == std::map<std::string, int>{{"g6.xlarge", 1}});
}

TEST_CASE("errors: infeasible, unknown references; --strategy mig without MIG GPUs") {
  static const Catalog catalog = testCatalog();
  WorkloadSet s;
  s.workloads.push_back(workload("huge", "V100", 20, 0.5));
  auto r = makePlan(s, catalog, {});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::Infeasible);
  CHECK(r.error().describe() ==
        "w.yaml:7: workloads[0]: default/huge fits nowhere: needs 20.00 GiB of GPU memory per pod, but the most any "
        "candidate GPU offers is "
        "15.50 GiB (p3.2xlarge, after the 512 MiB per-GPU overhead)");

  s.workloads[0] = workload("only-mig", "V100", 2, 0.1);
  s.workloads[0].sharing = bit(Mode::Mig);
  r = makePlan(s, catalog, {});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::Infeasible);
  CHECK(r.error().message ==
        "default/only-mig fits nowhere: it allows only MIG sharing, but V100 GPUs have no MIG (the catalog has no "
        "MIG profiles for any GPU); allow dedicated, time-slicing or mps in sharing");

  s.workloads[0] = workload("x", "V100", 2, 0.1);
  s.workloads[0].currentType = "g4dn.xlarge";
  r = makePlan(s, catalog, {});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::BadInput);
  CHECK(
      r.error().describe() ==
      "w.yaml:7: workloads[0].gpu.model: \"V100\" does not match current.instanceType g4dn.xlarge, which has T4 GPUs");

  s.workloads[0].currentType = "p9.huge";
  r = makePlan(s, catalog, {});
  CHECK(r.error().describe() ==
        "w.yaml:7: workloads[0].current.instanceType: unknown instance type \"p9.huge\" (not in the price table "
        "test-prices.yaml)");

  PlanOptions mig;
  mig.strategy = Strategy::Mig;
  r = makePlan(seed(), catalog, mig);  // V100s have no MIG: whole GPUs
  REQUIRE(r.ok());
  CHECK(r->fleet.hourly == 12240000);
  for (const Pool& p : r->pools) CHECK(p.mode == Mode::Dedicated);

  PlanOptions spot;
  spot.capacity = Capacity::Spot;
  r = makePlan(seed(), catalog, spot);
  CHECK(r.error().describe() ==
        "test-prices.yaml: the price table has no spot prices; pass --pricing FILE with a table that has them");
}

TEST_CASE("lower bound: at least one node that fits the most demanding pod") {
  WorkloadSet s = seed();
  PlanOptions o;
  o.allowInstanceTypes = {"p3.8xlarge"};
  const Plan p = planOk(s, o);
  CHECK(p.fleet.hourly == 12240000);
  CHECK(p.lowerBound == 12240000);  // not a quarter of a p3.8xlarge
}

TEST_CASE("node allocatable follows the Karpenter formulas") {
  const Catalog c = testCatalog();
  const Allocatable a = nodeAllocatable(*c.findType("p3.2xlarge"));
  CHECK(a.cpuMillis == 8000 - 90);  // 60 + 10 + 5 + 5 + 4 x 2.5
  const std::int64_t bytes = std::int64_t{62464} * 1048576;
  const std::int64_t capacity = bytes - (bytes * 75 + 999) / 1000;
  CHECK(a.memoryBytes == capacity - std::int64_t{255 + 11 * 110 + 100} * 1048576);
  CHECK(a.maxPods == 110);
}

TEST_CASE("random fleets: every plan is safe, complete, deterministic and above its lower bound" *
          doctest::test_suite("threads")) {
  std::uint64_t state = 12345;
  auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state >> 11) / 9007199254740992.0;
  };
  // gpu.count from a draw of its own, so the fleets are those of the other draws.
  std::uint64_t countState = 777;
  auto nextCount = [&] {
    countState = countState * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(countState >> 11) / 9007199254740992.0;
  };
  const Catalog catalog = testCatalog();
  const char* models[] = {"T4", "V100", "L4"};
  int planned = 0, multiGpuPlanned = 0;
  for (int round = 0; round < 300; ++round) {
    WorkloadSet s;
    const int n = 1 + static_cast<int>(next() * 12);
    for (int i = 0; i < n; ++i) {
      // One draw per statement: the order of a call's arguments is up to the compiler (gcc took
      // them last to first, clang first to last, so the two planned different fleets). These are
      // gcc's draws, in its order.
      const int replicas = 1 + static_cast<int>(next() * 6);
      const double compute = 0.01 + next() * 0.99;
      const double memoryGiB = 0.25 + next() * 13;
      const char* model = models[static_cast<int>(next() * 3)];
      Workload w = workload("w" + std::to_string(i), model, memoryGiB, compute, replicas);
      if (next() < 0.2) w.isolation = Isolation::Full;
      if (next() < 0.2) w.isolation = Isolation::Memory;
      if (next() < 0.5) {  // a random non-empty subset of dedicated, time-slicing, mps
        const ModeMask subsets[] = {1, 2 | 1, 4 | 1, 2 | 4 | 1, 2 | 4, 4};
        w.sharing = subsets[static_cast<int>(next() * 6)];
      }
      if (next() < 0.2) w.cpuMillis = 500 + static_cast<std::int64_t>(next() * 3000);
      // A V100 workload in four takes 2 or 4 whole GPUs (p3.8xlarge, four V100, holds those).
      if (std::string(model) == "V100" && nextCount() < 0.25) {
        w.gpuCount = nextCount() < 0.5 ? 2 : 4;
        w.sharing |= bit(Mode::Dedicated);
      }
      s.workloads.push_back(w);
    }
    PlanOptions o;
    o.headroom = next() < 0.3 ? 0.1 : 0.0;
    auto r = makePlan(s, catalog, o);
    if (!r.ok()) {  // only a workload allowing no mode that fits may fail, and as infeasible
      CHECK(r.error().kind == ErrorKind::Infeasible);
      continue;
    }
    const Plan& p = *r;
    ++planned;
    std::multiset<std::size_t> placed;
    Micros total = 0;
    for (const Pool& pool : p.pools) {
      const InstanceType& t = *catalog.findType(pool.instanceType);
      CHECK(pool.maxMemoryMiB * pool.replicas <= pool.usableMemoryMiB);
      if (pool.mode != Mode::Dedicated) {
        CHECK(pool.replicas >= 2);
        CHECK(pool.maxComputePpm * pool.replicas <= static_cast<std::int64_t>((1 - o.headroom) * 1e6 + 0.5));
      }
      if (pool.mode == Mode::Mps) CHECK(pool.replicas <= catalog.findGpu(t.gpuModel)->mpsMaxClients);
      CHECK(pool.podsPerNode <= t.wholeGpus() * pool.replicas);
      int most = 1;  // the most GPUs a pod of the pool takes
      for (std::size_t wi : pool.workloads) most = std::max<int>(most, s.workloads[wi].gpuCount);
      if (most > 1) {
        CHECK(pool.mode == Mode::Dedicated);
        CHECK(pool.podsPerNode * most <= t.wholeGpus());
        ++multiGpuPlanned;
      }
      CHECK(static_cast<long long>(pool.nodes) * pool.podsPerNode >= pool.pods);
      // No node to spare; a pool of several packings (describe) has none in each of them.
      if (pool.packedParts == 1) CHECK(static_cast<long long>(pool.nodes - 1) * pool.podsPerNode < pool.pods);
      total += pool.hourly;
      int pods = 0;
      for (std::size_t wi : pool.workloads) {
        placed.insert(wi);
        pods += s.workloads[wi].replicas;
        const Workload& w = s.workloads[wi];
        if (w.isolation == Isolation::Full) CHECK(pool.mode == Mode::Dedicated);
        if (w.isolation == Isolation::Memory) CHECK(pool.mode != Mode::TimeSlicing);
        CHECK((w.sharing & bit(pool.mode)) != 0);  // only modes the workload allows
      }
      CHECK(pods == pool.pods);
    }
    CHECK(total == p.fleet.hourly);
    CHECK(placed.size() == s.workloads.size());
    CHECK(std::set<std::size_t>(placed.begin(), placed.end()).size() == s.workloads.size());
    CHECK(p.lowerBound <= p.fleet.hourly);
    CHECK(p.fleet.hourly <= p.baseline.hourly);
    auto again = makePlan(s, catalog, o);
    CHECK(again->fleet.hourly == p.fleet.hourly);
    CHECK(again->pools.size() == p.pools.size());
  }
  CHECK(planned > 100);  // enough rounds must plan, or the test proves little
  CHECK(multiGpuPlanned > 10);
}

namespace {

/// `w` as the input's workload `i`, at line `line`.
Workload at(Workload w, int i, int line) {
  w.source = {"w.yaml", line, "workloads[" + std::to_string(i) + "]"};
  return w;
}

}  // namespace

TEST_CASE("every workload that fits nowhere is reported, each with why; bad input first") {
  static const Catalog catalog = testCatalog();
  WorkloadSet s;
  s.workloads.push_back(at(workload("a-huge", "V100", 20, 0.5), 0, 5));
  s.workloads.push_back(at(workload("b-fine", "V100", 2, 0.1), 1, 9));
  Workload onlyMig = at(workload("c-only-mig", "T4", 2, 0.1), 2, 13);
  onlyMig.sharing = bit(Mode::Mig);
  s.workloads.push_back(onlyMig);
  auto r = makePlan(s, catalog, {});
  REQUIRE_FALSE(r.ok());
  REQUIRE(r.errors().size() == 2);
  CHECK(r.errors()[0].describe() ==
        "w.yaml:5: workloads[0]: default/a-huge fits nowhere: needs 20.00 GiB of GPU memory per pod, but the most "
        "any candidate GPU offers is 15.50 GiB (p3.2xlarge, after the 512 MiB per-GPU overhead)");
  CHECK(r.errors()[1].describe() ==
        "w.yaml:13: workloads[2]: default/c-only-mig fits nowhere: it allows only MIG sharing, but T4 GPUs have no MIG "
        "(the catalog has no MIG profiles for any GPU); allow dedicated, time-slicing or mps in sharing");
  // Input errors against the catalog are all reported, and fit is not checked until they are fixed.
  s.workloads[1].gpuModel = "X1";
  s.workloads.push_back(at(workload("d-nowhere", "V100", 2, 0.1), 3, 17));
  s.workloads.back().currentType = "p9.huge";
  r = makePlan(s, catalog, {});
  REQUIRE_FALSE(r.ok());
  REQUIRE(r.errors().size() == 2);
  CHECK(r.errors()[0].describe() ==
        "w.yaml:9: workloads[1].gpu.model: unknown GPU model \"X1\"; known: A100, L4, T4, V100 (in any case, or "
        "another name "
        "`gpuslice catalog gpus` lists)");
  CHECK(r.errors()[1].describe() ==
        "w.yaml:17: workloads[3].current.instanceType: unknown instance type \"p9.huge\" (not in the price table "
        "test-prices.yaml)");
}

TEST_CASE("--partial plans what fits and lists the rest; the baseline covers the planned workloads only") {
  static const Catalog catalog = testCatalog();
  WorkloadSet s = seed();  // four quarter-V100 pods: 1 x p3.2xlarge against 4
  s.workloads.insert(s.workloads.begin() + 1, at(workload("a2-huge", "V100", 20, 0.5, 3), 4, 30));
  auto r = makePartialPlan(s, catalog, {});
  REQUIRE(r.ok());
  REQUIRE(s.workloads.size() == 4);  // the set is what the plan covers
  CHECK(s.workloads[1].name == "b");
  CHECK(r->baseline.hourly == 4 * 3060000);
  CHECK(r->fleet.hourly == 3060000);
  REQUIRE(r->unplanned.size() == 1);
  CHECK(r->unplanned[0].workload.name == "a2-huge");
  CHECK(r->unplanned[0].why ==
        "needs 20.00 GiB of GPU memory per pod, but the most any candidate GPU offers is 15.50 GiB (p3.2xlarge, after "
        "the 512 MiB per-GPU overhead)");
  CHECK(unplannedError(r->unplanned[0]).describe() ==
        "w.yaml:30: workloads[4]: default/a2-huge fits nowhere: " + r->unplanned[0].why);
  CHECK(r->notes.back() ==
        "--partial: 1 workload (3 pods) fit nowhere and are not planned (listed under unplanned); the plan, its "
        "baseline and its savings cover the other workloads only");
}

TEST_CASE("workloads scaled to zero are not planned but named in a note; none left is an empty plan") {
  static const Catalog catalog = testCatalog();
  WorkloadSet s = seed();
  Workload idle = workload("nightly", "V100", 12, 0.9, 0);
  idle.ns = "batch";
  s.scaledToZero.push_back(idle);
  const Plan p = planOk(s);
  CHECK(p.fleet.hourly == 3060000);
  CHECK(p.notes.back() == "replicas: 0 (scaled to zero), not planned: batch/nightly");
  s.workloads.clear();
  const Plan none = planOk(s);
  CHECK(none.pools.empty());
  CHECK(none.fleet.hourly == 0);
  CHECK(none.baseline.hourly == 0);
  CHECK(none.notes.back() == "replicas: 0 (scaled to zero), not planned: batch/nightly");
}

TEST_CASE("pools of one type, mode and replicas are one pool, their nodes added up") {
  // On p3.8xlarge (4 GPUs, 32 vCPU), 12-CPU pods go two to a node and 1-CPU pods four: packed
  // apart they take a node each, and the plan shows them as one pool (one NodePool) of 2 nodes.
  WorkloadSet s;
  for (auto [name, replicas, cpu] : {std::tuple{"big", 2, 12000}, std::tuple{"small", 4, 1000}}) {
    Workload w = workload(name, "V100", 10, 0.9);
    w.replicas = replicas;
    w.cpuMillis = cpu;
    w.sharing = bit(Mode::Dedicated);
    w.instanceTypes = {"p3.8xlarge"};
    s.workloads.push_back(w);
  }
  const Plan p = planOk(s);
  REQUIRE(p.pools.size() == 1);
  const Pool& pool = p.pools[0];
  CHECK(pool.name == "p3-8xlarge-dedicated");
  CHECK(pool.nodes == 2);
  CHECK(pool.pods == 6);
  CHECK(pool.podsPerNode == 4);
  CHECK(pool.limitedBy == LimitedBy::Gpu);
  CHECK(pool.hourly == 2 * 12240000);
  CHECK(pool.workloads == std::vector<std::size_t>{0, 1});
  CHECK(pool.packedParts == 2);
  // 2 pods of 0.9 on one node's 4 GPUs, 4 on the other's: (0.45 + 0.9) / 2.
  CHECK(pool.computePerGpu == doctest::Approx(0.675));
  CHECK(p.placements[0].pool == 0);
  CHECK(p.placements[1].pool == 0);
  CHECK(std::count(pool.notes.begin(), pool.notes.end(),
                   "one NodePool for pods that take different room on a node (default/big: 2 pods a node, by cpu, 1 "
                   "node; default/small: 4 pods a node, by gpu, 1 node): its 2 nodes are those added up, and the "
                   "scheduler may mix the pods onto fewer") == 1);
}
