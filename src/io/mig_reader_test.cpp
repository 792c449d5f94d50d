#include "io/mig_reader.h"

#include <doctest/doctest.h>

#include <string>

#include "io/catalog_reader.h"

using namespace gpuslice;

namespace {

const std::string kHead = "apiVersion: gpuslice.dev/v1alpha1\nkind: MigCatalog\ngpus:\n";

/// One GPU entry (lines 4-10) with `profiles` as the text of its profile list items.
std::string gpu(const std::string& profiles, const std::string& extra = "") {
  return kHead +
         "  - name: X100-80GB\n"
         "    model: X100\n"
         "    instanceTypes: [x1.large]\n"
         "    memorySlices: 8\n"
         "    computeSlices: 7\n" +
         extra +
         "    placementsSource: {kind: assumed, reason: test}\n"
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
  auto r = io::readMigCatalog(gpu("      - {name: 1g.10gb, computeSlices: 1, memorySlices: 1, memoryGiB: 10, maxCount: "
                                  "7, starts: [0, 1, 2, 3, 4, 5, 6]}\n"
                                  "      - {name: 1g.10gb+me, computeSlices: 1, memorySlices: 1, memoryGiB: 10, "
                                  "maxCount: 1, starts: [0], mediaExtensions: true}\n"),
                              "mig.yaml");
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().describe()));
  REQUIRE(r->size() == 1);
  CHECK((*r)[0].placementsSource == PlacementsSource::Assumed);
  CHECK((*r)[0].profiles[1].mediaExtensions);
}

TEST_CASE("bad MIG catalogs: every error names file, line and field") {
  CHECK(errorOf("apiVersion: gpuslice.dev/v1alpha1\nkind: GpuCatalog\ngpus: []\n") ==
        "mig.yaml:2: kind: must be MigCatalog");
  CHECK(errorOf(gpu("      - {name: 1g.10gb, computeSlices: 1, memorySlices: 1, memoryGiB: 10, maxCount: 7, starts: "
                    "[0], id: 19}\n")) ==
        "mig.yaml:11: gpus[0].profiles[0].id: unknown field (allowed here: name, computeSlices, memorySlices, "
        "memoryGiB, maxCount, starts, mediaExtensions)");
  CHECK(errorOf(gpu("      - {name: 3g.40gb, computeSlices: 3, memorySlices: 4, memoryGiB: 40, maxCount: 2,\n"
                    "         starts: [0, 6]}\n")) ==
        "mig.yaml:12: gpus[0].profiles[0].starts[1]: an instance of 4 memory slices starting at 6 would end past the "
        "GPU's 8 slices");
  CHECK(errorOf(gpu("      - {name: 2g.20gb, computeSlices: 2, memorySlices: 2, memoryGiB: 20, maxCount: 3, starts: "
                    "[0, 4, 2]}\n")) ==
        "mig.yaml:11: gpus[0].profiles[0].starts[2]: starts must be ascending without repeats, got 2 after 4");
  CHECK(errorOf(gpu(
            "      - {name: 2g.20gb, computeSlices: 3, memorySlices: 2, memoryGiB: 20, maxCount: 3, starts: [0]}\n")) ==
        "mig.yaml:11: gpus[0].profiles[0].computeSlices: is 3, but the name 2g.20gb says 2");
  CHECK(errorOf(gpu(
            "      - {name: 7g.79gb, computeSlices: 7, memorySlices: 8, memoryGiB: 80, maxCount: 1, starts: [0]}\n")) ==
        "mig.yaml:11: gpus[0].profiles[0].memoryGiB: is 80, but the name 7g.79gb says 79");
  CHECK(errorOf(gpu("      - {name: 1g.10gb+me, computeSlices: 1, memorySlices: 1, memoryGiB: 10, maxCount: 1, starts: "
                    "[0]}\n")) ==
        "mig.yaml:11: gpus[0].profiles[0].mediaExtensions: must be true: the name 1g.10gb+me ends in +me");
  CHECK(errorOf(gpu("      - {name: 1g.10gb, computeSlices: 1, memorySlices: 1, memoryGiB: 10, maxCount: 4, starts: "
                    "[0, 2]}\n")) ==
        "mig.yaml:11: gpus[0].profiles[0].maxCount: is 4, but the profile has only 2 starts");
  CHECK(errorOf(
            gpu("      - {name: 1g, computeSlices: 1, memorySlices: 1, memoryGiB: 10, maxCount: 1, starts: [0]}\n")) ==
        "mig.yaml:11: gpus[0].profiles[0].name: must look like <compute>g.<memory>gb, optionally with +me, got \"1g\"");
  CHECK(errorOf(gpu(
            "      - {name: 1g.10gb, computeSlices: 1, memorySlices: 1, memoryGiB: 10, maxCount: 1, starts: [0]}\n"
            "      - {name: 1g.10gb, computeSlices: 1, memorySlices: 1, memoryGiB: 10, maxCount: 1, starts: [1]}\n")) ==
        "mig.yaml:12: gpus[0].profiles[1]: duplicate profile \"1g.10gb\"");
  CHECK(errorOf(kHead + "  - {name: X, model: X, instanceTypes: [x], memorySlices: 8, computeSlices: 7, "
                        "placementsSource: {kind: measured, reason: r}, profiles: []}\n") ==
        "mig.yaml:4: gpus[0].placementsSource.kind: must be observed or assumed");
  CHECK(errorOf(kHead + "  - {name: X, model: X, instanceTypes: [x], memorySlices: 9, computeSlices: 7, "
                        "placementsSource: {kind: assumed, reason: r}, profiles: []}\n") ==
        "mig.yaml:4: gpus[0].memorySlices: must be between 1 and 8, got 9");
  CHECK(errorOf(kHead + "  - {name: X, model: X, instanceTypes: [x], memorySlices: 8, computeSlices: 7, "
                        "placementsSource: {kind: assumed, reason: r}, profiles: []}\n") ==
        "mig.yaml:4: gpus[0].profiles: must list at least one profile");
}
