// The local search after packing: hand-worked cases through makePlan, and random fleets packed
// with and without it.
#include "planner/search/improve.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <string>

#include "model/node_capacity.h"
#include "planner/fit.h"
#include "planner/packing.h"
#include "planner/planner.h"
#include "support/test_support.h"

using namespace gpuslice;
using namespace gpuslice::detail;

namespace {

// V100 types as in the built-in table (p3dn: 32 GiB GPUs), and T4 ones.
Catalog testCatalog() {
  GpuModel t4, v100;
  t4.name = "T4";
  t4.mpsMaxClients = 48;
  v100.name = "V100";
  v100.mpsMaxClients = 16;
  return testing::catalogOf(
      {
          testing::instanceType("g4dn.xlarge", "T4", 1, 16, 4, 16, 0.526),
          testing::instanceType("g4dn.12xlarge", "T4", 4, 16, 48, 192, 3.912),
          testing::instanceType("p3.2xlarge", "V100", 1, 16, 8, 61, 3.06),
          testing::instanceType("p3.8xlarge", "V100", 4, 16, 32, 244, 12.24),
          testing::instanceType("p3dn.24xlarge", "V100", 8, 32, 96, 768, 31.212),
      },
      {t4, v100});
}

Workload workload(std::string name, std::string model, double memGiB, double compute, int replicas) {
  Workload w = testing::workload(std::move(name), std::move(model), memGiB, compute, replicas);
  w.ns = "ml";
  return w;
}

/// The planner's context for `ws`, built as makePlan builds it.
PlanContext contextFor(const Catalog& catalog, const PlanOptions& options, const std::vector<Workload>& ws) {
  PlanContext ctx;
  ctx.catalog = &catalog;
  ctx.options = &options;
  ctx.computeTargetPpm = static_cast<std::int64_t>(std::llround((1.0 - options.headroom) * 1e6));
  std::map<std::tuple<std::string, std::int64_t, double>, int> kinds;
  for (std::size_t i = 0; i < catalog.instanceTypes.size(); ++i) {
    const InstanceType& t = catalog.instanceTypes[i];
    Candidate c;
    c.type = &t;
    c.gpu = catalog.findGpu(t.gpuModel);
    c.index = static_cast<int>(i);
    c.price = *Catalog::price(t, options.capacity);
    c.allocatable = nodeAllocatable(t, options.maxPodsPerNode, options.daemonSets);
    c.gpus = t.wholeGpus();
    c.usableMemoryMiB = t.gpuMemoryMiB - static_cast<std::int64_t>(std::ceil(options.gpuOverheadMiB));
    c.gpuKind = kinds.emplace(std::make_tuple(t.gpuModel, c.usableMemoryMiB, 0.0), static_cast<int>(kinds.size()))
                    .first->second;
    ctx.candidates.push_back(c);
  }
  ctx.gpuKinds = static_cast<int>(kinds.size());
  ctx.workloads = &ws;
  for (const Workload& w : ws) ctx.measuredOn.push_back(catalog.findGpu(w.gpuModel));
  return ctx;
}

/// packClass per class and mergePools, as packAll does before improvePools.
std::vector<PackedPool> packed(const PlanContext& ctx, const std::vector<Workload>& ws) {
  std::map<std::vector<int>, std::vector<std::size_t>> classes;
  for (std::size_t i = 0; i < ws.size(); ++i) {
    std::vector<int> admitted;
    for (std::size_t k = 0; k < ctx.candidates.size(); ++k) {
      if (admits(ctx, ws[i], ctx.candidates[k])) admitted.push_back(static_cast<int>(k));
    }
    classes[admitted].push_back(i);
  }
  std::vector<PackedPool> pools;
  for (const auto& [admitted, members] : classes) {
    for (PackedPool& p : packClass(ctx, ws, members, admitted).pools) pools.push_back(std::move(p));
  }
  mergePools(ctx, pools);
  return pools;
}

/// Workload `w` is admitted and safe in pool `p`'s mode and shape; its fit there.
SlotFit checkMemberSafe(const PlanContext& ctx, const Workload& w, const PackedPool& p) {
  const Candidate& c = ctx.candidates[static_cast<std::size_t>(p.candidate)];
  REQUIRE(admits(ctx, w, c));
  CHECK((effectiveModes(w, *ctx.options) & bit(p.mode)) != 0);
  const SlotFit f = fitOf(ctx, w, c);
  if (p.mode == Mode::Dedicated) CHECK(f.dedicated);
  if (p.mode == Mode::TimeSlicing) CHECK(f.timeSlicing >= p.shape.replicas);
  if (p.mode == Mode::Mps) CHECK(f.mps >= p.shape.replicas);
  CHECK(p.shape.podsPerNode <= f.nodeCap);
  return f;
}

/// Every workload in one pool; each pool's fields agree with its members and its shape is safe.
void checkSound(const PlanContext& ctx, const std::vector<Workload>& ws, const std::vector<PackedPool>& pools) {
  std::vector<int> seen(ws.size(), 0);
  for (const PackedPool& p : pools) {
    const Candidate& c = ctx.candidates[static_cast<std::size_t>(p.candidate)];
    REQUIRE_FALSE(p.workloads.empty());
    long long pods = 0;
    int minTs = 1 << 30, minMps = 1 << 30, minCap = 1 << 30;
    for (std::size_t wi : p.workloads) {
      const Workload& w = ws[wi];
      ++seen[wi];
      pods += w.replicas;
      const SlotFit f = checkMemberSafe(ctx, w, p);
      minTs = std::min(minTs, f.timeSlicing);
      minMps = std::min(minMps, f.mps);
      minCap = std::min(minCap, f.nodeCap);
    }
    CHECK(pods == p.pods);
    CHECK(p.shape.podsPerNode >= 1);
    CHECK(p.shape.podsPerNode <= c.gpus * p.shape.replicas);
    CHECK(static_cast<long long>(p.shape.nodes) * p.shape.podsPerNode >= p.pods);
    CHECK(static_cast<long long>(p.shape.nodes - 1) * p.shape.podsPerNode < p.pods);
    CHECK(p.minNodeCap == minCap);
    if (p.mode == Mode::TimeSlicing) CHECK(p.minTimeSlicing >= p.shape.replicas);
    if (p.mode == Mode::Mps) CHECK(p.minMps >= p.shape.replicas);
    CHECK(p.minTimeSlicing <= minTs);
    CHECK(p.minMps <= minMps);
  }
  for (std::size_t i = 0; i < ws.size(); ++i) CHECK(seen[i] == 1);
}

std::string summary(const PlanContext& ctx, const std::vector<PackedPool>& pools) {
  std::string out;
  for (const PackedPool& p : pools) {
    out += ctx.candidates[static_cast<std::size_t>(p.candidate)].type->name + "/" + modeName(p.mode) +
           std::to_string(p.shape.replicas) + "x" + std::to_string(p.shape.nodes) + ":";
    for (std::size_t w : p.workloads) out += std::to_string(w) + ",";
    out += " ";
  }
  return out;
}

/// The cheapest one pool for `members` on any candidate in any mode, shaped by shapePool; -1
/// when there is none.
Micros cheapestPool(const PlanContext& ctx, const std::vector<Workload>& ws, const std::vector<std::size_t>& members) {
  Micros cheapest = -1;
  for (const Candidate& c : ctx.candidates) {
    for (Mode m : {Mode::Dedicated, Mode::Mps, Mode::TimeSlicing}) {
      int replicas = 1 << 30, cap = 1 << 30;
      long long pods = 0;
      bool ok = true;
      for (std::size_t wi : members) {
        const Workload& w = ws[wi];
        if (!admits(ctx, w, c) || !(effectiveModes(w, *ctx.options) & bit(m))) ok = false;
        if (!ok) break;
        const SlotFit f = fitOf(ctx, w, c);
        if (m == Mode::Dedicated && !f.dedicated) ok = false;
        replicas = std::min(replicas, m == Mode::TimeSlicing ? f.timeSlicing : m == Mode::Mps ? f.mps : 1);
        cap = std::min(cap, f.nodeCap);
        pods += w.replicas;
      }
      if (!ok) continue;
      const PoolShape s = shapePool(c, m, replicas, cap, pods);
      if (s.podsPerNode < 1) continue;
      const Micros cost = c.price * s.nodes;
      if (cheapest < 0 || cost < cheapest) cheapest = cost;
    }
  }
  return cheapest;
}

/// The least cost of any split of `ws` into pools: every set partition, each block in its
/// cheapest pool.
Micros bruteForce(const PlanContext& ctx, const std::vector<Workload>& ws) {
  Micros best = -1;
  testing::forEachSplit(static_cast<int>(ws.size()), [&](const std::vector<int>& block, int blocks) {
    Micros total = 0;
    for (int b = 0; b < blocks; ++b) {
      std::vector<std::size_t> members;
      for (std::size_t j = 0; j < ws.size(); ++j) {
        if (block[j] == b) members.push_back(j);
      }
      const Micros cost = cheapestPool(ctx, ws, members);
      if (cost < 0) return;
      total += cost;
    }
    if (best < 0 || total < best) best = total;
  });
  return best;
}

/// Packs `ws`, runs the search, and checks the pools are sound, cost `cost` (which must be
/// the brute-force optimum) and read `expected`.
void checkSearched(const Catalog& catalog, const std::vector<Workload>& ws, Micros cost, const std::string& expected) {
  PlanOptions o;
  const PlanContext ctx = contextFor(catalog, o, ws);
  std::vector<PackedPool> pools = packed(ctx, ws);
  improvePools(ctx, ws, pools);
  checkSound(ctx, ws, pools);
  CHECK(scoreOf(ctx, pools).cost == cost);
  CHECK(bruteForce(ctx, ws) == cost);
  CHECK(summary(ctx, pools) == expected);
}

}  // namespace

TEST_CASE("improvePools: random small fleets stay sound, never cost more, and are deterministic") {
  const Catalog catalog = testCatalog();
  std::mt19937 rng(20261123);
  const char* models[] = {"T4", "V100"};
  int cheaper = 0, optimal = 0, brute = 0;
  for (int round = 0; round < 400; ++round) {
    std::vector<Workload> ws;
    const int n = 1 + static_cast<int>(rng() % 12);
    const char* model = models[rng() % 2];
    for (int i = 0; i < n; ++i) {
      Workload w = workload("w" + std::to_string(i), model, 0.25 + (rng() % 1200) / 100.0, 0.01 + (rng() % 90) / 100.0,
                            1 + static_cast<int>(rng() % 9));
      if (rng() % 5 == 0) w.isolation = Isolation::Memory;
      if (rng() % 8 == 0) w.isolation = Isolation::Full;
      if (rng() % 3 == 0) {
        const ModeMask subsets[] = {1, 2 | 1, 4 | 1, 2 | 4 | 1, 2 | 4, 4};
        w.sharing = subsets[rng() % 6];
      }
      if (rng() % 3 == 0) w.cpuMillis = 500 + static_cast<std::int64_t>(rng() % 12000);
      ws.push_back(w);
    }
    PlanOptions o;
    o.headroom = rng() % 4 == 0 ? 0.1 : 0.0;
    const PlanContext ctx = contextFor(catalog, o, ws);
    bool fits = true;  // every workload has a pool of its own (else makePlan reports it)
    for (std::size_t i = 0; i < ws.size(); ++i) fits = fits && cheapestPool(ctx, ws, {i}) >= 0;
    if (!fits) continue;
    INFO("round " << round);
    const std::vector<PackedPool> before = packed(ctx, ws);
    checkSound(ctx, ws, before);
    std::vector<PackedPool> after = before;
    improvePools(ctx, ws, after);
    checkSound(ctx, ws, after);
    const PackingScore a = scoreOf(ctx, after), b = scoreOf(ctx, before);
    CHECK(a <= b);
    cheaper += a.cost < b.cost;
    std::vector<PackedPool> again = before;
    improvePools(ctx, ws, again);
    CHECK(summary(ctx, again) == summary(ctx, after));
    if (n <= 6) {
      const Micros least = bruteForce(ctx, ws);
      CHECK(least <= a.cost);
      ++brute;
      optimal += least == a.cost;
    }
  }
  MESSAGE("cheaper in " << cheaper << " rounds; optimal in " << optimal << " of " << brute << " brute-forced");
  CHECK(cheaper >= 5);  // the rounds must exercise the search
}

namespace {

Plan planOf(const Catalog& catalog, std::vector<Workload> ws, PlanOptions o = {}) {
  o.estimateOtherModels = false;
  WorkloadSet set;
  set.workloads = std::move(ws);
  auto plan = makePlan(set, catalog, o);
  REQUIRE_MESSAGE(plan.ok(), (plan.ok() ? "" : plan.error().describe()));
  return *plan;
}

std::string poolsOf(const Plan& p) {
  std::string out;
  for (const Pool& pool : p.pools) {
    out += pool.name + " nodes=" + std::to_string(pool.nodes) + " pods=" + std::to_string(pool.pods) + " [";
    for (std::size_t wi : pool.workloads) out += std::to_string(wi) + " ";
    out += "] ";
  }
  return out;
}

}  // namespace

TEST_CASE("improvePools: a one-pod workload moves into the free GPUs of another pool's last node") {
  const Catalog catalog = testCatalog();
  // etl's CPU request lets a g4dn.12xlarge hold four of its pods, so its five pods leave
  // three GPUs of a second node free; probe needs a whole GPU and fits one of them.
  std::vector<Workload> ws = {workload("train", "T4", 8, 0.8, 7), workload("etl", "T4", 4, 0.34, 5),
                              workload("probe", "T4", 2.5, 0.9, 1)};
  ws[1].cpuMillis = 11000;
  ws[2].sharing = bit(Mode::Dedicated);
  PlanOptions o;
  const PlanContext ctx = contextFor(catalog, o, ws);
  const std::vector<PackedPool> before = packed(ctx, ws);
  CHECK(scoreOf(ctx, before).cost == 8 * 526000 + 2 * 3912000);  // probe on a node of its own
  const Plan p = planOf(catalog, ws);
  CHECK(p.fleet.hourly == 7 * 526000 + 2 * 3912000);
  CHECK(poolsOf(p) == "g4dn-12xlarge-dedicated nodes=2 pods=6 [1 2 ] g4dn-xlarge-dedicated nodes=7 pods=7 [0 ] ");
}

TEST_CASE("improvePools: two pools swap workloads to fill a node, re-split from scratch") {
  const Catalog catalog = testCatalog();
  // prep asks for more CPU than a g4dn.xlarge has, so it needs a g4dn.12xlarge; the other
  // two GPUs of that node should hold embed (2 pods), not probe (1 pod), so that the
  // xlarge pool needs one node fewer. Moving one workload at a time never pays: embed does
  // not fit beside probe, and probe alone out of the 12xlarge costs a node more.
  std::vector<Workload> ws = {workload("prep", "T4", 0.6, 0.63, 2), workload("train", "T4", 10.9, 0.16, 9),
                              workload("probe", "T4", 0.8, 0.59, 1), workload("embed", "T4", 10.5, 0.35, 2),
                              workload("serve", "T4", 10.2, 0.29, 8)};
  ws[0].cpuMillis = 5977;
  for (Workload& w : ws) w.sharing = bit(Mode::Dedicated);
  PlanOptions o;
  const PlanContext ctx = contextFor(catalog, o, ws);
  std::vector<PackedPool> pools = packed(ctx, ws);
  CHECK(scoreOf(ctx, pools).cost == 3912000 + 20 * 526000);
  // (The moves of one or a few workloads out of one pool stop at prep with probe, and 19
  // xlarge nodes.)
  improvePools(ctx, ws, pools);
  checkSound(ctx, ws, pools);
  CHECK(scoreOf(ctx, pools).cost == 3912000 + 18 * 526000);
  CHECK(bruteForce(ctx, ws) == 3912000 + 18 * 526000);
  CHECK(summary(ctx, pools) == "g4dn.xlarge/dedicated1x18:1,2,4, g4dn.12xlarge/dedicated1x1:0,3, ");
}

TEST_CASE("improvePools: three pools re-split into two when no two of them can") {
  const Catalog catalog = testCatalog();
  // batch's CPU lets only 2 of its pods on a p3.8xlarge and 7 on a p3dn.24xlarge. Two
  // p3dn nodes (16 GPUs, 14 pods under batch's cap) hold batch, eval and tune; sweep, which
  // needs most of a GPU's compute, is cheapest on p3.2xlarge nodes of its own. The search
  // without re-splits, and with re-splits of two pools only, stops at p3.2xlarge x3 (eval),
  // p3.8xlarge x4 (batch) and p3.8xlarge x3 (sweep, tune): $94.86 an hour.
  std::vector<Workload> ws = {workload("batch", "V100", 11.62, 0.13, 8), workload("eval", "V100", 9.48, 0.2, 3),
                              workload("sweep", "V100", 1.5, 0.89, 9), workload("tune", "V100", 5.31, 0.74, 3)};
  ws[0].cpuMillis = 12246;
  ws[1].cpuMillis = 566;
  checkSearched(catalog, ws, 9 * 3060000 + 2 * 31212000,
                "p3.2xlarge/dedicated1x9:2, p3dn.24xlarge/dedicated1x2:0,1,3, ");
}

TEST_CASE("improvePools: a re-split at the same cost that gathers free GPUs opens a cheaper one") {
  const Catalog catalog = testCatalog();
  // CPU requests keep train, shard and probe on g4dn.12xlarge nodes (5, 3 and 7 pods a
  // node). Every re-split of the first packing's two pools, and every move of workloads,
  // costs as much or more; one re-split at the same cost leaves the free GPUs in one pool,
  // and from there tokenize goes to an xlarge node of its own in MPS and a 12xlarge is freed.
  std::vector<Workload> ws = {workload("tokenize", "T4", 4.55, 0.17, 3), workload("train", "T4", 11.28, 0.64, 8),
                              workload("shard", "T4", 5.61, 0.45, 7), workload("probe", "T4", 1.59, 0.81, 5)};
  ws[1].cpuMillis = 8762;
  ws[2].cpuMillis = 12051;
  ws[3].cpuMillis = 6227;
  // Without the move at the same cost: 7 x g4dn.12xlarge (train, shard | tokenize, probe).
  checkSearched(catalog, ws, 6 * 3912000 + 526000,
                "g4dn.12xlarge/dedicated1x2:1, g4dn.12xlarge/dedicated1x4:2,3, g4dn.xlarge/mps3x1:0, ");
}

TEST_CASE("improvePools: the level search re-chooses each workload's type and mode when no few moves pay") {
  const Catalog catalog = testCatalog();
  // All five fit 8 pods of every p3.8xlarge (the packer's choice: $97.92 an hour), and
  // moving one workload or re-splitting two or three pools never pays. The cheapest plan
  // gives each its own way to run: w2 (whole GPU, most compute) on p3.2xlarge, w0 and w3
  // dedicated on p3.8xlarge, and w1 and w4 time-sliced two to a GPU on one p3dn.24xlarge.
  std::vector<Workload> ws = {workload("w0", "V100", 1, 0.5, 4), workload("w1", "V100", 1, 0.5, 7),
                              workload("w2", "V100", 1, 0.5, 5), workload("w3", "V100", 1, 0.5, 8),
                              workload("w4", "V100", 1, 0.5, 8)};
  const std::int64_t mib[] = {3000, 8673, 11202, 9922, 10895};
  const std::int64_t ppm[] = {670000, 120000, 790000, 660000, 310000};
  for (std::size_t i = 0; i < ws.size(); ++i) {
    ws[i].memoryMiB = mib[i];
    ws[i].computePpm = ppm[i];
  }
  ws[0].cpuMillis = 2835;
  ws[2].sharing = bit(Mode::Dedicated) | bit(Mode::Mps);
  ws[4].sharing = bit(Mode::Dedicated) | bit(Mode::TimeSlicing);
  ws[4].cpuMillis = 4123;
  checkSearched(catalog, ws, 5 * 3060000 + 3 * 12240000 + 31212000,
                "p3.2xlarge/dedicated1x5:2, p3.8xlarge/dedicated1x3:0,3, p3dn.24xlarge/time-slicing2x1:1,4, ");
}

TEST_CASE("improvePools: the level search leaves the packer's families when descending from them cannot pay") {
  const Catalog catalog = testCatalog();
  // Moves of one or two workloads from the packer's families stop at 5 p3.2xlarge nodes (w2
  // and w3 in MPS) and 3 p3.8xlarge nodes (the rest dedicated): $52.02 an hour. Starting
  // again from each workload's cheapest family per pod, or draining a family, finds the
  // cheapest plan: w1 on whole p3.2xlarge GPUs, w2 in MPS three to a GPU, and the other four
  // in MPS two to a GPU on one p3dn.24xlarge.
  std::vector<Workload> ws = {workload("w0", "V100", 1, 0.5, 8), workload("w1", "V100", 1, 0.5, 2),
                              workload("w2", "V100", 1, 0.5, 9), workload("w3", "V100", 1, 0.5, 4),
                              workload("w4", "V100", 1, 0.5, 1), workload("w5", "V100", 1, 0.5, 1)};
  const std::int64_t mib[] = {12021, 6400, 1003, 4710, 3471, 1361};
  const std::int64_t ppm[] = {30000, 830000, 290000, 30000, 30000, 450000};
  for (std::size_t i = 0; i < ws.size(); ++i) {
    ws[i].memoryMiB = mib[i];
    ws[i].computePpm = ppm[i];
  }
  ws[3].sharing = bit(Mode::Dedicated) | bit(Mode::TimeSlicing) | bit(Mode::Mps);
  ws[4].cpuMillis = 6453;
  checkSearched(catalog, ws, 5 * 3060000 + 31212000,
                "p3.2xlarge/dedicated1x2:1, p3.2xlarge/mps3x3:2, p3dn.24xlarge/mps2x1:0,3,4,5, ");
}
