#include "io/render_output.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <initializer_list>
#include <set>
#include <system_error>

#include "io/files.h"

namespace gpuslice::io {

std::string manifestStream(const std::vector<Manifest>& manifests) {
  std::string out;
  for (const Manifest& m : manifests) out += "---\n" + manifestText(m);
  return out;
}

namespace {

std::string textAt(const Value& v, std::initializer_list<std::string_view> path) {
  const Value* at = v.at(path);
  return at && at->isString() ? at->text : std::string();
}

/// The files of one kind (`kind` empty: every Kubernetes object of `part`), in render's order.
std::vector<std::string> filesOf(const std::vector<Manifest>& manifests, Part part, std::string_view kind) {
  std::vector<std::string> out;
  for (const Manifest& m : manifests) {
    if (m.part == part && m.kubernetesObject && (kind.empty() || textAt(m.body, {"kind"}) == kind)) {
      out.push_back(m.file);
    }
  }
  return out;
}

/// One step of APPLY.md: a numbered heading line, what it is for, and its commands.
void step(std::string& out, int& n, std::string_view what, const std::vector<std::string>& commands) {
  out += fmt::format("{}. {}\n\n", ++n, what);
  for (const std::string& c : commands) out += "       " + c + "\n";
  out += "\n";
}

std::vector<std::string> applyEach(const std::vector<std::string>& files) {
  std::vector<std::string> out;
  for (const std::string& f : files) out.push_back("kubectl apply -f " + f);
  return out;
}

/// The patch commands: kubectl patch for each patched object, except Jobs, whose pod
/// template cannot change.
void patchSteps(std::string& out, int& n, const std::vector<Manifest>& manifests) {
  std::vector<std::string> commands, jobs;
  bool kustomization = false;
  for (const Manifest& m : manifests) {
    kustomization = kustomization || m.file == "kustomization.yaml";
    if (m.part != Part::Patches || m.file == "kustomization.yaml") continue;
    std::string kind = textAt(m.body, {"kind"});
    if (kind == "Job") {
      jobs.push_back(m.file);
      continue;
    }
    std::transform(kind.begin(), kind.end(), kind.begin(), [](unsigned char c) { return std::tolower(c); });
    commands.push_back(fmt::format("kubectl patch {} {} -n {} --patch-file {}", kind,
                                   textAt(m.body, {"metadata", "name"}), textAt(m.body, {"metadata", "namespace"}),
                                   m.file));
  }
  if (kustomization) {
    step(out, n,
         "The workload patches, through the kustomization: first add your workloads' manifests (or a base "
         "holding them) to its `resources`.",
         {"kubectl apply -k ."});
  } else if (!commands.empty()) {
    step(out, n, "The workload patches, each merged into the running object.", commands);
  }
  if (!jobs.empty()) {
    out +=
        "A Job's pod template cannot change: merge these patches into the Jobs' manifests and create the\n"
        "Jobs again: " +
        fmt::format("{}", fmt::join(jobs, ", ")) + ".\n\n";
  }
}

}  // namespace

std::string applyGuide(const std::vector<Manifest>& manifests) {
  std::string out =
      "# Applying this directory\n\n"
      "Written by `gpuslice render`. Run the steps in this order from this directory: each needs the one\n"
      "before it (the device plugin reads its ConfigMap, the NodePools name the EC2NodeClass, pods may\n"
      "only move once their pool can launch nodes).\n\n";
  int n = 0;
  const bool helm =
      std::any_of(manifests.begin(), manifests.end(), [](const Manifest& m) { return m.part == Part::HelmValues; });
  if (helm) {
    step(out, n, "The GPU Operator, with gpuslice's Helm values.",
         {"helm repo add nvidia https://helm.ngc.nvidia.com/nvidia",
          "helm upgrade --install gpu-operator nvidia/gpu-operator -n gpu-operator --create-namespace \\",
          "    -f gpu-operator-values.yaml"});
  }
  const std::vector<std::string> overlays = filesOf(manifests, Part::Karpenter, "NodeOverlay");
  if (!overlays.empty()) {
    step(out, n,
         "Karpenter's NodeOverlay feature gate: NodeOverlay is alpha, and without the gate Karpenter ignores\n"
         "   the overlays that tell it how many shared GPUs a node offers.",
         {"helm upgrade karpenter oci://public.ecr.aws/karpenter/karpenter -n kube-system --reuse-values \\",
          "    --set settings.featureGates.nodeOverlay=true"});
  }
  if (auto maps = filesOf(manifests, Part::ConfigMaps, ""); !maps.empty()) {
    step(out, n, "The ConfigMaps of the device plugin and the MIG manager.", applyEach(maps));
  }
  if (auto classes = filesOf(manifests, Part::Karpenter, "EC2NodeClass"); !classes.empty()) {
    step(out, n, "The EC2NodeClasses.", applyEach(classes));
  }
  std::vector<std::string> pools = filesOf(manifests, Part::Karpenter, "NodePool");
  pools.insert(pools.end(), overlays.begin(), overlays.end());
  if (!pools.empty()) step(out, n, "The NodePools and their NodeOverlays.", applyEach(pools));
  patchSteps(out, n, manifests);
  return out;
}

namespace {

/// The names on the list an earlier render left in `dir`; none when there is no list. A name
/// with a '/' or that is "." or ".." is not one gpuslice wrote, and is ignored.
std::set<std::string> writtenBefore(const std::string& dir) {
  std::set<std::string> names;
  const std::string path = dir + "/" + kWrittenList;
  if (!std::filesystem::is_regular_file(path)) return names;
  auto text = readFile(path);
  if (!text) return names;
  std::size_t at = 0;
  while (at < text->size()) {
    const std::size_t end = std::min(text->find('\n', at), text->size());
    const std::string name = text->substr(at, end - at);
    at = end + 1;
    if (name.empty() || name[0] == '#' || name == "." || name == ".." || name.find('/') != std::string::npos) continue;
    names.insert(name);
  }
  return names;
}

std::string listText(const std::set<std::string>& names) {
  std::string out =
      "# The files gpuslice render wrote into this directory: render --prune removes those a later\n"
      "# render does not write, and never a file not on this list.\n";
  for (const std::string& name : names) out += name + "\n";
  return out;
}

}  // namespace

std::optional<Error> writeManifests(const std::string& dir, const std::vector<Manifest>& manifests, bool prune) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) {
    return Error{ErrorKind::BadInput, dir, 0, "--out-dir",
                 "cannot create the directory" + (ec ? ": " + ec.message() : std::string())};
  }
  std::vector<NamedContent> files;
  std::set<std::string> written;
  for (const Manifest& m : manifests) {
    files.push_back({m.file, manifestText(m)});
    written.insert(m.file);
  }
  files.push_back({"APPLY.md", applyGuide(manifests)});
  written.insert("APPLY.md");
  const std::set<std::string> before = writtenBefore(dir);
  std::set<std::string> listed = written;
  if (!prune) listed.insert(before.begin(), before.end());
  files.push_back({kWrittenList, listText(listed)});
  if (auto e = writeFilesAtomic(dir, files)) return e;
  if (!prune) return std::nullopt;
  for (const std::string& name : before) {
    const fs::path path = fs::path(dir) / name;
    if (written.count(name) == 0 && fs::is_regular_file(fs::symlink_status(path, ec))) fs::remove(path, ec);
  }
  return std::nullopt;
}

}  // namespace gpuslice::io
