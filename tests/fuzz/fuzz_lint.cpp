// libFuzzer target: any bytes as the manifests `gpuslice lint` reads, split into two files at the
// first form feed (so NodePools, ConfigMaps and pods of different files meet), must give findings
// or one clean error, never a crash, a hang or undefined behaviour; every finding has a known code
// and a line inside its file (embedded configs mapped into the outer file), and both printers run.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "io/catalog_reader.h"
#include "lint/lint.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gpuslice;
  static const auto catalog = io::builtinCatalog();
  if (!catalog) std::abort();
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::size_t cut = text.find('\f');
  std::vector<lint::Source> sources{{"a.yaml", text.substr(0, cut)}};
  if (cut != std::string::npos) sources.push_back({"b.yaml", text.substr(cut + 1)});
  auto findings = lint::lintSources(sources, *catalog);
  if (!findings) return 0;
  for (const lint::Finding& f : *findings) {
    const auto& src = f.file == "a.yaml" ? sources[0].text : sources.back().text;
    const auto lines = static_cast<int>(std::count(src.begin(), src.end(), '\n')) + 1;
    if (f.line < 0 || f.line > lines) std::abort();
    if (lint::rule(f.code.c_str()).severity != f.severity) std::abort();
  }
  if (lint::findingsText(*findings).empty() || lint::findingsJson(*findings).empty()) std::abort();
  return 0;
}
