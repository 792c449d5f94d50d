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
  REQUIRE(r->size() == 1);
  CHECK((*r)[0].ami == "al2023");
  CHECK((*r)[0].alias == "al2023@latest");
  CHECK((*r)[0].release == "v20260714");
  CHECK((*r)[0].driver.branch == 580);
  CHECK_FALSE((*r)[0].driver.observed);
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
