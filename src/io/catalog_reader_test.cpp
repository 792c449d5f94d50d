#include "io/catalog_reader.h"

#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <sstream>

using namespace gpuslice;

TEST_CASE("the built-in table covers every NVIDIA instance type of the test data's CSV, with its figures") {
  auto catalog = io::builtinCatalog();
  REQUIRE_MESSAGE(catalog.ok(), (catalog.ok() ? "" : catalog.error().describe()));
  CHECK(catalog->region == "us-east-1");
  CHECK(catalog->date == "2026-07-20");
  std::ifstream csv(std::string(GPUSLICE_TEST_DATA_DIR) + "/reference/aws-gpu-instances.csv");
  REQUIRE(csv.good());
  std::string line;
  std::getline(csv, line);  // header
  int rows = 0;
  while (std::getline(csv, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) f.push_back(cell);
    CAPTURE(line);
    const InstanceType* t = catalog->findType(f[0]);
    REQUIRE(t != nullptr);
    CHECK(t->gpuModel == f[1]);
    CHECK(t->gpuCount == doctest::Approx(std::stod(f[2])));
    CHECK(t->gpuMemoryMiB == static_cast<std::int64_t>(std::floor(std::stod(f[3]) * 1024 + 1e-9)));
    CHECK(t->vcpu == std::stoi(f[4]));
    CHECK(t->memoryMiB == static_cast<std::int64_t>(std::stod(f[5]) * 1024));
    CHECK(std::string(archName(t->arch)) == f[6]);
    if (f[8].empty()) {
      CHECK_FALSE(t->onDemand.has_value());
      CHECK_FALSE(t->note.empty());
    } else {
      REQUIRE(t->onDemand.has_value());
      CHECK(*t->onDemand == std::llround(std::stod(f[8]) * 1e6));
    }
    CHECK(catalog->findGpu(t->gpuModel) != nullptr);
    ++rows;
  }
  CHECK(rows == 68);
  CHECK(catalog->instanceTypes.size() == 68);
}

TEST_CASE("GPU table: MPS limits and MIG flags") {
  auto catalog = io::builtinCatalog();
  REQUIRE(catalog.ok());
  CHECK(catalog->findGpu("V100")->mpsMaxClients == 16);  // compute capability 7.0 < 7.5
  CHECK(catalog->findGpu("T4")->mpsMaxClients == 48);
  for (const char* noMig : {"V100", "T4", "T4G", "A10G", "L4", "L40S"})
    CHECK(catalog->findGpu(noMig)->mig == MigSupport::No);
  for (const char* mig : {"A100", "H100", "H200", "B200"}) CHECK(catalog->findGpu(mig)->mig == MigSupport::Yes);
}

TEST_CASE("a user price table replaces the built-in one; bad entries name line and field") {
  auto base = io::builtinCatalog();
  REQUIRE(base.ok());
  const std::string head =
      "apiVersion: gpuslice.dev/v1alpha1\nkind: PriceTable\nmetadata: {region: us-west-2, currency: USD, date: "
      "'2026-11-01', source: mine}\ninstanceTypes:\n";
  auto ok = io::readPriceTable(head +
                                   "  - {name: g5.xlarge, gpu: {model: A10G, count: 1, memoryGiB: 22.35}, vcpu: 4, "
                                   "memoryGiB: 16, arch: amd64, onDemand: 1.2, spot: 0.45}\n",
                               "mine.yaml", *base);
  REQUIRE_MESSAGE(ok.ok(), (ok.ok() ? "" : ok.error().describe()));
  CHECK(ok->region == "us-west-2");
  CHECK(ok->instanceTypes.size() == 1);
  CHECK(*ok->instanceTypes[0].spot == 450000);
  CHECK(ok->file == "mine.yaml");
  auto bad = io::readPriceTable(head +
                                    "  - {name: g5.xlarge, gpu: {model: A10G, count: 1, memoryGiB: 22.35}, vcpu: 4, "
                                    "memoryGiB: 16, arch: amd64, onDemand: -3}\n",
                                "mine.yaml", *base);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().describe() ==
        "mine.yaml:5: instanceTypes[0].onDemand: must be a price per hour in (0, 100000), got -3");
  auto dup = io::readPriceTable(
      head +
          "  - {name: a, gpu: {model: T4, count: 1, memoryGiB: 16}, vcpu: 4, memoryGiB: 16, arch: amd64}\n  - {name: "
          "a, gpu: {model: T4, count: 1, memoryGiB: 16}, vcpu: 4, memoryGiB: 16, arch: amd64}\n",
      "mine.yaml", *base);
  REQUIRE_FALSE(dup.ok());
  CHECK(dup.error().describe() == "mine.yaml:6: instanceTypes[1]: duplicate instance type \"a\"");
}
