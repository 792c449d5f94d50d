#include "model/catalog.h"

#include <algorithm>
#include <cmath>

namespace gpuslice {

std::int64_t InstanceType::usableMemoryMiB(std::int64_t overheadMiB) const {
  const double overhead = fractional() ? static_cast<double>(overheadMiB) * gpuCount : static_cast<double>(overheadMiB);
  return gpuMemoryMiB - static_cast<std::int64_t>(std::ceil(overhead));
}

int mpsClientLimit(const GpuModel* gpu) { return gpu ? gpu->mpsMaxClients : kMpsClientLimit; }

namespace {
template <class T>
const T* findByName(const std::vector<T>& items, const std::string& name) {
  auto it = std::lower_bound(items.begin(), items.end(), name,
                             [](const T& item, const std::string& n) { return item.name < n; });
  return it != items.end() && it->name == name ? &*it : nullptr;
}
}  // namespace

const InstanceType* Catalog::findType(const std::string& name) const { return findByName(instanceTypes, name); }

const GpuModel* Catalog::findGpu(const std::string& name) const { return findByName(gpus, name); }

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
