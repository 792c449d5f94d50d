// Who pays for what: pools split among their workloads, and the cost by namespace and team.
#include "planner/cost_shares.h"

#include <doctest/doctest.h>

#include "model/chargeback.h"
#include "support/builtin.h"
#include "support/test_support.h"

using namespace gpuslice;

namespace {

Workload named(const char* name, const char* ns, int replicas, const char* team = "") {
  Workload w = testing::workload(name, "A100", 4, 0.1, replicas);
  w.ns = ns;
  w.team = team;
  return w;
}

}  // namespace

TEST_CASE("a pool's cost is split by the GPU room its pods hold, to the micro-dollar, adding up exactly") {
  // Worked by hand. Pool 0: time-slicing, $1.006/h, pods 3 + 1 + 3 = 7 slots: quotas
  // 1,006,000 x 3/7 = 431,142.857, x 1/7 = 143,714.286, x 3/7 = 431,142.857 micro-dollars;
  // floors add up to 1,005,998, the two micro-dollars left go to the largest remainders (.857,
  // the first and the third). Pool 1: MIG on p4d.24xlarge (A100-40GB), $1/h, 2 pods of 3g.20gb
  // (4 memory slices each: 8) and 7 of 1g.5gb (1 slice: 7), so 15 slices: quotas 533,333.33
  // and 466,666.67; the micro-dollar left goes to the larger remainder, the second.
  WorkloadSet set;
  set.workloads = {named("a", "ml", 3), named("b", "ml", 1, "search"), named("c", "research", 3), named("d", "ml", 2),
                   named("e", "vision", 7, "search")};
  Plan plan;
  Pool ts;
  ts.mode = Mode::TimeSlicing;
  ts.replicas = 4;
  ts.hourly = 1006000;
  ts.workloads = {0, 1, 2};
  Pool mig;
  mig.mode = Mode::Mig;
  mig.instanceType = "p4d.24xlarge";
  mig.hourly = 1000000;
  mig.workloads = {3, 4};
  plan.pools = {ts, mig};
  plan.placements.resize(5);
  for (std::size_t i = 0; i < 5; ++i) plan.placements[i].pool = i < 3 ? 0 : 1;
  plan.placements[3].profile = "3g.20gb";
  plan.placements[4].profile = "1g.5gb";
  detail::splitPoolCosts(testing::builtinCatalog(), set.workloads, plan);
  CHECK(plan.placements[0].hourly == 431143);
  CHECK(plan.placements[1].hourly == 143714);
  CHECK(plan.placements[2].hourly == 431143);
  CHECK(plan.placements[3].hourly == 533333);
  CHECK(plan.placements[4].hourly == 466667);

  // By namespace: ml = a + b + d = 431,143 + 143,714 + 533,333; research = c; vision = e.
  plan.fleet.hourly = 2006000;
  const std::vector<CostLine> byNs = costBy(plan, set, CostGroup::Namespace);
  REQUIRE(byNs.size() == 3);
  CHECK(byNs[0].name == "ml");
  CHECK(byNs[0].hourly == 1108190);
  CHECK(byNs[0].workloads == 3);
  CHECK(byNs[0].pods == 6);
  CHECK(byNs[1].name == "research");
  CHECK(byNs[1].hourly == 431143);
  CHECK(byNs[2].name == "vision");
  CHECK(byNs[2].hourly == 466667);
  // By team: b and e name "search"; the others are charged to their namespace.
  const std::vector<CostLine> byTeam = costBy(plan, set, CostGroup::Team);
  REQUIRE(byTeam.size() == 3);
  CHECK(byTeam[0].name == "ml");
  CHECK(byTeam[0].hourly == 431143 + 533333);
  CHECK(byTeam[1].name == "research");
  CHECK(byTeam[2].name == "search");
  CHECK(byTeam[2].hourly == 143714 + 466667);

  // In cents per hour: the total, $2.006, is printed $2.01, 201 cents. The quotas, 201 x share /
  // 2,006,000, are 111.04, 43.20 and 46.76: floors add up to 200, and the cent left goes to the
  // largest remainder, vision's .76.
  const std::vector<CostCents> cents = costCents(byNs, plan, 730);
  CHECK(cents[0].hourly == 111);
  CHECK(cents[1].hourly == 43);
  CHECK(cents[2].hourly == 47);
  CHECK(cents[0].monthly + cents[1].monthly + cents[2].monthly == (2006000LL * 730 + 5000) / 10000);
}
