#include <doctest/doctest.h>

#include "io/catalog_reader.h"
#include "io/template_loader.h"
#include "render/render.h"
#include "support/builtin.h"

using namespace gpuslice;

namespace {

const Catalog& catalog() { return testing::builtinCatalog(); }
const Templates& templates() { return testing::builtinTemplates(); }

/// A plan of one pool per (name, type, model, mode, replicas), one node and one workload each.
struct Fixture {
  Plan plan;
  WorkloadSet set;
  void add(const std::string& name, const std::string& type, const std::string& model, Mode mode, int replicas) {
    Pool p;
    p.name = name;
    p.instanceType = type;
    p.gpuModel = model;
    p.mode = mode;
    p.replicas = replicas;
    p.nodes = 1;
    p.gpusPerNode = 1;
    plan.pools.push_back(p);
    Workload w;
    w.name = "w-" + name;
    w.ns = "ml";
    set.workloads.push_back(w);
    Placement pl;
    pl.workload = set.workloads.size() - 1;
    pl.pool = plan.pools.size() - 1;
    plan.placements.push_back(pl);
  }
};

RenderOptions options() {
  RenderOptions o;
  o.cluster = "demo";
  o.nodeRole = "NodeRole";
  o.parts = bit(Part::Karpenter);
  return o;
}

std::string text(const std::vector<Manifest>& ms, const std::string& file) {
  for (const Manifest& m : ms) {
    if (m.file == file) return manifestText(m);
  }
  FAIL("no manifest ", file);
  return "";
}

std::string selectorError(std::string_view text) {
  auto r = parseAmiSelector(text);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::Usage);
  return r.error().describe();
}

}  // namespace

TEST_CASE("drivers: the built-in table's figures and where they come from") {
  const GpuModel* g7 = catalog().findGpu("RTX PRO 4500 Blackwell");
  REQUIRE(g7);
  REQUIRE(g7->minDriver);
  CHECK(g7->minDriver->branch == 595);
  CHECK(g7->minDriver->observed);
  CHECK_FALSE(catalog().findGpu("L4")->minDriver);
  const AmiImage* al = catalog().findAmi("al2023");
  REQUIRE(al);
  CHECK(al->alias == "al2023@latest");
  CHECK(al->driver.branch == 580);
  CHECK(al->release == "v20260714");
  CHECK(al->driver.observed);
  const AmiImage* br = catalog().findAmi("bottlerocket");
  REQUIRE(br);
  CHECK(br->driver.branch == 580);
  CHECK_FALSE(br->driver.observed);
}

TEST_CASE("drivers: a fractional type's share of a GPU, as people say it") {
  CHECK(catalog().findType("g6f.large")->fractionText() == "1/8 of an L4");
  CHECK(catalog().findType("g6f.2xlarge")->fractionText() == "1/4 of an L4");
  CHECK(catalog().findType("gr6f.4xlarge")->fractionText() == "1/2 of an L4");
  InstanceType t;
  t.gpuModel = "T4";
  t.gpuCount = 0.5;
  CHECK(t.fractionText() == "1/2 of a T4");
}

TEST_CASE("render: a pool whose GPU the AMI's driver cannot drive is refused, one error per pool") {
  Fixture f;
  f.add("g5-ts4", "g5.xlarge", "A10G", Mode::TimeSlicing, 4);
  f.add("g7-2xlarge", "g7.2xlarge", "RTX PRO 4500 Blackwell", Mode::Dedicated, 1);
  f.add("g7-4xlarge-ts2", "g7.4xlarge", "RTX PRO 4500 Blackwell", Mode::TimeSlicing, 2);
  f.add("g7e-2xlarge", "g7e.2xlarge", "RTX PRO 6000 Blackwell Server", Mode::Dedicated, 1);
  RenderOptions o = options();
  auto r = render(f.plan, f.set, catalog(), o, templates());
  REQUIRE_FALSE(r.ok());
  REQUIRE(r.errors().size() == 2);
  CHECK(r.error().kind == ErrorKind::BadInput);
  CHECK(r.errors()[0].describe() ==
        "pools.g7-2xlarge: its RTX PRO 4500 Blackwell GPUs (g7.2xlarge) need NVIDIA driver 595 or later, but "
        "--ami al2023 (al2023@latest, v20260714) ships 580; build an AMI with driver 595 or later and give it with "
        "--ami-selector (id=ami-..., name=PATTERN or tag:KEY=VALUE)");
  CHECK(r.errors()[1].field == "pools.g7-4xlarge-ts2");
  o.ami = Ami::Bottlerocket;
  auto b = render(f.plan, f.set, catalog(), o, templates());
  REQUIRE_FALSE(b.ok());
  CHECK(b.errors()[0].describe() ==
        "pools.g7-2xlarge: its RTX PRO 4500 Blackwell GPUs (g7.2xlarge) need NVIDIA driver 595 or later, but "
        "--ami bottlerocket (bottlerocket@latest, v1.53.0) ships 580 (assumed); build an AMI with driver 595 or "
        "later and give it with --ami-selector (id=ami-..., name=PATTERN or tag:KEY=VALUE)");
  // Without the Karpenter objects there is no node image to check.
  o.parts = bit(Part::ConfigMaps);
  CHECK(render(f.plan, f.set, catalog(), o, templates()).ok());
}

TEST_CASE("render: --ami-selector puts the user's image in place of the alias, with amiFamily") {
  Fixture f;
  f.add("g7-2xlarge", "g7.2xlarge", "RTX PRO 4500 Blackwell", Mode::Dedicated, 1);
  RenderOptions o = options();
  for (const char* s : {"id=ami-0123abcd", "name=my-g7-ami-*", "tag:team=ml"}) {
    auto t = parseAmiSelector(s);
    REQUIRE(t.ok());
    o.amiSelector.push_back(*t);
  }
  auto r = render(f.plan, f.set, catalog(), o, templates());
  REQUIRE(r.ok());
  const std::string nodeClass = text(*r, "ec2nodeclass-gpuslice.yaml");
  CHECK(nodeClass.find("# amiSelectorTerms: your own image (--ami-selector), not al2023@latest; amiFamily AL2023 "
                       "sets up\n"
                       "# its nodes as Karpenter does for that family.\n"
                       "# The image must carry NVIDIA driver 595 or later: pool g7-2xlarge's RTX PRO 4500 Blackwell "
                       "needs it.\n") == 0);
  CHECK(nodeClass.find("  role: NodeRole\n  amiFamily: AL2023\n") != std::string::npos);
  CHECK(nodeClass.find("  amiSelectorTerms:\n"
                       "    - id: ami-0123abcd\n"
                       "    - name: \"my-g7-ami-*\"\n"
                       "    - tags:\n"
                       "        team: ml\n") != std::string::npos);
  CHECK(nodeClass.find("alias") == std::string::npos);
  o.ami = Ami::Bottlerocket;
  auto b = render(f.plan, f.set, catalog(), o, templates());
  REQUIRE(b.ok());
  CHECK(text(*b, "ec2nodeclass-gpuslice.yaml").find("  amiFamily: Bottlerocket\n") != std::string::npos);
}

TEST_CASE("render: without --ami-selector, the family's alias and no amiFamily") {
  Fixture f;
  f.add("g5-ts4", "g5.xlarge", "A10G", Mode::TimeSlicing, 4);
  auto r = render(f.plan, f.set, catalog(), options(), templates());
  REQUIRE(r.ok());
  const std::string nodeClass = text(*r, "ec2nodeclass-gpuslice.yaml");
  CHECK(nodeClass.find("  amiSelectorTerms:\n    - alias: al2023@latest\n") != std::string::npos);
  CHECK(nodeClass.find("amiFamily") == std::string::npos);
}

TEST_CASE("render: --ami-selector values") {
  auto id = parseAmiSelector("id=ami-0abc123");
  REQUIRE(id.ok());
  CHECK(id->by == AmiSelectorTerm::By::Id);
  CHECK(id->value == "ami-0abc123");
  auto tag = parseAmiSelector("tag:gpuslice/driver=595=ok");
  REQUIRE(tag.ok());
  CHECK(tag->by == AmiSelectorTerm::By::Tag);
  CHECK(tag->key == "gpuslice/driver");
  CHECK(tag->value == "595=ok");
  CHECK(selectorError("ami-0abc123") ==
        "--ami-selector: \"ami-0abc123\": no '=' (the forms: id=ami-..., name=PATTERN or tag:KEY=VALUE)");
  CHECK(selectorError("id=0abc123") ==
        "--ami-selector: \"id=0abc123\": an id is ami- and lower-case letters and digits (the forms: id=ami-..., "
        "name=PATTERN or tag:KEY=VALUE)");
  CHECK(selectorError("id=ami-0ABC") ==
        "--ami-selector: \"id=ami-0ABC\": an id is ami- and lower-case letters and digits (the forms: id=ami-..., "
        "name=PATTERN or tag:KEY=VALUE)");
  CHECK(selectorError("name=") ==
        "--ami-selector: \"name=\": the value after '=' is empty (the forms: id=ami-..., name=PATTERN or "
        "tag:KEY=VALUE)");
  CHECK(selectorError("tag:=x") ==
        "--ami-selector: \"tag:=x\": the tag's key is empty (the forms: id=ami-..., name=PATTERN or tag:KEY=VALUE)");
  CHECK(selectorError("owner=self") ==
        "--ami-selector: \"owner=self\": unknown selector \"owner\" (the forms: id=ami-..., name=PATTERN or "
        "tag:KEY=VALUE)");
}

TEST_CASE("render: a pool on a fractional type gets a NodeOverlay giving its GPU") {
  Fixture f;
  f.add("g6f-large", "g6f.large", "L4", Mode::Dedicated, 1);
  f.add("g5-xlarge", "g5.xlarge", "A10G", Mode::Dedicated, 1);
  auto r = render(f.plan, f.set, catalog(), options(), templates());
  REQUIRE(r.ok());
  CHECK(text(*r, "nodeoverlay-g6f-large.yaml") ==
        "# NodeOverlay of pool g6f-large: a node offers 1 nvidia.com/gpu.\n"
        "# Karpenter's scheduling simulation then launches the nodes the plan counts; without it Karpenter\n"
        "# finds no nvidia.com/gpu on a g6f.large (EC2 reports 0 GPUs for its 1/8 of an L4) and launches none.\n"
        "# Alpha (karpenter.sh/v1alpha1): Karpenter reads it only with the feature gate NodeOverlay=true\n"
        "# (Helm: --set settings.featureGates.nodeOverlay=true).\n"
        "apiVersion: karpenter.sh/v1alpha1\n"
        "kind: NodeOverlay\n"
        "metadata:\n"
        "  name: g6f-large\n"
        "  labels:\n"
        "    app.kubernetes.io/managed-by: gpuslice\n"
        "spec:\n"
        "  requirements:\n"
        "    - key: karpenter.sh/nodepool\n"
        "      operator: In\n"
        "      values:\n"
        "        - g6f-large\n"
        "    - key: node.kubernetes.io/instance-type\n"
        "      operator: In\n"
        "      values:\n"
        "        - g6f.large\n"
        "  capacity:\n"
        "    nvidia.com/gpu: \"1\"\n");
  for (const Manifest& m : *r) CHECK(m.file != "nodeoverlay-g5-xlarge.yaml");  // a whole GPU: EC2 counts it
}

TEST_CASE("render: an image newer than a family's last driver branch is refused for its pools") {
  // The built-in images ship 580, which every family drives; an image family shipping 595 (as
  // AL2023's may one day) would leave p3dn's V100s and g6f's L4 slices without a driver.
  Catalog newer = catalog();
  for (AmiImage& a : newer.amis) a.driver.branch = 595;
  REQUIRE(newer.driverCeilingOf("g6f.large"));
  CHECK(newer.driverCeilingOf("g6f.large")->maxBranch.branch == 580);
  CHECK(newer.driverCeilingOf("p3dn.24xlarge")->maxBranch.observed);
  CHECK_FALSE(newer.driverCeilingOf("gr6f.4xlarge")->maxBranch.observed);
  Fixture f;
  f.add("g5-ts4", "g5.xlarge", "A10G", Mode::TimeSlicing, 4);
  f.add("g6f-large", "g6f.large", "L4", Mode::Dedicated, 1);
  f.add("gr6f-4xlarge", "gr6f.4xlarge", "L4", Mode::Dedicated, 1);
  auto r = render(f.plan, f.set, newer, options(), templates());
  REQUIRE_FALSE(r.ok());
  REQUIRE(r.errors().size() == 2);
  CHECK(r.errors()[0].describe() ==
        "pools.g6f-large: its g6f.large nodes run NVIDIA driver 580 or older, but --ami al2023 (al2023@latest, "
        "v20260714) ships 595; give an image with driver 580 with --ami-selector (id=ami-..., name=PATTERN or "
        "tag:KEY=VALUE)");
  CHECK(r.errors()[1].describe() ==
        "pools.gr6f-4xlarge: its gr6f.4xlarge nodes run NVIDIA driver 580 (assumed) or older, but --ami al2023 "
        "(al2023@latest, v20260714) ships 595; give an image with driver 580 with --ami-selector (id=ami-..., "
        "name=PATTERN or tag:KEY=VALUE)");
  CHECK(render(f.plan, f.set, catalog(), options(), templates()).ok());
}

TEST_CASE("render: one --ami-selector image must drive every pool") {
  Fixture f;
  f.add("g7-2xlarge", "g7.2xlarge", "RTX PRO 4500 Blackwell", Mode::Dedicated, 1);
  f.add("p3dn", "p3dn.24xlarge", "V100", Mode::Dedicated, 1);
  RenderOptions o = options();
  o.amiSelector = {AmiSelectorTerm{AmiSelectorTerm::By::Name, "", "my-595-*"}};
  auto r = render(f.plan, f.set, catalog(), o, templates());
  REQUIRE_FALSE(r.ok());
  REQUIRE(r.errors().size() == 1);
  CHECK(r.error().describe() ==
        "--ami-selector: no one image drives every pool: pool g7-2xlarge's RTX PRO 4500 Blackwell GPUs "
        "(g7.2xlarge) need NVIDIA driver 595 or later, but pool p3dn's p3dn.24xlarge runs driver 580 or older, and "
        "--ami-selector gives every EC2NodeClass the same images; plan and render those workloads in separate runs");
}
