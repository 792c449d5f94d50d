// gpuslice render: plan (or read a saved plan), then write the manifests a cluster needs.
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/plan_inputs.h"
#include "io/catalog_reader.h"
#include "io/current_reader.h"
#include "io/files.h"
#include "io/plan_reader.h"
#include "io/render_output.h"
#include "io/template_loader.h"
#include "render/render.h"

namespace gpuslice::cli {

namespace {

struct RenderArgs {
  PlanInputs plan;
  std::vector<CLI::Option*> planOptions;  ///< those addPlanOptions added
  std::string savedPlan;
  std::string templates;
  std::string outDir;
  std::vector<std::string> only;
  std::string format = "yaml";
  std::string ami = "al2023";
  std::vector<std::string> amiSelector;
  std::string sharingVia = "gpu-operator";
  std::string cluster;
  std::string nodeRole;
  bool renameByDefault = false;
  std::vector<std::string> current;
  bool prune = false;
};

Error usage(std::string field, std::string message) {
  return Error{ErrorKind::Usage, "", 0, std::move(field), std::move(message)};
}

/// The plan options that apply to a saved plan: the price table it is checked against, and
/// the capacity type its NodePools get.
bool appliesToSavedPlan(const CLI::Option& o) { return o.check_lname("pricing") || o.check_lname("capacity"); }

/// With --plan, every plan option given that only steers planning is refused: rendering a
/// saved plan never ignores an option.
ErrorList unusedPlanOptions(const RenderArgs& a) {
  ErrorList errors;
  for (const CLI::Option* o : a.planOptions) {
    if (o->count() == 0 || appliesToSavedPlan(*o)) continue;
    errors.push_back(usage(o->get_name(),
                           "steers planning and does nothing to a saved plan (--plan): plan again "
                           "with it, or leave it out"));
  }
  return errors;
}

/// Reads and checks the saved plan against the price table; --capacity, when given, sets its
/// capacity type.
Result<io::SavedPlan> loadSavedPlan(const RenderArgs& a, const Catalog& catalog) {
  auto text = io::readFile(a.savedPlan);
  if (!text) return text.errors();
  auto read = io::readPlan(*text, a.savedPlan == "-" ? "<stdin>" : a.savedPlan, catalog);
  if (!read) return read.errors();
  const bool capacityGiven = std::any_of(a.planOptions.begin(), a.planOptions.end(), [](const CLI::Option* o) {
    return o->check_lname("capacity") && o->count() > 0;
  });
  if (capacityGiven) read->plan.capacity = a.plan.capacity == "spot" ? Capacity::Spot : Capacity::OnDemand;
  return read;
}

/// The objects of the --current files, each read as kubectl get -o yaml prints them.
Result<CurrentObjects> readCurrent(const std::vector<std::string>& files) {
  CurrentObjects objects;
  for (const std::string& file : files) {
    auto text = io::readFile(file);
    if (!text) return text.error();
    if (auto e = io::addCurrentObjects(file == "-" ? "<stdin>" : file, *text, objects)) return *e;
  }
  return objects;
}

int runRender(const RenderArgs& a) {
  if (a.plan.files.empty() == a.savedPlan.empty()) {
    return report(usage("", "give workload files to plan from, or --plan FILE with a saved plan, not both"));
  }
  if (!a.savedPlan.empty()) {
    if (ErrorList unused = unusedPlanOptions(a); !unused.empty()) return report(unused);
  }
  if (a.prune && a.outDir.empty())
    return report(usage("--prune", "removes files from an --out-dir: it needs --out-dir DIR"));
  if (a.format == "kustomize" && a.outDir.empty()) {
    return report(usage("--format", "kustomize writes a kustomization beside the files: it needs --out-dir DIR"));
  }
  RenderOptions options;
  options.ami = a.ami == "bottlerocket" ? Ami::Bottlerocket : Ami::Al2023;
  for (const std::string& text : a.amiSelector) {
    auto term = parseAmiSelector(text);
    if (!term) return report(term.error());
    options.amiSelector.push_back(std::move(*term));
  }
  if (options.amiSelector.size() > 30) {
    return report(usage("--ami-selector", "at most 30 images (Karpenter's limit on amiSelectorTerms)"));
  }
  options.sharingVia = a.sharingVia == "bottlerocket" ? SharingVia::Bottlerocket : SharingVia::GpuOperator;
  options.cluster = a.cluster;
  options.nodeRole = a.nodeRole;
  options.renameByDefault = a.renameByDefault;
  options.kustomization = a.format == "kustomize";
  if (!a.only.empty()) {
    options.parts = 0;
    for (const std::string& p : a.only) {
      for (Part part : {Part::ConfigMaps, Part::Karpenter, Part::HelmValues, Part::Patches}) {
        if (p == partName(part)) options.parts |= bit(part);
      }
    }
  } else if (a.outDir.empty()) {
    // What `kubectl apply -f -` takes: the Helm values and the patches are not whole objects.
    options.parts = bit(Part::ConfigMaps) | bit(Part::Karpenter);
  }
  auto templates = io::loadTemplates(a.templates);
  if (!templates) return report(templates.error());
  auto current = readCurrent(a.current);
  if (!current) return report(current.error());
  if (!a.current.empty()) options.current = &*current;

  std::unique_ptr<PlannedInputs> planned;
  io::SavedPlan saved;
  const Plan* plan = nullptr;
  const WorkloadSet* set = nullptr;
  Catalog catalog;
  if (!a.savedPlan.empty()) {
    auto loaded = io::loadCatalog(a.plan.pricing);
    if (!loaded) return report(loaded.errors());
    catalog = std::move(*loaded);
    auto read = loadSavedPlan(a, catalog);
    if (!read) return report(read.errors());
    saved = std::move(*read);
    plan = &saved.plan;
    set = &saved.set;
  } else {
    auto made = planFromInputs(a.plan);
    if (!made) return report(made.errors(), inputNames(a.plan));
    planned = std::move(*made);
    printWarnings(*planned);
    plan = &planned->plan;
    set = &planned->set;
    catalog = planned->catalog;
  }
  auto manifests = render(*plan, *set, catalog, options, *templates);
  if (!manifests) return report(manifests.errors());
  if (!a.outDir.empty()) {
    if (auto e = io::writeManifests(a.outDir, *manifests, a.prune)) return report(*e);
  } else if (auto e = io::writeFileAtomic("-", io::manifestStream(*manifests))) {
    return report(*e);
  }
  return 0;
}

}  // namespace

Runner registerRender(CLI::App& app) {
  auto a = std::make_shared<RenderArgs>();
  app.description(
      "Write what a cluster needs for a plan: the device-plugin and mig-parted ConfigMaps, GPU Operator\n"
      "Helm values, Karpenter NodePools, EC2NodeClass and NodeOverlays, and per-workload patches.\n"
      "Plans from workload files (same options as plan) or reads a saved plan (--plan). On stdout, one\n"
      "YAML stream for kubectl apply -f - (ConfigMaps and Karpenter objects unless --only says otherwise);\n"
      "with --out-dir, one file per object plus the Helm values and the patches.");
  app.add_option("files", a->plan.files, "WorkloadSet files to plan from (as for gpuslice plan)");
  a->planOptions = addPlanOptions(app, a->plan);
  app.add_option("--plan", a->savedPlan,
                 "A saved plan (gpuslice plan --format json or yaml) instead of files, checked against the price "
                 "table (--pricing) first. Of the plan options, only --pricing and --capacity apply to it "
                 "(--capacity then sets the NodePools' capacity type instead of the plan's); any other is refused");
  app.add_option("--templates", a->templates,
                 "Directory with copies of templates/*.yaml to use instead of the built-in ones (any missing "
                 "file stays built in)");
  app.add_option("--out-dir", a->outDir,
                 "Write one file per manifest into DIR instead of stdout, with APPLY.md (the order to apply them) "
                 "and .gpuslice-files (what gpuslice wrote there), all at once or nothing");
  app.add_flag("--prune", a->prune,
               "With --out-dir: remove the files an earlier render wrote there that this one does not (only "
               "files on its .gpuslice-files list)");
  listOption(app.add_option("--only", a->only, "Parts to write, comma-separated (may be repeated)"))
      ->check(CLI::IsMember({"configmaps", "karpenter", "helm-values", "patches"}));
  app.add_option("--format", a->format, "yaml, or kustomize: also a kustomization.yaml applying the patches")
      ->check(CLI::IsMember({"yaml", "kustomize"}))
      ->capture_default_str();
  app.add_option("--ami", a->ami, "Node image of the EC2NodeClass")
      ->check(CLI::IsMember({"al2023", "bottlerocket"}))
      ->capture_default_str();
  app.add_option("--ami-selector", a->amiSelector,
                 "Your own node image instead of the --ami family's latest (which the family still sets up): "
                 "id=ami-ID, name=PATTERN (EC2's * wildcards) or tag:KEY=VALUE; repeat for more images, any of "
                 "which may match. Needed for a pool whose GPU needs a newer NVIDIA driver than the family ships "
                 "(g7: 595)");
  app.add_option("--sharing-via", a->sharingVia,
                 "Who shares the GPUs: the GPU Operator's device plugin (ConfigMaps, node labels) or, with --ami "
                 "bottlerocket, Bottlerocket's own (settings in the EC2NodeClass userData)")
      ->check(CLI::IsMember({"gpu-operator", "bottlerocket"}))
      ->capture_default_str();
  app.add_option("--cluster", a->cluster,
                 "EKS cluster name: the karpenter.sh/discovery tag of subnets and security groups");
  app.add_option("--node-role", a->nodeRole, "IAM role of the nodes (EC2NodeClass spec.role)");
  listOption(
      app.add_option("--current", a->current,
                     "Files with the workloads' objects as `kubectl get -o yaml` prints them (one object, several "
                     "documents or a List): each patch then keeps the object's tolerations and removes exactly the "
                     "placement keys and GPU resources it has (comma-separated, or repeat the option)"));
  app.add_flag("--rename-by-default", a->renameByDefault,
               "Advertise shared GPUs as nvidia.com/gpu.shared (device plugin renameByDefault); pods, overlays "
               "and patches use that name");
  return [a] { return runRender(*a); };
}

}  // namespace gpuslice::cli
