#include "model/catalog.h"

#include <algorithm>
#include <cmath>
#include <string_view>

namespace gpuslice {

int mpsClientLimit(const GpuModel* gpu) { return gpu ? gpu->mpsMaxClients : kMpsClientLimit; }

std::int64_t mpsClientMemoryMiB(std::int64_t gpuMiB, int replicas) { return gpuMiB / std::max(1, replicas); }

int mpsActiveThreadPercent(int replicas) { return 100 / std::max(1, replicas); }

namespace {
template <class T>
const T* findByName(const std::vector<T>& items, const std::string& name) {
  auto it = std::lower_bound(items.begin(), items.end(), name,
                             [](const T& item, const std::string& n) { return item.name < n; });
  return it != items.end() && it->name == name ? &*it : nullptr;
}
}  // namespace

const InstanceType* Catalog::findType(const std::string& name) const { return findByName(instanceTypes, name); }

const InstanceType* Catalog::findCurrentType(const std::string& name) const {
  const InstanceType* t = findType(name);
  return t ? t : findByName(absentTypes, name);
}

const GpuModel* Catalog::findGpu(const std::string& name) const { return findByName(gpus, name); }

const DriverCeiling* Catalog::driverCeilingOf(std::string_view type) const {
  const std::string_view family = type.substr(0, type.find('.'));
  for (const DriverCeiling& c : driverCeilings) {
    if (std::find(c.families.begin(), c.families.end(), family) != c.families.end()) return &c;
  }
  return nullptr;
}

const AmiImage* Catalog::findAmi(std::string_view ami) const {
  for (const AmiImage& a : amis) {
    if (a.ami == ami) return &a;
  }
  return nullptr;
}

std::string InstanceType::fractionText() const {
  // "an" before a name said with a vowel first: A (ay), E, F (ef), H (aitch), I, L (el), M, N,
  // O, R, S, X as letters.
  const bool vowelSound =
      !gpuModel.empty() && std::string_view("AEFHILMNORSX").find(gpuModel[0]) != std::string_view::npos;
  const long parts = std::lround(1.0 / gpuCount);
  return "1/" + std::to_string(parts) + (vowelSound ? " of an " : " of a ") + gpuModel;
}

std::int64_t tableMiB(double gib) { return static_cast<std::int64_t>(std::floor(gib * 1024.0 + 1e-9)); }

const GpuMemory* GpuModel::variant(std::int64_t ec2MiB) const {
  for (const GpuMemory& m : memory) {
    if (m.ec2MiB == ec2MiB) return &m;
  }
  return nullptr;
}

bool sameGpuName(std::string_view a, std::string_view b) {
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) { return lower(x) == lower(y); });
}

std::optional<int> parseComputeCapability(std::string_view text) {
  const std::size_t dot = text.find('.');
  if (dot == std::string_view::npos || dot < 1 || dot > 2 || text.size() != dot + 2) return std::nullopt;
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (!std::all_of(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(dot), digit) || !digit(text.back())) {
    return std::nullopt;
  }
  int major = 0;
  for (std::size_t i = 0; i < dot; ++i) major = major * 10 + (text[i] - '0');
  return major * 10 + (text.back() - '0');
}

std::optional<GpuName> Catalog::findGpuName(std::string_view name) const {
  auto named = [&](const std::vector<std::string>& names) {
    return std::any_of(names.begin(), names.end(), [&](const std::string& n) { return sameGpuName(n, name); });
  };
  for (const GpuModel& g : gpus) {
    if (sameGpuName(g.name, name) || named(g.names)) return GpuName{&g, nullptr};
    for (const GpuMemory& m : g.memory) {
      if (named(m.names)) return GpuName{&g, &m};
    }
  }
  return std::nullopt;
}

std::int64_t Catalog::usableMemoryMiB(const InstanceType& t, std::int64_t overheadMiB) const {
  const double perGpu = static_cast<double>(overheadMiB);
  const double overhead = t.fractional() ? perGpu * t.gpuCount : perGpu;
  return gpuMemory(t).mib - static_cast<std::int64_t>(std::ceil(overhead));
}

GpuMemoryFigure Catalog::gpuMemory(const InstanceType& t) const {
  GpuMemoryFigure f;
  f.mib = t.gpuMemoryMiB;
  const GpuModel* g = findGpu(t.gpuModel);
  f.variant = g ? g->variant(t.gpuMemoryMiB) : nullptr;
  if (f.variant && f.variant->nvmlMiB) {
    f.mib = *f.variant->nvmlMiB;
    f.nvml = true;
    f.observed = f.variant->observed;
  }
  return f;
}

const MigGpu* Catalog::findMigGpu(const std::string& instanceType) const {
  for (const MigGpu& g : migGpus) {
    if (std::find(g.instanceTypes.begin(), g.instanceTypes.end(), instanceType) != g.instanceTypes.end()) return &g;
  }
  return nullptr;
}

std::optional<Micros> Catalog::price(const InstanceType& t, Capacity capacity) {
  return capacity == Capacity::Spot ? t.spot : t.onDemand;
}

}  // namespace gpuslice
