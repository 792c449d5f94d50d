#include "io/stream_position.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace gpuslice::io {

int countNewlines(std::string_view s) {
  int n = 0;
  if (s.empty()) return n;  // data() may be null, which memchr may not take
  const char* p = s.data();
  const char* end = s.data() + s.size();
  while ((p = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p))))) {
    ++n;
    ++p;
  }
  return n;
}

Error StreamPosition::located(const std::string& file, std::string_view piece, std::size_t at, std::string field,
                              const std::string& message) const {
  at = std::min(at, piece.size());
  const int lineAt = line + countNewlines(piece.substr(0, at));
  const std::size_t from = at > 24 ? at - 24 : 0;
  std::string near(piece.substr(from, std::min<std::size_t>(48, piece.size() - from)));
  std::replace(near.begin(), near.end(), '\n', ' ');
  return badInput(file, lineAt, std::move(field),
                  fmt::format("{} (at byte offset {}, near \"{}\")", message, offset + at, near));
}

void StreamPosition::advance(std::string_view piece) {
  line += countNewlines(piece);
  offset += piece.size();
}

}  // namespace gpuslice::io
