#include "util/glob.h"

namespace gpuslice {

bool globMatch(std::string_view pattern, std::string_view text) {
  // Greedy match that, on a mismatch, lets the most recent '*' swallow one more
  // character. Earlier stars never need revisiting, so this is O(pattern * text)
  // at worst, without recursion.
  std::size_t p = 0, t = 0;
  std::size_t star = std::string_view::npos, starText = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      starText = t;
    } else if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++starText;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool globMatchAny(const std::vector<std::string>& patterns, std::string_view text) {
  if (patterns.empty()) return true;
  for (const auto& pattern : patterns)
    if (globMatch(pattern, text)) return true;
  return false;
}

}  // namespace gpuslice
