// Kubernetes resource quantities ("500m", "2", "8Gi", "1.5G", "1e9").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gpuslice {

/// Parses a CPU quantity into millicores, rounding up fractions of a millicore.
/// Returns nothing for text that is not a valid, non-negative quantity.
std::optional<std::int64_t> parseCpuMillis(std::string_view text);

/// Parses a memory quantity into bytes, rounding up fractions of a byte.
/// Accepts the binary (Ki, Mi, Gi, Ti, Pi, Ei) and decimal (k, M, G, T, P, E) suffixes,
/// plain numbers and exponents. Returns nothing for invalid or negative text.
std::optional<std::int64_t> parseMemoryBytes(std::string_view text);

/// Millicores as a CPU quantity: whole cores without a suffix ("2"), else millicores ("200m").
std::string cpuQuantity(std::int64_t millis);

/// Bytes as a memory quantity with the largest binary suffix that divides them ("256Mi",
/// "1536Mi", "3Gi"), or plain bytes.
std::string memoryQuantity(std::int64_t bytes);

}  // namespace gpuslice
