// Reading inputs and writing outputs without ever leaving a partial file behind.
#pragma once

#include <optional>
#include <string>

#include "model/error.h"

namespace gpuslice::io {

/// The whole file, or standard input for "-". Errors name the file. Every input is text:
/// bytes that are not well-formed UTF-8 (util/utf8.h; a leading byte order mark is
/// well-formed) are refused here, before any parser sees them, with
/// "<file>:<line>: not valid UTF-8" at the line of the first bad byte.
Result<std::string> readFile(const std::string& path);

/// Writes `content` to `path` through a temporary file in the same directory and a
/// rename, so readers see the old file or the whole new one. "-" writes to stdout.
std::optional<Error> writeFileAtomic(const std::string& path, const std::string& content);

}  // namespace gpuslice::io
