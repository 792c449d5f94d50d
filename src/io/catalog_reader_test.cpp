#include "io/catalog_reader.h"

#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "model/node_capacity.h"

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

TEST_CASE("the built-in table's ENI limits and statuses are those of the test data's TSV") {
  auto catalog = io::builtinCatalog();
  REQUIRE(catalog.ok());
  std::ifstream tsv(std::string(GPUSLICE_TEST_DATA_DIR) + "/reference/aws-eni-limits.tsv");
  REQUIRE(tsv.good());
  std::string line;
  std::getline(tsv, line);  // header
  int rows = 0, retired = 0;
  while (std::getline(tsv, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, '\t');) f.push_back(cell);
    CAPTURE(line);
    REQUIRE(f.size() == 6);
    const InstanceType* t = catalog->findType(f[0]);
    REQUIRE(t != nullptr);
    REQUIRE(t->eni.has_value());
    CHECK(t->eni->interfaces == std::stoi(f[1]));
    CHECK(t->eni->ipv4PerInterface == std::stoi(f[2]));
    CHECK(nodeMaxPods(*t) == std::stoi(f[3]));
    CHECK(t->eniOrigin == FactOrigin::Table);
    CHECK(typeStatusName(t->status) == f[4]);
    CHECK(t->statusOrigin == FactOrigin::Table);
    CHECK_FALSE(t->statusDate.empty());
    CHECK_FALSE(t->statusSource.empty());
    retired += t->retired();
    ++rows;
  }
  CHECK(rows == 68);
  CHECK(retired == 3);
  CHECK(nodeMaxPods(*catalog->findType("g4dn.xlarge")) == 29);
  CHECK(nodeMaxPods(*catalog->findType("g5.xlarge")) == 58);
  CHECK(nodeMaxPods(*catalog->findType("p4d.24xlarge")) == 737);
  const InstanceType* p3 = catalog->findType("p3.2xlarge");
  CHECK(p3->retired());
  CHECK(p3->statusDate == "2025-12-20");
  CHECK_FALSE(catalog->findType("p3dn.24xlarge")->retired());
  CHECK(catalog->findType("p3dn.24xlarge")->statusDate == "2026-08-21");
}

TEST_CASE("a user's table without ENI limits or status takes the built-in row's, else assumes") {
  auto base = io::builtinCatalog();
  REQUIRE(base.ok());
  const std::string head =
      "apiVersion: gpuslice.dev/v1alpha1\nkind: PriceTable\nmetadata:\n  region: us-east-1\n  currency: USD\n"
      "  date: '2026-11-01'\n  source: mine\n  statusSources:\n    - {id: ours, date: '2026-11-01', source: our "
      "account team}\ninstanceTypes:\n";
  const std::string g5 =
      "  - {name: g5.xlarge, gpu: {model: A10G, count: 1, memoryGiB: 22.35}, vcpu: 4, memoryGiB: 16, arch: amd64, "
      "onDemand: 1.0";
  auto r = io::readPriceTable(
      head + g5 + "}\n" +
          "  - {name: t4-local.xlarge, gpu: {model: T4, count: 1, memoryGiB: 16}, vcpu: 4, memoryGiB: 16, arch: "
          "amd64, onDemand: 0.5}\n" +
          "  - {name: p3.2xlarge, gpu: {model: V100, count: 1, memoryGiB: 16}, vcpu: 8, memoryGiB: 61, arch: amd64, "
          "onDemand: 3.06}\n" +
          "  - {name: g4dn.xlarge, gpu: {model: T4, count: 1, memoryGiB: 16}, vcpu: 4, memoryGiB: 16, arch: amd64, "
          "onDemand: 0.5, eni: {interfaces: 2, ipv4PerInterface: 4}, status: {state: retired, source: ours}}\n",
      "mine.yaml", *base);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().describe()));
  const InstanceType& g5x = *r->findType("g5.xlarge");
  CHECK(g5x.eniOrigin == FactOrigin::BuiltIn);
  CHECK(nodeMaxPods(g5x) == 58);
  CHECK(g5x.statusOrigin == FactOrigin::BuiltIn);
  CHECK_FALSE(g5x.retired());
  const InstanceType& local = *r->findType("t4-local.xlarge");
  CHECK_FALSE(local.eni.has_value());
  CHECK(local.eniOrigin == FactOrigin::Assumed);
  CHECK(nodeMaxPods(local) == 110);
  CHECK(local.statusOrigin == FactOrigin::Assumed);
  CHECK_FALSE(local.retired());
  const InstanceType& p3 = *r->findType("p3.2xlarge");  // retired, as the built-in table says
  CHECK(p3.retired());
  CHECK(p3.statusOrigin == FactOrigin::BuiltIn);
  CHECK(p3.statusDate == "2025-12-20");
  const InstanceType& own = *r->findType("g4dn.xlarge");  // the table's own figures win
  CHECK(nodeMaxPods(own) == 8);                           // 2 x 3 + 2
  CHECK(own.eniOrigin == FactOrigin::Table);
  CHECK(own.retired());
  CHECK(own.statusSource == "our account team");
  CHECK(own.statusDate == "2026-11-01");

  auto error = [&](const std::string& tail) {
    auto bad = io::readPriceTable(head + g5 + tail, "mine.yaml", *base);
    REQUIRE_FALSE(bad.ok());
    return bad.error().describe();
  };
  CHECK(error(", status: {state: gone}}\n") ==
        "mine.yaml:11: instanceTypes[0].status.state: must be current or "
        "retired, got gone");
  CHECK(error(", status: {state: retired, source: theirs}}\n") ==
        "mine.yaml:11: instanceTypes[0].status.source: \"theirs\" is not the id of an entry of metadata.statusSources");
  CHECK(error(", eni: {interfaces: 4}}\n") == "mine.yaml:11: instanceTypes[0].eni.ipv4PerInterface: required");
  CHECK(error(", eni: {interfaces: 0, ipv4PerInterface: 15}}\n") ==
        "mine.yaml:11: instanceTypes[0].eni.interfaces: must be between 1 and 64, got 0");
  auto stated = io::readPriceTable(head + g5 + ", status: {state: retired}}\n", "mine.yaml", *base);
  REQUIRE(stated.ok());
  CHECK(stated->findType("g5.xlarge")->statusSource == "stated in mine.yaml");
}

namespace {

const std::string kGpuHead = "apiVersion: gpuslice.dev/v1alpha1\nkind: GpuCatalog\ngpus:\n";

/// One GPU model (lines 4-5) with `memory` as its memory list items (line 6 on).
std::string gpuTable(const std::string& memory, const std::string& names = "[Tesla T4]") {
  return kGpuHead +
         "  - {model: T4, computeCapability: \"7.5\", mig: no, mpsMaxClients: 48, relativeThroughput: 0.43,\n" +
         "     names: " + names + ", memory: [\n" + memory + "]}\n";
}

std::string gpuTableError(const std::string& text) {
  auto r = io::readGpuTable(text, "gpus.yaml");
  return r.ok() ? "ok" : r.error().describe();
}

const std::string kT4 = "     {ec2GiB: 16, nvmlMiB: 15360, source: {kind: observed, reason: g4dn.xlarge}}";

}  // namespace

TEST_CASE("GPU table: memory variants by the price table's figure, with NVML's and its source") {
  auto r = io::readGpuTable(gpuTable(kT4 + ",\n     {ec2GiB: 8, nvmlMiB: null, source: {kind: assumed, reason: none}, "
                                           "names: [T4-8GB]}\n"),
                            "gpus.yaml");
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().describe()));
  const GpuModel& t4 = (*r)[0];
  REQUIRE(t4.memory.size() == 2);  // sorted by the price table's figure
  CHECK(t4.memory[0].ec2MiB == 8192);
  CHECK_FALSE(t4.memory[0].nvmlMiB.has_value());
  CHECK_FALSE(t4.memory[0].observed);
  CHECK(t4.memory[0].names == std::vector<std::string>{"T4-8GB"});
  CHECK(t4.memory[1].ec2MiB == 16384);
  CHECK(t4.memory[1].nvmlMiB == 15360);
  CHECK(t4.memory[1].observed);
  CHECK(t4.memory[1].source == "g4dn.xlarge");
  CHECK(t4.variant(16384) == &t4.memory[1]);
  CHECK(t4.variant(16383) == nullptr);
}

TEST_CASE("GPU table: bad memory variants and names name line and field") {
  CHECK(gpuTableError(kGpuHead + "  - {model: T4, computeCapability: \"7.5\", mig: no, mpsMaxClients: 48, "
                                 "relativeThroughput: 0.43}\n") ==
        "gpus.yaml:4: gpus[0].memory: required (one entry per per-GPU memory figure of the price table)");
  CHECK(gpuTableError(gpuTable("")) == "gpus.yaml:5: gpus[0].memory: must list at least one memory variant");
  CHECK(gpuTableError(gpuTable("     {ec2GiB: 16, source: {kind: observed, reason: r}}")) ==
        "gpus.yaml:6: gpus[0].memory[0].nvmlMiB: required (null where no NVML figure is known)");
  CHECK(gpuTableError(gpuTable("     {ec2GiB: 16, nvmlMiB: null, source: {kind: observed, reason: r}}")) ==
        "gpus.yaml:6: gpus[0].memory[0].source.kind: must be assumed when nvmlMiB is null (nothing was "
        "observed)");
  CHECK(gpuTableError(gpuTable("     {ec2GiB: 16, nvmlMiB: 15360.5, source: {kind: observed, reason: r}}")) ==
        "gpus.yaml:6: gpus[0].memory[0].nvmlMiB: must be a whole number, got 15360.5");
  CHECK(gpuTableError(gpuTable("     {ec2GiB: 16, nvmlMiB: 15360}")) ==
        "gpus.yaml:6: gpus[0].memory[0].source: required (kind: observed or assumed, and a reason)");
  CHECK(gpuTableError(gpuTable(kT4 + ",\n     {ec2GiB: 16.0, nvmlMiB: 15000, source: {kind: assumed, reason: r}}")) ==
        "gpus.yaml:7: gpus[0].memory[1].ec2GiB: duplicate: an earlier entry has the same memory (16384 "
        "MiB)");
  CHECK(gpuTableError(gpuTable("     {ec2GiB: 16, nvmlMiB: 15360, ecc: on, source: {kind: observed, reason: r}}")) ==
        "gpus.yaml:6: gpus[0].memory[0].ecc: unknown field (allowed here: ec2GiB, nvmlMiB, source, names)");
  CHECK(gpuTableError(gpuTable(kT4, "[Tesla T4, tesla t4]")) ==
        "gpus.yaml:5: gpus[0].names[1]: \"tesla t4\" already names T4 (at gpus[0].names[0]); names are "
        "compared without regard to case");
  CHECK(gpuTableError(gpuTable(kT4, "[t4]")) ==
        "gpus.yaml:5: gpus[0].names[0]: \"t4\" already names T4 (at gpus[0].model); names are compared "
        "without regard to case");
  CHECK(gpuTableError(gpuTable(kT4, "[\"\"]")) == "gpus.yaml:5: gpus[0].names[0]: must not be empty");
}

TEST_CASE("GPU table: every built-in instance type's GPU memory has an entry, observed or assumed") {
  auto catalog = io::builtinCatalog();
  REQUIRE(catalog.ok());
  int observed = 0;
  for (const InstanceType& t : catalog->instanceTypes) {
    CAPTURE(t.name);
    const GpuModel* g = catalog->findGpu(t.gpuModel);
    REQUIRE(g != nullptr);
    const GpuMemory* m = g->variant(t.gpuMemoryMiB);
    REQUIRE(m != nullptr);
    CHECK_FALSE(m->source.empty());
    CHECK(m->observed == m->nvmlMiB.has_value());  // nothing in the table is an NVML figure not seen
    if (m->observed) ++observed;
  }
  CHECK(observed == 68 - 6 - 5);  // g7 (6 types, RTX PRO 4500) and the L4 slices (g6f x 4, gr6f) are assumed
}
