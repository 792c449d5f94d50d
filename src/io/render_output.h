// Writing render's manifests: one YAML stream, or one file per manifest in a directory.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "render/render.h"

namespace gpuslice::io {

/// Every manifest as one YAML stream, each document starting with `---`.
std::string manifestStream(const std::vector<Manifest>& manifests);

/// The name of the list of files gpuslice wrote into an --out-dir, kept in that directory.
inline constexpr const char* kWrittenList = ".gpuslice-files";

/// APPLY.md of an --out-dir: in which order to apply its files, and the commands.
std::string applyGuide(const std::vector<Manifest>& manifests);

/// Writes each manifest to `dir`/<its file>, APPLY.md and the list kWrittenList (creating
/// `dir` if needed) as one step (io::writeFilesAtomic: an error leaves the directory as it
/// was). Everything is rendered before this is called, so an input error never leaves a file.
/// With `prune`, the files the list names from an earlier render that this one does not write
/// are removed; nothing the list does not name is ever touched. Without it they stay, and stay
/// on the list, so a later --prune still removes them.
std::optional<Error> writeManifests(const std::string& dir, const std::vector<Manifest>& manifests, bool prune);

}  // namespace gpuslice::io
