#include "io/plan_check.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "io/catalog_reader.h"

using namespace gpuslice;

namespace {

const Catalog& builtin() {
  static const Catalog c = *io::builtinCatalog();
  return c;
}

/// A saved plan of one p5.48xlarge MIG pool (8 GPUs): GPU 0 holds two 3g.40gb, each other GPU
/// 2g.20gb@0, 2g.20gb@2 and 3g.40gb@4. One node so has 2 + 7 = 9 instances of 3g.40gb and
/// 14 of 2g.20gb.
std::string migPlan(int nodes, int podsOf3g, int podsOf2g, const std::string& extra = "") {
  std::string geometry = R"([[{"profile": "3g.40gb", "start": 0}, {"profile": "3g.40gb", "start": 4}])";
  for (int g = 1; g < 8; ++g) {
    geometry += R"(, [{"profile": "2g.20gb", "start": 0}, {"profile": "2g.20gb", "start": 2}, )"
                R"({"profile": "3g.40gb", "start": 4}])";
  }
  geometry += "]";
  return R"({"apiVersion": "gpuslice.dev/v1alpha1", "kind": "Plan",
"plan": {"capacity": "on-demand", "pools": [{"name": "mig", "instanceType": "p5.48xlarge", "gpuModel": "H100",
 "mode": "mig", "replicas": 1, "nodes": )" +
         std::to_string(nodes) + R"(, "gpusPerNode": 8, "pods": )" + std::to_string(podsOf3g + podsOf2g) +
         R"(, "migGpu": "H100-80GB", "migStrategy": "mixed",
 "geometry": )" +
         geometry + R"(}]},
"workloads": [
 {"name": "big", "namespace": "ml", "replicas": )" +
         std::to_string(podsOf3g) + R"(, "pool": "mig", "profile": "3g.40gb", "peakGpuMemoryMiB": 30000)" + extra +
         R"(},
 {"name": "small", "namespace": "ml", "replicas": )" +
         std::to_string(podsOf2g) + R"(, "pool": "mig", "profile": "2g.20gb"}]})";
}

/// Every error of reading `text`, one line each.
std::string errorsOf(const std::string& text) {
  auto r = io::readPlan(text, "plan.json", builtin());
  std::string out;
  if (!r) {
    for (const Error& e : r.errors()) out += e.describe() + "\n";
  }
  return out;
}

}  // namespace

TEST_CASE("a saved MIG plan: each profile's pods within what the nodes' layouts hold") {
  // 2 nodes: 18 x 3g.40gb and 28 x 2g.20gb.
  CHECK(errorsOf(migPlan(2, 18, 28)) == "");
  CHECK(errorsOf(migPlan(2, 19, 28)) ==
        std::string("plan.json:3: plan.pools[0].nodes: 2 nodes hold 18 3g.40gb instances, but 19 pods "
                    "need one\n"));
  CHECK(errorsOf(migPlan(1, 9, 15)) ==
        std::string("plan.json:3: plan.pools[0].nodes: 1 node holds 14 2g.20gb instances, but 15 pods "
                    "need one\n"));
  // A 3g.40gb instance of an H100 has 40448 MiB usable (catalog/mig-profiles.yaml); less the
  // 512 MiB overhead, 39936 MiB: a 40000 MiB peak does not fit.
  CHECK(errorsOf(R"({"settings": {"gpuOverheadMiB": 512}, )" + migPlan(2, 18, 28).substr(1)) == "");
  auto tooBig = migPlan(2, 18, 28);
  tooBig.replace(tooBig.find("30000"), 5, "40000");
  CHECK(errorsOf(tooBig) == std::string("plan.json:6: workloads[0].profile: a 3g.40gb instance has 39936 "
                                        "MiB usable after the 512 MiB overhead, less than the pod's peak "
                                        "of 40000 MiB\n"));
}

TEST_CASE("a saved shared pool: replicas within the GPU's memory and compute for its members' figures") {
  auto plan = [](int replicas, int peak, double compute, double headroom) {
    return R"({"apiVersion": "gpuslice.dev/v1alpha1", "kind": "Plan", "settings": {"headroom": )" +
           std::to_string(headroom) + R"(},
"plan": {"capacity": "on-demand", "pools": [{"name": "ts", "instanceType": "g5.xlarge", "gpuModel": "A10G",
 "mode": "time-slicing", "replicas": )" +
           std::to_string(replicas) + R"(, "nodes": 1, "gpusPerNode": 1, "pods": 2, "usableMemoryMiB": 22516}]},
"workloads": [{"name": "a", "namespace": "ml", "replicas": 2, "pool": "ts", "peakGpuMemoryMiB": )" +
           std::to_string(peak) + R"(, "slot": {"computePerPod": )" + std::to_string(compute) + "}}]}";
  };
  // A g5.xlarge's A10G reports 23028 MiB (NVML, catalog/gpus.yaml), 22516 MiB after the 512 MiB
  // overhead: 4 x 5629 MiB = 22516 MiB fits, 4 x 5630 MiB = 22520 MiB does not; 4 x 0.2 = 0.8
  // <= 1 - 0.2.
  CHECK(errorsOf(plan(4, 5629, 0.2, 0.2)) == "");
  CHECK(errorsOf(plan(4, 5630, 0.2, 0.2)) ==
        std::string("plan.json:3: plan.pools[0].replicas: 4 pods of up to 5630 MiB peak GPU memory need "
                    "22520 MiB, more than the 22516 MiB usable per GPU\n"));
  CHECK(errorsOf(plan(4, 5629, 0.21, 0.2)) ==
        std::string("plan.json:3: plan.pools[0].replicas: 4 pods busy up to 21.0% of a GPU need 84.0%, "
                    "more than the 80.0% each GPU may be busy (1 - headroom)\n"));
  // The memory check takes the catalog's figure, not the one the plan states.
  std::string claimsMore = plan(4, 5630, 0.2, 0.2);
  claimsMore.replace(claimsMore.find("22516"), 5, "23028");
  CHECK(errorsOf(claimsMore) ==
        std::string("plan.json:3: plan.pools[0].usableMemoryMiB: 23028 MiB is more than the 22516 MiB usable on a "
                    "GPU of g5.xlarge (23028 MiB less the 512 MiB overhead)\n"
                    "plan.json:3: plan.pools[0].replicas: 4 pods of up to 5630 MiB peak GPU memory need 22520 MiB, "
                    "more than the 22516 MiB usable per GPU\n"));
}

TEST_CASE("a saved pool of multi-GPU pods: dedicated, within a node's GPUs, gpusPerNode / gpuCount a node") {
  auto plan = [](const std::string& type, int gpus, const std::string& mode, int nodes, int replicas, int count) {
    return R"({"apiVersion": "gpuslice.dev/v1alpha1", "kind": "Plan",
"plan": {"capacity": "on-demand", "pools": [{"name": "p", "instanceType": ")" +
           type + R"(", "gpuModel": "A10G", "mode": ")" + mode + R"(", "replicas": )" +
           (mode == "dedicated" ? "1" : "2") + R"(, "nodes": )" + std::to_string(nodes) + R"(, "gpusPerNode": )" +
           std::to_string(gpus) + R"(, "pods": )" + std::to_string(replicas) + R"(}]},
"workloads": [{"name": "tp", "namespace": "ml", "replicas": )" +
           std::to_string(replicas) + R"(, "pool": "p",
 "gpuCount": )" +
           std::to_string(count) + R"(}]})";
  };
  // g5.12xlarge, 4 GPUs: 2 pods of 2 GPUs a node, so 3 pods need 2 nodes.
  CHECK(errorsOf(plan("g5.12xlarge", 4, "dedicated", 2, 3, 2)) == "");
  CHECK(errorsOf(plan("g5.12xlarge", 4, "dedicated", 1, 3, 2)) ==
        "plan.json:2: plan.pools[0].nodes: 1 node of 4 GPUs holds 2 pods of up to 2 GPUs each (2 a node), but its "
        "workloads have 3\n");
  CHECK(errorsOf(plan("g5.12xlarge", 4, "dedicated", 3, 3, 8)) ==
        "plan.json:4: workloads[0].gpuCount: ml/tp needs 8 GPUs on one node, but g5.12xlarge has 4\n");
  CHECK(errorsOf(plan("g5.12xlarge", 4, "time-slicing", 3, 3, 2)) ==
        "plan.json:4: workloads[0].gpuCount: 2 whole GPUs a pod are never shared, but pool p is time-slicing\n");
  CHECK(errorsOf(plan("g5.12xlarge", 4, "dedicated", 2, 3, 17)) ==
        "plan.json:4: workloads[0].gpuCount: must be between 1 and 16, got 17\n");
}
