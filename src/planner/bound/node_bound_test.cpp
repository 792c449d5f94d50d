// The node LP's part of the lower bound: a hand-worked case, and the bound against the
// cheapest of many plans on random small fleets.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "io/catalog_reader.h"
#include "planner/planner.h"
#include "support/test_support.h"

using namespace gpuslice;

namespace {

const Catalog& builtin() {
  static const Catalog catalog = *io::builtinCatalog();
  return catalog;
}

Workload make(std::string name, std::string model, double memGiB, double compute, int replicas, Isolation isolation,
              ModeMask sharing = kAllModes) {
  Workload w = testing::workload(std::move(name), std::move(model), memGiB, compute, replicas);
  w.isolation = isolation;
  w.sharing = sharing;
  return w;
}

Result<Plan> planOf(std::vector<Workload> ws, std::vector<std::string> types) {
  WorkloadSet set;
  set.workloads = std::move(ws);
  PlanOptions o;
  o.allowInstanceTypes = std::move(types);
  o.allowRetired = true;  // p3 types give the small V100 shapes these cases are built on
  o.estimateOtherModels = false;
  return makePlan(set, builtin(), o);
}

}  // namespace

TEST_CASE("node bound: three sharing pods cannot fill the GPU that dedicated-only pods leave on a node") {
  // Only p3.8xlarge (four V100, $12.24/h). Three dedicated-only pods take three GPUs of a
  // node; the three small pods could time-slice four to a GPU, but a node has one mode, so
  // they need either a second node or three more whole GPUs: two nodes either way. The
  // per-pod bound (3 x $3.06 + 3 x $0.765) rounds up to one node only.
  std::vector<Workload> ws = {make("big", "V100", 10, 0.9, 3, Isolation::Full),
                              make("small", "V100", 3, 0.2, 3, Isolation::None)};
  auto plan = planOf(ws, {"p3.8xlarge"});
  REQUIRE(plan);
  CHECK(plan->fleet.hourly == 24480000);
  CHECK(plan->lowerBound == 24480000);
}

/// The cheapest plan of `ws` made by planning each group of a split apart, over every split
/// (MAX when none plans).
Micros cheapestOverSplits(const std::vector<Workload>& ws, const std::vector<std::string>& types) {
  Micros best = std::numeric_limits<Micros>::max();
  testing::forEachSplit(static_cast<int>(ws.size()), [&](const std::vector<int>& block, int blocks) {
    Micros cost = 0;
    bool mps = false, mig = false;
    for (int b = 0; b < blocks; ++b) {
      std::vector<Workload> part;
      for (std::size_t j = 0; j < ws.size(); ++j) {
        if (block[j] == b) part.push_back(ws[j]);
      }
      auto p = planOf(part, types);
      if (!p) return;
      for (const Pool& pool : p->pools) {
        mps = mps || pool.mode == Mode::Mps;
        mig = mig || pool.mode == Mode::Mig;
      }
      cost += p->fleet.hourly;
    }
    // Groups planned apart may together use MPS and MIG, which no plan of the whole may.
    if (!(mps && mig)) best = std::min(best, cost);
  });
  return best;
}

TEST_CASE("node bound: never above the cheapest plan over every split of a small fleet") {
  // For each split of the workloads into groups, each group planned on its own gives a
  // plan of the whole fleet; the bound must hold against the cheapest of them.
  const std::vector<std::string> types = {"p3.2xlarge", "p3.8xlarge", "p3.16xlarge", "p3dn.24xlarge", "p4d.24xlarge"};
  const double memories[] = {0.8, 2.5, 4.5, 7, 11, 15};
  const double computes[] = {0.04, 0.1, 0.2, 0.3, 0.45, 0.7};
  const char* cpus[] = {"", "1", "4", "12"};
  const ModeMask sharings[] = {kAllModes, bit(Mode::Dedicated) | bit(Mode::TimeSlicing),
                               bit(Mode::Dedicated) | bit(Mode::Mps), bit(Mode::Dedicated) | bit(Mode::Mig),
                               bit(Mode::Dedicated)};
  std::mt19937 rng(20261122);
  for (int round = 0; round < 120; ++round) {
    const int n = 1 + static_cast<int>(rng() % 5);
    const std::string model = rng() % 3 == 0 ? "A100" : "V100";
    std::vector<Workload> ws;
    for (int i = 0; i < n; ++i) {
      Workload w = make("w" + std::to_string(i), model, memories[rng() % 6], computes[rng() % 6],
                        1 + static_cast<int>(rng() % 4), static_cast<Isolation>(rng() % 3), sharings[rng() % 5]);
      const std::string cpu = cpus[rng() % 4];
      if (!cpu.empty()) w.cpuMillis = std::stoll(cpu) * 1000;
      ws.push_back(w);
    }
    auto whole = planOf(ws, types);
    if (!whole) continue;  // e.g. MPS and MIG both needed
    const Micros best = std::min(whole->fleet.hourly, cheapestOverSplits(ws, types));
    INFO("round " << round);
    CHECK(whole->lowerBound <= best);
  }
}
