// render's internals, shared by its parts (ConfigMaps and Helm values, Karpenter, patches).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "render/render.h"
#include "render/template_fill.h"

namespace gpuslice::detail {

/// Everything a part needs, plus the MIG strategy the whole cluster gets.
struct RenderContext {
  const Plan& plan;
  const WorkloadSet& set;
  const Catalog& catalog;
  const RenderOptions& options;
  const Templates& templates;
  MigStrategy migStrategy = MigStrategy::None;  ///< what Helm's mig.strategy says

  /// The named template, filled.
  Result<Value> fill(const std::string& name, const Bindings& b) const;
};

/// The ConfigMaps and the names the Helm values refer to.
struct ConfigMaps {
  std::vector<Manifest> manifests;
  std::string devicePluginName;  ///< empty with --sharing-via bottlerocket
  std::string devicePluginDefault;
  std::string migPartedName;  ///< empty without MIG pools
};

Result<ConfigMaps> renderConfigMaps(const RenderContext& c);
Result<std::vector<Manifest>> renderHelmValues(const RenderContext& c, const ConfigMaps& maps);
Result<std::vector<Manifest>> renderKarpenter(const RenderContext& c);
Result<std::vector<Manifest>> renderPatches(const RenderContext& c);

/// The resource of a whole GPU, and what every shared or MIG resource replaces.
constexpr std::string_view kGpuResource = "nvidia.com/gpu";

/// What a workload's patch sets on its pods (pod_patch.cpp). Every pod-level field a patch
/// sets is decided by podPatch, so a new one (a topology spread constraint) is added there and
/// bound in the template.
struct PodPatch {
  Value nodeSelector;                ///< the pool, and null (delete) for each placement key
  std::optional<Value> affinity;     ///< node affinity without its placement terms; only with --current
  std::optional<Value> tolerations;  ///< the object's own, kept; only with --current
  Value resources;                   ///< requests and limits: the pool's resource gpu.count (1), others null
  std::vector<std::string> notes;    ///< comment lines: what the patch keeps and removes
};

/// The patch of workload w's pods in `pool`, asking for `resource`. With --current, its object
/// must exist and hold its container (else an error naming the workload), and no other
/// container of it may ask for a GPU resource.
Result<PodPatch> podPatch(const RenderContext& c, const Workload& w, const Pool& pool, const std::string& resource);
/// Where a kind keeps its pod template: spec.template, or spec.jobTemplate.spec.template.
std::vector<std::string_view> podTemplatePath(WorkloadKind k);
const char* apiVersionOf(WorkloadKind k);
/// A node label that places a pod on an instance type or node group, which the pool's
/// NodePool now decides: the instance-type labels, nvidia.com/gpu.product (it changes when a
/// GPU is shared), and Karpenter's and EKS's own labels (karpenter.k8s.aws/*, karpenter.sh/*,
/// eks.amazonaws.com/*).
bool placementKey(std::string_view key);
/// nvidia.com/gpu, nvidia.com/gpu.shared and the MIG resources nvidia.com/mig-*.
bool gpuResource(std::string_view key);
/// A kustomization over the object manifests in `so_far` and the patches among them.
Result<std::vector<Manifest>> renderKustomization(const RenderContext& c, const std::vector<Manifest>& soFar);

/// The MIG strategy of the cluster: mixed if any MIG pool is mixed, single if all are single,
/// none without MIG pools (or when Bottlerocket, not the GPU Operator, partitions MIG).
MigStrategy clusterMigStrategy(const Plan& plan, const RenderOptions& o);
/// Time-slicing, MPS and MIG pools; not dedicated ones.
bool sliced(const Pool& p);
/// The resource each pod of `pl` requests, under this render's options.
std::string podResource(const RenderContext& c, const Pool& pool, const Placement& pl);
/// The device-plugin config (data key and node label value) of a pool.
std::string devicePluginKey(const RenderContext& c, const Pool& p);
/// A plan that breaks a rule of the device plugin, naming the pool.
Error planError(const Pool& p, std::string message);
/// The pool's rules: replicas >= 2 when shared, MPS within the GPU's client limit, a MIG
/// geometry per GPU.
std::optional<Error> checkPool(const RenderContext& c, const Pool& p);
/// The --ami family's images (catalog/drivers.yaml), or nullptr when the table lacks it.
const AmiImage* amiImage(const RenderContext& c);
/// Without --ami-selector, one error per pool whose GPU needs a newer NVIDIA driver branch than
/// the --ami family's images ship; none with it (the user's image is trusted).
ErrorList driverProblems(const RenderContext& c);
/// The EC2NodeClass's amiSelectorTerms: the family's alias, or the --ami-selector terms.
Value amiSelectorTerms(const RenderContext& c);
/// The EC2NodeClass's amiFamily: absent with an alias (it implies the family), else the
/// --ami family, which Karpenter's CRD requires without an alias.
std::optional<Value> amiFamily(const RenderContext& c);
/// With --ami-selector, the EC2NodeClass comment: the image replaces the alias, and the NVIDIA
/// driver branch it must carry for the plan's GPUs (catalog/drivers.yaml).
std::vector<std::string> customAmiComments(const RenderContext& c);
/// The `metadata.name` of a filled object, which must be a non-empty string.
Result<std::string> objectName(const RenderContext& c, const std::string& templateName, const Value& object);

}  // namespace gpuslice::detail
