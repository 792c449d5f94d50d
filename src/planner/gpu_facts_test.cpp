// GPU memory and names as the GPU reports them, against the built-in catalog: NVML's totals,
// the MPS client limits and the names a workload's gpu.model may use. Hand-worked cases.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "io/catalog_reader.h"
#include "model/catalog.h"
#include "planner/planner.h"

using namespace gpuslice;

namespace {

const Catalog& builtin() {
  static const Catalog catalog = *io::builtinCatalog();
  return catalog;
}

Workload gpuWorkload(std::string name, std::string model, std::int64_t memMiB, double compute, int replicas = 1) {
  Workload w;
  w.name = std::move(name);
  w.gpuModel = std::move(model);
  w.memoryMiB = memMiB;
  w.computePpm = static_cast<std::int64_t>(compute * 1e6 + 0.5);
  w.replicas = replicas;
  w.source = {"w.yaml", 7, "workloads[0]", 9, 11};
  return w;
}

PlanOptions only(std::vector<std::string> types, Strategy strategy = Strategy::Auto) {
  PlanOptions o;
  o.allowInstanceTypes = std::move(types);
  o.estimateOtherModels = false;
  o.strategy = strategy;
  return o;
}

Result<Plan> tryPlan(std::vector<Workload> ws, const PlanOptions& options) {
  WorkloadSet set;
  set.workloads = std::move(ws);
  return makePlan(set, builtin(), options);
}

Plan planOf(std::vector<Workload> ws, const PlanOptions& options) {
  auto plan = tryPlan(std::move(ws), options);
  REQUIRE_MESSAGE(plan, (plan ? "" : plan.error().describe()));
  return *plan;
}

constexpr Micros kG4dnXlarge = 526000;  // per hour, on demand

}  // namespace

TEST_CASE("GPU memory: a T4 as NVML reports it, 15360 MiB, not the price table's 16 GiB") {
  const InstanceType* g4dn = builtin().findType("g4dn.xlarge");
  REQUIRE(g4dn != nullptr);
  CHECK(g4dn->gpuMemoryMiB == 16384);  // the price table (EC2): 16 GiB
  const GpuMemoryFigure m = builtin().gpuMemory(*g4dn);
  CHECK(m.mib == 15360);  // ECC on takes 1/16: 16384 x 15 / 16
  CHECK(m.nvml);
  CHECK(m.observed);
  // Two pods share the GPU only if 2 x peak <= 15360 - 512 = 14848: 7424 MiB each fits.
  const Plan fits = planOf({gpuWorkload("a", "T4", 7424, 0.2, 2)}, only({"g4dn.xlarge"}, Strategy::Mps));
  REQUIRE(fits.pools.size() == 1);
  CHECK(fits.pools[0].nodes == 1);
  CHECK(fits.pools[0].replicas == 2);
  CHECK(fits.pools[0].usableMemoryMiB == 14848);
  CHECK(fits.pools[0].gpuMemoryMiB == 15360);
  // One MiB more does not (with 16 GiB it would: 2 x 7425 <= 15872): two GPUs.
  const Plan apart = planOf({gpuWorkload("a", "T4", 7425, 0.2, 2)}, only({"g4dn.xlarge"}, Strategy::Mps));
  CHECK(apart.fleet.hourly == 2 * kG4dnXlarge);
  // A pod of its own: 14848 MiB fits a T4, 14849 fits none.
  CHECK(planOf({gpuWorkload("a", "T4", 14848, 0.2)}, only({"g4dn.*"})).fleet.hourly == kG4dnXlarge);
  auto tooBig = tryPlan({gpuWorkload("a", "T4", 14849, 0.2)}, only({"g4dn.*"}));
  REQUIRE_FALSE(tooBig);
  CHECK(tooBig.error().message ==
        "default/a fits nowhere: needs 14.50 GiB of GPU memory per pod, but the most any candidate GPU offers is "
        "14.50 GiB (g4dn.12xlarge, after the 512 MiB per-GPU overhead)");
}

TEST_CASE("GPU memory: one figure per GPU, NVML's where seen, the price table's (assumed) elsewhere") {
  const std::vector<std::pair<const char*, std::int64_t>> nvml = {
      {"p3.2xlarge", 16384},        {"p3dn.24xlarge", 32768}, {"g4dn.xlarge", 15360},    {"g5g.xlarge", 15360},
      {"g5.xlarge", 23028},         {"g6.xlarge", 23034},     {"g6e.xlarge", 46068},     {"p4d.24xlarge", 40960},
      {"p4de.24xlarge", 81920},     {"p5.4xlarge", 81559},    {"p5en.48xlarge", 143771}, {"p6-b200.48xlarge", 183359},
      {"p6-b300.48xlarge", 275040}, {"g7e.2xlarge", 97887},
  };
  for (const auto& [typeName, mib] : nvml) {
    const char* name = typeName;  // clang 14's CAPTURE cannot take a structured binding
    CAPTURE(name);
    const GpuMemoryFigure m = builtin().gpuMemory(*builtin().findType(name));
    CHECK(m.mib == mib);
    CHECK(m.nvml);
    CHECK(m.observed);
  }
  // No printout: the g7's RTX PRO 4500 and the g6f's L4 slices keep the price table's figure.
  const std::vector<std::pair<const char*, std::int64_t>> assumed = {
      {"g7.2xlarge", 32768}, {"g6f.large", 2856}, {"g6f.2xlarge", 5724}, {"g6f.4xlarge", 11448}};
  for (const auto& [typeName, mib] : assumed) {
    const char* name = typeName;  // clang 14's CAPTURE cannot take a structured binding
    CAPTURE(name);
    const GpuMemoryFigure m = builtin().gpuMemory(*builtin().findType(name));
    CHECK(m.mib == mib);
    CHECK_FALSE(m.nvml);
    REQUIRE(m.variant != nullptr);
    CHECK_FALSE(m.variant->observed);
  }
  // The plan says so.
  const Plan g7 = planOf({gpuWorkload("a", "RTX PRO 4500 Blackwell", 4096, 0.2)}, only({"g7.2xlarge"}));
  REQUIRE_FALSE(g7.notes.empty());
  CHECK(
      std::count(
          g7.notes.begin(), g7.notes.end(),
          "g7.2xlarge: GPU memory 32768 MiB per GPU is the price table's figure, ASSUMED: no NVML figure (no printout "
          "of the Server Edition on a g7 found (the workstation card prints 32623 MiB with ECC off), so the EC2 "
          "figure is used)") == 1);
}

TEST_CASE("MPS: each client limited to NVML's total / r of memory and 100 / r percent of the threads") {
  CHECK(mpsClientMemoryMiB(15360, 3) == 5120);
  CHECK(mpsClientMemoryMiB(23028, 3) == 7676);  // 7676 x 3 = 23028
  CHECK(mpsClientMemoryMiB(15360, 7) == 2194);  // 2194.3, rounded down
  CHECK(mpsClientMemoryMiB(81559, 1) == 81559);
  CHECK(mpsActiveThreadPercent(3) == 33);
  CHECK(mpsActiveThreadPercent(7) == 14);
  CHECK(mpsActiveThreadPercent(1) == 100);
  // Three pods of 4 GiB and 20% on a T4: one GPU, r = 3; each limited to 15360 / 3 = 5120 MiB
  // (peak 4096 within it, slack 1024) and 33% of the threads.
  const Plan plan = planOf({gpuWorkload("embed", "T4", 4096, 0.2, 3)}, only({"g4dn.xlarge"}, Strategy::Mps));
  REQUIRE(plan.pools.size() == 1);
  const Pool& p = plan.pools[0];
  CHECK(p.mode == Mode::Mps);
  CHECK(p.replicas == 3);
  CHECK(p.nodes == 1);
  const Risk& r = plan.placements[0].risk;
  CHECK(r.memoryLimitMiB == 5120);
  CHECK(r.memorySlackMiB == 1024);
  CHECK(r.computeShare == doctest::Approx(0.33));
  REQUIRE_FALSE(p.notes.empty());
  CHECK(p.notes.front() ==
        "MPS limits each pod to 5120 MiB of GPU memory (NVML's 15360 MiB / 3) and 33% of the GPU's threads (100 / "
        "3), as the device plugin sets them; the largest peak, 4096 MiB, fits, and 3 of them leave the 512 MiB "
        "overhead free. A pod past its memory limit fails alone, but a fatal GPU fault (an Xid error such as an "
        "illegal memory access) in any pod is delivered to every MPS client of its GPU: all pods on that GPU fail, "
        "and the MPS server takes no new pod until they have all exited");
}

TEST_CASE("MPS: every pod's peak is within NVML's total / r, on every GPU model") {
  int pools = 0;
  for (const char* type : {"g4dn.xlarge", "g5.xlarge", "g6.xlarge", "g6e.xlarge", "p3.2xlarge"}) {
    for (std::int64_t peak = 512; peak <= 40 * 1024; peak += 1536) {
      const std::string model = builtin().findType(type)->gpuModel;
      auto plan = tryPlan({gpuWorkload("a", model, peak, 0.05, 8)}, only({type}, Strategy::Mps));
      if (!plan) continue;
      for (const Pool& p : plan->pools) {
        if (p.mode != Mode::Mps) continue;
        CAPTURE(type);
        CAPTURE(peak);
        CHECK(p.replicas * p.maxMemoryMiB <= p.gpuMemoryMiB - 512);
        CHECK(p.maxMemoryMiB <= mpsClientMemoryMiB(p.gpuMemoryMiB, p.replicas));
        ++pools;
      }
    }
  }
  CHECK(pools > 30);  // 39 when written
}

TEST_CASE("GPU names: any case, Karpenter's labels and DCGM's modelName pick the model") {
  const std::vector<std::pair<const char*, const char*>> names = {
      {"t4", "g4dn.xlarge"},
      {"Tesla T4", "g4dn.xlarge"},
      {"TESLA T4", "g4dn.xlarge"},
      {"a10g", "g5.xlarge"},
      {"NVIDIA A10G", "g5.xlarge"},
      {"h100", "p5.4xlarge"},
      {"NVIDIA H100 80GB HBM3", "p5.4xlarge"},
      {"NVIDIA L4", "g6f.large"},
      {"rtx-pro-server-6000", "g7e.2xlarge"},
      // A100 alone: either variant, and p4d is the cheaper; the 80GB names pick p4de only.
      {"A100", "p4d.24xlarge"},
      {"NVIDIA A100-SXM4-40GB", "p4d.24xlarge"},
      {"NVIDIA A100-SXM4-80GB", "p4de.24xlarge"},
      {"a100-80gb", "p4de.24xlarge"},
  };
  for (const auto& [gpuName, type] : names) {
    const auto& name = gpuName;  // clang 14's CAPTURE cannot take a structured binding
    CAPTURE(name);
    PlanOptions o = only({});
    o.strategy = Strategy::Dedicated;
    const Plan plan = planOf({gpuWorkload("a", name, 2048, 0.1)}, o);
    REQUIRE(plan.pools.size() == 1);
    CHECK(plan.pools[0].instanceType == type);
    CHECK(plan.baseline.instances.begin()->first == type);
  }
  auto named = builtin().findGpuName("nvidia a100-sxm4-80gb");
  REQUIRE(named);
  CHECK(named->model->name == "A100");
  REQUIRE(named->variant != nullptr);
  CHECK(named->variant->ec2MiB == 81920);
  CHECK(named->variant->nvmlMiB == 81920);
  CHECK_FALSE(builtin().findGpuName("Tesla V100-PCIE-16GB"));
}

TEST_CASE("GPU names: an A100 80GB is not an A100 40GB, and unknown names say where to look") {
  Workload w = gpuWorkload("a", "NVIDIA A100-SXM4-80GB", 2048, 0.1);
  w.currentType = "p4d.24xlarge";
  auto mismatch = tryPlan({w}, only({}));
  REQUIRE_FALSE(mismatch);
  CHECK(mismatch.error().describe() ==
        "w.yaml:9: workloads[0].gpu.model: \"NVIDIA A100-SXM4-80GB\" names the A100 with 80 GiB per GPU, "
        "but current.instanceType p4d.24xlarge has A100 GPUs with 40 GiB");
  w.currentType = "p4de.24xlarge";
  CHECK(tryPlan({w}, only({})));
  auto unknown = tryPlan({gpuWorkload("a", "Tesla V100-PCIE-16GB", 2048, 0.1)}, only({}));
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().describe() ==
        "w.yaml:9: workloads[0].gpu.model: unknown GPU model \"Tesla V100-PCIE-16GB\"; known: A100, A10G, "
        "B200, B300, H100, H200, L4, L40S, RTX PRO 4500 Blackwell, RTX PRO 6000 Blackwell Server, T4, T4G, V100 (in "
        "any case, or another name `gpuslice catalog gpus` lists)");
}
