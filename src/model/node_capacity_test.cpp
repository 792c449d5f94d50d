// Node capacity worked by hand: ENI-limited max pods, kube-reserved memory with that pods
// figure, and the DaemonSets taken from every node.
#include "model/node_capacity.h"

#include <doctest/doctest.h>

#include "support/test_support.h"

using namespace gpuslice;

namespace {

constexpr std::int64_t kMiB = 1048576;

InstanceType withEni(InstanceType t, int interfaces, int ipv4) {
  t.eni = EniLimits{interfaces, ipv4};
  return t;
}

// The built-in table's figures for these three types.
InstanceType g4dnXlarge() { return withEni(testing::instanceType("g4dn.xlarge", "T4", 1, 16, 4, 16, 0.526), 3, 10); }
InstanceType g5Xlarge() { return withEni(testing::instanceType("g5.xlarge", "A10G", 1, 22.35, 4, 16, 1.006), 4, 15); }
InstanceType p4d() {
  return withEni(testing::instanceType("p4d.24xlarge", "A100", 8, 40, 96, 1152, 21.957642), 15, 50);
}

// 16 GiB less the 7.5% VM overhead, rounded up: 17179869184 - 1288490189.
constexpr std::int64_t k16GiBCapacity = 15891378995;

}  // namespace

TEST_CASE("ENI-limited max pods: ENIs x (IPv4 per ENI - 1) + 2") {
  CHECK(eniMaxPods({3, 10}) == 29);    // 3 x 9 + 2
  CHECK(eniMaxPods({4, 15}) == 58);    // 4 x 14 + 2
  CHECK(eniMaxPods({15, 50}) == 737);  // 15 x 49 + 2
  CHECK(nodeMaxPods(g4dnXlarge()) == 29);
  CHECK(nodeMaxPods(g5Xlarge()) == 58);
  CHECK(nodeMaxPods(p4d()) == 737);
  CHECK(nodeMaxPods(g4dnXlarge(), 110) == 110);  // --max-pods overrides
  InstanceType unknown = g4dnXlarge();
  unknown.eni.reset();
  CHECK(nodeMaxPods(unknown) == kDefaultMaxPods);
  CHECK(kDefaultMaxPods == 110);
}

TEST_CASE("kube-reserved memory is 255 MiB + 11 MiB per pod of the node's max pods") {
  // Allocatable memory = capacity - kube-reserved - 100 MiB eviction threshold.
  const Allocatable g4dn = nodeAllocatable(g4dnXlarge());
  CHECK(g4dn.maxPods == 29);
  CHECK(g4dn.workloadPods == 29);
  CHECK(g4dn.memoryBytes == k16GiBCapacity - (255 + 11 * 29 + 100) * kMiB);  // 674 MiB
  CHECK(g4dn.memoryBytes == 15184638771);
  CHECK(g4dn.cpuMillis == 4000 - 80);  // 60 + 10 + 5 + 5

  const Allocatable g5 = nodeAllocatable(g5Xlarge());
  CHECK(g5.maxPods == 58);
  CHECK(g5.memoryBytes == k16GiBCapacity - (255 + 11 * 58 + 100) * kMiB);  // 993 MiB
  CHECK(g5.memoryBytes == 14850143027);

  const Allocatable a100 = nodeAllocatable(p4d());
  CHECK(a100.maxPods == 737);
  // 1152 GiB = 1236950581248 bytes, less 92771293594 (7.5%, rounded up); 255 + 8107 + 100 MiB.
  CHECK(a100.memoryBytes == 1236950581248 - 92771293594 - 8462 * kMiB);
  CHECK(a100.memoryBytes == 1135306237542);
  CHECK(a100.cpuMillis == 96000 - 310);  // 60 + 10 + 5 + 5 + 92 x 2.5

  // --max-pods 110 on the g4dn.xlarge: 255 + 1210 + 100 MiB.
  const Allocatable prefixDelegation = nodeAllocatable(g4dnXlarge(), 110);
  CHECK(prefixDelegation.maxPods == 110);
  CHECK(prefixDelegation.memoryBytes == k16GiBCapacity - 1565 * kMiB);
}

TEST_CASE("DaemonSets take their pods, CPU and memory from every node") {
  const DaemonSetRequests typical{200, 256 * kMiB, 11};
  const Allocatable a = nodeAllocatable(g4dnXlarge(), std::nullopt, typical);
  CHECK(a.maxPods == 29);       // kube-reserved memory still counts every pod
  CHECK(a.workloadPods == 18);  // 29 - 11
  CHECK(a.cpuMillis == 3720);   // 3920 - 200
  CHECK(a.memoryBytes == 15184638771 - 256 * kMiB);
  CHECK(a.memoryBytes == 14916203315);
  // More DaemonSet pods than the node takes leaves none, never fewer than none.
  const Allocatable full = nodeAllocatable(g4dnXlarge(), std::nullopt, DaemonSetRequests{0, 0, 40});
  CHECK(full.workloadPods == 0);
}
