#include "profile/replicas.h"

#include <doctest/doctest.h>

using namespace gpuslice;

TEST_CASE("replicas: sample times kept as runs") {
  SampleTimes t;
  for (int i = 0; i < 1000; ++i) t.add(1733011200 + 60.0 * i);
  CHECK(t.runs() == 1);
  t.add(1733011200 + 60.0 * 999);  // a repeat (overlapping range queries) adds nothing
  CHECK(t.runs() == 1);
  t.add(1733011200 + 60.0 * 1010);  // after a gap: a new run
  t.add(1733011200.5 + 60.0 * 1011);
  CHECK(t.runs() == 2);
  std::vector<std::int64_t> all;
  t.appendTo(all);
  REQUIRE(all.size() == 1002);
  CHECK(all[0] == 1733011200000);
  CHECK(all[999] == 1733011200000 + 60000 * 999);
  CHECK(all[1000] == 1733011200000 + 60000 * 1010);
  CHECK(all[1001] == 1733011200500 + 60000 * 1011);
}

TEST_CASE("replicas: median and most pods with a sample at one time") {
  // Pod a at 1..10, b at 3..10, c at 9 and 10 only: counts 1,1,2,2,2,2,2,2,3,3.
  std::vector<std::int64_t> a, b, c;
  for (int t = 1; t <= 10; ++t) a.push_back(t);
  for (int t = 3; t <= 10; ++t) b.push_back(t);
  c = {10, 9, 10};  // any order, repeats once
  const ReplicaCount n = countReplicas({a, b, c});
  CHECK(n.typical == 2);
  CHECK(n.most == 3);
  CHECK(n.timestamps == 10);
  // Two middles (1 and 2): the lower one.
  const ReplicaCount even = countReplicas({{1, 2}, {2}});
  CHECK(even.typical == 1);
  CHECK(even.most == 2);
  CHECK(countReplicas({}).timestamps == 0);
}
