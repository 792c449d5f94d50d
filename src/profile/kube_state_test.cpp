#include "profile/kube_state.h"

#include <doctest/doctest.h>

#include <cmath>

using namespace gpuslice;

namespace {

Labels request(const std::string& pod, const std::string& container, const std::string& resource,
               const std::string& unit) {
  Labels l{{"__name__", "kube_pod_container_resource_requests"},
           {"namespace", "ml"},
           {"pod", pod},
           {"container", container},
           {"node", "n1"},
           {"resource", resource}};
  if (!unit.empty()) l.push_back({"unit", unit});
  return l;
}

}  // namespace

TEST_CASE("kube-state: requests summed over containers, the largest sample of each") {
  KubeState k;
  REQUIRE(k.series(request("p", "server", "cpu", "core")));
  k.sample(1.5);
  k.sample(2);
  k.sample(1.5);  // raised, then lowered: the largest counts
  REQUIRE(k.series(request("p", "sidecar", "cpu", "core")));
  k.sample(0.0005);  // half a millicore rounds up to 1m
  REQUIRE(k.series(request("p", "server", "memory", "byte")));
  k.sample(8589934592);
  k.sample(std::nan(""));
  k.sample(-1);  // neither NaN nor a negative value is a request
  REQUIRE(k.series(request("p", "server", "nvidia_com_gpu", "integer")));
  k.sample(1);
  const PodRequests r = k.requests("ml", "p");
  CHECK(r.cpuMillis == 2001);
  CHECK(r.memoryBytes == 8589934592);
  CHECK_FALSE(k.requests("ml", "other").cpuMillis);
  CHECK_FALSE(k.requests("web", "p").memoryBytes);  // another namespace
  CHECK(k.skipped().empty());
}

TEST_CASE("kube-state: a request without its unit is left out and counted") {
  KubeState k;
  REQUIRE(k.series(request("p", "server", "cpu", "")));
  k.sample(4);
  REQUIRE(k.series(request("q", "server", "cpu", "")));
  k.sample(4);
  REQUIRE(k.series(request("p", "server", "memory", "kilobyte")));
  k.sample(4);
  CHECK_FALSE(k.requests("ml", "p").cpuMillis);
  CHECK_FALSE(k.requests("ml", "p").memoryBytes);
  CHECK(k.skipped() ==
        std::vector<std::string>{
            "2 kube_pod_container_resource_requests series of resource cpu without a unit label (the first of pod "
            "ml/p)",
            "1 kube_pod_container_resource_requests series of resource memory in unit \"kilobyte\", not \"byte\" "
            "(the first of pod ml/p)"});
}

TEST_CASE("kube-state: a pod's instance type through its node's labels") {
  KubeState k;
  CHECK(k.series({{"__name__", "kube_pod_info"}, {"namespace", "ml"}, {"pod", "p"}, {"node", "n1"}}));
  CHECK(k.series({{"__name__", "kube_pod_info"}, {"namespace", "ml"}, {"pod", "q"}, {"node", "n2"}}));
  CHECK(k.series({{"__name__", "kube_pod_info"}, {"namespace", "ml"}, {"pod", "r"}, {"node", "n3"}}));
  CHECK(k.series(
      {{"__name__", "kube_node_labels"}, {"node", "n1"}, {"label_node_kubernetes_io_instance_type", "g5.xlarge"}}));
  CHECK(k.series(
      {{"__name__", "kube_node_labels"}, {"node", "n2"}, {"label_beta_kubernetes_io_instance_type", "g4dn.xlarge"}}));
  CHECK(k.series({{"__name__", "kube_node_labels"}, {"node", "n3"}, {"label_kubernetes_io_arch", "amd64"}}));
  CHECK(k.instanceType("ml", "p") == "g5.xlarge");
  CHECK(k.instanceType("ml", "q") == "g4dn.xlarge");  // the beta label
  CHECK_FALSE(k.instanceType("ml", "r"));             // labels not allow-listed
  CHECK_FALSE(k.instanceType("ml", "s"));             // no kube_pod_info
  CHECK_FALSE(k.series({{"__name__", "DCGM_FI_DEV_FB_USED"}, {"pod", "p"}}));
}
