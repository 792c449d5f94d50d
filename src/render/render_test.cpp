#include "render/render.h"

#include <doctest/doctest.h>

#include "io/catalog_reader.h"
#include "io/document.h"
#include "io/plan_reader.h"
#include "io/template_loader.h"
#include "support/builtin.h"

using namespace gpuslice;

namespace {

const Catalog& catalog() { return testing::builtinCatalog(); }
const Templates& templates() { return testing::builtinTemplates(); }

Pool pool(std::string name, std::string type, std::string model, Mode mode, int replicas, int nodes, int gpus) {
  Pool p;
  p.name = std::move(name);
  p.instanceType = std::move(type);
  p.gpuModel = std::move(model);
  p.mode = mode;
  p.replicas = replicas;
  p.nodes = nodes;
  p.gpusPerNode = gpus;
  return p;
}

struct Fixture {
  Plan plan;
  WorkloadSet set;
  void add(const std::string& ns, const std::string& name, std::size_t poolIndex, std::string profile = "") {
    Workload w;
    w.name = name;
    w.ns = ns;
    set.workloads.push_back(w);
    Placement pl;
    pl.workload = set.workloads.size() - 1;
    pl.pool = poolIndex;
    pl.profile = std::move(profile);
    plan.placements.push_back(pl);
  }
};

/// A MIG pool on p4d.24xlarge (8 x A100-40GB): GPUs 0-3 one 3g.20gb, one 2g.10gb and one
/// 1g.5gb; GPUs 4-7 seven 1g.5gb.
Pool migPool(MigStrategy strategy) {
  Pool p = pool("p4d-mig", "p4d.24xlarge", "A100", Mode::Mig, 1, 1, 8);
  p.migGpu = "A100-40GB";
  p.migStrategy = strategy;
  for (int g = 0; g < 8; ++g) {
    if (g < 4) {
      p.geometry.push_back({{"1g.5gb", 6}, {"3g.20gb", 0}, {"2g.10gb", 4}});
    } else {
      std::vector<MigSlot> gpu;
      for (int s = 0; s < 7; ++s) gpu.push_back({"1g.5gb", s});
      p.geometry.push_back(gpu);
    }
  }
  return p;
}

RenderOptions options(PartMask parts = kAllParts) {
  RenderOptions o;
  o.cluster = "demo";
  o.nodeRole = "NodeRole";
  o.parts = parts;
  return o;
}

const Manifest* find(const std::vector<Manifest>& ms, const std::string& file) {
  for (const Manifest& m : ms) {
    if (m.file == file) return &m;
  }
  return nullptr;
}

std::string text(const std::vector<Manifest>& ms, const std::string& file) {
  const Manifest* m = find(ms, file);
  REQUIRE_MESSAGE(m, file);
  return toYaml(m->body);
}

std::string error(const Fixture& f, const RenderOptions& o) {
  auto r = render(f.plan, f.set, catalog(), o, templates());
  REQUIRE(!r.ok());
  return r.error().describe();
}

}  // namespace

TEST_CASE("render: MIG mixed pool: mig-parted layout, mig-<profile> resources, overlay capacity") {
  Fixture f;
  f.plan.pools.push_back(migPool(MigStrategy::Mixed));
  f.add("ml", "llm", 0, "3g.20gb");
  f.add("ml", "ocr", 0, "1g.5gb");
  auto r = render(f.plan, f.set, catalog(), options(), templates());
  REQUIRE(r.ok());
  const Value* config = find(*r, "configmap-mig-parted.yaml")->body.at({"data", "config.yaml"});
  REQUIRE(config);
  CHECK(config->text ==
        "version: v1\n"
        "mig-configs:\n"
        "  all-disabled:\n"
        "    - devices: all\n"
        "      mig-enabled: false\n"
        "  p4d-mig:\n"
        "    - devices:\n"
        "        - 0\n"
        "        - 1\n"
        "        - 2\n"
        "        - 3\n"
        "      mig-enabled: true\n"
        "      mig-devices:\n"
        "        3g.20gb: 1\n"
        "        2g.10gb: 1\n"
        "        1g.5gb: 1\n"
        "    - devices:\n"
        "        - 4\n"
        "        - 5\n"
        "        - 6\n"
        "        - 7\n"
        "      mig-enabled: true\n"
        "      mig-devices:\n"
        "        1g.5gb: 7\n");
  const Value* dp = find(*r, "configmap-device-plugin.yaml")->body.at({"data", "mig-mixed"});
  REQUIRE(dp);
  CHECK(dp->text == "version: v1\nflags:\n  migStrategy: mixed\n");
  CHECK(text(*r, "nodeoverlay-p4d-mig.yaml")
            .find("  capacity:\n"
                  "    nvidia.com/mig-1g.5gb: \"32\"\n"
                  "    nvidia.com/mig-2g.10gb: \"4\"\n"
                  "    nvidia.com/mig-3g.20gb: \"4\"\n") != std::string::npos);
  CHECK(text(*r, "patch-ml.llm.yaml").find("requests:\n              nvidia.com/mig-3g.20gb: 1\n") !=
        std::string::npos);
  const std::string pool = text(*r, "nodepool-p4d-mig.yaml");
  CHECK(pool.find("        nvidia.com/device-plugin.config: mig-mixed\n"
                  "        nvidia.com/mig.config: p4d-mig\n") != std::string::npos);
  CHECK(pool.find("    cpu: \"192\"\n") != std::string::npos);  // (1 + 1) nodes x 96 vCPUs
  const std::string values = text(*r, "gpu-operator-values.yaml");
  CHECK(values.find("mig:\n  strategy: mixed\n") != std::string::npos);
  CHECK(values.find("  config:\n    name: gpuslice-mig-parted\n    default: all-disabled\n") != std::string::npos);
}

TEST_CASE("render: MIG single pool requests nvidia.com/gpu; the node counts every instance") {
  Fixture f;
  Pool p = pool("p5-mig", "p5.48xlarge", "H100", Mode::Mig, 1, 1, 8);
  p.migGpu = "H100-80GB";
  p.migStrategy = MigStrategy::Single;
  for (int g = 0; g < 8; ++g) p.geometry.push_back({{"3g.40gb", 0}, {"3g.40gb", 4}});
  f.plan.pools.push_back(p);
  f.add("ml", "llm", 0, "3g.40gb");
  auto r = render(f.plan, f.set, catalog(), options(), templates());
  REQUIRE(r.ok());
  CHECK(text(*r, "nodeoverlay-p5-mig.yaml").find("  capacity:\n    nvidia.com/gpu: \"16\"\n") != std::string::npos);
  CHECK(text(*r, "patch-ml.llm.yaml").find("limits:\n              nvidia.com/gpu: 1\n") != std::string::npos);
  CHECK(text(*r, "gpu-operator-values.yaml").find("mig:\n  strategy: single\n") != std::string::npos);

  SUBCASE("Bottlerocket partitions it at boot: userData, no ConfigMaps, no GPU Operator plugin") {
    RenderOptions o = options();
    o.ami = Ami::Bottlerocket;
    o.sharingVia = SharingVia::Bottlerocket;
    auto b = render(f.plan, f.set, catalog(), o, templates());
    REQUIRE(b.ok());
    CHECK(!find(*b, "configmap-device-plugin.yaml"));
    const Value* userData = find(*b, "ec2nodeclass-p5-mig.yaml")->body.at({"spec", "userData"});
    REQUIRE(userData);
    CHECK(userData->text ==
          "[settings.kubelet-device-plugins.nvidia]\n"
          "device-partitioning-strategy = \"mig\"\n\n"
          "[settings.kubelet-device-plugins.nvidia.mig.profile]\n"
          "\"h100.80gb\" = \"3g.40gb\"\n");
    const std::string values = text(*b, "gpu-operator-values.yaml");
    CHECK(values.find("devicePlugin:\n  enabled: false\n  config: {}\n") != std::string::npos);
    CHECK(text(*b, "nodepool-p5-mig.yaml").find("nvidia.com/") ==
          text(*b, "nodepool-p5-mig.yaml").find("nvidia.com/gpu\n"));
  }
}

TEST_CASE("render: Bottlerocket's MIG manager: one profile per pool, one it knows for that GPU") {
  RenderOptions o = options();
  o.ami = Ami::Bottlerocket;
  o.sharingVia = SharingVia::Bottlerocket;
  Fixture f;
  f.plan.pools.push_back(migPool(MigStrategy::Mixed));
  f.add("ml", "llm", 0, "3g.20gb");
  CHECK(error(f, o) ==
        "--sharing-via: pool p4d-mig: Bottlerocket gives every GPU one MIG profile, but the pool's layout is a mix of "
        "profiles; use --sharing-via gpu-operator");
  // One profile each time: 2g.10gb is Bottlerocket's; 1g.5gb+me (media extensions) is not, and
  // it would give the whole GPU instead.
  for (auto [profileName, want] : std::vector<std::pair<std::string, std::string>>{
           {"2g.10gb", ""},
           {"1g.5gb+me",
            "--sharing-via: pool p4d-mig: Bottlerocket's MIG manager knows only 1g.5gb, 1g.10gb, 2g.10gb, 3g.20gb, "
            "7g.40gb on the A100-40GB (it would turn 1g.5gb+me into the whole GPU); use --sharing-via gpu-operator"}}) {
    const std::string& profile = profileName;  // clang 14's CAPTURE cannot take a structured binding
    CAPTURE(profile);
    Fixture g;
    Pool p = migPool(MigStrategy::Single);
    for (auto& gpu : p.geometry) gpu = {{profile, 0}};
    g.plan.pools.push_back(p);
    g.add("ml", "llm", 0, profile);
    if (!want.empty()) {
      CHECK(error(g, o) == want);
      continue;
    }
    auto r = render(g.plan, g.set, catalog(), o, templates());
    REQUIRE(r.ok());
    CHECK(text(*r, "ec2nodeclass-p4d-mig.yaml")
              .find("[settings.kubelet-device-plugins.nvidia.mig.profile]\n"
                    "    \"a100.40gb\" = \"2g.10gb\"\n") != std::string::npos);
  }
}

TEST_CASE("render: Bottlerocket with the GPU Operator turns Bottlerocket's device plugin off") {
  Fixture f;
  f.plan.pools.push_back(pool("g5-ts4", "g5.xlarge", "A10G", Mode::TimeSlicing, 4, 1, 1));
  f.add("ml", "chat", 0);
  RenderOptions o = options();
  o.ami = Ami::Bottlerocket;
  auto r = render(f.plan, f.set, catalog(), o, templates());
  REQUIRE(r.ok());
  CHECK(text(*r, "ec2nodeclass-gpuslice.yaml")
            .find("  userData: |\n"
                  "    # The GPU Operator's device plugin advertises the GPUs: "
                  "Bottlerocket's own stays off.\n"
                  "    [settings.kubelet-device-plugins.nvidia]\n"
                  "    enabled = false\n") != std::string::npos);
  o.ami = Ami::Al2023;
  auto al = render(f.plan, f.set, catalog(), o, templates());
  REQUIRE(al.ok());
  CHECK(text(*al, "ec2nodeclass-gpuslice.yaml").find("userData") == std::string::npos);
}

TEST_CASE("render: MPS is never rendered with a mixed MIG strategy") {
  Fixture f;
  f.plan.pools.push_back(pool("g5-mps4", "g5.xlarge", "A10G", Mode::Mps, 4, 1, 1));
  f.plan.pools.push_back(migPool(MigStrategy::Mixed));
  f.add("ml", "chat", 0);
  f.add("ml", "llm", 1, "3g.20gb");
  CHECK(error(f, options()) ==
        "MIG pool p4d-mig needs mig.strategy mixed, which the GPU Operator passes to every node's device plugin, and "
        "the device plugin refuses MPS with the mixed strategy; re-plan without MPS or without that MIG pool");
}

TEST_CASE("render: the device plugin's replica rules") {
  Fixture f;
  SUBCASE("time-slicing needs two replicas") {
    f.plan.pools.push_back(pool("g5-ts1", "g5.xlarge", "A10G", Mode::TimeSlicing, 1, 1, 1));
    f.add("ml", "chat", 0);
    CHECK(error(f, options()) ==
          "pools.g5-ts1: time-slicing needs replicas >= 2 (the device plugin rejects fewer), got 1");
  }
  SUBCASE("MPS within the GPU's client limit (16 on V100)") {
    f.plan.pools.push_back(pool("p3dn-mps20", "p3dn.24xlarge", "V100", Mode::Mps, 20, 1, 8));
    f.add("ml", "chat", 0);
    CHECK(error(f, options()) == "pools.p3dn-mps20: mps allows at most 16 replicas per V100 GPU, got 20");
  }
}

TEST_CASE("render: a pool on a retired instance type is refused, with the reason") {
  Fixture f;
  f.plan.pools.push_back(pool("g5-ts4", "g5.xlarge", "A10G", Mode::TimeSlicing, 4, 1, 1));
  f.plan.pools.push_back(pool("p3-2xlarge-mps4", "p3.2xlarge", "V100", Mode::Mps, 4, 1, 1));
  f.add("ml", "chat", 0);
  f.add("ml", "embed", 1);
  auto r = render(f.plan, f.set, catalog(), options(), templates());
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::BadInput);
  CHECK(r.error().describe() ==
        "pools.p3-2xlarge-mps4: p3.2xlarge is retired (AWS retired the P3 family (its migration deadline was "
        "2025-12-20); EC2 no longer describes it (Karpenter PR #9204 of 2026-05-29, gpuhunt PR #233 of 2026-05-25), "
        "and neither eks-ami's instance-info.jsonl of 2026-07-23 nor Karpenter's instance-types reference of "
        "2026-08-21 lists it): EC2 no longer offers it, so these nodes cannot be launched; plan again without "
        "--allow-retired");
  f.plan.pools[1].instanceType = "p3dn.24xlarge";  // current: renders
  f.plan.pools[1].gpusPerNode = 8;
  CHECK(render(f.plan, f.set, catalog(), options(), templates()).ok());
}

TEST_CASE("render: renameByDefault renames the resource everywhere it appears") {
  Fixture f;
  f.plan.pools.push_back(pool("g5-ts4", "g5.xlarge", "A10G", Mode::TimeSlicing, 4, 1, 1));
  f.add("ml", "chat", 0);
  RenderOptions o = options();
  o.renameByDefault = true;
  auto r = render(f.plan, f.set, catalog(), o, templates());
  REQUIRE(r.ok());
  CHECK(find(*r, "configmap-device-plugin.yaml")->body.at({"data", "time-slicing-4"})->text ==
        "version: v1\n"
        "flags:\n"
        "  migStrategy: none\n"
        "sharing:\n"
        "  timeSlicing:\n"
        "    renameByDefault: true\n"
        "    failRequestsGreaterThanOne: true\n"
        "    resources:\n"
        "      - name: nvidia.com/gpu\n"
        "        replicas: 4\n");
  CHECK(text(*r, "nodeoverlay-g5-ts4.yaml").find("nvidia.com/gpu.shared: \"4\"") != std::string::npos);
  CHECK(text(*r, "patch-ml.chat.yaml").find("nvidia.com/gpu.shared: 1") != std::string::npos);
}

TEST_CASE("render: no input string can change a document's structure") {
  Fixture f;
  f.plan.pools.push_back(pool("g5-ts4", "g5.xlarge", "A10G", Mode::TimeSlicing, 4, 1, 1));
  f.add("ml", "chat", 0);
  RenderOptions o = options(bit(Part::Karpenter));
  o.cluster = "demo\n  evil: true\n- x";
  o.nodeRole = "role: {a: b} # c";
  auto r = render(f.plan, f.set, catalog(), o, templates());
  REQUIRE(r.ok());
  const Manifest* nc = find(*r, "ec2nodeclass-gpuslice.yaml");
  REQUIRE(nc);
  auto back = io::parseYaml(toYaml(nc->body), "back.yaml");
  REQUIRE(back.ok());
  const io::Node* spec = back->find("spec");
  REQUIRE(spec);
  CHECK(spec->find("role")->text == o.nodeRole);
  CHECK(spec->find("subnetSelectorTerms")->items[0].find("tags")->find("karpenter.sh/discovery")->text == o.cluster);
  CHECK(!spec->find("evil"));
}

TEST_CASE("render: --only, order and determinism") {
  Fixture f;
  f.plan.pools.push_back(pool("g5-ts4", "g5.xlarge", "A10G", Mode::TimeSlicing, 4, 1, 1));
  f.plan.pools.push_back(pool("p3-dedicated", "p3dn.24xlarge", "V100", Mode::Dedicated, 1, 2, 8));
  f.add("ml", "zeta", 0);
  f.add("a", "alpha", 1);
  auto files = [&](PartMask parts) {
    auto r = render(f.plan, f.set, catalog(), options(parts), templates());
    REQUIRE(r.ok());
    std::string out;
    for (const Manifest& m : *r) out += m.file + " ";
    return out;
  };
  CHECK(files(kAllParts) ==
        "configmap-device-plugin.yaml ec2nodeclass-gpuslice.yaml nodepool-g5-ts4.yaml nodepool-p3-dedicated.yaml "
        "nodeoverlay-g5-ts4.yaml gpu-operator-values.yaml patch-a.alpha.yaml patch-ml.zeta.yaml ");
  CHECK(files(bit(Part::Patches)) == "patch-a.alpha.yaml patch-ml.zeta.yaml ");
  CHECK(files(bit(Part::HelmValues) | bit(Part::ConfigMaps)) ==
        "configmap-device-plugin.yaml gpu-operator-values.yaml ");
  auto a = render(f.plan, f.set, catalog(), options(), templates());
  auto b = render(f.plan, f.set, catalog(), options(), templates());
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  REQUIRE(a->size() == b->size());
  for (std::size_t i = 0; i < a->size(); ++i) CHECK(manifestText((*a)[i]) == manifestText((*b)[i]));
  SUBCASE("the Karpenter objects need --cluster and --node-role") {
    RenderOptions o = options();
    o.cluster.clear();
    CHECK(error(f, o) ==
          "--cluster: the Karpenter manifests need --cluster NAME (subnet and security-group discovery tag) and "
          "--node-role NAME (the nodes' IAM role); or leave them out with --only");
  }
}

TEST_CASE("render: a saved plan's errors name its file, line and field") {
  auto read = [](const std::string& text) {
    auto r = io::readPlan(text, "plan.json", catalog());
    return r.ok() ? std::string("ok") : r.error().describe();
  };
  const std::string head = R"({"apiVersion": "gpuslice.dev/v1alpha1", "kind": "Plan",
"plan": {"capacity": "on-demand", "pools": [
)";
  const std::string tail = R"(]}, "workloads": [{"name": "a", "namespace": "ml", "replicas": 2, "pool": "p"}]})";
  const std::string pool =
      R"({"name": "p", "instanceType": "g5.xlarge", "gpuModel": "A10G", "mode": "time-slicing", "replicas": 2, "nodes": 1, "gpusPerNode": 1, "pods": 2})";
  CHECK(read(head + pool + tail) == "ok");
  std::string one = pool;
  one.replace(one.find("\"replicas\": 2"), 13, "\"replicas\": 1");
  CHECK(read(head + one + tail) ==
        "plan.json:3: plan.pools[0].replicas: time-slicing needs replicas >= 2 (the device plugin rejects "
        "fewer), got 1");
  std::string type = pool;
  type.replace(type.find("g5.xlarge"), 9, "g9.huge");
  CHECK(read(head + type + tail) ==
        "plan.json:3: plan.pools[0].instanceType: g9.huge is not in the price table "
        "<built-in>/pricing/aws-us-east-1.yaml (pass the plan's --pricing)");
  std::string orphan = tail;
  orphan.replace(orphan.find("\"pool\": \"p\""), 11, "\"pool\": \"q\"");
  CHECK(read(head + pool + orphan) == "plan.json:3: workloads[0].pool: no pool q in plan.pools");
  CHECK(
      read(R"({"apiVersion": "v1", "kind": "Plan"})") ==
      "plan.json:1: apiVersion: must be gpuslice.dev/v1alpha1: this file is not a plan of gpuslice plan --format json");
}

TEST_CASE("render: minNodes labels the pods and spreads them over hostnames") {
  Fixture f;
  f.plan.pools.push_back(pool("g5-ts4", "g5.xlarge", "A10G", Mode::TimeSlicing, 4, 3, 1));
  f.add("ml", "chat", 0);
  f.add("ml", "solo", 0);
  f.set.workloads[0].replicas = 5;
  f.plan.placements[0].minNodes = 3;
  auto r = render(f.plan, f.set, catalog(), options(bit(Part::Patches)), templates());
  REQUIRE(r.ok());
  // 5 pods over at least 3 nodes: at most ceil(5 / 3) = 2 on a node.
  CHECK(text(*r, "patch-ml.chat.yaml") ==
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata:\n"
        "  name: chat\n"
        "  namespace: ml\n"
        "spec:\n"
        "  template:\n"
        "    metadata:\n"
        "      labels:\n"
        "        gpuslice.io/workload: chat\n"
        "    spec:\n"
        "      nodeSelector:\n"
        "        karpenter.sh/nodepool: g5-ts4\n"
        "        node.kubernetes.io/instance-type: null\n"
        "        beta.kubernetes.io/instance-type: null\n"
        "        nvidia.com/gpu.product: null\n"
        "      tolerations:\n"
        "        - key: nvidia.com/gpu\n"
        "          operator: Exists\n"
        "          effect: NoSchedule\n"
        "      topologySpreadConstraints:\n"
        "        - maxSkew: 1\n"
        "          minDomains: 3\n"
        "          topologyKey: kubernetes.io/hostname\n"
        "          whenUnsatisfiable: DoNotSchedule\n"
        "          labelSelector:\n"
        "            matchLabels:\n"
        "              gpuslice.io/workload: chat\n"
        "      containers:\n"
        "        - name: chat\n"
        "          resources:\n"
        "            requests:\n"
        "              nvidia.com/gpu: 1\n"
        "            limits:\n"
        "              nvidia.com/gpu: 1\n");
  const std::vector<std::string>& comments = find(*r, "patch-ml.chat.yaml")->comments;
  REQUIRE(comments.size() >= 2);
  CHECK(comments[comments.size() - 2] == "Spread over at least 3 nodes: at most 2 of its pods on a node, by the label");
  CHECK(comments.back() == "gpuslice.io/workload it puts on them.");
  // A workload that is not spread gets neither.
  const std::string solo = text(*r, "patch-ml.solo.yaml");
  CHECK(solo.find("gpuslice.io/workload") == std::string::npos);
  CHECK(solo.find("topologySpreadConstraints") == std::string::npos);
  CHECK(solo.find("metadata:\n    labels") == std::string::npos);
}

TEST_CASE("render: NodePool limits leave room for maxReplicas plus one spare node") {
  Fixture f;
  f.plan.pools.push_back(pool("g5-ts4", "g5.xlarge", "A10G", Mode::TimeSlicing, 4, 1, 1));
  f.add("ml", "chat", 0);
  auto cpuLimit = [&] {
    auto r = render(f.plan, f.set, catalog(), options(bit(Part::Karpenter)), templates());
    REQUIRE(r.ok());
    return find(*r, "nodepool-g5-ts4.yaml")->body.at({"spec", "limits", "cpu"})->text;
  };
  CHECK(cpuLimit() == "8");  // (1 + 1) x 4 vCPUs of a g5.xlarge
  f.plan.pools[0].nodesAtMaxReplicas = 3;
  CHECK(cpuLimit() == "16");  // (3 + 1) x 4
}
