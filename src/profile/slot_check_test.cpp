#include "profile/slot_check.h"

#include <doctest/doctest.h>

#include "io/check_report.h"

using namespace gpuslice;

namespace {

ProfiledWorkload measured(const std::string& ns, const std::string& name, std::int64_t memoryMiB, double compute) {
  ProfiledWorkload w;
  w.workload.ns = ns;
  w.workload.name = name;
  w.workload.memoryMiB = memoryMiB;
  w.compute = compute;
  w.memory = {"DCGM_FI_DEV_FB_USED", 99, 0, 0};
  w.busy = {"DCGM_FI_PROF_SM_ACTIVE", 95, 0, 0};
  return w;
}

/// A plan of three pools: MPS 4 per GPU, time-slicing 3 per GPU, MIG; a workload in each.
struct Fixture {
  Plan plan;
  WorkloadSet set;
  Fixture() {
    plan.pools.resize(3);
    plan.pools[0].name = "g5-xlarge-mps";
    plan.pools[0].mode = Mode::Mps;
    plan.pools[0].replicas = 4;
    plan.pools[1].name = "g6-xlarge-ts";
    plan.pools[1].mode = Mode::TimeSlicing;
    plan.pools[1].replicas = 3;
    plan.pools[2].name = "p5-4xlarge-mig";
    plan.pools[2].mode = Mode::Mig;
    add("ml", "inference", 0, 5632, 0.25, "");
    add("web", "chat", 1, 7458, 0.3333, "");
    add("tenant-a", "llm", 2, 9728, 1.0 / 7, "1g.10gb");
    add("ml", "idle", 0, 5632, 0.25, "");
  }
  void add(const std::string& ns, const std::string& name, std::size_t pool, std::int64_t memoryMiB, double share,
           const std::string& profile) {
    Workload w;
    w.ns = ns;
    w.name = name;
    set.workloads.push_back(w);
    Placement pl;
    pl.workload = set.workloads.size() - 1;
    pl.pool = pool;
    pl.profile = profile;
    pl.risk.memoryLimitMiB = memoryMiB;
    pl.risk.computeShare = share;
    plan.placements.push_back(pl);
  }
};

}  // namespace

TEST_CASE("check: every measured workload within its slot") {
  Fixture f;
  Profile p;
  p.workloads = {measured("ml", "inference", 5632, 0.25), measured("web", "chat", 7000, 0.333),
                 measured("tenant-a", "llm", 9728, 0.142)};
  auto c = checkSlots(p, f.plan, f.set, "plan.json");
  REQUIRE(c);
  CHECK(c->outside.empty());
  CHECK(c->within == 3);
  CHECK(c->notMeasured == std::vector<std::string>{"ml/idle"});
  CHECK(io::slotCheckTable(*c, "plan.json") ==
        "0 of 3 measured workloads outside their slots in plan.json; not measured: ml/idle\n");
}

TEST_CASE("check: memory and compute above the slot, a MIG profile too small, a workload not planned") {
  Fixture f;
  Profile p;
  p.memoryMarginPercent = 10;
  p.workloads = {measured("ml", "inference", 5633, 0.25), measured("web", "chat", 7000, 0.334),
                 measured("tenant-a", "llm", 12000, 0.2), measured("ml", "new", 100, 0.1)};
  auto c = checkSlots(p, f.plan, f.set, "plan.json");
  REQUIRE(c);
  REQUIRE(c->outside.size() == 5);
  CHECK(c->within == 0);
  CHECK(c->outside[0].problem == SlotProblem::Memory);
  CHECK(c->outside[0].measured == 5633);  // one MiB over the MPS client's limit
  CHECK(c->outside[0].limit == 5632);
  CHECK(c->outside[1].problem == SlotProblem::Compute);  // 0.334 over a third (0.3333)
  CHECK(io::slotCheckTable(*c, "plan.json") ==
        "WORKLOAD      OUTSIDE          MEASURED   LIMIT     SLOT                     POOL            FROM\n"
        "ml/inference  memory           5633 MiB   5632 MiB  mps, 4 per GPU           g5-xlarge-mps   p99 of "
        "DCGM_FI_DEV_FB_USED plus 10%\n"
        "web/chat      compute          0.334      0.3333    time-slicing, 3 per GPU  g6-xlarge-ts    p95 of "
        "DCGM_FI_PROF_SM_ACTIVE\n"
        "tenant-a/llm  memory           12000 MiB  9728 MiB  mig 1g.10gb              p5-4xlarge-mig  p99 of "
        "DCGM_FI_DEV_FB_USED plus 10%\n"
        "tenant-a/llm  compute          0.2        0.1429    mig 1g.10gb              p5-4xlarge-mig  p95 of "
        "DCGM_FI_PROF_SM_ACTIVE\n"
        "ml/new        not in the plan\n"
        "4 of 4 measured workloads outside their slots in plan.json (1 not in the plan); not measured: ml/idle\n");
}

TEST_CASE("check: a plan without slot.memoryMiB") {
  Fixture f;
  f.plan.placements[0].risk.memoryLimitMiB = 0;
  Profile p;
  p.workloads = {measured("ml", "inference", 100, 0.1)};
  auto c = checkSlots(p, f.plan, f.set, "plan.json");
  REQUIRE_FALSE(c);
  CHECK(c.error().describe() ==
        "plan.json: workloads[0].slot.memoryMiB: profile --check needs each workload's slot.memoryMiB (write the "
        "plan with gpuslice plan --format json)");
}

TEST_CASE("check: the JSON form") {
  SlotCheck c;
  c.outside = {{"ml/a", SlotProblem::Memory, "p", "mig 1g.10gb", "p99 of DCGM_FI_DEV_FB_USED plus 10%", 9800.4, 9472},
               {"ml/a", SlotProblem::Compute, "p", "mig 1g.10gb", "p95 of DCGM_FI_PROF_SM_ACTIVE", 0.283333, 1.0 / 7},
               {"ml/b", SlotProblem::NotInPlan, "", "", "", 0, 0}};
  c.within = 2;
  CHECK(io::slotCheckJson(c) ==
        "{\n"
        "  \"notMeasured\": [],\n"
        "  \"outside\": [\n"
        "    {\n"
        "      \"figure\": \"p99 of DCGM_FI_DEV_FB_USED plus 10%\",\n"
        "      \"limit\": 9472,\n"
        "      \"measured\": 9800,\n"
        "      \"pool\": \"p\",\n"
        "      \"problem\": \"memory\",\n"
        "      \"slot\": \"mig 1g.10gb\",\n"
        "      \"workload\": \"ml/a\"\n"
        "    },\n"
        "    {\n"
        "      \"figure\": \"p95 of DCGM_FI_PROF_SM_ACTIVE\",\n"
        "      \"limit\": 0.1429,\n"
        "      \"measured\": 0.2833,\n"
        "      \"pool\": \"p\",\n"
        "      \"problem\": \"compute\",\n"
        "      \"slot\": \"mig 1g.10gb\",\n"
        "      \"workload\": \"ml/a\"\n"
        "    },\n"
        "    {\n"
        "      \"problem\": \"not-in-plan\",\n"
        "      \"workload\": \"ml/b\"\n"
        "    }\n"
        "  ],\n"
        "  \"within\": 2\n"
        "}\n");
  CHECK(io::slotCheckTable(c, "plan.json") ==
        "WORKLOAD  OUTSIDE          MEASURED  LIMIT     SLOT         POOL  FROM\n"
        "ml/a      memory           9800 MiB  9472 MiB  mig 1g.10gb  p     p99 of DCGM_FI_DEV_FB_USED plus 10%\n"
        "ml/a      compute          0.2833    0.1429    mig 1g.10gb  p     p95 of DCGM_FI_PROF_SM_ACTIVE\n"
        "ml/b      not in the plan\n"
        "2 of 4 measured workloads outside their slots in plan.json (1 not in the plan)\n");
}
