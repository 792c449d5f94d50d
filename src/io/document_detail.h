// Pieces shared by the JSON and YAML halves of document.h.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "io/document.h"

namespace gpuslice::io::detail {

constexpr int kMaxDepth = 256;
constexpr std::size_t kMaxExpandedNodes = 10'000'000;
constexpr std::size_t npos = std::string_view::npos;
/// JSON text from the start of an array to the end of the document worth parsing that
/// array in two parts on two threads.
constexpr std::ptrdiff_t kSplitBytes = std::ptrdiff_t{1} << 20;

inline std::string_view withoutBom(std::string_view s) { return s.substr(0, 3) == "\xEF\xBB\xBF" ? s.substr(3) : s; }

using Members = std::vector<NodeMember>;

/// Spots a repeated mapping key: a linear scan while the mapping is small, a hash
/// set once it grows past 16 keys.
class KeyTracker {
 public:
  /// True if `key` is already among `members`, the keys accepted so far.
  bool repeated(std::string_view key, const Members& members) {
    if (members.size() <= 16)
      return std::any_of(members.begin(), members.end(), [&](const auto& m) { return m.first == key; });
    if (hashed_.empty())
      for (const auto& m : members) hashed_.insert(m.first);
    return !hashed_.emplace(key).second;
  }

 private:
  std::unordered_set<std::string> hashed_;
};

}  // namespace gpuslice::io::detail
