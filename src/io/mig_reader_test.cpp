#include "io/mig_reader.h"

#include <doctest/doctest.h>

#include <fmt/format.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "io/catalog_reader.h"
#include "io/document.h"

using namespace gpuslice;

namespace {

const std::string kHead = "apiVersion: gpuslice.dev/v1alpha1\nkind: MigCatalog\ngpus:\n";

/// One GPU entry (lines 4-13) with `profiles` as the text of its profile list items (line 14 on).
std::string gpu(const std::string& profiles, const std::string& extra = "") {
  return kHead +
         "  - name: X100-80GB\n"
         "    model: X100\n"
         "    instanceTypes: [x1.large]\n"
         "    memorySlices: 8\n"
         "    computeSlices: 7\n"
         "    sms: 132\n"
         "    smsSource: {kind: observed, reason: test}\n" +
         extra +
         "    placementsSource: {kind: assumed, reason: test}\n"
         "    memorySource: {kind: assumed, reason: test}\n"
         "    profiles:\n" +
         profiles;
}

std::string errorOf(const std::string& text) {
  auto r = io::readMigCatalog(text, "mig.yaml");
  REQUIRE_FALSE(r.ok());
  return r.error().describe();
}

}  // namespace

TEST_CASE("the built-in MIG catalog: five GPUs, sorted, with the placements' source") {
  auto mig = io::builtinMigCatalog();
  REQUIRE_MESSAGE(mig.ok(), (mig.ok() ? "" : mig.error().describe()));
  std::vector<std::string> names;
  for (const MigGpu& g : *mig) names.push_back(g.name);
  CHECK(names == std::vector<std::string>{"A100-40GB", "A100-80GB", "B200-180GB", "H100-80GB", "H200-141GB"});
  for (const MigGpu& g : *mig) {
    CAPTURE(g.name);
    const bool observed = g.name == "A100-40GB" || g.name == "H100-80GB";
    CHECK((g.placementsSource == PlacementsSource::Observed) == observed);
    CHECK_FALSE(g.placementsReason.empty());
    CHECK(g.memorySlices == 8);
    CHECK(g.computeSlices == 7);
    REQUIRE(g.profiles.size() == 7);
    CHECK(g.profiles[1].mediaExtensions);
    CHECK(g.profiles[3].starts == std::vector<int>{0, 2, 4});  // 2g never starts at 6
  }
}

TEST_CASE("MIG catalog GPUs agree with the price and GPU tables") {
  auto mig = io::builtinMigCatalog();
  auto catalog = io::builtinCatalog();
  REQUIRE(mig.ok());
  REQUIRE(catalog.ok());
  for (const MigGpu& g : *mig) {
    CAPTURE(g.name);
    const GpuModel* model = catalog->findGpu(g.model);
    REQUIRE(model != nullptr);
    CHECK(model->mig == MigSupport::Yes);
    for (const std::string& type : g.instanceTypes) {
      CAPTURE(type);
      const InstanceType* t = catalog->findType(type);
      REQUIRE(t != nullptr);
      CHECK(t->gpuModel == g.model);
    }
  }
}

TEST_CASE("a good small file decodes") {
  auto r = io::readMigCatalog(
      gpu("      - {name: 1g.10gb, computeSlices: 1, memorySlices: 1, memoryGiB: 10, usableMiB: 9984, sms: 16, "
          "maxCount: "
          "7, starts: [0, 1, 2, 3, 4, 5, 6]}\n"
          "      - {name: 1g.10gb+me, computeSlices: 1, memorySlices: 1, memoryGiB: 10, usableMiB: 9984, "
          "sms: 16, maxCount: 1, starts: [0], mediaExtensions: true}\n"),
      "mig.yaml");
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().describe()));
  REQUIRE(r->size() == 1);
  CHECK((*r)[0].placementsSource == PlacementsSource::Assumed);
  CHECK((*r)[0].profiles[1].mediaExtensions);
}

TEST_CASE("bad MIG catalogs: every error names file, line and field") {
  CHECK(errorOf("apiVersion: gpuslice.dev/v1alpha1\nkind: GpuCatalog\ngpus: []\n") ==
        "mig.yaml:2: kind: must be MigCatalog");
  CHECK(errorOf(gpu("      - {name: 1g.10gb, computeSlices: 1, memorySlices: 1, memoryGiB: 10, usableMiB: 9984, "
                    "sms: 16, maxCount: 7, starts: "
                    "[0], id: 19}\n")) ==
        "mig.yaml:14: gpus[0].profiles[0].id: unknown field (allowed here: name, computeSlices, memorySlices, "
        "memoryGiB, usableMiB, sms, maxCount, starts, mediaExtensions)");
  CHECK(errorOf(gpu("      - {name: 3g.40gb, computeSlices: 3, memorySlices: 4, memoryGiB: 40, usableMiB: 40448, sms: "
                    "16, maxCount: 2,\n"
                    "         starts: [0, 6]}\n")) ==
        "mig.yaml:15: gpus[0].profiles[0].starts[1]: an instance of 4 memory slices starting at 6 would end past the "
        "GPU's 8 slices");
  CHECK(errorOf(gpu("      - {name: 2g.20gb, computeSlices: 2, memorySlices: 2, memoryGiB: 20, usableMiB: 20096, "
                    "sms: 16, maxCount: 3, starts: "
                    "[0, 4, 2]}\n")) ==
        "mig.yaml:14: gpus[0].profiles[0].starts[2]: starts must be ascending without repeats, got 2 after 4");
  CHECK(errorOf(gpu("      - {name: 2g.20gb, computeSlices: 3, memorySlices: 2, memoryGiB: 20, usableMiB: 20096, "
                    "sms: 16, maxCount: 3, starts: [0]}\n")) ==
        "mig.yaml:14: gpus[0].profiles[0].computeSlices: is 3, but the name 2g.20gb says 2");
  CHECK(errorOf(gpu("      - {name: 7g.79gb, computeSlices: 7, memorySlices: 8, memoryGiB: 80, usableMiB: 81152, "
                    "sms: 16, maxCount: 1, starts: [0]}\n")) ==
        "mig.yaml:14: gpus[0].profiles[0].memoryGiB: is 80, but the name 7g.79gb says 79");
  CHECK(errorOf(gpu("      - {name: 1g.10gb+me, computeSlices: 1, memorySlices: 1, memoryGiB: 10, usableMiB: 9984, "
                    "sms: 16, maxCount: 1, starts: "
                    "[0]}\n")) ==
        "mig.yaml:14: gpus[0].profiles[0].mediaExtensions: must be true: the name 1g.10gb+me ends in +me");
  CHECK(errorOf(gpu("      - {name: 1g.10gb, computeSlices: 1, memorySlices: 1, memoryGiB: 10, usableMiB: 9984, "
                    "sms: 16, maxCount: 4, starts: "
                    "[0, 2]}\n")) ==
        "mig.yaml:14: gpus[0].profiles[0].maxCount: is 4, but the profile has only 2 starts");
  CHECK(errorOf(gpu(
            "      - {name: 1g, computeSlices: 1, memorySlices: 1, memoryGiB: 10, usableMiB: 9984, sms: 16, maxCount: "
            "1, starts: [0]}\n")) ==
        "mig.yaml:14: gpus[0].profiles[0].name: must look like <compute>g.<memory>gb, optionally with +me, got \"1g\"");
  CHECK(errorOf(gpu("      - {name: 1g.10gb, computeSlices: 1, memorySlices: 1, memoryGiB: 10, usableMiB: 9984, "
                    "sms: 16, maxCount: 1, starts: [0]}\n"
                    "      - {name: 1g.10gb, computeSlices: 1, memorySlices: 1, memoryGiB: 10, usableMiB: 9984, "
                    "sms: 16, maxCount: 1, starts: [1]}\n")) ==
        "mig.yaml:15: gpus[0].profiles[1]: duplicate profile \"1g.10gb\"");
  CHECK(errorOf(kHead + "  - {name: X, model: X, instanceTypes: [x], memorySlices: 8, computeSlices: 7, sms: 132, "
                        "smsSource: {kind: observed, reason: r}, "
                        "placementsSource: {kind: measured, reason: r}, "
                        "memorySource: {kind: assumed, reason: r}, profiles: []}\n") ==
        "mig.yaml:4: gpus[0].placementsSource.kind: must be observed or assumed");
  CHECK(errorOf(kHead + "  - {name: X, model: X, instanceTypes: [x], memorySlices: 9, computeSlices: 7, sms: 132, "
                        "smsSource: {kind: observed, reason: r}, "
                        "placementsSource: {kind: assumed, reason: r}, "
                        "memorySource: {kind: assumed, reason: r}, profiles: []}\n") ==
        "mig.yaml:4: gpus[0].memorySlices: must be between 1 and 8, got 9");
  CHECK(errorOf(kHead + "  - {name: X, model: X, instanceTypes: [x], memorySlices: 8, computeSlices: 7, sms: 132, "
                        "smsSource: {kind: observed, reason: r}, "
                        "placementsSource: {kind: assumed, reason: r}, "
                        "memorySource: {kind: assumed, reason: r}, profiles: []}\n") ==
        "mig.yaml:4: gpus[0].profiles: must list at least one profile");
}

TEST_CASE("bad MIG usable memory: required, a positive whole number of MiB, at most the nominal size") {
  const std::string head = "      - {name: 1g.10gb, computeSlices: 1, memorySlices: 1, memoryGiB: 10, ";
  const std::string tail = "sms: 16, maxCount: 7, starts: [0, 1, 2, 3, 4, 5, 6]}\n";
  CHECK(errorOf(gpu(head + tail)) == "mig.yaml:14: gpus[0].profiles[0].usableMiB: required");
  CHECK(errorOf(gpu(head + "usableMiB: 0, " + tail)) ==
        "mig.yaml:14: gpus[0].profiles[0].usableMiB: must be a positive whole number, got 0");
  CHECK(errorOf(gpu(head + "usableMiB: -9984, " + tail)) ==
        "mig.yaml:14: gpus[0].profiles[0].usableMiB: must be a positive whole number, got -9984");
  CHECK(errorOf(gpu(head + "usableMiB: 9983.5, " + tail)) ==
        "mig.yaml:14: gpus[0].profiles[0].usableMiB: must be a positive whole number, got 9983.5");
  CHECK(errorOf(gpu(head + "usableMiB: \"9984\", " + tail)) ==
        "mig.yaml:14: gpus[0].profiles[0].usableMiB: must be a number, got \"9984\"");
  CHECK(errorOf(gpu(head + "usableMiB: 11000, " + tail)) ==
        "mig.yaml:14: gpus[0].profiles[0].usableMiB: must be at most memoryGiB x 1024 (10240), got 11000");
  CHECK(errorOf(gpu(head + "usableMiB: 10241, " + tail)) ==
        "mig.yaml:14: gpus[0].profiles[0].usableMiB: must be at most memoryGiB x 1024 (10240), got 10241");
  auto atNominal = io::readMigCatalog(gpu(head + "usableMiB: 10240, " + tail), "mig.yaml");
  REQUIRE_MESSAGE(atNominal.ok(), (atNominal.ok() ? "" : atNominal.error().describe()));
  CHECK((*atNominal)[0].profiles[0].usableMiB == 10240);
}

TEST_CASE("bad MIG usable memory: profiles of as many memory slices must agree") {
  CHECK(errorOf(gpu("      - {name: 1g.10gb, computeSlices: 1, memorySlices: 1, memoryGiB: 10, usableMiB: 9984, "
                    "sms: 16, maxCount: 7, starts: [0, 1, 2, 3, 4, 5, 6]}\n"
                    "      - {name: 1g.10gb+me, computeSlices: 1, memorySlices: 1, memoryGiB: 10, usableMiB: 9856, "
                    "sms: 16, maxCount: 1, starts: [0], mediaExtensions: true}\n")) ==
        "mig.yaml:15: gpus[0].profiles[1].usableMiB: is 9856, but 1g.10gb, also of 1 memory slices, has 9984");
}

TEST_CASE("bad MIG memorySource: required, and observed or assumed") {
  const std::string gpuHead =
      kHead +
      "  - {name: X, model: X, instanceTypes: [x], memorySlices: 8, computeSlices: 7, sms: 132, "
      "smsSource: {kind: observed, reason: r}, "
      "placementsSource: {kind: assumed, reason: r}, ";
  CHECK(errorOf(gpuHead + "profiles: []}\n") ==
        "mig.yaml:4: gpus[0].memorySource: required (kind: observed or assumed, and a reason)");
  CHECK(errorOf(gpuHead + "memorySource: {kind: mock, reason: r}, profiles: []}\n") ==
        "mig.yaml:4: gpus[0].memorySource.kind: must be observed or assumed");
  CHECK(errorOf(gpuHead + "memorySource: {kind: assumed}, profiles: []}\n") ==
        "mig.yaml:4: gpus[0].memorySource.reason: required");
}

namespace {

/// tests/data/reference/mig-profiles.yaml's name for each GPU of the built-in MIG catalog.
const std::map<std::string, std::string> kReferenceName = {
    {"A100-40GB", "A100-SXM4-40GB"}, {"A100-80GB", "A100-SXM4-80GB"}, {"H100-80GB", "H100-SXM5-80GB"},
    {"H200-141GB", "H200-141GB"},    {"B200-180GB", "B200-180GB"},
};

std::string readText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

/// GiB that real `nvidia-smi mig -lgip` printouts show per memory slices, the lowest where drivers
/// differ (research notes of 2026-12-07: A100-40GB one driver, A100-80GB several, H200
/// NVIDIA/mig-parted #120, B200 NVIDIA/mig-parted #166 and #187 for 1 and 2 slices only).
const std::map<std::string, std::map<int, std::string>> kPrintedGiB = {
    {"A100-40GB", {{1, "4.75"}, {2, "9.62"}, {4, "19.50"}, {8, "39.25"}}},
    {"A100-80GB", {{1, "9.50"}, {2, "19.50"}, {4, "39.25"}, {8, "78.75"}}},
    {"H200-141GB", {{1, "16.00"}, {2, "32.25"}, {4, "69.50"}, {8, "139.75"}}},
    {"B200-180GB", {{1, "20.50"}, {2, "44.25"}}},
};

TEST_CASE("built-in MIG usable memory: the printouts' figures where seen, else the reference's mock memory_mib") {
  auto mig = io::builtinMigCatalog();
  REQUIRE(mig.ok());
  const std::string path = std::string(GPUSLICE_TEST_DATA_DIR) + "/reference/mig-profiles.yaml";
  const std::string text = readText(path);
  REQUIRE_FALSE(text.empty());
  auto ref = io::parseDocument(text, path);
  REQUIRE_MESSAGE(ref.ok(), (ref.ok() ? "" : ref.error().describe()));
  const io::Node* refGpus = ref->find("gpus");
  REQUIRE(refGpus != nullptr);
  int printed = 0, mock = 0;
  for (const MigGpu& g : *mig) {
    CAPTURE(g.name);
    // Only B200's 4- and 8-slice figures are not seen on the GPU.
    CHECK((g.memorySource == MemorySource::Observed) == (g.name != "B200-180GB"));
    CHECK_FALSE(g.memoryReason.empty());
    REQUIRE(kReferenceName.count(g.name) == 1);
    const io::Node* refGpu = refGpus->find(kReferenceName.at(g.name));
    REQUIRE(refGpu != nullptr);
    const io::Node* refProfiles = refGpu->find("profiles");
    REQUIRE(refProfiles != nullptr);
    for (const MigProfile& p : g.profiles) {
      CAPTURE(p.name);
      CHECK(p.usableMiB > 0);
      CHECK(p.usableMiB <= static_cast<std::int64_t>(p.memoryGiB) * 1024);
      if (kPrintedGiB.count(g.name) && kPrintedGiB.at(g.name).count(p.memorySlices)) {
        CHECK(fmt::format("{:.2f}", static_cast<double>(p.usableMiB) / 1024.0) ==
              kPrintedGiB.at(g.name).at(p.memorySlices));
        CHECK(p.usableMiB % 128 == 0);
        ++printed;
        continue;
      }
      const io::Node* refProfile = nullptr;
      for (const io::Node& rp : refProfiles->items) {
        const io::Node* name = rp.find("name");
        if (name && name->text == p.name) refProfile = &rp;
      }
      REQUIRE(refProfile != nullptr);
      const io::Node* mib = refProfile->find("memory_mib");
      if (!mib) continue;  // H100: GiB figures only, checked below
      CHECK(p.usableMiB == std::stoll(mib->text));
      ++mock;
    }
  }
  CHECK(printed == 3 * 7 + 4);  // A100-40GB, A100-80GB, H200 whole; B200 1g.23gb(+me), 1g.45gb, 2g.45gb
  CHECK(mock == 3);             // B200 3g.90gb, 4g.90gb, 7g.180gb
}

TEST_CASE("built-in MIG usable memory of H100-80GB: prints as the real H100 SXM5 printout's GiB") {
  // The printout's GiB for 1, 2, 4 and 8 memory slices (source S8a of tests/data/reference/SOURCES.md).
  const std::string path = std::string(GPUSLICE_TEST_DATA_DIR) + "/reference/h100-sxm5-mig-memory.yaml";
  auto data = io::parseDocument(readText(path), path);
  REQUIRE_MESSAGE(data.ok(), (data.ok() ? "" : data.error().describe()));
  REQUIRE(data->find("gpu") != nullptr);
  CHECK(data->find("gpu")->text == "H100-SXM5-80GB");
  REQUIRE(data->find("printed") != nullptr);
  std::map<int, std::string> printed;
  for (const io::Node& row : data->find("printed")->items) {
    REQUIRE(row.find("mem_slices") != nullptr);
    REQUIRE(row.find("memory_gib") != nullptr);
    printed[std::stoi(row.find("mem_slices")->text)] = row.find("memory_gib")->text;
  }
  CHECK(printed == std::map<int, std::string>{{1, "9.75"}, {2, "19.62"}, {4, "39.50"}, {8, "79.25"}});
  auto mig = io::builtinMigCatalog();
  REQUIRE(mig.ok());
  const MigGpu* h100 = nullptr;
  for (const MigGpu& g : *mig) {
    if (g.name == "H100-80GB") h100 = &g;
  }
  REQUIRE(h100 != nullptr);
  for (const MigProfile& p : h100->profiles) {
    CAPTURE(p.name);
    REQUIRE(printed.count(p.memorySlices) == 1);
    CHECK(fmt::format("{:.2f}", static_cast<double>(p.usableMiB) / 1024.0) == printed.at(p.memorySlices));
    CHECK(p.usableMiB % 128 == 0);  // NVML's granularity in every MiB figure of the reference
  }
  CHECK(h100->profiles[2].usableMiB == 20096);  // 19.62 printed: 19.625 GiB, the one multiple of 128 that prints so
}

TEST_CASE("built-in MIG usable memory within its slices' share of NVML's total, except the known mock figures") {
  // The go-nvml mock gives B200's 4- and 8-slice profiles the nominal size x 1024, more than their
  // share of the 183359 MiB NVML reports for one B200 (see catalog/mig-profiles.yaml); the planner
  // caps them (instanceMemoryMiB). Listed here so that replacing them with real figures shows up,
  // and any new excess fails.
  const std::set<std::string> overShare = {"B200-180GB 3g.90gb", "B200-180GB 4g.90gb", "B200-180GB 7g.180gb"};
  auto catalog = io::builtinCatalog();
  REQUIRE(catalog.ok());
  for (const MigGpu& g : catalog->migGpus) {
    const InstanceType* t = catalog->findType(g.instanceTypes.front());
    REQUIRE(t != nullptr);
    const GpuMemoryFigure total = catalog->gpuMemory(*t);
    REQUIRE(total.nvml);
    for (const MigProfile& p : g.profiles) {
      const std::string name = g.name + " " + p.name;
      CAPTURE(name);
      const std::int64_t share = total.mib * p.memorySlices / g.memorySlices;
      CHECK((p.usableMiB > share) == (overShare.count(name) == 1));
    }
  }
}

TEST_CASE("built-in MIG SMs: each profile's SMs of the whole GPU, as the printouts show them") {
  // nvidia-smi mig -lgip's SM column (research notes of 2026-12-07); 0 = not found (B200 3g, 4g, 7g).
  const std::map<std::string, std::pair<int, std::vector<int>>> expected = {
      {"A100-40GB", {108, {14, 14, 14, 28, 42, 56, 98}}},  {"A100-80GB", {108, {14, 14, 14, 28, 42, 56, 98}}},
      {"H100-80GB", {132, {16, 16, 26, 32, 60, 64, 132}}}, {"H200-141GB", {132, {16, 16, 26, 32, 60, 64, 132}}},
      {"B200-180GB", {148, {18, 18, 30, 36, 0, 0, 0}}},
  };
  auto mig = io::builtinMigCatalog();
  REQUIRE(mig.ok());
  for (const MigGpu& g : *mig) {
    CAPTURE(g.name);
    REQUIRE(expected.count(g.name) == 1);
    CHECK(g.sms == expected.at(g.name).first);
    CHECK(g.smsObserved);
    CHECK_FALSE(g.smsReason.empty());
    std::vector<int> sms;
    for (const MigProfile& p : g.profiles) sms.push_back(p.sms.value_or(0));
    CHECK(sms == expected.at(g.name).second);
  }
}

TEST_CASE("bad MIG SMs: required on the GPU and each profile, within the GPU's, a +me profile's are its base's") {
  const std::string profile =
      "      - {name: 1g.10gb, computeSlices: 1, memorySlices: 1, memoryGiB: 10, usableMiB: 9984, ";
  const std::string tail = "maxCount: 7, starts: [0, 1, 2, 3, 4, 5, 6]}\n";
  CHECK(errorOf(gpu(profile + tail)) == "mig.yaml:14: gpus[0].profiles[0].sms: required (null where not known)");
  CHECK(errorOf(gpu(profile + "sms: 133, " + tail)) ==
        "mig.yaml:14: gpus[0].profiles[0].sms: must be between 1 and 132, got 133");
  CHECK(errorOf(gpu(profile + "sms: 0, " + tail)) ==
        "mig.yaml:14: gpus[0].profiles[0].sms: must be between 1 and 132, got 0");
  auto unknown = io::readMigCatalog(gpu(profile + "sms: null, " + tail), "mig.yaml");
  REQUIRE_MESSAGE(unknown.ok(), (unknown.ok() ? "" : unknown.error().describe()));
  CHECK_FALSE((*unknown)[0].profiles[0].sms.has_value());
  const std::string me =
      "      - {name: 1g.10gb+me, computeSlices: 1, memorySlices: 1, memoryGiB: 10, usableMiB: 9984, ";
  const std::string meTail = "maxCount: 1, starts: [0], mediaExtensions: true}\n";
  CHECK(errorOf(gpu(profile + "sms: 16, " + tail + me + "sms: 26, " + meTail)) ==
        "mig.yaml:15: gpus[0].profiles[1].sms: is 26, but 1g.10gb has 16; a +me profile has its base's SMs");
  CHECK(errorOf(gpu(me + "sms: null, " + meTail + profile + "sms: 16, " + tail)) ==
        "mig.yaml:15: gpus[0].profiles[1].sms: is 16, but 1g.10gb+me has null; a +me profile has its base's SMs");
  const std::string head = kHead + "  - {name: X, model: X, instanceTypes: [x], memorySlices: 8, computeSlices: 7, ";
  const std::string rest =
      "placementsSource: {kind: assumed, reason: r}, memorySource: {kind: assumed, reason: r}, profiles: []}\n";
  CHECK(errorOf(head + rest) == "mig.yaml:4: gpus[0].sms: required");
  CHECK(errorOf(head + "sms: 1001, " + rest) == "mig.yaml:4: gpus[0].sms: must be between 1 and 1000, got 1001");
  CHECK(errorOf(head + "sms: 132, " + rest) ==
        "mig.yaml:4: gpus[0].smsSource: required (kind: observed or assumed, and a reason)");
  CHECK(errorOf(head + "sms: 132, smsSource: {kind: printed, reason: r}, " + rest) ==
        "mig.yaml:4: gpus[0].smsSource.kind: must be observed or assumed");
}
