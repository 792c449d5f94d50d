// Kubernetes resource quantities ("500m", "2", "8Gi", "1.5G", "1e9").
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace gpuslice {

/// Parses a CPU quantity into millicores, rounding up fractions of a millicore.
/// Returns nothing for text that is not a valid, non-negative quantity.
std::optional<std::int64_t> parseCpuMillis(std::string_view text);

/// Parses a memory quantity into bytes, rounding up fractions of a byte.
/// Accepts the binary (Ki, Mi, Gi, Ti, Pi, Ei) and decimal (k, M, G, T, P, E) suffixes,
/// plain numbers and exponents. Returns nothing for invalid or negative text.
std::optional<std::int64_t> parseMemoryBytes(std::string_view text);

}  // namespace gpuslice
