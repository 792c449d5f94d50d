// Shell-style glob matching for instance-type patterns such as "p3.*" or "g5.?xlarge".
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gpuslice {

/// True if `text` matches `pattern`, where '*' matches any run of characters
/// and '?' any single character. Everything else matches itself.
bool globMatch(std::string_view pattern, std::string_view text);

/// True if `text` matches any of `patterns`; an empty list matches everything.
bool globMatchAny(const std::vector<std::string>& patterns, std::string_view text);

}  // namespace gpuslice
