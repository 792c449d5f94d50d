// The baseline: today's fleet, one whole GPU per pod, and what happens when today's type
// cannot hold a pod.
#include <doctest/doctest.h>

#include <map>
#include <optional>
#include <string>

#include "planner/planner.h"
#include "support/test_support.h"

using namespace gpuslice;

namespace {

GpuModel t4() {
  GpuModel g;
  g.name = "T4";
  return g;
}

// Three T4 types with the built-in table's figures (no ENI limits: max pods 110).
const Catalog& t4Catalog() {
  static const Catalog c = testing::catalogOf(
      {
          testing::instanceType("g4dn.xlarge", "T4", 1, 16, 4, 16, 0.526),
          testing::instanceType("g4dn.2xlarge", "T4", 1, 16, 8, 32, 0.752),
          testing::instanceType("g4dn.4xlarge", "T4", 1, 16, 16, 64, 1.204),
      },
      {t4()});
  return c;
}

Plan planOf(const WorkloadSet& s, const PlanOptions& o = {}) {
  auto p = makePlan(s, t4Catalog(), o);
  REQUIRE_MESSAGE(p.ok(), (p.ok() ? "" : p.error().describe()));
  return *p;
}

bool hasNote(const Plan& p, const std::string& note) {
  for (const std::string& n : p.notes) {
    if (n == note) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("baseline: a pod its current type cannot hold is priced on the cheapest type of its model that does") {
  // g4dn.xlarge: 4000m less kube-reserved 60m + 10m + 5m + 5m and the DaemonSets' 200m = 3720m
  // for pods, so a 3800m pod cannot run there. g4dn.2xlarge: 8000m - 90m - 200m = 7710m holds
  // one on its one GPU, at $0.752/h; g4dn.4xlarge would too, at $1.204/h.
  WorkloadSet s;
  Workload w = testing::workload("big", "T4", 2, 0.3, 2);
  w.cpuMillis = 3800;
  w.currentType = "g4dn.xlarge";
  s.workloads.push_back(w);
  const Plan p = planOf(s);
  CHECK(p.baseline.instances == std::map<std::string, int>{{"g4dn.2xlarge", 2}});
  CHECK(p.baseline.hourly == 2 * 752000);
  CHECK(
      hasNote(p,
              "baseline: default/big cannot run on its current.instanceType g4dn.xlarge: it needs 3800m CPU a pod and "
              "g4dn.xlarge has 4 vCPU, 3720m of it for pods; the baseline prices it on g4dn.2xlarge, the cheapest T4 "
              "type that holds it"));
}

TEST_CASE("baseline: a pod that fits its current type is priced there, with no note") {
  WorkloadSet s;
  Workload w = testing::workload("small", "T4", 2, 0.3, 2);
  w.cpuMillis = 3720;  // exactly what g4dn.xlarge has for pods
  w.currentType = "g4dn.xlarge";
  s.workloads.push_back(w);
  const Plan p = planOf(s);
  CHECK(p.baseline.instances == std::map<std::string, int>{{"g4dn.xlarge", 2}});
  CHECK(p.baseline.hourly == 2 * 526000);
  for (const std::string& n : p.notes) CHECK(n.rfind("baseline:", 0) == std::string::npos);
}

TEST_CASE("baseline: a memory request past what the current type has for pods is named in the note") {
  // g4dn.xlarge with --max-pods 12: 16 GiB x 0.925 = 15155.2 MiB, less kube-reserved 255 + 11 x
  // 12 = 387 MiB, eviction 100 MiB and the DaemonSets' 256 MiB: 14412.2 MiB for pods. A 15 GiB
  // pod fits g4dn.2xlarge.
  WorkloadSet s;
  Workload w = testing::workload("fat", "T4", 2, 0.3, 1);
  w.memoryBytes = std::int64_t{15} << 30;
  w.currentType = "g4dn.xlarge";
  s.workloads.push_back(w);
  PlanOptions o;
  o.maxPodsPerNode = 12;
  const Plan p = planOf(s, o);
  CHECK(p.baseline.instances == std::map<std::string, int>{{"g4dn.2xlarge", 1}});
  CHECK(p.baseline.hourly == 752000);
  CHECK(hasNote(p,
                "baseline: default/fat cannot run on its current.instanceType g4dn.xlarge: it needs 15Gi of memory a "
                "pod and g4dn.xlarge has 16Gi, 14412Mi of it for pods; the baseline prices it on g4dn.2xlarge, the "
                "cheapest T4 type that holds it"));
}

TEST_CASE("baseline: when no type of its model holds a pod, the current type is priced, one pod a node") {
  // 10 CPU a pod: no T4 type here holds it; --any-gpu-model moves it to g6.4xlarge (16 vCPU).
  GpuModel l4;
  l4.name = "L4";
  l4.relativeThroughput = 0.57;
  GpuModel t = t4();
  t.relativeThroughput = 0.43;
  const Catalog c = testing::catalogOf(
      {
          testing::instanceType("g4dn.xlarge", "T4", 1, 16, 4, 16, 0.526),
          testing::instanceType("g6.4xlarge", "L4", 1, 22.35, 16, 64, 1.3232),
      },
      {l4, t});
  WorkloadSet s;
  Workload w = testing::workload("wide", "T4", 2, 0.3, 1);
  w.cpuMillis = 10000;
  w.currentType = "g4dn.xlarge";
  s.workloads.push_back(w);
  PlanOptions o;
  o.anyGpuModel = true;
  auto p = makePlan(s, c, o);
  REQUIRE_MESSAGE(p.ok(), (p.ok() ? "" : p.error().describe()));
  CHECK(p->baseline.instances == std::map<std::string, int>{{"g4dn.xlarge", 1}});
  CHECK(p->baseline.hourly == 526000);
  CHECK(hasNote(*p,
                "baseline: default/wide cannot run on its current.instanceType g4dn.xlarge: it needs 10 CPU a pod and "
                "g4dn.xlarge has 4 vCPU, 3720m of it for pods; no T4 type holds one of its pods, so the baseline "
                "prices it there anyway, one pod a node"));
}

TEST_CASE("baseline: each workload at its current.capacity; the plan at today's capacity splits the savings") {
  // g4dn.xlarge at $0.526 on-demand, $0.20 spot. "od" runs on-demand today, "sp" on spot.
  // Baseline: $0.526 + $0.20 = $0.726/h. Planned on spot, both share one node: $0.20/h. That
  // node at today's capacity, weighted by pods: (1 x 0.526 + 1 x 0.20) / 2 = $0.363/h, so
  // sharing saves 0.726 - 0.363 = $0.363/h and spot 0.363 - 0.20 = $0.163/h.
  Catalog c = t4Catalog();
  for (InstanceType& t : c.instanceTypes) t.spot = t.name == "g4dn.xlarge" ? 200000 : 400000;
  WorkloadSet s;
  for (const char* name : {"od", "sp"}) {
    Workload w = testing::workload(name, "T4", 2, 0.3, 1);
    w.currentType = "g4dn.xlarge";
    if (std::string(name) == "sp") w.currentCapacity = Capacity::Spot;
    s.workloads.push_back(w);
  }
  PlanOptions spot;
  spot.capacity = Capacity::Spot;
  auto p = makePlan(s, c, spot);
  REQUIRE_MESSAGE(p.ok(), (p.ok() ? "" : p.error().describe()));
  CHECK(p->baseline.instances == std::map<std::string, int>{{"g4dn.xlarge", 2}});
  CHECK(p->baseline.hourly == 726000);
  CHECK(p->fleet.hourly == 200000);
  CHECK(p->fleetAtBaselineCapacity == std::optional<Micros>{363000});

  // Planned on-demand: the same baseline and the same node at today's capacity ($0.363/h), now
  // planned at $0.526/h: moving "sp" off spot costs $0.163/h.
  auto od = makePlan(s, c, PlanOptions{});
  REQUIRE(od.ok());
  CHECK(od->baseline.hourly == 726000);
  CHECK(od->fleet.hourly == 526000);
  CHECK(od->fleetAtBaselineCapacity == std::optional<Micros>{363000});

  // All on-demand today and planned on-demand: no split.
  s.workloads[1].currentCapacity = Capacity::OnDemand;
  auto same = makePlan(s, c, PlanOptions{});
  REQUIRE(same.ok());
  CHECK(same->baseline.hourly == 2 * 526000);
  CHECK_FALSE(same->fleetAtBaselineCapacity);
}

TEST_CASE("baseline: a current type with no price at its current.capacity is priced on the cheapest that has one") {
  // g4dn.xlarge has no spot price in this table; g4dn.2xlarge has one ($0.30/h), g4dn.4xlarge too
  // ($0.45/h): the baseline pays the two pods on g4dn.2xlarge at spot, and says so.
  Catalog c = t4Catalog();
  for (InstanceType& t : c.instanceTypes) {
    if (t.name == "g4dn.2xlarge") t.spot = 300000;
    if (t.name == "g4dn.4xlarge") t.spot = 450000;
  }
  WorkloadSet s;
  Workload w = testing::workload("sp", "T4", 2, 0.3, 2);
  w.currentType = "g4dn.xlarge";
  w.currentCapacity = Capacity::Spot;
  s.workloads.push_back(w);
  auto p = makePlan(s, c, PlanOptions{});
  REQUIRE(p.ok());
  CHECK(p->baseline.instances == std::map<std::string, int>{{"g4dn.2xlarge", 2}});
  CHECK(p->baseline.hourly == 2 * 300000);
  CHECK(
      hasNote(*p,
              "baseline: default/sp's current.instanceType g4dn.xlarge has no spot price in us-east-1 (price table "
              "test-prices.yaml): the baseline prices it on g4dn.2xlarge instead, the cheapest T4 type that holds it"));
  // No T4 type has a spot price: the workload is left out of the baseline.
  auto none = makePlan(s, t4Catalog(), PlanOptions{});
  REQUIRE(none.ok());
  CHECK(none->baseline.instances.empty());
  CHECK(none->baseline.hourly == 0);
  CHECK(hasNote(*none,
                "baseline: default/sp's current.instanceType g4dn.xlarge has no spot price in us-east-1 (price table "
                "test-prices.yaml), and no T4 type with one holds one of its pods: the baseline leaves it out"));
}

TEST_CASE("baseline: a current type the table lacks (another region's table) is told so, by region") {
  // The table is of eu-west-1 and lacks g4dn.xlarge, which the built-in table has (absentTypes).
  Catalog c = t4Catalog();
  c.region = "eu-west-1";
  c.absentTypes.push_back(c.instanceTypes.back());  // by name: g4dn.2xlarge, g4dn.4xlarge, g4dn.xlarge
  REQUIRE(c.absentTypes.front().name == "g4dn.xlarge");
  c.absentTypes.front().onDemand.reset();
  c.instanceTypes.pop_back();
  WorkloadSet s;
  Workload w = testing::workload("ocr", "", 2, 0.3, 3);
  w.currentType = "g4dn.xlarge";
  s.workloads.push_back(w);
  auto p = makePlan(s, c, PlanOptions{});
  REQUIRE_MESSAGE(p.ok(), (p.ok() ? "" : p.error().describe()));
  CHECK(p->baseline.instances == std::map<std::string, int>{{"g4dn.2xlarge", 3}});
  CHECK(hasNote(*p,
                "baseline: default/ocr's current.instanceType g4dn.xlarge has no on-demand price in eu-west-1 (price "
                "table test-prices.yaml): the baseline prices it on g4dn.2xlarge instead, the cheapest T4 type that "
                "holds it"));
  // A type neither table knows is still an error.
  s.workloads[0].currentType = "g4dn.huge";
  auto unknown = makePlan(s, c, PlanOptions{});
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().message == "unknown instance type \"g4dn.huge\" (not in the price table test-prices.yaml)");
}
