// Plans on EKS node capacity (ENI-limited pods, DaemonSets) and on current instance types
// only, worked by hand, with the notes that say where the figures come from.
#include "planner/fleet_notes.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <string>

#include "planner/planner.h"
#include "support/test_support.h"

using namespace gpuslice;

namespace {

GpuModel gpu(std::string name, int mps, double throughput) {
  GpuModel g;
  g.name = std::move(name);
  g.mpsMaxClients = mps;
  g.relativeThroughput = throughput;
  return g;
}

/// A type as the built-in table has it: its ENI limits and status stated there.
InstanceType stated(InstanceType t, int interfaces, int ipv4, bool retired = false) {
  t.eni = EniLimits{interfaces, ipv4};
  t.eniOrigin = FactOrigin::Table;
  t.status = retired ? TypeStatus::Retired : TypeStatus::Current;
  t.statusDate = retired ? "2025-12-20" : "2026-08-21";
  t.statusSource = retired ? "P3 retired" : "listed";
  t.statusOrigin = FactOrigin::Table;
  return t;
}

InstanceType g4dnXlarge() { return stated(testing::instanceType("g4dn.xlarge", "T4", 1, 16, 4, 16, 0.526), 3, 10); }

/// T4 and V100 types of the built-in table: p3.2xlarge and p3.8xlarge retired, p3dn current.
const Catalog& catalog() {
  static const Catalog c = testing::catalogOf(
      {
          g4dnXlarge(),
          stated(testing::instanceType("p3.2xlarge", "V100", 1, 16, 8, 61, 3.06), 4, 15, true),
          stated(testing::instanceType("p3.8xlarge", "V100", 4, 16, 32, 244, 12.24), 8, 30, true),
          stated(testing::instanceType("p3dn.24xlarge", "V100", 8, 32, 96, 768, 31.212), 15, 50),
      },
      {gpu("T4", 48, 0.43), gpu("V100", 16, 1.0)});
  return c;
}

/// Only g4dn.xlarge: 29 pods per node (3 ENIs x 9 + 2).
const Catalog& g4dnOnly() {
  static const Catalog c = testing::catalogOf({g4dnXlarge()}, {gpu("T4", 48, 0.43)});
  return c;
}

Plan planOk(const WorkloadSet& s, const Catalog& c, const PlanOptions& o = {}) {
  auto p = makePlan(s, c, o);
  REQUIRE_MESSAGE(p.ok(), (p.ok() ? "" : p.error().describe()));
  return *p;
}

WorkloadSet one(Workload w) {
  WorkloadSet s;
  s.workloads.push_back(std::move(w));
  return s;
}

/// The seed: four quarter-V100 pods, each on a p3.2xlarge today.
WorkloadSet seed() {
  WorkloadSet s;
  for (const char* n : {"a", "b", "c", "d"}) {
    Workload w = testing::workload(n, "V100", 3.5, 0.25);
    w.currentType = "p3.2xlarge";
    s.workloads.push_back(w);
  }
  return s;
}

bool hasNote(const Plan& p, const std::string& note) {
  return std::find(p.notes.begin(), p.notes.end(), note) != p.notes.end();
}

}  // namespace

TEST_CASE("40 small pods: 29 ENI pods per g4dn.xlarge less 11 DaemonSet pods leave 18") {
  Workload w = testing::workload("tiny", "T4", 0.25, 0.02, 40);  // 48 would share one T4
  w.currentType = "g4dn.xlarge";
  const WorkloadSet s = one(w);

  const Plan p = planOk(s, g4dnOnly());
  CHECK(p.baseline.hourly == 40 * 526000);
  REQUIRE(p.pools.size() == 1);
  CHECK(p.pools[0].mode == Mode::Mps);
  CHECK(p.pools[0].maxPodsPerNode == 29);
  CHECK(p.pools[0].nodes == 3);      // ceil(40 / 18)
  CHECK(p.pools[0].replicas == 14);  // ceil(40 / 3): the largest share three nodes allow
  CHECK(p.pools[0].podsPerNode == 14);
  CHECK(p.pools[0].limitedBy == LimitedBy::Pods);
  CHECK(p.fleet.hourly == 3 * 526000);  // 92.5% saved, not 97.5%

  PlanOptions none;
  none.daemonSets = {};  // no DaemonSets: all 29 pods for the workload
  const Plan bare = planOk(s, g4dnOnly(), none);
  CHECK(bare.pools[0].nodes == 2);
  CHECK(bare.pools[0].replicas == 20);
  CHECK(bare.fleet.hourly == 2 * 526000);

  PlanOptions prefix;
  prefix.maxPodsPerNode = 110;  // prefix delegation: 110 - 11 = 99 pods
  const Plan wide = planOk(s, g4dnOnly(), prefix);
  CHECK(wide.pools[0].maxPodsPerNode == 110);
  CHECK(wide.pools[0].nodes == 1);
  CHECK(wide.pools[0].replicas == 40);
  CHECK(wide.pools[0].limitedBy == LimitedBy::Gpu);
  CHECK(wide.fleet.hourly == 526000);
  CHECK(hasNote(wide,
                "max pods per node is 110 on every node (--max-pods), not the VPC CNI's ENI limit: give the nodes the "
                "same figure (EC2NodeClass spec.kubelet.maxPods, with prefix delegation or a custom CNI), which render "
                "does not set"));
}

TEST_CASE("DaemonSet CPU and memory come off the g4dn.xlarge's 3920m and 15184638771 bytes") {
  // Two pods per GPU by memory and compute; what the node allocates decides.
  Workload cpu = testing::workload("cpu", "T4", 2, 0.3, 2);
  cpu.cpuMillis = 1900;  // 3920m holds two, 3920m - 200m one
  Workload memory = testing::workload("memory", "T4", 2, 0.3, 2);
  memory.memoryBytes = std::int64_t{7} << 30;  // 15184638771 bytes hold two, less 256Mi one
  PlanOptions none;
  none.daemonSets = {};
  for (const Workload& w : {cpu, memory}) {
    CAPTURE(w.name);
    const Plan typical = planOk(one(w), g4dnOnly());
    CHECK(typical.fleet.hourly == 2 * 526000);
    CHECK(typical.pools[0].podsPerNode == 1);  // one pod per node: each on its own GPU
    CHECK(typical.pools[0].mode == Mode::Dedicated);
    const Plan bare = planOk(one(w), g4dnOnly(), none);
    CHECK(bare.fleet.hourly == 526000);
    CHECK(bare.pools[0].podsPerNode == 2);
    CHECK(bare.pools[0].mode == Mode::Mps);
  }
  Workload crowd = testing::workload("crowd", "T4", 0.25, 0.02, 2);
  PlanOptions full;
  full.daemonSets.pods = 29;  // DaemonSets take every pod the node has
  auto r = makePlan(one(crowd), g4dnOnly(), full);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::Infeasible);
}

TEST_CASE("retired types: never planned unless allowed; the seed on V100 today costs more, and says so" *
          doctest::test_suite("threads")) {
  const Plan p = planOk(seed(), catalog());
  CHECK(p.baseline.instances == std::map<std::string, int>{{"p3.2xlarge", 4}});
  CHECK(p.baseline.hourly == 12240000);
  CHECK(p.fleet.instances == std::map<std::string, int>{{"p3dn.24xlarge", 1}});
  CHECK(p.fleet.hourly == 31212000);
  REQUIRE(p.anyModelHourly.has_value());
  CHECK(*p.anyModelHourly == 4 * 526000);  // 0.25 / 0.43 of a T4 each: one T4 per pod
  REQUIRE_FALSE(p.notes.empty());
  CHECK(p.notes[0] ==
        "this plan costs more than the baseline ($31.21/h against $12.24/h): the baseline's p3.2xlarge is retired, "
        "and V100 is offered today only on p3dn.24xlarge (8 GPUs, $31.212/h); on other GPU models the estimate is "
        "$2.10/h (plan with --any-gpu-model)");
  CHECK(hasNote(p,
                "the baseline runs on p3.2xlarge (retired 2025-12-20), which EC2 no longer offers: it is what that "
                "fleet cost, not one you can launch today"));

  PlanOptions allow;
  allow.allowRetired = true;
  const Plan old = planOk(seed(), catalog(), allow);
  CHECK(old.fleet.instances == std::map<std::string, int>{{"p3.2xlarge", 1}});
  CHECK(old.fleet.hourly == 3060000);  // the seed's 75%
  REQUIRE(old.pools.size() == 1);
  CHECK(old.pools[0].mode == Mode::Mps);
  CHECK(old.pools[0].maxPodsPerNode == 58);
  CHECK(hasNote(old,
                "--allow-retired: p3-2xlarge-mps4 (p3.2xlarge) runs on a retired instance type that EC2 no longer "
                "offers; render refuses it"));
  CHECK(std::none_of(old.notes.begin(), old.notes.end(),
                     [](const std::string& n) { return n.rfind("this plan costs more", 0) == 0; }));
}

TEST_CASE("a GPU model only retired types offer moves to current GPUs, as an estimate" *
          doctest::test_suite("threads")) {
  PlanOptions o;
  o.allowInstanceTypes = {"p3.*", "g4dn.*"};  // no p3dn: V100 only on retired types
  WorkloadSet s = seed();
  s.workloads.push_back(testing::workload("e", "V100", 3.5, 0.25));  // no current type
  const Plan p = planOk(s, catalog(), o);
  CHECK(p.fleet.instances == std::map<std::string, int>{{"g4dn.xlarge", 5}});
  for (const Placement& pl : p.placements) {
    CHECK(pl.risk.estimate);
    CHECK(pl.computePpm == 581396);  // 0.25 / 0.43, rounded up
  }
  // Today's fleet: the four on their p3.2xlarge, the fifth on the cheapest V100 type there was.
  CHECK(p.baseline.instances == std::map<std::string, int>{{"p3.2xlarge", 5}});
  CHECK(hasNote(p,
                "V100 is offered here only on retired instance types (p3.2xlarge and p3.8xlarge, retired 2025-12-20): "
                "its 5 workloads are planned on current GPU models, compute scaled by relative throughput as with "
                "--any-gpu-model (an estimate); --allow-retired plans on V100 instead"));

  o.allowInstanceTypes = {"p3.8xlarge"};  // nothing current left at all
  auto r = makePlan(seed(), catalog(), o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::Infeasible);
  CHECK(r.error().message ==
        "default/a fits nowhere: no priced instance type with a V100 GPU matches its constraints (arch [amd64], "
        "--allow-instance-types p3.8xlarge); p3.8xlarge would, but is retired (EC2 no longer offers it; "
        "--allow-retired plans on it anyway)");
  o.allowRetired = true;
  CHECK(planOk(seed(), catalog(), o).fleet.instances == std::map<std::string, int>{{"p3.8xlarge", 1}});
}

TEST_CASE("notes: max pods from the built-in table or assumed, status assumed, DaemonSets assumed") {
  Catalog c = g4dnOnly();
  c.file = "mine.yaml";
  c.instanceTypes[0].eniOrigin = FactOrigin::BuiltIn;
  InstanceType local = testing::instanceType("t4-local.xlarge", "T4", 1, 16, 4, 16, 0.5);  // nothing known
  c.instanceTypes.push_back(local);
  Workload w = testing::workload("tiny", "T4", 0.25, 0.02, 40);
  w.currentType = "g4dn.xlarge";
  const Plan p = planOk(one(w), c);
  CHECK(p.fleet.instances == std::map<std::string, int>{{"t4-local.xlarge", 1}});  // 110 - 11 pods
  CHECK(hasNote(p, "max pods per node of g4dn.xlarge from the built-in table's ENI limits (mine.yaml gives none)"));
  CHECK(hasNote(p,
                "max pods per node of t4-local.xlarge assumed 110 (the kubelet default): neither mine.yaml nor the "
                "built-in table gives its ENI limits; pass --max-pods N with your nodes' figure"));
  CHECK(hasNote(p,
                "t4-local.xlarge assumed current: neither mine.yaml nor the built-in table states whether EC2 still "
                "offers it"));
  CHECK(hasNote(p,
                "DaemonSets assumed on every node: 11 pods, 200m CPU and 256Mi of memory (a typical EKS GPU node: "
                "aws-node, kube-proxy, EBS CSI node, Pod Identity agent and the GPU Operator's 7; see the README); "
                "give your cluster's with --daemonset-pods, --daemonset-cpu and --daemonset-memory"));
  PlanOptions own;
  own.daemonSets.cpuMillis = 500;  // the pods and the memory stay assumed
  CHECK(hasNote(planOk(one(w), c, own),
                "DaemonSets assumed on every node: 11 pods and 256Mi of memory (a typical EKS GPU node: aws-node, "
                "kube-proxy, EBS CSI node, Pod Identity agent and the GPU Operator's 7; see the README); give your "
                "cluster's with --daemonset-pods, --daemonset-cpu and --daemonset-memory"));
}
