// Reading inputs and writing outputs without ever leaving a partial file behind.
#pragma once

#include <optional>
#include <string>
#include <vector>

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

/// One file of a directory written by writeFilesAtomic: its name in the directory (no '/').
struct NamedContent {
  std::string name;
  std::string content;
};

/// Writes every file into the existing directory `dir` as one step: each goes to a temporary
/// file first, the file system is synced once (not once per file), then each is renamed into
/// place. An error before the renames (a write fails, a name is taken by something that is not
/// a regular file) removes the temporaries and leaves the directory as it was.
std::optional<Error> writeFilesAtomic(const std::string& dir, const std::vector<NamedContent>& files);

}  // namespace gpuslice::io
