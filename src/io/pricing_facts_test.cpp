#include "io/pricing_facts.h"

#include <doctest/doctest.h>

#include <string>

#include "io/catalog_reader.h"
#include "io/files.h"
#include "io/pricing_import.h"
#include "model/node_capacity.h"
#include "support/builtin.h"

using namespace gpuslice;
using namespace gpuslice::io;

namespace {

std::string data(const std::string& name) {
  auto text = readFile(std::string(GPUSLICE_TEST_DATA_DIR) + "/aws/" + name);
  REQUIRE(text.ok());
  return *text;
}

/// The inputs read as `pricing import offer-eu-west-1.json page1 page2` reads them.
std::vector<PricingInput> inputs(const std::string& page1, const std::string& page2) {
  const Catalog& catalog = testing::builtinCatalog();
  auto offer = readPricingBytes(data("offer-eu-west-1.json"), PricingFormat::OfferJson, "offer.json", catalog);
  REQUIRE(offer.ok());
  auto one = readPricingBytes(page1, PricingFormat::InstanceTypes, "page1.json", catalog);
  REQUIRE(one.ok());
  auto two = readPricingBytes(page2, PricingFormat::InstanceTypes, "page2.json", catalog);
  REQUIRE(two.ok());
  return {*offer, *one, *two};
}

std::string row(const std::string& yaml, const std::string& type) {
  const std::string start = "  - {name: " + type + ",";
  const std::size_t at = yaml.find(start);
  if (at == std::string::npos) return "(none)";
  return yaml.substr(at + 4, yaml.find('\n', at) - at - 4);
}

/// The error of one page of describe-instance-types holding `types`, or "ok".
std::string errorOf(const std::string& types) {
  auto f = readInstanceTypes("{\"InstanceTypes\": [" + types + "]}", "t.json", testing::builtinCatalog());
  return f ? std::string("ok") : f.error().describe();
}

/// A g5.xlarge entry with `replace` replaced by `with`.
std::string g5(const std::string& replace = "", const std::string& with = "") {
  std::string s =
      R"({"InstanceType": "g5.xlarge", "VCpuInfo": {"DefaultVCpus": 4}, "MemoryInfo": {"SizeInMiB": 16384},
"ProcessorInfo": {"SupportedArchitectures": ["x86_64"]},
"GpuInfo": {"Gpus": [{"Name": "A10G", "Manufacturer": "NVIDIA", "Count": 1, "MemoryInfo": {"SizeInMiB": 22888}}]},
"NetworkInfo": {"MaximumNetworkInterfaces": 4, "Ipv4AddressesPerInterface": 15}})";
  if (!replace.empty()) {
    const std::size_t at = s.find(replace);
    REQUIRE(at != std::string::npos);
    s.replace(at, replace.size(), with);
  }
  return s;
}

}  // namespace

TEST_CASE("facts: describe-instance-types pages, NVIDIA types the catalog knows") {
  auto f = readInstanceTypes(data("instance-types-eu-west-1-page2.json"), "p2.json", testing::builtinCatalog());
  REQUIRE(f.ok());
  CHECK(f->types.size() == 4);  // g5.xlarge, g5g.xlarge, g6.xlarge, p4d.24xlarge
  CHECK(f->otherGpuTypes == std::vector<std::string>{"g3s.xlarge"});
  const TypeFacts& p4d = f->types.at("p4d.24xlarge");
  CHECK(p4d.gpuName == "A100");
  CHECK(p4d.gpuModel == "A100");
  CHECK(p4d.gpuCount == 8);
  CHECK(p4d.gpuMemoryMiB == 40960);
  CHECK(p4d.vcpu == 96);
  CHECK(p4d.memoryMiB == 1179648);
  CHECK(p4d.arch == Arch::Amd64);
  // Four cards of 15 interfaces (MaximumNetworkInterfaces 60): EKS counts the default card's.
  REQUIRE(p4d.eni);
  CHECK(p4d.eni->interfaces == 15);
  CHECK(p4d.eni->ipv4PerInterface == 50);
  // "T4g" picks the GPU table's T4G (names compare without regard to case).
  CHECK(f->types.at("g5g.xlarge").gpuModel == "T4G");
  CHECK(f->types.at("g5g.xlarge").arch == Arch::Arm64);
  auto first = readInstanceTypes(data("instance-types-eu-west-1-page1.json"), "p1.json", testing::builtinCatalog());
  REQUIRE(first.ok());
  CHECK(first->types.size() == 3);  // the AMD g4ad.xlarge and the GPU-less m5.large are skipped
  CHECK(first->otherGpuTypes.empty());
}

TEST_CASE("facts: max pods from the ENI limits, as EKS computes them") {
  const auto f = readInstanceTypes(data("instance-types-eu-west-1-page1.json"), "p1.json", testing::builtinCatalog());
  REQUIRE(f.ok());
  const auto pods = [&](const std::string& type) {
    InstanceType t;
    t.eni = f->types.at(type).eni;
    return nodeMaxPods(t, std::nullopt);
  };
  CHECK(pods("g4dn.xlarge") == 29);  // 3 x (10 - 1) + 2
  CHECK(pods("g4dn.metal") == 737);  // 15 x (50 - 1) + 2
}

TEST_CASE("facts: the EC2 memory figure picks the GPU table's variant to 0.01 GiB") {
  const Catalog& c = testing::builtinCatalog();
  const GpuModel* a10g = c.findGpu("A10G");
  REQUIRE(a10g);
  CHECK(ec2MemoryVariant(*a10g, 22888) == &a10g->memory[0]);  // 22.3516 GiB
  CHECK(ec2MemoryVariant(*a10g, 22886) == &a10g->memory[0]);  // 22.3496 GiB
  CHECK(ec2MemoryVariant(*a10g, 22896) == nullptr);           // 22.3594 GiB
  const GpuModel* a100 = c.findGpu("A100");
  REQUIRE(a100);
  CHECK(ec2MemoryVariant(*a100, 81920) == &a100->memory[1]);
  CHECK(ec2MemoryVariant(*a100, 40960) == &a100->memory[0]);
}

TEST_CASE("facts: override the offer's and the built-in catalog's, each row saying where they came from") {
  auto yaml =
      priceTableYaml(inputs(data("instance-types-eu-west-1-page1.json"), data("instance-types-eu-west-1-page2.json")),
                     testing::builtinCatalog());
  REQUIRE(yaml.ok());
  CHECK(row(*yaml, "p4d.24xlarge") ==
        "{name: p4d.24xlarge, gpu: {model: A100, count: 8, memoryGiB: 40}, vcpu: 96, memoryGiB: 1152, arch: amd64, "
        "onDemand: 24.4662, reserved1y: 15.413706, reserved3y: 10.520466, eni: {interfaces: 15, ipv4PerInterface: "
        "50}}  # from describe-instance-types: gpu.model, gpu.count, gpu.memoryGiB, vcpu, memoryGiB, arch, eni");
  // 22888 MiB is written as the GPU table's 22.35, so that the planner finds NVML's figure.
  CHECK(row(*yaml, "g5.xlarge")
            .starts_with("{name: g5.xlarge, gpu: {model: A10G, count: 1, memoryGiB: 22.35}, vcpu: 4, memoryGiB: 16, "
                         "arch: amd64,"));
  CHECK(yaml->find("  source: \"AWS Price List offer file (AmazonEC2): offer.json; EC2 describe-instance-types: "
                   "page1.json; EC2 describe-instance-types: page2.json\"\n") != std::string::npos);
  CHECK(yaml->find("# NVIDIA GPU instance types describe-instance-types describes that the built-in catalog does not "
                   "know (left out): g3s.xlarge\n") != std::string::npos);
  // A fact that differs from the built-in catalog's wins, and the table reads back with it.
  std::string page1 = data("instance-types-eu-west-1-page1.json");
  const std::string from = "\"DefaultVCpus\": 4,";
  page1.replace(page1.find(from), from.size(), "\"DefaultVCpus\": 6,");  // g4dn.xlarge, the first entry
  auto changed = priceTableYaml(inputs(page1, data("instance-types-eu-west-1-page2.json")), testing::builtinCatalog());
  REQUIRE(changed.ok());
  auto c = readPriceTable(*changed, "t.yaml", testing::builtinCatalog());
  REQUIRE(c.ok());
  CHECK(c->findType("g4dn.xlarge")->vcpu == 6);
  CHECK(c->findType("g4dn.xlarge")->eniOrigin == FactOrigin::Table);
  CHECK(c->findType("g4dn.metal")->eni->interfaces == 15);
}

TEST_CASE("facts: a type the pages do not describe keeps the offer's and the built-in catalog's facts") {
  // Page 2 alone: the g4dn types are not described.
  const Catalog& catalog = testing::builtinCatalog();
  auto offer = readPricingBytes(data("offer-eu-west-1.json"), PricingFormat::OfferJson, "offer.json", catalog);
  auto two =
      readPricingBytes(data("instance-types-eu-west-1-page2.json"), PricingFormat::InstanceTypes, "p2.json", catalog);
  REQUIRE((offer.ok() && two.ok()));
  auto yaml = priceTableYaml({*offer, *two}, catalog);
  REQUIRE(yaml.ok());
  CHECK(row(*yaml, "g4dn.xlarge") ==
        "{name: g4dn.xlarge, gpu: {model: T4, count: 1, memoryGiB: 16}, vcpu: 4, memoryGiB: 16, arch: amd64, "
        "onDemand: 0.587, reserved1y: 0.36981, reserved3y: 0.25241}  # from the built-in catalog: gpu.model, "
        "gpu.memoryGiB, arch, eni");
  // Facts alone price nothing.
  auto alone = priceTableYaml({*two}, catalog);
  CHECK(alone.error().describe() == "p2.json: no NVIDIA GPU instance type that gpuslice knows has a Linux price here");
}

TEST_CASE("facts: a GPU name the GPU table does not know keeps the built-in model, and says so") {
  const Catalog& catalog = testing::builtinCatalog();
  auto offer = readPricingBytes(data("offer-eu-west-1.json"), PricingFormat::OfferJson, "offer.json", catalog);
  REQUIRE(offer.ok());
  const std::string page = "{\"InstanceTypes\": [" + g5("\"Name\": \"A10G\"", "\"Name\": \"A10X\"") + "]}";
  auto facts = readPricingBytes(page, PricingFormat::InstanceTypes, "p.json", catalog);
  REQUIRE(facts.ok());
  auto yaml = priceTableYaml({*offer, *facts}, catalog);
  REQUIRE(yaml.ok());
  CHECK(row(*yaml, "g5.xlarge")
            .ends_with("eni: {interfaces: 4, ipv4PerInterface: 15}}  # from describe-instance-types: gpu.count, "
                       "gpu.memoryGiB, vcpu, "
                       "memoryGiB, arch, eni; from the built-in catalog: gpu.model; its GPU \"A10X\" is not in "
                       "gpuslice's GPU table"));
}

TEST_CASE("facts: malformed describe-instance-types, each with a located error") {
  CHECK(errorOf(g5()) == "ok");
  CHECK(errorOf(g5("\"DefaultVCpus\": 4", "\"DefaultVCpus\": 0")) ==
        "t.json:1: InstanceTypes[0].VCpuInfo.DefaultVCpus: must be between 1 and 4096, got 0");
  CHECK(errorOf(g5("\"MemoryInfo\": {\"SizeInMiB\": 16384}", "\"MemoryInfo\": 16")) ==
        "t.json:1: InstanceTypes[0].MemoryInfo: must be a mapping");
  CHECK(errorOf(g5("\"Count\": 1", "\"Count\": 1.5")) ==
        "t.json:3: InstanceTypes[0].GpuInfo.Gpus[0].Count: must be a whole number, got 1.5");
  CHECK(errorOf(g5("\"SizeInMiB\": 22888", "\"SizeInMiB\": \"22888\"")) ==
        "t.json:3: InstanceTypes[0].GpuInfo.Gpus[0].MemoryInfo.SizeInMiB: must be a number, got \"22888\"");
  CHECK(errorOf(g5("\"Ipv4AddressesPerInterface\": 15", "\"Ipv4AddressesPerInterface\": 0")) ==
        "t.json:4: InstanceTypes[0].NetworkInfo.Ipv4AddressesPerInterface: must be between 1 and 1024, got 0");
  CHECK(errorOf(g5("\"MaximumNetworkInterfaces\": 4,", "")) ==
        "t.json:4: InstanceTypes[0].NetworkInfo.MaximumNetworkInterfaces: required");
  CHECK(errorOf(g5("\"MaximumNetworkInterfaces\": 4",
                   "\"DefaultNetworkCardIndex\": 1, \"NetworkCards\": "
                   "[{\"MaximumNetworkInterfaces\": 4}]")) ==
        "t.json:4: InstanceTypes[0].NetworkInfo.NetworkCards: no card 1 (DefaultNetworkCardIndex) among 1");
  CHECK(errorOf(g5() + "," + g5()) == "t.json:4: InstanceTypes[1].InstanceType: g5.xlarge is described twice");
  CHECK(errorOf(g5("}]}", "}, {\"Name\": \"T4\", \"Manufacturer\": \"NVIDIA\"}]}")) ==
        "t.json:3: InstanceTypes[0].GpuInfo.Gpus[1]: a second GPU model on one instance type: gpuslice plans types of "
        "one GPU model");
  CHECK(errorOf("{\"VCpuInfo\": {}}") == "t.json:1: InstanceTypes[0].InstanceType: required");
  // Facts of types gpuslice does not keep are not read.
  CHECK(errorOf(g5("\"NVIDIA\"", "\"AMD\"") + "," + g5("\"g5.xlarge\"", "\"g9.xlarge\"")) == "ok");
  auto top = readInstanceTypes("{\"Reservations\": []}", "t.json", testing::builtinCatalog());
  CHECK(top.error().describe() == "t.json:1: Reservations: unknown field (allowed here: InstanceTypes, NextToken)");
  // Two inputs that describe one type otherwise.
  const Catalog& catalog = testing::builtinCatalog();
  auto a = readPricingBytes("{\"InstanceTypes\": [" + g5() + "]}", PricingFormat::InstanceTypes, "a.json", catalog);
  auto b = readPricingBytes("{\"InstanceTypes\": [" + g5("\"DefaultVCpus\": 4", "\"DefaultVCpus\": 8") + "]}",
                            PricingFormat::InstanceTypes, "b.json", catalog);
  REQUIRE((a.ok() && b.ok()));
  auto offer = readPricingBytes(data("offer-eu-west-1.json"), PricingFormat::OfferJson, "offer.json", catalog);
  REQUIRE(offer.ok());
  CHECK(priceTableYaml({*offer, *a, *b}, catalog).error().describe() ==
        "b.json: InstanceTypes: g5.xlarge is described otherwise in an earlier input");
}

TEST_CASE("facts: detected by content") {
  CHECK(detectPricingFormat(data("instance-types-eu-west-1-page1.json").substr(0, 200)) ==
        PricingFormat::InstanceTypes);
  CHECK(pricingFormatOfName("describe-instance-types") == PricingFormat::InstanceTypes);
  CHECK(std::string(pricingFormatName(PricingFormat::InstanceTypes)) == "describe-instance-types");
}
