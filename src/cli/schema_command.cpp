// gpuslice schema: print the JSON Schema of a WorkloadSet, of a plan or of an error document.
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "io/schemas.h"
#include "util/utf8.h"

namespace gpuslice::cli {

namespace {

constexpr const char* kDescription =
    "Prints a JSON Schema (draft 2020-12): workloadset for the files plan and render read, plan for\n"
    "what plan --format json (or yaml) prints, errors for what it prints instead when it fails.\n"
    "The same files are in the repository under schemas/.\n"
    "\n"
    "Editors check and complete WorkloadSet files with it, as they do Kubernetes manifests. Save it\n"
    "  gpuslice schema workloadset > workloadset.schema.json\n"
    "and, for the YAML language server (VS Code's YAML extension, Neovim, Helix, ...), start each\n"
    "workload file with a line naming it (a path relative to the file, or a URL):\n"
    "  # yaml-language-server: $schema=./workloadset.schema.json\n"
    "or map file names to it with the editor's yaml.schemas setting. JSON workload files use the\n"
    "json.schemas setting: a \"$schema\" key is an unknown field to gpuslice.\n"
    "\n"
    "A schema cannot state every rule: plan still finds a workload defined twice, regions that\n"
    "differ between files and more than 10000000 pods in all.";

int runSchema(const std::string& name) {
  const auto text = io::builtinSchema(name);
  if (!text) {
    std::cerr << fmt::format("gpuslice: schema: unknown schema \"{}\" (one of {})\n",
                             escapeBytes(name, EscapeAlso::Controls), fmt::join(io::schemaNames(), ", "));
    return static_cast<int>(ErrorKind::Usage);
  }
  std::cout << *text;
  return 0;
}

}  // namespace

Runner registerSchema(CLI::App& app) {
  auto name = std::make_shared<std::string>();
  app.footer(kDescription);
  app.add_option("name", *name, "Which schema: workloadset, plan or errors")->required();
  return [name] { return runSchema(*name); };
}

}  // namespace gpuslice::cli
