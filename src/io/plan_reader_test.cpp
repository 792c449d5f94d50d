#include "io/plan_reader.h"

#include <doctest/doctest.h>

#include <string>

#include "io/catalog_reader.h"

using namespace gpuslice;

namespace {

/// A saved plan of one MPS pool of g5.xlarge, 4 per GPU, one workload whose slot is `slot`.
std::string mpsPlan(const std::string& slot) {
  return R"({"apiVersion": "gpuslice.dev/v1alpha1", "kind": "Plan",
"plan": {"capacity": "on-demand", "pools": [{"name": "mps", "instanceType": "g5.xlarge", "gpuModel": "A10G",
 "mode": "mps", "replicas": 4, "nodes": 1, "gpusPerNode": 1, "pods": 4}]},
"workloads": [{"name": "w", "namespace": "ml", "replicas": 4, "pool": "mps")" +
         slot + "}]}";
}

}  // namespace

TEST_CASE("a saved plan: slot.memoryMiB and slot.gpuShare as the placement's limits") {
  auto catalog = io::builtinCatalog();
  REQUIRE(catalog);
  auto read = io::readPlan(mpsPlan(R"(, "slot": {"memoryMiB": 5632, "gpuShare": 0.25})"), "plan.json", *catalog);
  REQUIRE_MESSAGE(read, read.error().describe());
  CHECK(read->plan.placements[0].risk.memoryLimitMiB == 5632);
  CHECK(read->plan.placements[0].risk.computeShare == 0.25);
  auto without = io::readPlan(mpsPlan(""), "plan.json", *catalog);
  REQUIRE(without);
  CHECK(without->plan.placements[0].risk.memoryLimitMiB == 0);  // not stated: profile --check refuses it
  auto bad = io::readPlan(mpsPlan(R"(, "slot": {"memoryMiB": 5632, "gpuShare": 0})"), "plan.json", *catalog);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().describe() == "plan.json:4: workloads[0].slot.gpuShare: must be in (0, 1], got 0");
  auto text = io::readPlan(mpsPlan(R"(, "slot": {"memoryMiB": "lots"})"), "plan.json", *catalog);
  REQUIRE_FALSE(text);
  CHECK(text.error().field == "workloads[0].slot.memoryMiB");
}
