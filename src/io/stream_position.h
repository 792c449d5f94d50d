// Where a streamed input is, for errors: the line and byte offset of the piece being read, and
// the bytes around a failing byte (inputs such as Prometheus responses are often one line).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "model/error.h"

namespace gpuslice::io {

/// The line and byte offset of the start of the piece being read.
struct StreamPosition {
  std::uint64_t offset = 0;
  int line = 1;

  /// An error at byte `at` of `piece`: its line, and for one-line inputs the byte offset and
  /// the bytes around it.
  Error located(const std::string& file, std::string_view piece, std::size_t at, std::string field,
                const std::string& message) const;
  /// The piece was read whole.
  void advance(std::string_view piece);
};

/// Newlines in `s` (memchr, which is vectorized).
int countNewlines(std::string_view s);

}  // namespace gpuslice::io
