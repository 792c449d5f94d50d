// Writing render's manifests: one YAML stream, or one file per manifest in a directory.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "render/render.h"

namespace gpuslice::io {

/// Every manifest as one YAML stream, each document starting with `---`.
std::string manifestStream(const std::vector<Manifest>& manifests);

/// Writes each manifest to `dir`/<its file> (creating `dir` if needed), each file atomically.
/// Everything is rendered before this is called, so an input error never leaves a file.
std::optional<Error> writeManifests(const std::string& dir, const std::vector<Manifest>& manifests);

}  // namespace gpuslice::io
