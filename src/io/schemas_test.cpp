#include "io/schemas.h"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

using namespace gpuslice;

namespace {

std::string repositoryFile(const std::string& path) {
  std::ifstream in(std::string(GPUSLICE_SOURCE_DIR) + "/" + path, std::ios::binary);
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("the built-in schemas are the files in schemas/, byte for byte") {
  CHECK(io::schemaNames() == std::vector<std::string_view>{"workloadset", "plan", "errors"});
  for (std::string_view name : io::schemaNames()) {
    CAPTURE(name);
    const auto text = io::builtinSchema(name);
    REQUIRE(text);
    CHECK(std::string(*text) == repositoryFile("schemas/" + std::string(name) + ".schema.json"));
  }
}

TEST_CASE("an unknown schema name has no schema") {
  CHECK_FALSE(io::builtinSchema("WorkloadSet"));
  CHECK_FALSE(io::builtinSchema("workloadset.schema.json"));
  CHECK_FALSE(io::builtinSchema(""));
}
