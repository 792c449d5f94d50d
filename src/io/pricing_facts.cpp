#include "io/pricing_facts.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include "io/decode.h"

namespace gpuslice::io {

namespace {

// The price table's bounds (io/catalog_reader.cpp), so that every table written reads back.
constexpr std::int64_t kMaxGpus = 64, kMaxVcpu = 4096;
constexpr std::int64_t kMaxGpuMemoryMiB = 4096LL * 1024, kMaxMemoryMiB = 65536LL * 1024;
constexpr std::int64_t kMaxInterfaces = 64, kMaxIpv4PerInterface = 1024;

/// The whole number at `key` of mapping `parent` (field `f`.`key`), in [min, max].
Result<std::int64_t> member(const Decoder& d, const Node& parent, std::string_view key, const std::string& f,
                            std::int64_t min, std::int64_t max) {
  if (!parent.isMapping()) return d.error(parent, f, "must be a mapping");
  const Node* n = parent.find(key);
  if (!n) return d.error(parent, join(f, key), "required");
  return d.integer(*n, join(f, key), min, max);
}

/// The mapping at `key` of `parent`, or an error naming it.
Result<const Node*> mappingAt(const Decoder& d, const Node& parent, std::string_view key, const std::string& f) {
  const Node* n = parent.find(key);
  if (!n) return d.error(parent, join(f, key), "required");
  if (!n->isMapping()) return d.error(*n, join(f, key), "must be a mapping");
  return n;
}

/// The first entry of GpuInfo.Gpus when it is an NVIDIA GPU (nullptr otherwise: skipped).
Result<const Node*> nvidiaGpu(const Decoder& d, const Node& type, const std::string& f) {
  const Node* info = type.find("GpuInfo");
  if (!info || info->isNull()) return nullptr;
  const std::string gf = join(f, "GpuInfo");
  if (!info->isMapping()) return d.error(*info, gf, "must be a mapping");
  const Node* gpus = info->find("Gpus");
  if (!gpus || gpus->isNull()) return nullptr;
  GS_TRY(d.sequence(*gpus, join(gf, "Gpus")));
  if (gpus->items.empty()) return nullptr;
  const Node& first = gpus->items.front();
  const std::string ff = index(join(gf, "Gpus"), 0);
  if (!first.isMapping()) return d.error(first, ff, "must be a mapping");
  const Node* maker = first.find("Manufacturer");
  if (!maker || !maker->isScalar() || maker->text != "NVIDIA") return nullptr;
  if (gpus->items.size() > 1) {
    return d.error(gpus->items[1], index(join(gf, "Gpus"), 1),
                   "a second GPU model on one instance type: gpuslice plans types of one GPU model");
  }
  return &first;
}

/// The GPU facts of an NVIDIA entry of GpuInfo.Gpus.
std::optional<Error> readGpu(const Decoder& d, const Node& gpu, const std::string& f, const Catalog& catalog,
                             TypeFacts& out) {
  auto name = requiredString(d, gpu, "Name", f);
  if (!name) return name.error();
  out.gpuName = *name;
  if (auto picked = catalog.findGpuName(*name)) out.gpuModel = picked->model->name;
  auto count = member(d, gpu, "Count", f, 0, kMaxGpus);
  if (!count) return count.error();
  out.gpuCount = static_cast<int>(*count);
  auto memory = mappingAt(d, gpu, "MemoryInfo", f);
  if (!memory) return memory.error();
  auto mib = member(d, **memory, "SizeInMiB", join(f, "MemoryInfo"), 1, kMaxGpuMemoryMiB);
  if (!mib) return mib.error();
  out.gpuMemoryMiB = *mib;
  return std::nullopt;
}

/// The ENI limits of NetworkInfo (absent: none given).
std::optional<Error> readEni(const Decoder& d, const Node& type, const std::string& f, TypeFacts& out) {
  const Node* net = type.find("NetworkInfo");
  if (!net) return std::nullopt;
  const std::string nf = join(f, "NetworkInfo");
  if (!net->isMapping()) return d.error(*net, nf, "must be a mapping");
  auto ipv4 = member(d, *net, "Ipv4AddressesPerInterface", nf, 1, kMaxIpv4PerInterface);
  if (!ipv4) return ipv4.error();
  const Node* cards = net->find("NetworkCards");
  Result<std::int64_t> interfaces = std::int64_t{0};
  if (cards) {
    GS_TRY(d.sequence(*cards, join(nf, "NetworkCards")));
    std::int64_t card = 0;
    if (net->find("DefaultNetworkCardIndex")) {
      auto at = member(d, *net, "DefaultNetworkCardIndex", nf, 0, 1023);
      if (!at) return at.error();
      card = *at;
    }
    if (static_cast<std::size_t>(card) >= cards->items.size()) {
      return d.error(*cards, join(nf, "NetworkCards"),
                     fmt::format("no card {} (DefaultNetworkCardIndex) among {}", card, cards->items.size()));
    }
    interfaces = member(d, cards->items[static_cast<std::size_t>(card)], "MaximumNetworkInterfaces",
                        index(join(nf, "NetworkCards"), static_cast<std::size_t>(card)), 1, kMaxInterfaces);
  } else {
    interfaces = member(d, *net, "MaximumNetworkInterfaces", nf, 1, kMaxInterfaces);
  }
  if (!interfaces) return interfaces.error();
  out.eni = EniLimits{static_cast<int>(*interfaces), static_cast<int>(*ipv4)};
  return std::nullopt;
}

/// ProcessorInfo.SupportedArchitectures as Kubernetes names it (absent or neither: none).
std::optional<Error> readArch(const Decoder& d, const Node& type, const std::string& f, TypeFacts& out) {
  const Node* cpu = type.find("ProcessorInfo");
  if (!cpu) return std::nullopt;
  const std::string pf = join(f, "ProcessorInfo");
  if (!cpu->isMapping()) return d.error(*cpu, pf, "must be a mapping");
  const Node* archs = cpu->find("SupportedArchitectures");
  if (!archs) return std::nullopt;
  GS_TRY(d.sequence(*archs, join(pf, "SupportedArchitectures")));
  for (const Node& a : archs->items) {
    if (a.isScalar() && a.text == "x86_64") out.arch = Arch::Amd64;
    if (a.isScalar() && a.text == "arm64" && !out.arch) out.arch = Arch::Arm64;
  }
  return std::nullopt;
}

/// One entry of InstanceTypes: into `out` when it is an NVIDIA GPU type.
std::optional<Error> readType(const Decoder& d, const Node& n, const std::string& f, const Catalog& catalog,
                              InstanceFacts& out) {
  if (!n.isMapping()) return d.error(n, f, "must be a mapping");
  auto name = requiredString(d, n, "InstanceType", f);
  if (!name) return name.error();
  auto gpu = nvidiaGpu(d, n, f);
  if (!gpu) return gpu.error();
  if (!*gpu) return std::nullopt;
  if (!catalog.findType(*name)) {
    out.otherGpuTypes.push_back(*name);
    return std::nullopt;
  }
  TypeFacts t;
  GS_TRY(readGpu(d, **gpu, index(join(f, "GpuInfo.Gpus"), 0), catalog, t));
  auto vcpus = mappingAt(d, n, "VCpuInfo", f);
  if (!vcpus) return vcpus.error();
  auto vcpu = member(d, **vcpus, "DefaultVCpus", join(f, "VCpuInfo"), 1, kMaxVcpu);
  if (!vcpu) return vcpu.error();
  t.vcpu = static_cast<int>(*vcpu);
  auto memory = mappingAt(d, n, "MemoryInfo", f);
  if (!memory) return memory.error();
  auto mib = member(d, **memory, "SizeInMiB", join(f, "MemoryInfo"), 1, kMaxMemoryMiB);
  if (!mib) return mib.error();
  t.memoryMiB = *mib;
  GS_TRY(readArch(d, n, f, t));
  GS_TRY(readEni(d, n, f, t));
  if (!out.types.emplace(*name, t).second) {
    return d.error(*n.find("InstanceType"), join(f, "InstanceType"), fmt::format("{} is described twice", *name));
  }
  return std::nullopt;
}

}  // namespace

bool sameFacts(const TypeFacts& a, const TypeFacts& b) {
  const auto eni = [](const TypeFacts& f) {
    return f.eni ? std::make_pair(f.eni->interfaces, f.eni->ipv4PerInterface) : std::make_pair(0, 0);
  };
  return a.gpuName == b.gpuName && a.gpuCount == b.gpuCount && a.gpuMemoryMiB == b.gpuMemoryMiB &&
         a.vcpu == b.vcpu && a.memoryMiB == b.memoryMiB && a.arch == b.arch && eni(a) == eni(b);
}

const GpuMemory* ec2MemoryVariant(const GpuModel& gpu, std::int64_t mib) {
  const auto hundredths = [](double gib) { return std::llround(gib * 100.0); };
  for (const GpuMemory& m : gpu.memory) {
    if (hundredths(m.ec2GiB) == hundredths(static_cast<double>(mib) / 1024.0)) return &m;
  }
  return nullptr;
}

Result<InstanceFacts> readInstanceTypes(std::string_view text, const std::string& file, const Catalog& catalog) {
  auto doc = parseJson(text, file);
  if (!doc) return doc.error();
  Decoder d(file);
  GS_TRY(d.mapping(*doc, "", {"InstanceTypes", "NextToken"}));
  const Node* list = doc->find("InstanceTypes");
  if (!list) return d.error(*doc, "InstanceTypes", "required");
  GS_TRY(d.sequence(*list, "InstanceTypes"));
  InstanceFacts out;
  for (std::size_t i = 0; i < list->items.size(); ++i) {
    GS_TRY(readType(d, list->items[i], index("InstanceTypes", i), catalog, out));
  }
  std::sort(out.otherGpuTypes.begin(), out.otherGpuTypes.end());
  out.otherGpuTypes.erase(std::unique(out.otherGpuTypes.begin(), out.otherGpuTypes.end()), out.otherGpuTypes.end());
  return out;
}

}  // namespace gpuslice::io
