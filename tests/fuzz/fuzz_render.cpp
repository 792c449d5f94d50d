// libFuzzer target: any bytes as a saved plan (`render --plan`) must render or give one clean
// error, never a crash, a hang or undefined behaviour; so must any plan `plan` makes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "io/catalog_reader.h"
#include "io/plan_reader.h"
#include "io/render_output.h"
#include "io/template_loader.h"
#include "render/render.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const gpuslice::Catalog catalog = *gpuslice::io::builtinCatalog();
  static const gpuslice::Templates templates = *gpuslice::io::loadTemplates("");
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto saved = gpuslice::io::readPlan(text, "fuzz-plan.json", catalog);
  if (!saved) return 0;
  for (const auto via : {gpuslice::SharingVia::GpuOperator, gpuslice::SharingVia::Bottlerocket}) {
    gpuslice::RenderOptions options;
    options.cluster = "fuzz";
    options.nodeRole = "fuzz-role";
    options.sharingVia = via;
    options.ami = via == gpuslice::SharingVia::Bottlerocket ? gpuslice::Ami::Bottlerocket : gpuslice::Ami::Al2023;
    auto manifests = gpuslice::render(saved->plan, saved->set, catalog, options, templates);
    if (manifests) (void)gpuslice::io::manifestStream(*manifests);
  }
  return 0;
}
