#include "io/driver_reader.h"

#include <doctest/doctest.h>

#include <string>

using namespace gpuslice;

namespace {

std::vector<GpuModel> models() {
  GpuModel g7;
  g7.name = "RTX PRO 4500 Blackwell";
  GpuModel l4;
  l4.name = "L4";
  return {g7, l4};
}

std::string table(const std::string& gpus, const std::string& amis) {
  return "kind: DriverCatalog\napiVersion: gpuslice.dev/v1alpha1\ngpus:\n" + gpus + "amis:\n" + amis;
}

const std::string kG7 =
    "  - {model: RTX PRO 4500 Blackwell, minBranch: 595, source: {kind: observed, reason: the g7 guide}}\n";
const std::string kAl =
    "  - {ami: al2023, alias: al2023@latest, branch: 580, release: v20260714, source: {kind: assumed, reason: r}}\n";

std::string error(const std::string& text) {
  auto gpus = models();
  auto r = io::readDriverTable(text, "drivers.yaml", gpus);
  REQUIRE_FALSE(r.ok());
  return r.error().describe();
}

}  // namespace

TEST_CASE("driver table: reads each GPU's minimum and each image's branch") {
  auto gpus = models();
  auto r = io::readDriverTable(table(kG7, kAl), "drivers.yaml", gpus);
  REQUIRE(r.ok());
  REQUIRE(gpus[0].minDriver);
  CHECK(gpus[0].minDriver->branch == 595);
  CHECK(gpus[0].minDriver->observed);
  CHECK(gpus[0].minDriver->source == "the g7 guide");
  CHECK_FALSE(gpus[1].minDriver);
  REQUIRE(r->amis.size() == 1);
  CHECK(r->amis[0].ami == "al2023");
  CHECK(r->amis[0].alias == "al2023@latest");
  CHECK(r->amis[0].release == "v20260714");
  CHECK(r->amis[0].driver.branch == 580);
  CHECK_FALSE(r->amis[0].driver.observed);
}

TEST_CASE("driver table: errors name the file, line and field") {
  CHECK(error(table("  - {model: H100, minBranch: 595, source: {kind: observed, reason: x}}\n", kAl)) ==
        "drivers.yaml:4: gpus[0].model: \"H100\" is no model of the GPU table");
  CHECK(error(table(kG7 + kG7, kAl)) == "drivers.yaml:5: gpus[1].model: RTX PRO 4500 Blackwell is listed twice");
  CHECK(error(table("  - {model: L4, minBranch: 59, source: {kind: observed, reason: x}}\n", kAl)) ==
        "drivers.yaml:4: gpus[0].minBranch: must be between 100 and 9999, got 59");
  CHECK(error(table("  - {model: L4, minBranch: 595}\n", kAl)) ==
        "drivers.yaml:4: gpus[0].source: required (kind: observed or assumed, and a reason)");
  CHECK(error(table(kG7, kAl + kAl)) == "drivers.yaml:7: amis[1].ami: al2023 is listed twice");
  CHECK(error(table(kG7, "  - {ami: al2023, branch: 580, release: v1, source: {kind: assumed, reason: r}}\n")) ==
        "drivers.yaml:6: amis[0].alias: required");
  CHECK(error("kind: DriverCatalog\napiVersion: gpuslice.dev/v1alpha1\ngpus: []\n") ==
        "drivers.yaml:1: amis: required");
}

TEST_CASE("driver table: ceilings name families and their newest branch") {
  const std::string ceilings =
      "ceilings:\n"
      "  - {families: [p3, p3dn], maxBranch: 580, source: {kind: observed, reason: the g7 guide}}\n"
      "  - {families: [gr6f], maxBranch: 580, source: {kind: assumed, reason: like g6f}}\n";
  auto gpus = models();
  auto r = io::readDriverTable(table(kG7, kAl) + ceilings, "drivers.yaml", gpus);
  REQUIRE(r.ok());
  REQUIRE(r->ceilings.size() == 2);
  CHECK(r->ceilings[0].families == std::vector<std::string>{"p3", "p3dn"});
  CHECK(r->ceilings[0].maxBranch.branch == 580);
  CHECK(r->ceilings[0].maxBranch.observed);
  CHECK_FALSE(r->ceilings[1].maxBranch.observed);
  Catalog c;
  c.driverCeilings = r->ceilings;
  REQUIRE(c.driverCeilingOf("p3dn.24xlarge"));
  CHECK(c.driverCeilingOf("p3dn.24xlarge")->families.front() == "p3");
  CHECK(c.driverCeilingOf("gr6f.4xlarge") == &c.driverCeilings[1]);
  CHECK_FALSE(c.driverCeilingOf("p4d.24xlarge"));
  CHECK_FALSE(c.driverCeilingOf("g6.xlarge"));

  CHECK(error(table(kG7, kAl) + "ceilings:\n  - {families: [p3.2xlarge], maxBranch: 580, source: {kind: observed, "
                                "reason: x}}\n") ==
        "drivers.yaml:8: ceilings[0].families[0]: an instance family such as p3 (the type's name before the dot)");
  CHECK(error(table(kG7, kAl) + "ceilings:\n  - {families: [p3], maxBranch: 580, source: {kind: observed, reason: "
                                "x}}\n  - {families: [g6f, p3], maxBranch: 580, source: {kind: observed, reason: "
                                "x}}\n") == "drivers.yaml:9: ceilings[1].families[1]: p3 is listed twice");
  CHECK(error(table(kG7, kAl) + "ceilings:\n  - {families: [], maxBranch: 580, source: {kind: observed, reason: "
                                "x}}\n") == "drivers.yaml:8: ceilings[0].families: must name at least one family");
  CHECK(error(table(kG7, kAl) + "ceilings:\n  - {families: [p3], source: {kind: observed, reason: x}}\n") ==
        "drivers.yaml:8: ceilings[0].maxBranch: required (an NVIDIA driver branch such as 580)");
}
