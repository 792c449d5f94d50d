#include "io/driver_reader.h"

#include <fmt/format.h>
#include <gpuslice/embedded.h>

#include <algorithm>

#include "io/decode.h"

namespace gpuslice::io {

namespace {

constexpr const char* kApiVersion = "gpuslice.dev/v1alpha1";

/// A branch number: NVIDIA's major versions run in the hundreds.
Result<DriverBranch> branch(const Decoder& d, const Node& n, std::string_view key, const std::string& f) {
  const Node* v = n.find(key);
  if (!v) return d.error(n, join(f, key), "required (an NVIDIA driver branch such as 580)");
  auto b = d.integer(*v, join(f, key), 100, 9999);
  if (!b) return b.error();
  auto source = readProvenance(d, n, "source", f);
  if (!source) return source.error();
  return DriverBranch{static_cast<int>(*b), source->observed, source->reason};
}

std::optional<Error> readGpuNeed(const Decoder& d, const Node& n, const std::string& f, std::vector<GpuModel>& gpus) {
  GS_TRY(d.mapping(n, f, {"model", "minBranch", "source"}));
  auto model = requiredString(d, n, "model", f);
  if (!model) return model.error();
  auto it = std::find_if(gpus.begin(), gpus.end(), [&](const GpuModel& g) { return g.name == *model; });
  if (it == gpus.end()) {
    return d.error(*n.find("model"), join(f, "model"), fmt::format("\"{}\" is no model of the GPU table", *model));
  }
  if (it->minDriver) {
    return d.error(*n.find("model"), join(f, "model"), fmt::format("{} is listed twice", *model));
  }
  auto b = branch(d, n, "minBranch", f);
  if (!b) return b.error();
  it->minDriver = std::move(*b);
  return std::nullopt;
}

Result<AmiImage> readAmi(const Decoder& d, const Node& n, const std::string& f) {
  GS_TRY(d.mapping(n, f, {"ami", "alias", "branch", "release", "source"}));
  AmiImage a;
  for (auto [key, out] : {std::pair{"ami", &a.ami}, std::pair{"alias", &a.alias}, std::pair{"release", &a.release}}) {
    auto s = requiredString(d, n, key, f);
    if (!s) return s.error();
    *out = std::move(*s);
  }
  auto b = branch(d, n, "branch", f);
  if (!b) return b.error();
  a.driver = std::move(*b);
  return a;
}

/// One `ceilings` entry: instance families (each in no earlier entry) and their newest branch.
Result<DriverCeiling> readCeiling(const Decoder& d, const Node& n, const std::string& f,
                                  const std::vector<DriverCeiling>& earlier) {
  GS_TRY(d.mapping(n, f, {"families", "maxBranch", "source"}));
  const Node* families = n.find("families");
  if (!families) return d.error(n, join(f, "families"), "required (instance families such as p3)");
  GS_TRY(d.sequence(*families, join(f, "families")));
  DriverCeiling c;
  for (std::size_t i = 0; i < families->items.size(); ++i) {
    const Node& item = families->items[i];
    const std::string field = index(join(f, "families"), i);
    if (!item.isScalar() || item.text.empty() || item.text.find('.') != std::string::npos) {
      return d.error(item, field, "an instance family such as p3 (the type's name before the dot)");
    }
    for (const DriverCeiling& e : earlier) {
      if (std::find(e.families.begin(), e.families.end(), item.text) != e.families.end()) {
        return d.error(item, field, fmt::format("{} is listed twice", item.text));
      }
    }
    c.families.push_back(item.text);
  }
  if (c.families.empty()) return d.error(*families, join(f, "families"), "must name at least one family");
  auto b = branch(d, n, "maxBranch", f);
  if (!b) return b.error();
  c.maxBranch = std::move(*b);
  return c;
}

}  // namespace

Result<DriverTable> readDriverTable(std::string_view text, const std::string& file, std::vector<GpuModel>& gpus) {
  auto doc = parseDocument(text, file);
  if (!doc) return doc.error();
  Decoder d(file);
  GS_TRY(d.mapping(*doc, "", {"apiVersion", "kind", "gpus", "amis", "ceilings"}));
  const Node* api = doc->find("apiVersion");
  if (!api || !api->isScalar() || api->text != kApiVersion) {
    return d.error(api ? *api : *doc, "apiVersion", fmt::format("must be {}", kApiVersion));
  }
  const Node* kind = doc->find("kind");
  if (!kind || !kind->isScalar() || kind->text != "DriverCatalog") {
    return d.error(kind ? *kind : *doc, "kind", "must be DriverCatalog");
  }
  for (const char* key : {"gpus", "amis"}) {
    const Node* list = doc->find(key);
    if (!list) return d.error(*doc, key, "required");
    GS_TRY(d.sequence(*list, key));
  }
  const Node& needs = *doc->find("gpus");
  for (std::size_t i = 0; i < needs.items.size(); ++i) GS_TRY(readGpuNeed(d, needs.items[i], index("gpus", i), gpus));
  const Node& list = *doc->find("amis");
  std::vector<AmiImage> amis;
  for (std::size_t i = 0; i < list.items.size(); ++i) {
    auto a = readAmi(d, list.items[i], index("amis", i));
    if (!a) return a.error();
    const bool seen = std::any_of(amis.begin(), amis.end(), [&](const AmiImage& b) { return b.ami == a->ami; });
    if (seen) return d.error(list.items[i], join(index("amis", i), "ami"), fmt::format("{} is listed twice", a->ami));
    amis.push_back(std::move(*a));
  }
  std::sort(amis.begin(), amis.end(), [](const AmiImage& a, const AmiImage& b) { return a.ami < b.ami; });
  DriverTable table{std::move(amis), {}};
  if (const Node* ceilings = doc->find("ceilings")) {
    GS_TRY(d.sequence(*ceilings, "ceilings"));
    for (std::size_t i = 0; i < ceilings->items.size(); ++i) {
      auto c = readCeiling(d, ceilings->items[i], index("ceilings", i), table.ceilings);
      if (!c) return c.error();
      table.ceilings.push_back(std::move(*c));
    }
  }
  return table;
}

Result<DriverTable> builtinDriverTable(std::vector<GpuModel>& gpus) {
  return readDriverTable(embedded::catalog_drivers_yaml(), "<built-in>/catalog/drivers.yaml", gpus);
}

}  // namespace gpuslice::io
