#include "io/mig_reader.h"

#include <fmt/format.h>
#include <gpuslice/embedded.h>
#include <algorithm>
#include <cmath>

#include "io/decode.h"

namespace gpuslice::io {

namespace {

constexpr const char* kApiVersion = "gpuslice.dev/v1alpha1";
constexpr int kMaxSlices = 8;
constexpr int kMaxSms = 1000;  ///< more SMs than any GPU has

Result<int> requiredInt(const Decoder& d, const Node& parent, std::string_view key, const std::string& f, int min,
                        int max) {
  const Node* n = parent.find(key);
  if (!n) return d.error(parent, join(f, key), "required");
  auto v = d.integer(*n, join(f, key), min, max);
  if (!v) return v.error();
  return static_cast<int>(*v);
}

/// The parts of a profile name `<compute>g.<memory>gb[+me]`.
struct ProfileName {
  int compute = 0;
  int memoryGiB = 0;
  bool media = false;
};

std::optional<ProfileName> parseProfileName(std::string_view s) {
  ProfileName p;
  auto digits = [&s](int& out) {
    std::size_t i = 0;
    while (i < s.size() && i < 4 && s[i] >= '0' && s[i] <= '9') out = out * 10 + (s[i++] - '0');
    s.remove_prefix(i);
    return i > 0;
  };
  auto literal = [&s](std::string_view lit) {
    if (s.substr(0, lit.size()) != lit) return false;
    s.remove_prefix(lit.size());
    return true;
  };
  if (!digits(p.compute) || !literal("g.") || !digits(p.memoryGiB) || !literal("gb")) return std::nullopt;
  p.media = literal("+me");
  if (!s.empty()) return std::nullopt;
  return p;
}

std::optional<Error> readStarts(const Decoder& d, const Node& n, const std::string& f, int gpuSlices, MigProfile& p) {
  GS_TRY(d.sequence(n, f));
  if (n.items.empty()) return d.error(n, f, "must list at least one start");
  for (std::size_t i = 0; i < n.items.size(); ++i) {
    const std::string fi = index(f, i);
    auto v = d.integer(n.items[i], fi, 0, kMaxSlices - 1);
    if (!v) return v.error();
    const int start = static_cast<int>(*v);
    if (start + p.memorySlices > gpuSlices) {
      return d.error(n.items[i], fi,
                     fmt::format("an instance of {} memory slices starting at {} would end past the GPU's {} slices",
                                 p.memorySlices, start, gpuSlices));
    }
    if (!p.starts.empty() && start <= p.starts.back()) {
      return d.error(n.items[i], fi,
                     fmt::format("starts must be ascending without repeats, got {} after {}", start, p.starts.back()));
    }
    p.starts.push_back(start);
  }
  return std::nullopt;
}

Result<MigProfile> readProfile(const Decoder& d, const Node& n, const std::string& f, const MigGpu& gpu) {
  GS_TRY(d.mapping(n, f,
                   {"name", "computeSlices", "memorySlices", "memoryGiB", "usableMiB", "sms", "maxCount", "starts",
                    "mediaExtensions"}));
  MigProfile p;
  auto name = requiredString(d, n, "name", f);
  if (!name) return name.error();
  p.name = *name;
  const auto parsed = parseProfileName(p.name);
  if (!parsed) {
    return d.error(*n.find("name"), join(f, "name"),
                   fmt::format("must look like <compute>g.<memory>gb, optionally with +me, got \"{}\"", p.name));
  }
  auto compute = requiredInt(d, n, "computeSlices", f, 1, gpu.computeSlices);
  if (!compute) return compute.error();
  p.computeSlices = *compute;
  if (p.computeSlices != parsed->compute) {
    return d.error(*n.find("computeSlices"), join(f, "computeSlices"),
                   fmt::format("is {}, but the name {} says {}", p.computeSlices, p.name, parsed->compute));
  }
  auto memory = requiredInt(d, n, "memorySlices", f, 1, gpu.memorySlices);
  if (!memory) return memory.error();
  p.memorySlices = *memory;
  const Node* gib = n.find("memoryGiB");
  if (!gib) return d.error(n, join(f, "memoryGiB"), "required");
  auto g = d.number(*gib, join(f, "memoryGiB"));
  if (!g) return g.error();
  if (*g != parsed->memoryGiB) {
    return d.error(*gib, join(f, "memoryGiB"),
                   fmt::format("is {}, but the name {} says {}", gib->text, p.name, parsed->memoryGiB));
  }
  p.memoryGiB = *g;
  const Node* usable = n.find("usableMiB");
  if (!usable) return d.error(n, join(f, "usableMiB"), "required");
  auto mib = d.number(*usable, join(f, "usableMiB"));
  if (!mib) return mib.error();
  if (!(*mib >= 1) || *mib != std::floor(*mib)) {
    return d.error(*usable, join(f, "usableMiB"), fmt::format("must be a positive whole number, got {}", usable->text));
  }
  const std::int64_t nominalMiB = std::int64_t{parsed->memoryGiB} * 1024;
  if (*mib > static_cast<double>(nominalMiB)) {
    return d.error(*usable, join(f, "usableMiB"),
                   fmt::format("must be at most memoryGiB x 1024 ({}), got {}", nominalMiB, usable->text));
  }
  p.usableMiB = static_cast<std::int64_t>(*mib);
  const Node* sms = n.find("sms");
  if (!sms) return d.error(n, join(f, "sms"), "required (null where not known)");
  if (!sms->isNull()) {
    auto v = d.integer(*sms, join(f, "sms"), 1, gpu.sms);
    if (!v) return v.error();
    p.sms = static_cast<int>(*v);
  }
  const Node* starts = n.find("starts");
  if (!starts) return d.error(n, join(f, "starts"), "required");
  GS_TRY(readStarts(d, *starts, join(f, "starts"), gpu.memorySlices, p));
  auto maxCount = requiredInt(d, n, "maxCount", f, 1, gpu.computeSlices);
  if (!maxCount) return maxCount.error();
  p.maxCount = *maxCount;
  if (p.maxCount > static_cast<int>(p.starts.size())) {
    return d.error(*n.find("maxCount"), join(f, "maxCount"),
                   fmt::format("is {}, but the profile has only {} starts", p.maxCount, p.starts.size()));
  }
  if (const Node* me = n.find("mediaExtensions")) {
    auto b = d.boolean(*me, join(f, "mediaExtensions"));
    if (!b) return b.error();
    p.mediaExtensions = *b;
  }
  if (p.mediaExtensions != parsed->media) {
    const Node* at = n.find("mediaExtensions");
    return d.error(at ? *at : n, join(f, "mediaExtensions"),
                   parsed->media ? fmt::format("must be true: the name {} ends in +me", p.name)
                                 : fmt::format("is true, but the name {} does not end in +me", p.name));
  }
  return p;
}

/// Usable memory follows the memory slices alone: an error if `p` disagrees with an earlier
/// profile of as many slices (a typo, or a figure copied from the wrong row).
std::optional<Error> checkSameMemory(const Decoder& d, const Node& n, const std::string& f, const MigGpu& gpu,
                                     const MigProfile& p) {
  for (const MigProfile& earlier : gpu.profiles) {
    if (earlier.memorySlices != p.memorySlices || earlier.usableMiB == p.usableMiB) continue;
    return d.error(*n.find("usableMiB"), join(f, "usableMiB"),
                   fmt::format("is {}, but {}, also of {} memory slices, has {}", p.usableMiB, earlier.name,
                               p.memorySlices, earlier.usableMiB));
  }
  return std::nullopt;
}

/// A +me profile has its base profile's SMs (the media extensions add no SMs): an error if `p`
/// and an earlier profile that is its base or +me variant disagree.
std::optional<Error> checkSameSms(const Decoder& d, const Node& n, const std::string& f, const MigGpu& gpu,
                                  const MigProfile& p) {
  for (const MigProfile& earlier : gpu.profiles) {
    if (earlier.name + "+me" != p.name && p.name + "+me" != earlier.name) continue;
    if (earlier.sms == p.sms) continue;
    auto shownSms = [](const std::optional<int>& v) { return v ? std::to_string(*v) : std::string("null"); };
    return d.error(*n.find("sms"), join(f, "sms"),
                   fmt::format("is {}, but {} has {}; a +me profile has its base's SMs", shownSms(p.sms), earlier.name,
                               shownSms(earlier.sms)));
  }
  return std::nullopt;
}

Result<MigGpu> readGpu(const Decoder& d, const Node& n, const std::string& f) {
  GS_TRY(d.mapping(n, f,
                   {"name", "model", "instanceTypes", "memorySlices", "computeSlices", "sms", "smsSource",
                    "placementsSource", "memorySource", "profiles"}));
  MigGpu gpu;
  auto name = requiredString(d, n, "name", f);
  if (!name) return name.error();
  gpu.name = *name;
  auto model = requiredString(d, n, "model", f);
  if (!model) return model.error();
  gpu.model = *model;
  const Node* types = n.find("instanceTypes");
  if (!types) return d.error(n, join(f, "instanceTypes"), "required");
  GS_TRY(d.sequence(*types, join(f, "instanceTypes")));
  if (types->items.empty()) return d.error(*types, join(f, "instanceTypes"), "must list at least one instance type");
  for (std::size_t i = 0; i < types->items.size(); ++i) {
    auto t = d.string(types->items[i], index(join(f, "instanceTypes"), i));
    if (!t) return t.error();
    gpu.instanceTypes.push_back(*t);
  }
  auto memory = requiredInt(d, n, "memorySlices", f, 1, kMaxSlices);
  if (!memory) return memory.error();
  gpu.memorySlices = *memory;
  auto compute = requiredInt(d, n, "computeSlices", f, 1, kMaxSlices);
  if (!compute) return compute.error();
  gpu.computeSlices = *compute;
  auto sms = requiredInt(d, n, "sms", f, 1, kMaxSms);
  if (!sms) return sms.error();
  gpu.sms = *sms;
  auto smsSource = readProvenance(d, n, "smsSource", f);
  if (!smsSource) return smsSource.error();
  gpu.smsObserved = smsSource->observed;
  gpu.smsReason = smsSource->reason;
  auto placements = readProvenance(d, n, "placementsSource", f);
  if (!placements) return placements.error();
  gpu.placementsSource = placements->observed ? PlacementsSource::Observed : PlacementsSource::Assumed;
  gpu.placementsReason = placements->reason;
  auto usable = readProvenance(d, n, "memorySource", f);
  if (!usable) return usable.error();
  gpu.memorySource = usable->observed ? MemorySource::Observed : MemorySource::Assumed;
  gpu.memoryReason = usable->reason;
  const Node* profiles = n.find("profiles");
  const std::string pf = join(f, "profiles");
  if (!profiles) return d.error(n, pf, "required");
  GS_TRY(d.sequence(*profiles, pf));
  if (profiles->items.empty()) return d.error(*profiles, pf, "must list at least one profile");
  for (std::size_t i = 0; i < profiles->items.size(); ++i) {
    auto p = readProfile(d, profiles->items[i], index(pf, i), gpu);
    if (!p) return p.error();
    for (const MigProfile& earlier : gpu.profiles) {
      if (earlier.name == p->name) {
        return d.error(profiles->items[i], index(pf, i), fmt::format("duplicate profile \"{}\"", p->name));
      }
    }
    GS_TRY(checkSameMemory(d, profiles->items[i], index(pf, i), gpu, *p));
    GS_TRY(checkSameSms(d, profiles->items[i], index(pf, i), gpu, *p));
    gpu.profiles.push_back(std::move(*p));
  }
  return gpu;
}

}  // namespace

Result<std::vector<MigGpu>> readMigCatalog(std::string_view text, const std::string& file) {
  auto doc = parseDocument(text, file);
  if (!doc) return doc.error();
  Decoder d(file);
  const Node& root = *doc;
  GS_TRY(d.mapping(root, "", {"apiVersion", "kind", "gpus"}));
  const Node* api = root.find("apiVersion");
  if (!api || !api->isScalar() || api->text != kApiVersion) {
    return d.error(api ? *api : root, "apiVersion", fmt::format("must be {}", kApiVersion));
  }
  const Node* kind = root.find("kind");
  if (!kind || !kind->isScalar() || kind->text != "MigCatalog") {
    return d.error(kind ? *kind : root, "kind", "must be MigCatalog");
  }
  const Node* list = root.find("gpus");
  if (!list) return d.error(root, "gpus", "required");
  GS_TRY(d.sequence(*list, "gpus"));
  if (list->items.empty()) return d.error(*list, "gpus", "must list at least one GPU");
  std::vector<MigGpu> gpus;
  for (std::size_t i = 0; i < list->items.size(); ++i) {
    auto g = readGpu(d, list->items[i], index("gpus", i));
    if (!g) return g.error();
    for (const MigGpu& earlier : gpus) {
      if (earlier.name == g->name) {
        return d.error(list->items[i], index("gpus", i), fmt::format("duplicate GPU \"{}\"", g->name));
      }
    }
    gpus.push_back(std::move(*g));
  }
  std::sort(gpus.begin(), gpus.end(), [](const MigGpu& a, const MigGpu& b) { return a.name < b.name; });
  return gpus;
}

Result<std::vector<MigGpu>> builtinMigCatalog() {
  return readMigCatalog(embedded::catalog_mig_profiles_yaml(), "<built-in>/catalog/mig-profiles.yaml");
}

}  // namespace gpuslice::io
