// Reading the MIG catalog: profiles and their allowed starts per MIG-capable GPU.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mig/geometry.h"
#include "model/error.h"

namespace gpuslice::io {

/// Decodes a `kind: MigCatalog` document (format: catalog/mig-profiles.yaml). Unknown fields,
/// starts that do not fit the GPU, a profile name that disagrees with its compute slices,
/// memory or +me flag, a profile with more SMs than its GPU, a +me profile whose SMs differ from
/// its base's, and duplicate names are errors naming file, line and field.
/// GPUs come back sorted by name; profiles stay in document order.
Result<std::vector<MigGpu>> readMigCatalog(std::string_view text, const std::string& file);

/// The MIG catalog compiled into the binary (catalog/mig-profiles.yaml).
Result<std::vector<MigGpu>> builtinMigCatalog();

}  // namespace gpuslice::io
