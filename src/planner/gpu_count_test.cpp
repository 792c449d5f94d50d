// Pods of gpu.count N: N whole GPUs each on one node, dedicated only, in the plan, the baseline
// and the bound. Hand-worked against the built-in price table (A10G: g5.xlarge 1 GPU $1.006/h,
// g5.12xlarge 4 GPUs $5.672/h, g5.24xlarge 4 GPUs $8.144/h, g5.48xlarge 8 GPUs $16.288/h).
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "planner/fit.h"
#include "planner/planner.h"
#include "support/builtin.h"
#include "support/test_support.h"

using namespace gpuslice;

namespace {

Workload multiGpu(std::string name, int count, int replicas, std::vector<std::string> types = {}) {
  Workload w = testing::workload(std::move(name), "A10G", 10, 0.5, replicas);
  w.gpuCount = static_cast<std::uint8_t>(count);
  w.instanceTypes = std::move(types);
  return w;
}

Plan planOf(std::vector<Workload> ws, PlanOptions o = {}) {
  o.estimateOtherModels = false;
  WorkloadSet s;
  s.workloads = std::move(ws);
  auto p = makePlan(s, testing::builtinCatalog(), o);
  REQUIRE_MESSAGE(p.ok(), (p.ok() ? "" : p.error().describe()));
  return *p;
}

/// Every pool holds no more GPUs' worth of pods on a node than the node has.
void checkGpusFit(const Plan& p, const std::vector<Workload>& ws) {
  for (const Pool& pool : p.pools) {
    int most = 1;
    for (std::size_t wi : pool.workloads) most = std::max<int>(most, ws[wi].gpuCount);
    if (most > 1) CHECK(pool.mode == Mode::Dedicated);
    CHECK(pool.podsPerNode * most <= pool.gpusPerNode);
  }
}

}  // namespace

TEST_CASE("gpu.count 2: a g5.12xlarge holds two pods, so three take two nodes") {
  const std::vector<Workload> ws = {multiGpu("tp", 2, 3)};
  const Plan p = planOf(ws);
  CHECK(p.fleet.instances == std::map<std::string, int>{{"g5.12xlarge", 2}});
  CHECK(p.fleet.hourly == 2 * 5672000);
  REQUIRE(p.pools.size() == 1);
  const Pool& pool = p.pools[0];
  CHECK(pool.mode == Mode::Dedicated);
  CHECK(pool.podsPerNode == 2);  // 4 GPUs / 2
  CHECK(pool.limitedBy == LimitedBy::Gpu);
  // Busy share per GPU: 3 pods x 2 GPUs x 0.5 over 2 nodes x 4 GPUs.
  CHECK(pool.computePerGpu == doctest::Approx(0.375));
  // The bound counts two GPUs a pod: at least 3 x $5.672 / 2 = $8.508, in whole nodes; the plan pays $11.344.
  CHECK(p.lowerBound >= 8508000);
  CHECK(p.lowerBound <= p.fleet.hourly);
  // The baseline: its cheapest dedicated slot, the same two nodes.
  CHECK(p.baseline.instances == std::map<std::string, int>{{"g5.12xlarge", 2}});
  checkGpusFit(p, ws);
}

TEST_CASE("gpu.count 2: a g5.48xlarge holds four pods") {
  const std::vector<Workload> ws = {multiGpu("tp", 2, 4, {"g5.48xlarge"})};
  const Plan p = planOf(ws);
  CHECK(p.fleet.instances == std::map<std::string, int>{{"g5.48xlarge", 1}});
  CHECK(p.fleet.hourly == 16288000);
  REQUIRE(p.pools.size() == 1);
  CHECK(p.pools[0].podsPerNode == 4);  // 8 GPUs / 2
  CHECK(p.pools[0].computePerGpu == doctest::Approx(0.5));
  CHECK(p.lowerBound == 16288000);
  checkGpusFit(p, ws);
}

TEST_CASE("gpu.count 8 fits only the 8-GPU type; with none among the candidates it fits nowhere") {
  const std::vector<Workload> ws = {multiGpu("train", 8, 2)};
  const Plan p = planOf(ws);
  CHECK(p.fleet.instances == std::map<std::string, int>{{"g5.48xlarge", 2}});
  CHECK(p.fleet.hourly == 2 * 16288000);
  CHECK(p.lowerBound == 2 * 16288000);
  REQUIRE(p.pools.size() == 1);
  CHECK(p.pools[0].podsPerNode == 1);
  checkGpusFit(p, ws);

  WorkloadSet s;
  s.workloads = {multiGpu("train", 8, 2, {"g5.xlarge", "g5.12xlarge", "g5.24xlarge"})};
  auto r = makePlan(s, testing::builtinCatalog(), {});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().describe() ==
        "w.yaml:7: workloads[0]: default/train fits nowhere: needs 8 GPUs on one node (gpu.count); the largest "
        "candidate has 4 (g5.12xlarge)");
}

TEST_CASE("gpu.count above 1 is never shared, however little it uses") {
  Workload w = multiGpu("small", 2, 2);
  w.computePpm = 50000;  // 5% busy, 10 GiB: alone, two such pods would share an A10G
  const std::vector<Workload> ws = {w};
  const Plan p = planOf(ws);
  REQUIRE(p.pools.size() == 1);
  CHECK(p.pools[0].mode == Mode::Dedicated);
  CHECK(p.pools[0].instanceType == "g5.12xlarge");
  CHECK(p.fleet.hourly == 5672000);
  checkGpusFit(p, ws);
}

TEST_CASE("gpu.count: a CPU request below the GPUs' count sets the pods per node") {
  // g5.12xlarge: 48 vCPU, less kube-reserved and the DaemonSets, holds one 30-CPU pod.
  Workload w = multiGpu("cpu-heavy", 2, 2, {"g5.12xlarge"});
  w.cpuMillis = 30000;
  const Plan p = planOf({w});
  REQUIRE(p.pools.size() == 1);
  CHECK(p.pools[0].podsPerNode == 1);
  CHECK(p.pools[0].limitedBy == LimitedBy::Cpu);
  CHECK(p.fleet.hourly == 2 * 5672000);
}

TEST_CASE("gpu.count: pods of one and two GPUs never put more GPUs on a node than it has") {
  // Only g5.12xlarge (4 GPUs): one 2-GPU pod and two dedicated 1-GPU pods. Pods of different
  // counts share a pool at the larger count (two a node), so 3 pods take 2 nodes.
  Workload one = testing::workload("one", "A10G", 10, 0.9, 2);
  one.sharing = bit(Mode::Dedicated);
  one.instanceTypes = {"g5.12xlarge"};
  const std::vector<Workload> ws = {multiGpu("two", 2, 1, {"g5.12xlarge"}), one};
  const Plan p = planOf(ws);
  CHECK(p.fleet.instances == std::map<std::string, int>{{"g5.12xlarge", 2}});
  CHECK(p.lowerBound <= p.fleet.hourly);
  checkGpusFit(p, ws);
}

TEST_CASE("baseline: a pod of 4 GPUs on a 1-GPU current type is priced on the cheapest A10G type that holds it") {
  Workload w = multiGpu("tp4", 4, 2);
  w.currentType = "g5.xlarge";
  const Plan p = planOf({w});
  CHECK(p.baseline.instances == std::map<std::string, int>{{"g5.12xlarge", 2}});
  CHECK(p.baseline.hourly == 2 * 5672000);
  CHECK(std::find(p.notes.begin(), p.notes.end(),
                  "baseline: default/tp4 cannot run on its current.instanceType g5.xlarge: it needs 4 GPUs a pod on "
                  "one node and g5.xlarge has 1; the baseline prices it on g5.12xlarge, the cheapest A10G type that "
                  "holds it") != p.notes.end());
  CHECK(p.fleet.hourly == 2 * 5672000);
}

TEST_CASE("baseline: a current type of 8 GPUs holds two pods of 4") {
  Workload w = multiGpu("tp4", 4, 3);
  w.currentType = "g5.48xlarge";
  const Plan p = planOf({w});
  CHECK(p.baseline.instances == std::map<std::string, int>{{"g5.48xlarge", 2}});  // ceil(3 / 2)
  CHECK(p.baseline.hourly == 2 * 16288000);
  CHECK(p.fleet.instances == std::map<std::string, int>{{"g5.12xlarge", 3}});  // 3 x $5.672 < 2 x $16.288
}

TEST_CASE("gpu.count above 1 leaves only dedicated among the modes a workload allows") {
  // The node cap (G / N < G) already leaves no GPU two pods of it; MIG would still take one a
  // MIG instance if the modes allowed it.
  Workload w = multiGpu("tp", 2, 2);
  const PlanOptions o;
  CHECK(detail::effectiveModes(w, o) == bit(Mode::Dedicated));
  w.gpuCount = 1;
  CHECK(detail::effectiveModes(w, o) == kAllModes);
  w.gpuCount = 2;
  PlanOptions noDedicated;
  noDedicated.withoutModes = bit(Mode::Dedicated);
  CHECK(detail::effectiveModes(w, noDedicated) == 0);
}
