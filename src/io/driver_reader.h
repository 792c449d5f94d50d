// Reading the driver table (catalog/drivers.yaml): the NVIDIA driver branch each GPU model needs
// and each node image family ships.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/catalog.h"
#include "model/error.h"

namespace gpuslice::io {

/// What the driver table gives besides each GPU model's minimum.
struct DriverTable {
  std::vector<AmiImage> amis;           ///< sorted by ami, each once
  std::vector<DriverCeiling> ceilings;  ///< in table order; a family in at most one
};

/// Decodes a `kind: DriverCatalog` document: sets minDriver on the `gpus` it names (each must be
/// one of them, at most once) and returns the node image families and the families' ceilings.
Result<DriverTable> readDriverTable(std::string_view text, const std::string& file, std::vector<GpuModel>& gpus);

/// The driver table compiled into the binary, applied to `gpus`.
Result<DriverTable> builtinDriverTable(std::vector<GpuModel>& gpus);

}  // namespace gpuslice::io
