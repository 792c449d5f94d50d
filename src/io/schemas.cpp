#include "io/schemas.h"

#include "gpuslice/embedded.h"

namespace gpuslice::io {

namespace {

struct BuiltInSchema {
  std::string_view name;
  std::string_view (*text)();
};

const BuiltInSchema kSchemas[] = {
    {"workloadset", embedded::schemas_workloadset_schema_json},
    {"plan", embedded::schemas_plan_schema_json},
    {"errors", embedded::schemas_errors_schema_json},
};

}  // namespace

std::vector<std::string_view> schemaNames() {
  std::vector<std::string_view> names;
  for (const BuiltInSchema& s : kSchemas) names.push_back(s.name);
  return names;
}

std::optional<std::string_view> builtinSchema(std::string_view name) {
  for (const BuiltInSchema& s : kSchemas) {
    if (s.name == name) return s.text();
  }
  return std::nullopt;
}

}  // namespace gpuslice::io
