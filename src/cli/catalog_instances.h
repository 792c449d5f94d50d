// `gpuslice catalog instances` filters (--gpu, --mig, --max-price) and its JSON output.
#pragma once

#include <optional>
#include <string>

#include "model/catalog.h"
#include "model/error.h"

namespace gpuslice::cli {

/// Which instance types `catalog instances` lists; every filter given must hold.
struct InstanceFilter {
  std::string gpu;                 ///< --gpu: a GPU model or another of its names (empty: any)
  bool mig = false;                ///< --mig: only types whose GPUs have MIG profiles
  std::optional<double> maxPrice;  ///< --max-price: on-demand USD per hour at most this
  bool any() const { return !gpu.empty() || mig || maxPrice; }
};

/// `catalog` keeping only the instance types `filter` selects (in their order), or a usage
/// error for a --gpu name that is no GPU model the tables know.
/// - --gpu: names compare as a workload's gpu.model does (Catalog::findGpuName, any case); a
///   name of one memory variant (A100-80GB) keeps the types of that variant only;
/// - --mig: types whose GPUs have profiles in the MIG catalog (what `plan --strategy mig` uses);
/// - --max-price: types with an on-demand price of at most that many USD per hour.
Result<Catalog> filterInstances(Catalog catalog, const InstanceFilter& filter);

/// What `filter` asked for, as the table's comment line says it: "--gpu A100, --mig".
std::string filterText(const InstanceFilter& filter);

/// `catalog instances --format json`: the table's metadata and one object per type, keys in
/// byte order (kInstancesJsonHelp says what each is). `all`: the types before the filters.
std::string instancesJson(const Catalog& catalog, const InstanceFilter& filter, std::size_t all);

/// The JSON's fields, for --help.
extern const char* const kInstancesJsonHelp;

}  // namespace gpuslice::cli
