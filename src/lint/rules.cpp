// The rule table. Codes are stable: a rule that goes away leaves its code unused.
//   GS1xx  Karpenter APIs and fields
//   GS2xx  MIG asked of GPUs that have none; MIG resources in pods
//   GS3xx  NVIDIA device plugin config
//   GS4xx  mig-parted config
//   GS5xx  Karpenter and GPU sharing: NodeOverlays, config labels, pod placement
#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "lint/lint.h"

namespace gpuslice::lint {

const char* severityName(Severity s) { return s == Severity::Error ? "error" : "warning"; }

const std::vector<Rule>& rules() {
  static const std::vector<Rule> kRules = {
      {"GS101", Severity::Error, "Provisioner (karpenter.sh/v1alpha5)",
       "Karpenter v0.33.0 removed Provisioner; current Karpenter does not serve the API, so the object is refused"},
      {"GS102", Severity::Error, "AWSNodeTemplate (karpenter.k8s.aws/v1alpha1)",
       "Karpenter v0.33.0 removed AWSNodeTemplate; EC2NodeClass replaced it"},
      {"GS103", Severity::Error, "a Karpenter kind at a version no longer served (v1beta1, v1alpha5)",
       "Karpenter 1.1.0 dropped v1beta1 (1.0.0 introduced v1); only karpenter.sh/v1 and karpenter.k8s.aws/v1 are "
       "served"},
      {"GS104", Severity::Error, "a Karpenter kind under the wrong API group",
       "NodePool, NodeClaim and NodeOverlay belong to karpenter.sh, EC2NodeClass to karpenter.k8s.aws; under any "
       "other group (aws.karpenter.sh) no CRD matches and kubectl refuses the object"},
      {"GS105", Severity::Error, "a field the v1 CRD does not have",
       "the v1 CRDs prune or refuse fields they do not define, so the setting does nothing or the apply fails; "
       "older guides use fields v1 renamed or moved"},
      {"GS106", Severity::Error, "a value v1 no longer accepts",
       "v1 renamed the consolidation policy WhenUnderutilized to WhenEmptyOrUnderutilized; the CRD's enum refuses "
       "the old name"},
      {"GS201", Severity::Error, "a NodePool or NodeOverlay asks MIG of GPUs without MIG",
       "the GPUs of these instance types (V100, T4, A10G, L4, L40S, ...) cannot be partitioned: the MIG manager "
       "fails on the node and no MIG resource ever appears"},
      {"GS202", Severity::Error, "a pod asks for a MIG resource on GPUs without MIG",
       "no node of that selection advertises nvidia.com/mig-*, so the pod stays Pending"},
      {"GS203", Severity::Error, "a container requests nvidia.com/gpu and a MIG resource together",
       "a node advertises whole GPUs or MIG instances of a given GPU, and the plugin gives a container one kind; "
       "asking for both wastes a GPU or leaves the pod Pending"},
      {"GS301", Severity::Error, "time-slicing or MPS replicas below 2",
       "the device plugin refuses the config (\"number of replicas must be >= 2\") and does not start"},
      {"GS302", Severity::Error, "MPS with migStrategy mixed",
       "the device plugin does not start: MPS is not supported with the mixed MIG strategy"},
      {"GS303", Severity::Error, "MPS on a node that also gets a MIG layout",
       "the device plugin cannot share MIG devices with MPS and fails on nodes whose GPUs have MIG enabled"},
      {"GS304", Severity::Warning, "a key the device plugin does not know",
       "the device plugin drops unknown keys without a word, so a misspelt key silently does nothing"},
      {"GS305", Severity::Warning, "a field the device plugin ignores (resources, rename, devices)",
       "the plugin clears top-level resources and resets rename and devices with a warning; only name and "
       "replicas take effect"},
      {"GS306", Severity::Error, "pods request a name the device plugin does not advertise (renameByDefault)",
       "with renameByDefault: true shared GPUs are advertised as nvidia.com/gpu.shared, without it as "
       "nvidia.com/gpu; a pod requesting the other name stays Pending"},
      {"GS307", Severity::Error, "an embedded config that is not valid YAML",
       "the component reading it fails to load the config and keeps the old one or does not start"},
      {"GS308", Severity::Error, "an invalid migStrategy or version in a device plugin config",
       "the device plugin accepts only version v1 and migStrategy none, single or mixed, and fails on others"},
      {"GS401", Severity::Error, "a key mig-parted rejects",
       "mig-parted decodes its config strictly and refuses the whole file on an unknown field"},
      {"GS402", Severity::Error, "a mig-parted entry missing a required field or with a wrong value",
       "mig-parted refuses the config: version v1, a non-empty mig-configs, devices and mig-enabled on every "
       "entry, mig-devices exactly when mig-enabled, counts whole numbers"},
      {"GS403", Severity::Error, "a MIG layout that does not fit the GPU",
       "the MIG manager cannot create these instances on the GPU (a profile it lacks, or more slices than it "
       "has), so the node's MIG configuration fails"},
      {"GS501", Severity::Warning, "a sliced NodePool without a NodeOverlay",
       "Karpenter counts a node's physical GPUs as nvidia.com/gpu and knows no MIG or .shared resource: without "
       "an overlay it launches a node per shared pod, or none at all for MIG pods"},
      {"GS502", Severity::Warning, "a fractional GPU type (g6f, gr6f) without a NodeOverlay",
       "Karpenter does not count the GPU slice of a fractional type as nvidia.com/gpu, so pods requesting one "
       "launch no node"},
      {"GS503", Severity::Error, "a device plugin config label that names no config",
       "the device plugin skips a label value it has no config for, so the node keeps the default config and "
       "is not shared as intended"},
      {"GS504", Severity::Error, "a MIG config label that names no mig-parted config",
       "the MIG manager finds no layout of that name and leaves the node's GPUs as they are"},
      {"GS505", Severity::Error, "a pod selects an instance type its NodePool does not offer",
       "no node of the pool can match both selectors, so the pod stays Pending"},
  };
  return kRules;
}

const Rule& rule(const char* code) {
  const auto& all = rules();
  const auto it = std::find_if(all.begin(), all.end(), [&](const Rule& r) { return std::strcmp(r.code, code) == 0; });
  if (it == all.end()) std::abort();  // a code missing from the table is a programming error
  return *it;
}

}  // namespace gpuslice::lint
