// gpuslice lint: check GPU-sharing manifests people already have.
#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "io/catalog_reader.h"
#include "io/files.h"
#include "lint/lint.h"

namespace gpuslice::cli {

namespace {

/// Exit status when lint finds something (README "Exit codes").
constexpr int kExitFindings = 4;

constexpr const char* kDescription =
    "Reads multi-document YAML (or JSON) manifests: Karpenter NodePools, EC2NodeClasses, NodeOverlays and\n"
    "the removed Provisioner and AWSNodeTemplate; ConfigMaps holding NVIDIA device plugin or mig-parted\n"
    "configs (parsed, with their lines in the outer file); GPU Operator Helm values; Deployments,\n"
    "StatefulSets, DaemonSets, Jobs, CronJobs and Pods; `kubectl get -o yaml` lists. All files are\n"
    "checked together, so a NodePool's label is matched with a ConfigMap of another file. '-' is stdin.\n"
    "\n"
    "Each finding: FILE:LINE: CODE severity: message, then why and the fix indented. The codes are\n"
    "stable (README, \"Lint\"): GS1xx Karpenter APIs, GS2xx MIG on GPUs without it, GS3xx device plugin\n"
    "configs, GS4xx mig-parted configs, GS5xx NodeOverlays, config labels and pod placement.\n"
    "\n"
    "--format json prints {\"findings\": [{\"code\", \"file\", \"fix\", \"line\", \"message\", \"severity\",\n"
    "\"why\"}], \"summary\": {\"errors\", \"findings\", \"warnings\"}}, keys sorted, findings by file (in\n"
    "the order given), line and code; severity is \"error\" or \"warning\".\n"
    "\n"
    "Exit codes: 0 no findings, 4 findings (errors or warnings), 1 bad input (a file that cannot be read\n"
    "or is not YAML: one located error on stderr).";

struct LintArgs {
  std::vector<std::string> files;
  std::string format = "text";
};

int runLint(const LintArgs& a) {
  auto catalog = io::builtinCatalog();
  if (!catalog) return report(catalog.errors());
  std::vector<lint::Source> sources;
  ErrorList errors;
  for (const std::string& f : a.files) {
    auto text = io::readFile(f);
    if (!text) {
      errors.insert(errors.end(), text.errors().begin(), text.errors().end());
      continue;
    }
    sources.push_back(lint::Source{f == "-" ? "<stdin>" : f, std::move(*text)});
  }
  if (!errors.empty()) return report(errors);
  auto findings = lint::lintSources(sources, *catalog);
  if (!findings) return report(findings.errors());
  const std::string out = a.format == "json" ? lint::findingsJson(*findings) : lint::findingsText(*findings);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return findings->empty() ? 0 : kExitFindings;
}

}  // namespace

Runner registerLint(CLI::App& app) {
  auto args = std::make_shared<LintArgs>();
  app.footer(kDescription);
  app.add_option("files", args->files, "Manifest files to check ('-' for stdin)")->required();
  app.add_option("--format", args->format, "text or json")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json"}));
  return [args] { return runLint(*args); };
}

}  // namespace gpuslice::cli
