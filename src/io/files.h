// Reading inputs and writing outputs without ever leaving a partial file behind.
#pragma once

#include <optional>
#include <string>

#include "model/error.h"

namespace gpuslice::io {

/// The whole file, or standard input for "-". Errors name the file.
Result<std::string> readFile(const std::string& path);

/// Writes `content` to `path` through a temporary file in the same directory and a
/// rename, so readers see the old file or the whole new one. "-" writes to stdout.
std::optional<Error> writeFileAtomic(const std::string& path, const std::string& content);

}  // namespace gpuslice::io
