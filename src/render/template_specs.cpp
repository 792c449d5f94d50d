// The templates render knows, what each may contain, and the check of a user's copy.
#include <fmt/format.h>

#include <set>

#include "render/render.h"
#include "render/template_fill.h"

namespace gpuslice {

const char* partName(Part p) {
  switch (p) {
    case Part::ConfigMaps: return "configmaps";
    case Part::Karpenter: return "karpenter";
    case Part::HelmValues: return "helm-values";
    case Part::Patches: return "patches";
  }
  return "?";
}

const std::vector<TemplateSpec>& templateSpecs() {  // NOLINT(readability-function-size): data, one entry per template
  static const std::vector<TemplateSpec> specs = {
      {"device-plugin-configmap.yaml",
       "the device plugin's ConfigMap, one data key per config",
       "v1",
       "ConfigMap",
       {{"data", "mapping: config name -> config file text", true}}},
      {"device-plugin-config.yaml",
       "one device-plugin config file",
       "",
       "",
       {{"migStrategy", "none, single or mixed", true},
        {"sharing", "mapping with timeSlicing or mps; absent when the GPUs are not shared", false}}},
      {"mig-parted-configmap.yaml",
       "the MIG manager's ConfigMap (key config.yaml)",
       "v1",
       "ConfigMap",
       {{"config", "the mig-parted config file text", true}}},
      {"mig-parted-config.yaml",
       "the mig-parted config file",
       "",
       "",
       {{"migConfigs", "mapping: config name -> list of device entries", true}}},
      {"gpu-operator-values.yaml",
       "GPU Operator Helm values",
       "",
       "",
       {{"devicePluginEnabled", "false when Bottlerocket's own device plugin shares the GPUs", false},
        {"devicePluginConfigName", "the device-plugin ConfigMap's name; absent with --sharing-via bottlerocket", false},
        {"devicePluginConfigDefault", "the config of nodes without the label; absent likewise", false},
        {"migStrategy", "none, single or mixed", false},
        {"migManagerEnabled", "false when Bottlerocket partitions MIG itself", false},
        {"migManagerConfigName", "the mig-parted ConfigMap's name; absent without MIG pools", false}}},
      {"nodepool.yaml",
       "one Karpenter NodePool per pool",
       "karpenter.sh/v1",
       "NodePool",
       {{"name", "the pool's name", true},
        {"devicePluginConfig", "the device-plugin config name; absent with --sharing-via bottlerocket", false},
        {"migConfig", "the mig-parted config name; absent for pools without MIG", false},
        {"nodeClass", "the EC2NodeClass's name", true},
        {"instanceType", "the pool's instance type", false},
        {"gpuNameRequirement", "requirement on karpenter.k8s.aws/instance-gpu-name; absent when unknown", false},
        {"capacityType", "on-demand or spot", false},
        {"limits", "mapping: resource -> quantity", false}}},
      {"ec2nodeclass-al2023.yaml",
       "the EC2NodeClass for --ami al2023",
       "karpenter.k8s.aws/v1",
       "EC2NodeClass",
       {{"name", "the node class's name", true},
        {"nodeRole", "--node-role", false},
        {"cluster", "--cluster", false},
        {"amiSelectorTerms", "list: the alias al2023@latest, or the --ami-selector terms", true},
        {"amiFamily", "AL2023 with --ami-selector (the CRD needs it without an alias); else absent", false},
        {"userData", "always absent for AL2023", false},
        {"kubelet", "{maxPods: N} when the plan was made with --max-pods; else absent", false}}},
      {"ec2nodeclass-bottlerocket.yaml",
       "the EC2NodeClass for --ami bottlerocket",
       "karpenter.k8s.aws/v1",
       "EC2NodeClass",
       {{"name", "the node class's name", true},
        {"nodeRole", "--node-role", false},
        {"cluster", "--cluster", false},
        {"amiSelectorTerms", "list: the alias bottlerocket@latest, or the --ami-selector terms", true},
        {"amiFamily", "Bottlerocket with --ami-selector (the CRD needs it without an alias); else absent", false},
        {"userData", "TOML with the NVIDIA settings (--sharing-via bottlerocket); else absent", false},
        {"kubelet", "{maxPods: N} when the plan was made with --max-pods; else absent", false}}},
      {"nodeoverlay.yaml",
       "one Karpenter NodeOverlay per shared pool and per pool on a fractional-GPU type",
       "karpenter.sh/v1alpha1",
       "NodeOverlay",
       {{"name", "the pool's name", true},
        {"nodePool", "the pool's name", false},
        {"instanceType", "the pool's instance type", false},
        {"capacity", "mapping: sliced resource -> count per node", true}}},
      {"workload-patch.yaml",
       "per workload, the patch of its pod template (gpuslice puts it into a patch of the workload's kind)",
       "",
       "",
       {{"name", "the workload's name", false},
        {"namespace", "the workload's namespace", false},
        {"nodePool", "its pool's name", false},
        {"container", "the container that gets the GPU (the workload's container field, else its name)", true},
        {"nodeSelector", "mapping: karpenter.sh/nodepool -> the pool, and null for each placement key to remove", true},
        {"affinity", "node affinity without its placement terms; absent unless --current shows some", true},
        {"tolerations", "list: the object's own tolerations (--current), spliced; else absent", true},
        {"gpuRequest", "mapping: the pool's resource -> 1, and null for each GPU resource it replaces", true},
        {"podMetadata", "mapping: labels with gpuslice.io/workload -> the name, when spread (minNodes); else absent",
         false},
        {"topologySpread",
         "list: one constraint over kubernetes.io/hostname (maxSkew 1, minDomains minNodes) when spread; else absent",
         false}}},
      {"kustomization.yaml",
       "with --format kustomize, the kustomization",
       "kustomize.config.k8s.io/v1beta1",
       "Kustomization",
       {{"resources", "list of the object files", true}, {"patches", "list of the patches with targets", true}}},
  };
  return specs;
}

const TemplateSpec* findTemplateSpec(const std::string& name) {
  for (const TemplateSpec& s : templateSpecs()) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

std::optional<Error> checkTemplate(const Template& t) {
  const TemplateSpec* spec = findTemplateSpec(t.name);
  if (!spec) return Error{ErrorKind::BadInput, t.file, 0, "", "not a template gpuslice knows"};
  if (!t.root.isMapping()) {
    return Error{ErrorKind::BadInput, t.file, t.root.line, "", "a template must be a mapping"};
  }
  for (const auto& [key, want] : {std::pair{"apiVersion", spec->apiVersion}, std::pair{"kind", spec->kind}}) {
    if (want.empty()) continue;
    const Value* v = t.root.find(key);
    if (!v || !v->isString() || v->text != want) {
      return Error{ErrorKind::BadInput, t.file, v ? v->line : t.root.line, key,
                   fmt::format("must be {}, the {} of what {} renders", want, key, t.name)};
    }
  }
  std::set<std::string> used;
  auto e = detail::forEachPlaceholder(t, [&](const std::string& name, int line) -> std::optional<Error> {
    for (const PlaceholderSpec& p : spec->placeholders) {
      if (p.name == name) {
        used.insert(name);
        return std::nullopt;
      }
    }
    std::vector<std::string> known;
    for (const PlaceholderSpec& p : spec->placeholders) known.push_back("${" + p.name + "}");
    return Error{ErrorKind::BadInput, t.file, line, "",
                 fmt::format("unknown placeholder ${{{}}}; {} knows {}", name, t.name, fmt::join(known, ", "))};
  });
  if (e) return e;
  for (const PlaceholderSpec& p : spec->placeholders) {
    if (p.required && !used.count(p.name)) {
      return Error{ErrorKind::BadInput, t.file, t.root.line, "",
                   fmt::format("must use the placeholder ${{{}}} ({})", p.name, p.help)};
    }
  }
  return std::nullopt;
}

}  // namespace gpuslice
