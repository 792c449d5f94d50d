#include "planner/spread.h"

#include <doctest/doctest.h>

#include "planner/planner.h"
#include "support/test_support.h"

using namespace gpuslice;

namespace {

// One V100 type at the built-in table's figures: 1 GPU, 8 vCPUs, 61 GiB, $3.06/h.
const Catalog& v100Catalog() {
  static const Catalog c = [] {
    GpuModel v100;
    v100.name = "V100";
    v100.mpsMaxClients = 16;
    v100.relativeThroughput = 1.0;
    return testing::catalogOf({testing::instanceType("p3.2xlarge", "V100", 1, 16, 8, 61, 3.06)}, {v100});
  }();
  return c;
}

// A quarter of a V100 and 3.5 GiB per pod: four pods share one GPU (MPS 4).
Workload quarter(const char* name, int replicas) { return testing::workload(name, "V100", 3.5, 0.25, replicas); }

Plan planOk(const WorkloadSet& s, const PlanOptions& o = {}) {
  auto p = makePlan(s, v100Catalog(), o);
  REQUIRE_MESSAGE(p.ok(), (p.ok() ? "" : p.error().describe()));
  return *p;
}

}  // namespace

TEST_CASE("minNodesOf: the workload's own, else --min-nodes for two or more replicas, at most replicas") {
  PlanOptions o;
  Workload w = quarter("a", 4);
  CHECK(detail::minNodesOf(w, o) == 1);
  o.minNodes = 3;
  CHECK(detail::minNodesOf(w, o) == 3);
  w.replicas = 2;
  CHECK(detail::minNodesOf(w, o) == 2);  // never more nodes than pods
  w.replicas = 1;
  CHECK(detail::minNodesOf(w, o) == 1);  // a single pod is not spread
  w.replicas = 4;
  w.minNodes = 1;
  CHECK(detail::minNodesOf(w, o) == 1);  // its own wins over --min-nodes
}

TEST_CASE("minNodes: the pool gets the nodes, pods per node stay, the bound does not move") {
  WorkloadSet s;
  s.workloads.push_back(quarter("web", 4));
  // Without it: 4 pods x 3.5 GiB and 4 x 0.25 of the GPU fit one p3.2xlarge (MPS 4), $3.06/h.
  const Plan before = planOk(s);
  REQUIRE(before.pools.size() == 1);
  CHECK(before.pools[0].nodes == 1);
  CHECK(before.fleet.hourly == 3060000);
  CHECK(before.placements[0].minNodes == 1);

  s.workloads[0].minNodes = 2;
  const Plan p = planOk(s);
  REQUIRE(p.pools.size() == 1);
  const Pool& pool = p.pools[0];
  CHECK(pool.nodes == 2);  // 2 x $3.06 = $6.12/h
  CHECK(pool.podsPerNode == 4);
  CHECK(pool.hourly == 6120000);
  CHECK(p.fleet.hourly == 6120000);
  CHECK(p.fleet.instances == std::map<std::string, int>{{"p3.2xlarge", 2}});
  CHECK(p.placements[0].minNodes == 2);
  // The bound is worked out without minNodes: $3.06, below the plan's $6.12, and a true bound
  // (adding nodes never makes a plan cheaper).
  CHECK(p.lowerBound == 3060000);
  CHECK(p.lowerBound <= p.fleet.hourly);
  REQUIRE(!pool.notes.empty());
  CHECK(pool.notes.back() ==
        "2 nodes where 1 would hold the pods: default/web spreads its 4 pods over at least 2 nodes (its minNodes), "
        "at most 2 on a node");
}

TEST_CASE("--min-nodes applies to workloads of two or more replicas; spread nodes are shared") {
  WorkloadSet s;
  s.workloads.push_back(quarter("solo", 1));
  s.workloads.push_back(quarter("web", 3));
  PlanOptions o;
  o.minNodes = 3;
  // 4 pods fit one GPU; web's 3 pods need 3 nodes, at most ceil(3 / 3) = 1 on each: $9.18/h.
  const Plan p = planOk(s, o);
  REQUIRE(p.pools.size() == 1);
  CHECK(p.pools[0].nodes == 3);
  CHECK(p.fleet.hourly == 9180000);
  CHECK(p.placements[0].minNodes == 1);
  CHECK(p.placements[1].minNodes == 3);
  CHECK(p.pools[0].notes.back() ==
        "3 nodes where 1 would hold the pods: default/web spreads its 3 pods over at least 3 nodes (--min-nodes), "
        "at most 1 on a node");
  CHECK(p.lowerBound == 3060000);

  // 8 pods need 2 nodes anyway: a and b spread over them at no extra cost, and no note.
  WorkloadSet two;
  two.workloads.push_back(quarter("a", 4));
  two.workloads.push_back(quarter("b", 4));
  two.workloads[0].minNodes = 2;
  const Plan q = planOk(two);
  REQUIRE(q.pools.size() == 1);
  CHECK(q.pools[0].nodes == 2);
  CHECK(q.fleet.hourly == 6120000);
  for (const std::string& n : q.pools[0].notes) CHECK(n.find("would hold the pods") == std::string::npos);
}

TEST_CASE("maxReplicas: each pool's nodes and the cost with every workload at its maximum") {
  WorkloadSet s;
  s.workloads.push_back(quarter("web", 4));
  const Plan before = planOk(s);
  CHECK(!before.maxReplicasHourly);
  CHECK(before.pools[0].nodesAtMaxReplicas == 1);

  // 4 pods (1 node of MPS 4) may grow to 10: ceil(10 / 4) = 3 nodes, 3 x $3.06 = $9.18/h.
  s.workloads[0].maxReplicas = 10;
  const Plan p = planOk(s);
  REQUIRE(p.pools.size() == 1);
  CHECK(p.pools[0].nodes == 1);
  CHECK(p.fleet.hourly == 3060000);
  CHECK(p.pools[0].nodesAtMaxReplicas == 3);
  CHECK(p.maxReplicasHourly == 9180000);

  // With minNodes 2 as well: 2 nodes now; at 10 pods still 3.
  s.workloads[0].minNodes = 2;
  const Plan q = planOk(s);
  CHECK(q.pools[0].nodes == 2);
  CHECK(q.pools[0].nodesAtMaxReplicas == 3);
  CHECK(q.maxReplicasHourly == 9180000);
}
