#include "profile/collector.h"

#include <doctest/doctest.h>

#include <map>
#include <string>

#include "io/catalog_reader.h"
#include "io/profile_yaml.h"
#include "io/prom_response.h"
#include "io/workload_reader.h"
#include "planner/planner.h"

using namespace gpuslice;

namespace {

struct Sink : io::SeriesSink {
  Collector& c;
  explicit Sink(Collector& c) : c(c) {}
  void series(const Labels& l) override { c.series(l); }
  void sample(double t, double v) override { c.sample(t, v); }
};

Profile profileOf(const std::vector<std::string>& files, ProfileOptions o = {}) {
  Collector c(o);
  Sink sink(c);
  for (const std::string& f : files)
    REQUIRE_FALSE(io::readPromResponse(std::string(GPUSLICE_TEST_DATA_DIR) + "/prometheus/" + f, sink));
  auto catalog = io::loadCatalog("");
  REQUIRE(catalog);
  auto p = c.finish(
      [&](const std::string& m) { return catalogGpuName(*catalog, m); },
      [&](const std::string& type, const std::string& model) { return catalogTypeProblem(*catalog, type, model); });
  REQUIRE(p);
  return *p;
}

const ProfiledWorkload& find(const Profile& p, const std::string& qualified) {
  for (const ProfiledWorkload& w : p.workloads) {
    if (w.workload.qualifiedName() == qualified) return w;
  }
  FAIL("no workload " << qualified);
  return p.workloads.front();
}

}  // namespace

TEST_CASE("profile: GPU names through the catalog") {
  auto catalog = io::loadCatalog("");
  REQUIRE(catalog);
  auto name = [&](const std::string& m) { return catalogGpuName(*catalog, m).value_or("<unknown>"); };
  CHECK(name("Tesla T4") == "T4");
  CHECK(name("NVIDIA A10G") == "A10G");
  CHECK(name("NVIDIA T4G") == "T4G");
  CHECK(name("NVIDIA H100 80GB HBM3") == "H100");
  CHECK(name("NVIDIA A100-SXM4-80GB") == "A100-80GB");
  CHECK(name("NVIDIA A100-SXM4-40GB") == "A100-40GB");
  CHECK(name("Tesla V100-SXM2-32GB") == "V100-32GB");
  CHECK(name("NVIDIA RTX PRO 6000 Blackwell Server Edition") == "RTX PRO 6000 Blackwell Server");
  CHECK(name("NVIDIA A10") == "<unknown>");
  CHECK(name("Tesla V100-PCIE-16GB") == "<unknown>");
  // The 80GB name keeps plan to the 80GB A100s (p4de), never the 40GB ones (p4d).
  const std::optional<GpuName> back = catalog->findGpuName(name("NVIDIA A100-SXM4-80GB"));
  REQUIRE(back);
  REQUIRE(back->variant);
  CHECK(back->variant->ec2MiB == 80 * 1024);
}

TEST_CASE("profile: the fixtures, figure by figure") {
  const Profile p = profileOf({"fb-used.json", "busy.json", "kube-owners.json"});
  REQUIRE(p.workloads.size() == 5);
  CHECK(p.windowStart == 1733011200);
  CHECK(p.windowEnd == 1733011200 + 19 * 60);
  const ProfiledWorkload& inference = find(p, "ml/inference");
  CHECK(inference.groupedBy == "kube-state-metrics: Deployment inference");
  CHECK(inference.memory.samples == 39);                // one NaN left out
  CHECK(inference.memory.value == 3190);                // the largest of 39 (rank ceil(0.99 * 39) = 39)
  CHECK(inference.memoryGiB == doctest::Approx(3.43));  // 3190 * 1.1 / 1024 = 3.4268, rounded up
  CHECK(inference.busy.metric == "DCGM_FI_DEV_GPU_UTIL");
  CHECK(inference.busy.value == doctest::Approx(0.65));  // rank 38 of 40: 68, 67, then 65 %
  CHECK(inference.workload.replicas == 2);
  CHECK(inference.workload.gpuModel == "A10G");
  CHECK_FALSE(inference.sharedGpu);
  const ProfiledWorkload& db = find(p, "ml/postgres-gpu");
  CHECK(db.groupedBy == "kube-state-metrics: StatefulSet postgres-gpu");
  CHECK(db.busy.metric == "DCGM_FI_PROF_SM_ACTIVE");  // preferred over GPU_UTIL
  CHECK(db.busy.value == doctest::Approx(0.66));
  CHECK(db.memoryGiB == doctest::Approx(4.51));  // 4190 * 1.1 / 1024 = 4.5009
  CHECK(db.workload.gpuModel == "T4");
  const ProfiledWorkload& llm = find(p, "tenant-a/llm");
  CHECK(llm.groupedBy == "pod name");
  CHECK(llm.busy.metric == "DCGM_FI_PROF_GR_ENGINE_ACTIVE");  // GPU_UTIL reads 0 on MIG: skipped
  CHECK(llm.busy.value == doctest::Approx(0.66 * 3 / 7));     // a 3g instance is 3/7 of the GPU
  CHECK(llm.compute == doctest::Approx(0.283));
  CHECK(llm.workload.gpuModel == "H100");
  const ProfiledWorkload& chat = find(p, "web/chat");
  CHECK(chat.sharedGpu);             // embed ran on the same GPU from minute 5 to 14
  CHECK(chat.memory.value == 2595);  // 5190 MiB split between two pods
  CHECK(chat.busy.value == doctest::Approx(0.32));
  const ProfiledWorkload& embed = find(p, "web/embed");
  CHECK(embed.sharedGpu);
  CHECK(embed.busy.value == doctest::Approx(0.325));
}

TEST_CASE("profile: --group-by and pod names") {
  ProfileOptions o;
  o.groupBy = "container";
  const Profile byLabel = profileOf({"fb-used.json", "busy.json"}, o);
  REQUIRE(byLabel.workloads.size() == 3);  // "server" in ml, tenant-a and web
  CHECK(byLabel.workloads[0].workload.qualifiedName() == "ml/server");
  CHECK(byLabel.workloads[0].groupedBy == "label container");
  const Profile byName = profileOf({"fb-used.json", "busy.json"});
  CHECK(find(byName, "ml/infer").groupedBy == "pod name");
  CHECK(find(byName, "ml/db").pods == std::vector<std::string>{"db-0"});
}

TEST_CASE("profile: plan reads the WorkloadSet profile writes, as is" * doctest::test_suite("threads")) {
  const Profile p = profileOf(
      {"fb-used.json", "fb-used-surge.json", "busy.json", "kube-owners.json", "kube-requests.json", "kube-nodes.json"});
  const std::string yaml = io::profileYaml(p);
  auto set = io::readWorkloads({{"profile.yaml", yaml}});
  REQUIRE_MESSAGE(set, set.error().describe());
  REQUIRE(set->workloads.size() == 5);
  CHECK(set->workloads[0].qualifiedName() == "ml/inference");
  CHECK(set->workloads[0].memoryMiB == 3513);  // 3.43 GiB
  CHECK(set->workloads[0].computePpm == 650000);
  CHECK(set->workloads[0].cpuMillis == 2250);
  CHECK(set->workloads[0].memoryBytes == std::int64_t{8448} << 20);
  CHECK(set->workloads[0].currentType == "g5.2xlarge");
  CHECK(set->workloads[3].qualifiedName() == "web/chat");
  CHECK(set->workloads[3].maxReplicas == 2);
  auto catalog = io::loadCatalog("");
  REQUIRE(catalog);
  auto plan = makePlan(*set, *catalog, {});
  REQUIRE_MESSAGE(plan, plan.error().describe());
  CHECK(plan->placements.size() == 5);
}

TEST_CASE("profile: GPU_UTIL on a MIG instance reads 0 and is not a busy figure") {
  Collector c({});
  const Labels mig{{"pod", "llm-0"}, {"UUID", "GPU-1"}, {"GPU_I_PROFILE", "3g.40gb"}, {"GPU_I_ID", "1"}};
  Labels fb = mig, util = mig;
  fb.push_back({"__name__", "DCGM_FI_DEV_FB_USED"});
  util.push_back({"__name__", "DCGM_FI_DEV_GPU_UTIL"});
  c.series(fb);
  c.sample(1733011200, 1000);
  c.series(util);
  c.sample(1733011200, 0);
  auto p = c.finish([](const std::string& m) { return m; });
  REQUIRE_FALSE(p);
  CHECK(p.error().message ==
        "no workload measured: need DCGM_FI_DEV_FB_USED and a busy metric (DCGM_FI_PROF_SM_ACTIVE, "
        "DCGM_FI_PROF_GR_ENGINE_ACTIVE or DCGM_FI_DEV_GPU_UTIL) series with a pod label (default/llm: no busy "
        "metric samples)");
}

TEST_CASE("profile: cpu, memory, instance type and replicas from kube-state-metrics") {
  const Profile p = profileOf(
      {"fb-used.json", "fb-used-surge.json", "busy.json", "kube-owners.json", "kube-requests.json", "kube-nodes.json"});
  CHECK(p.requestsSeen);
  CHECK(p.instanceTypesSeen);
  CHECK(p.skipped == std::vector<std::string>{"1 kube_pod_container_resource_requests series of resource cpu "
                                              "without a unit label (the first of pod web/chat-6b8c9d7f4-zz9kx)"});
  const ProfiledWorkload& inference = find(p, "ml/inference");
  CHECK(inference.workload.cpuMillis == 2250);  // q8w4z: server raised to 2 cores, plus the 250m sidecar
  CHECK(inference.workload.memoryBytes == std::int64_t{8448} << 20);  // 8Gi + 256Mi
  CHECK(inference.requestPods == 2);
  CHECK(inference.requestsDiffer);  // x2x7k requests 1750m
  CHECK(inference.instanceTypes == std::map<std::string, int>{{"g5.2xlarge", 1}, {"g5.xlarge", 1}});
  CHECK(inference.workload.currentType == "g5.2xlarge");  // a tie: the first by name
  CHECK(inference.workload.replicas == 2);
  CHECK(inference.maxPodsAtOnce == 2);
  CHECK(inference.replicaTimestamps == 20);
  CHECK_FALSE(inference.workload.maxReplicas);
  const ProfiledWorkload& db = find(p, "ml/postgres-gpu");
  CHECK(db.workload.cpuMillis == 2000);
  CHECK(db.workload.memoryBytes == std::int64_t{6} << 30);
  CHECK_FALSE(db.requestsDiffer);
  CHECK(db.workload.currentType == "g4dn.xlarge");  // label_beta_kubernetes_io_instance_type
  const ProfiledWorkload& chat = find(p, "web/chat");
  CHECK_FALSE(chat.workload.cpuMillis);  // its cpu series has no unit
  CHECK(chat.workload.memoryBytes == std::int64_t{2} << 30);
  CHECK(chat.workload.currentType == "g6.xlarge");
  CHECK(chat.pods == std::vector<std::string>{"chat-6b8c9d7f4-p2r8d", "chat-6b8c9d7f4-zz9kx"});
  CHECK(chat.workload.replicas == 1);  // two pods at 6 of 20 times
  CHECK(chat.maxPodsAtOnce == 2);
  CHECK(chat.workload.maxReplicas == 2);
  const ProfiledWorkload& embed = find(p, "web/embed");
  CHECK_FALSE(embed.workload.cpuMillis);  // NaN
  CHECK(embed.workload.memoryBytes == std::int64_t{1} << 30);
  CHECK(embed.replicaTimestamps == 10);
  const ProfiledWorkload& llm = find(p, "tenant-a/llm");
  CHECK(llm.requestPods == 0);
  CHECK_FALSE(llm.workload.cpuMillis);
  CHECK_FALSE(llm.workload.currentType);
  CHECK(llm.notes == std::vector<std::string>{"current.instanceType left out: p9.huge is not in the price table"});
}

TEST_CASE("profile: an instance type whose GPU is not the one measured is left out") {
  auto catalog = io::loadCatalog("");
  REQUIRE(catalog);
  CHECK(catalogTypeProblem(*catalog, "g5.xlarge", "A10G") == std::nullopt);
  CHECK(catalogTypeProblem(*catalog, "g5.xlarge", "") == std::nullopt);
  CHECK(catalogTypeProblem(*catalog, "g4dn.xlarge", "A10G") ==
        "g4dn.xlarge has T4 GPUs, not the A10G its samples were measured on");
  CHECK(catalogTypeProblem(*catalog, "p4d.24xlarge", "A100-80GB") ==
        "p4d.24xlarge has A100 GPUs, not the A100-80GB its samples were measured on");
  CHECK(catalogTypeProblem(*catalog, "p9.huge", "A10G") == "p9.huge is not in the price table");
}

TEST_CASE("profile: with an instance type a workload needs no modelName") {
  Collector c({});
  c.series({{"__name__", "kube_pod_info"}, {"namespace", "ml"}, {"pod", "p-0"}, {"node", "n1"}});
  c.series({{"__name__", "kube_node_labels"}, {"node", "n1"}, {"label_node_kubernetes_io_instance_type", "g5.xlarge"}});
  for (const char* m : {"DCGM_FI_DEV_FB_USED", "DCGM_FI_DEV_GPU_UTIL"}) {
    c.series({{"__name__", m}, {"namespace", "ml"}, {"pod", "p-0"}, {"UUID", "GPU-1"}});
    c.sample(1733011200, 50);
  }
  auto p = c.finish([](const std::string&) { return std::nullopt; },
                    [](const std::string&, const std::string&) { return std::nullopt; });
  REQUIRE(p);
  REQUIRE(p->workloads.size() == 1);
  CHECK(p->workloads[0].workload.gpuModel.empty());
  CHECK(p->workloads[0].workload.currentType == "g5.xlarge");
  CHECK_FALSE(unknownGpuModel(*p, "f.json"));
}
