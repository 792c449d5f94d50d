// Risk per workload and the pool's sharing notes: hand-worked figures for every mode.
#include "planner/risk.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "io/catalog_reader.h"
#include "planner/planner.h"
#include "support/test_support.h"

using namespace gpuslice;
using detail::assessRisk;
using detail::poolNotes;
using detail::tenancyNotes;

namespace {

Pool poolOf(Mode mode, int replicas, int nodes = 1, int podsPerNode = 8) {
  Pool p;
  p.name = "p";
  p.instanceType = "g5.xlarge";
  p.gpuModel = "A10G";
  p.mode = mode;
  p.replicas = replicas;
  p.nodes = nodes;
  p.podsPerNode = podsPerNode;
  p.gpuMemoryMiB = 22731;
  p.usableMemoryMiB = 22731 - 512;
  p.maxMemoryMiB = 4096;
  return p;
}

Placement at(double compute) {
  Placement pl;
  pl.computePpm = static_cast<std::int64_t>(compute * 1e6 + 0.5);
  return pl;
}

Workload one(double compute, int replicas = 1) { return testing::workload("w", "A10G", 4, compute, replicas); }

const Catalog& builtin() {
  static const Catalog catalog = *io::builtinCatalog();
  return catalog;
}

bool has(const std::vector<std::string>& notes, const std::string& note) {
  return std::find(notes.begin(), notes.end(), note) != notes.end();
}

}  // namespace

TEST_CASE("risk: time-slicing saturates past 1/r and stretches r x (1 + switch cost)") {
  const PlanOptions o;  // 20% context-switch cost
  // c = 0.25 of 4 replicas: c*r = 1, so only the switch cost: 1 x 1.2 - 1 = 20%; stretch 4 x 1.2.
  Risk r = assessRisk(one(0.25), poolOf(Mode::TimeSlicing, 4), at(0.25), o);
  CHECK(r.slowdownPercent == 20.0);
  CHECK(r.worstStretch == 4.8);
  // c = 0.3: 1.2 x 1.2 - 1 = 44%; the stretch does not depend on c.
  r = assessRisk(one(0.3), poolOf(Mode::TimeSlicing, 4), at(0.3), o);
  CHECK(r.slowdownPercent == 44.0);
  CHECK(r.worstStretch == 4.8);
  CHECK(r.notes.empty());
}

TEST_CASE("risk: MPS is capped at its thread share, and stretches 1 / that share") {
  const PlanOptions o;
  // The seed's slot: c = 0.25 under 4 replicas, a thread cap of 25%: no saturation, stretch 4.
  Risk r = assessRisk(one(0.25), poolOf(Mode::Mps, 4), at(0.25), o);
  CHECK(r.slowdownPercent == 0.0);
  CHECK(r.worstStretch == 4.0);
  CHECK(r.notes.empty());
  // 3 replicas: the cap is 100 / 3 rounded down, 33%. c = 0.3333 fits three per GPU
  // (c*r = 0.9999) but is above the cap: 0.3333 / 0.33 = 1.01, 1% slower even alone;
  // stretch 1 / 0.33 = 3.0303 -> 3.03.
  r = assessRisk(one(0.3333), poolOf(Mode::Mps, 3), at(0.3333), o);
  CHECK(r.slowdownPercent == 1.0);
  CHECK(r.worstStretch == 3.03);
  CHECK(r.notes ==
        std::vector<std::string>{"its p95 busy share, 33.33% of the GPU, is more than its MPS thread cap of 33%: it is "
                                 "throughput-bound, 1.00% slower, even when its neighbours are idle"});
  // 16 replicas: cap 6%, stretch 1 / 0.06 = 16.67.
  CHECK(assessRisk(one(0.05), poolOf(Mode::Mps, 16), at(0.05), o).worstStretch == 16.67);
}

TEST_CASE("risk: MIG stretches by busy share over the profile's SM share; dedicated never") {
  const PlanOptions o;
  const MigGpu* h100 = builtin().findMigGpu("p5.4xlarge");
  REQUIRE(h100);
  const auto it = std::find_if(h100->profiles.begin(), h100->profiles.end(),
                               [](const MigProfile& p) { return p.name == "1g.10gb"; });
  REQUIRE(it != h100->profiles.end());
  const auto profile = static_cast<std::size_t>(it - h100->profiles.begin());
  Pool mig = poolOf(Mode::Mig, 1);
  // 1g.10gb has 16 of the H100's 132 SMs. c = 0.11 < 16/132 = 0.1212: no stretch.
  Risk r = assessRisk(one(0.11), mig, at(0.11), o, h100, profile, 81559);
  CHECK(r.slowdownPercent == 0.0);
  CHECK(r.worstStretch == 1.0);
  // c = 0.2: 0.2 x 132 / 16 = 1.65: 65% slower, stretch 1.65.
  r = assessRisk(one(0.2), mig, at(0.2), o, h100, profile, 81559);
  CHECK(r.slowdownPercent == 65.0);
  CHECK(r.worstStretch == 1.65);

  r = assessRisk(one(0.9), poolOf(Mode::Dedicated, 1), at(0.9), o);
  CHECK(r.slowdownPercent == 0.0);
  CHECK(r.worstStretch == 1.0);
}

TEST_CASE("risk: a workload whose pods can all land on one node gets a note") {
  const PlanOptions o;
  const std::string three = "all 3 pods may land on one node: a node failure takes the workload down; set minNodes";
  // Two nodes, but one holds 4 pods: all 3 may go there.
  CHECK(assessRisk(one(0.25, 3), poolOf(Mode::Mps, 4, 2, 4), at(0.25), o).notes == std::vector<std::string>{three});
  // One node: always.
  CHECK(assessRisk(one(0.25, 2), poolOf(Mode::Dedicated, 1, 1, 2), at(0.25), o).notes ==
        std::vector<std::string>{
            "all 2 pods may land on one node: a node failure takes the workload down; set minNodes"});
  // Two nodes of 2 pods each: 3 pods cannot all share one.
  CHECK(assessRisk(one(0.25, 3), poolOf(Mode::Mps, 4, 2, 2), at(0.25), o).notes.empty());
  // A single pod is down with its node whatever the plan.
  CHECK(assessRisk(one(0.25, 1), poolOf(Mode::Mps, 4, 1, 4), at(0.25), o).notes.empty());
  // Spread by its own minNodes or by --min-nodes: the pool has the nodes, the patch the spread.
  Workload spread = one(0.25, 3);
  spread.minNodes = 2;
  CHECK(assessRisk(spread, poolOf(Mode::Mps, 4, 2, 4), at(0.25), o).notes.empty());
  PlanOptions minNodes;
  minNodes.minNodes = 3;
  CHECK(assessRisk(one(0.25, 3), poolOf(Mode::Mps, 4, 3, 4), at(0.25), minNodes).notes.empty());
  Pool three4 = poolOf(Mode::Mps, 4, 3, 4);
  three4.workloads = {0};
  CHECK(tenancyNotes(three4, {one(0.25, 3)}, minNodes).empty());
  CHECK(tenancyNotes(three4, {one(0.25, 3)}, o) ==
        std::vector<std::string>{"all pods of default/w may land on one node: a node failure takes it down; set "
                                 "minNodes"});
}

TEST_CASE("risk: a time-sliced or MPS pool busier than 85% per GPU gets a saturation note") {
  const PlanOptions o;
  const std::string note =
      "its GPUs are 86% busy at the pods' p95 (summed per GPU), above 85%: requests queue for the GPU and their "
      "latency grows sharply as it nears 100%";
  Pool p = poolOf(Mode::Mps, 4);
  p.computePerGpu = 0.86;
  CHECK(has(poolNotes(p, o), note));
  p.mode = Mode::TimeSlicing;
  CHECK(has(poolNotes(p, o), note));
  p.computePerGpu = 0.85;  // not above
  CHECK_FALSE(has(poolNotes(p, o),
                  "its GPUs are 85% busy at the pods' p95 (summed per GPU), above 85%: requests "
                  "queue for the GPU and their latency grows sharply as it nears 100%"));
  CHECK(poolNotes(p, o).size() == 2);  // memory and context switches only
  Pool dedicated = poolOf(Mode::Dedicated, 1);
  dedicated.computePerGpu = 0.95;  // one pod per GPU: its own queue, not the plan's
  CHECK(poolNotes(dedicated, o).empty());
}

TEST_CASE("risk: tenants of several namespaces on shared GPUs and one-node workloads get pool notes") {
  std::vector<Workload> ws{one(0.25, 2), one(0.25), one(0.25), one(0.25, 3)};
  ws[0].ns = "ml";
  ws[0].name = "embed";
  ws[1].ns = "research";
  ws[2].ns = "ml";
  ws[3].ns = "ads";
  ws[3].name = "rank";
  Pool mps = poolOf(Mode::Mps, 4, 2, 4);
  mps.workloads = {0, 1, 2};
  CHECK(tenancyNotes(mps, ws, PlanOptions{}) ==
        std::vector<std::string>{"pods of the namespaces ml and research may share one GPU under MPS: each slows the "
                                 "others when busy, and a fatal GPU fault in one fails the others on that GPU",
                                 "all pods of ml/embed may land on one node: a node failure takes it down; set "
                                 "minNodes"});
  Pool sliced = poolOf(Mode::TimeSlicing, 4, 2, 4);
  sliced.workloads = {0, 1, 3};
  CHECK(tenancyNotes(sliced, ws, PlanOptions{}) ==
        std::vector<std::string>{
            "pods of the namespaces ads, ml and research may share one GPU by time-slicing: each slows the others "
            "when busy, and one past its memory peak can make the others fail with out-of-memory",
            "all pods of ml/embed and ads/rank may land on one node: a node failure takes each of them down; set "
            "minNodes"});
  // Dedicated GPUs are not shared; one namespace is one tenant; 1 pod per node of 2 nodes holds
  // no 2-pod workload.
  Pool dedicated = poolOf(Mode::Dedicated, 1, 3, 1);
  dedicated.workloads = {0, 1, 3};
  CHECK(tenancyNotes(dedicated, ws, PlanOptions{}).empty());
  Pool oneTenant = poolOf(Mode::Mps, 4, 2, 1);
  oneTenant.workloads = {0, 2};
  CHECK(tenancyNotes(oneTenant, ws, PlanOptions{}).empty());
}

TEST_CASE("risk: the seed example on one MPS p3.2xlarge, 100% busy") {
  // examples/seed-four-workloads.yaml with --allow-retired: four pods of 25% and 3.5 GiB of a V100,
  // three in ml, one in research, on one p3.2xlarge with MPS replicas 4.
  WorkloadSet set;
  for (const char* name : {"chat-embed", "rerank", "ocr", "notebook-ana"}) {
    Workload w = testing::workload(name, "V100", 3.5, 0.25);
    w.ns = std::string(name) == "notebook-ana" ? "research" : "ml";
    w.currentType = "p3.2xlarge";
    set.workloads.push_back(w);
  }
  PlanOptions o;
  o.allowRetired = true;
  auto plan = makePlan(set, builtin(), o);
  REQUIRE(plan);
  REQUIRE(plan->pools.size() == 1);
  const Pool& pool = plan->pools[0];
  REQUIRE(pool.mode == Mode::Mps);
  REQUIRE(pool.replicas == 4);
  CHECK(pool.computePerGpu == 1.0);  // 4 x 0.25 on one GPU
  for (const Placement& pl : plan->placements) {
    // Saturation: 0.25 / 0.25 (its 25% thread cap) - 1 = 0%; its slot covers it.
    CHECK(pl.risk.slowdownPercent == 0.0);
    // Stretch: a kernel gets at most 25% of the SMs: up to 1 / 0.25 = 4x as long as alone.
    CHECK(pl.risk.worstStretch == 4.0);
  }
  CHECK(has(pool.notes,
            "MPS limits each pod to 4096 MiB of GPU memory (NVML's 16384 MiB / 4) and 25% of the GPU's threads "
            "(100 / 4), as the device plugin sets them; the largest peak, 3584 MiB, fits, and 4 of them leave the "
            "512 MiB overhead free. A pod past its memory limit fails alone, but a fatal GPU fault (an Xid error "
            "such as an illegal memory access) in any pod is delivered to every MPS client of its GPU: all pods on "
            "that GPU fail, and the MPS server takes no new pod until they have all exited"));
  CHECK(has(pool.notes,
            "its GPUs are 100% busy at the pods' p95 (summed per GPU), above 85%: requests queue for the GPU and "
            "their latency grows sharply as it nears 100%"));
  CHECK(has(pool.notes,
            "pods of the namespaces ml and research may share one GPU under MPS: each slows the "
            "others when busy, and a fatal GPU fault in one fails the others on that GPU"));
}
