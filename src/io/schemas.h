// The JSON Schemas of gpuslice's documents (schemas/ in the repository), built into the binary.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace gpuslice::io {

/// The names `gpuslice schema` takes, in the order its help lists them.
std::vector<std::string_view> schemaNames();

/// The text of schemas/<name>.schema.json as built in, or nothing for an unknown name.
std::optional<std::string_view> builtinSchema(std::string_view name);

}  // namespace gpuslice::io
