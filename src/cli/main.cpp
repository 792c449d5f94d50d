// gpuslice: plans GPU sharing on Amazon EKS. main only wires the command line to the library.
#include <malloc.h>

#include <iostream>
#include <map>

#include "cli/commands.h"
#include "util/utf8.h"

namespace {

struct CommandEntry {
  const char* name;
  const char* help;
  gpuslice::cli::Runner (*add)(CLI::App&);
};

const CommandEntry kCommands[] = {
    {"plan", "Plan pools, instance counts, cost, savings and risk for a set of workloads", gpuslice::cli::registerPlan},
    {"report", "Write the plan as one HTML page for decision makers: strategies, cost by team, pools, risks",
     gpuslice::cli::registerReport},
    {"render", "Write the manifests for a plan: ConfigMaps, Helm values, Karpenter objects, workload patches",
     gpuslice::cli::registerRender},
    {"catalog", "Print the built-in (or a given) instance and GPU tables", gpuslice::cli::registerCatalog},
    {"profile", "Measure workloads from DCGM exporter metrics and write a WorkloadSet", gpuslice::cli::registerProfile},
    {"pricing", "Build a price table for any region from the EC2 price files AWS publishes",
     gpuslice::cli::registerPricing},
    {"diff", "Compare two saved plans: cost, pools and workloads that changed (table, Markdown, JSON)",
     gpuslice::cli::registerDiff},
    {"lint", "Check GPU-sharing manifests (Karpenter, device plugin and mig-parted configs, pods) for known mistakes",
     gpuslice::cli::registerLint},
    {"schema",
     "Print the JSON Schema of a WorkloadSet file, a JSON plan or an error document, for editors and pipelines",
     gpuslice::cli::registerSchema},
};

}  // namespace

namespace {

/// glibc returns freed memory at the top of the heap to the kernel once 128 KiB are free, and
/// takes it back page fault by page fault: streaming a 300 MB response through profile did 1,626
/// brk calls and spent 0.38 s of 1.33 s in the kernel. Keeping up to 256 MiB free and growing
/// the heap 16 MiB at a time made that 0.09 s of 0.88 s, with the same peak RSS (bench/README.md).
void keepFreedMemory() {
#ifdef M_TRIM_THRESHOLD
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  mallopt(M_TOP_PAD, 16 << 20);
#endif
}

}  // namespace

int main(int argc, char** argv) {
  keepFreedMemory();
  CLI::App app{
      "gpuslice: plan GPU sharing (time-slicing, MPS, MIG) on Amazon EKS and what it saves.\n"
      "Exit codes: 0 ok, 1 bad input, 2 usage, 3 infeasible (a workload fits nowhere), 4 findings (lint, profile\n"
      "--check)."};
  app.name("gpuslice");
  app.set_version_flag("--version", "gpuslice 0.1.0");
  app.require_subcommand(1);
  std::map<const CLI::App*, gpuslice::cli::Runner> runners;
  for (const CommandEntry& c : kCommands) {
    CLI::App* sub = app.add_subcommand(c.name, c.help);
    runners[sub] = c.add(*sub);
  }
  int code = static_cast<int>(gpuslice::ErrorKind::Usage);
  try {
    app.parse(argc, argv);
    for (const auto& [sub, run] : runners) {
      if (sub->parsed()) code = run();
    }
  } catch (const CLI::CallForHelp& e) {
    code = app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    code = app.exit(e);
  } catch (const CLI::ParseError& e) {
    // CLI11 quotes arguments as given: escaped like Error::describe().
    std::cerr << "gpuslice: " << gpuslice::escapeBytes(e.what(), gpuslice::EscapeAlso::Controls)
              << "\nRun 'gpuslice --help' or 'gpuslice <command> --help' for usage.\n";
  }
  return code;
}
