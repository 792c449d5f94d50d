// GS1xx: Karpenter APIs and fields, against the v1 CRDs (karpenter.sh_nodepools.yaml,
// karpenter.k8s.aws_ec2nodeclasses.yaml, karpenter.sh_nodeoverlays.yaml of Karpenter v1.14.1).
#include <algorithm>
#include <string_view>

#include "lint/checks.h"

namespace gpuslice::lint {

namespace {

/// The fields of one mapping of a v1 CRD, and where to look below.
struct Shape {
  std::vector<std::string_view> path;    ///< keys from the object root; "[]" steps into a list's items
  std::vector<std::string_view> fields;  ///< what the CRD defines there
};

const std::vector<Shape>& nodePoolShapes() {
  static const std::vector<Shape> kShapes = {
      {{"spec"}, {"disruption", "limits", "replicas", "template", "weight"}},
      {{"spec", "disruption"}, {"budgets", "consolidateAfter", "consolidationPolicy"}},
      {{"spec", "template"}, {"metadata", "spec"}},
      {{"spec", "template", "metadata"}, {"annotations", "labels"}},
      {{"spec", "template", "spec"},
       {"expireAfter", "nodeClassRef", "requirements", "startupTaints", "taints", "terminationGracePeriod"}},
      {{"spec", "template", "spec", "nodeClassRef"}, {"group", "kind", "name"}},
      {{"spec", "template", "spec", "requirements", "[]"}, {"key", "minValues", "operator", "values"}},
  };
  return kShapes;
}

const std::vector<Shape>& nodeClassShapes() {
  static const std::vector<Shape> kShapes = {
      {{"spec"},
       {"amiFamily",
        "amiSelectorTerms",
        "associatePublicIPAddress",
        "blockDeviceMappings",
        "capacityReservationSelectorTerms",
        "connectionTracking",
        "context",
        "cpuOptions",
        "detailedMonitoring",
        "instanceProfile",
        "instanceStorePolicy",
        "ipPrefixCount",
        "kubelet",
        "metadataOptions",
        "networkInterfaces",
        "placementGroupSelector",
        "role",
        "securityGroupSelectorTerms",
        "subnetSelectorTerms",
        "tags",
        "userData"}},
      {{"spec", "amiSelectorTerms", "[]"}, {"alias", "id", "name", "owner", "ssmParameter", "tags"}},
      {{"spec", "kubelet"},
       {"clusterDNS", "cpuCFSQuota", "evictionHard", "evictionMaxPodGracePeriod", "evictionSoft",
        "evictionSoftGracePeriod", "imageGCHighThresholdPercent", "imageGCLowThresholdPercent", "kubeReserved",
        "maxPods", "podsPerCore", "systemReserved"}},
  };
  return kShapes;
}

const std::vector<Shape>& overlayShapes() {
  static const std::vector<Shape> kShapes = {
      {{"spec"}, {"capacity", "price", "priceAdjustment", "requirements", "weight"}},
      {{"spec", "requirements", "[]"}, {"key", "operator", "values"}},
  };
  return kShapes;
}

/// Where a field older guides use went in v1, or "" when it is simply unknown.
std::string_view movedTo(std::string_view where, std::string_view field) {
  struct Move {
    std::string_view where, field, fix;
  };
  static const Move kMoves[] = {
      {"spec", "constraints",
       "put its requirements, labels and taints under spec.template (spec.template.spec."
       "requirements, spec.template.metadata.labels, spec.template.spec.taints)"},
      {"spec", "requirements", "move it to spec.template.spec.requirements"},
      {"spec", "labels", "move it to spec.template.metadata.labels"},
      {"spec", "taints", "move it to spec.template.spec.taints"},
      {"spec", "provider", "describe the node in an EC2NodeClass and point spec.template.spec.nodeClassRef at it"},
      {"spec", "providerRef",
       "use spec.template.spec.nodeClassRef {group: karpenter.k8s.aws, kind: EC2NodeClass, "
       "name: ...}"},
      {"spec", "ttlSecondsAfterEmpty", "use spec.disruption.consolidationPolicy: WhenEmpty with consolidateAfter"},
      {"spec", "ttlSecondsUntilExpired", "use spec.template.spec.expireAfter (e.g. 720h)"},
      {"spec", "consolidation", "use spec.disruption.consolidationPolicy: WhenEmptyOrUnderutilized"},
      {"spec", "kubeletConfiguration", "move it to the EC2NodeClass's spec.kubelet"},
      {"spec.disruption", "expireAfter", "move it to spec.template.spec.expireAfter"},
      {"spec.template.spec", "kubelet", "move it to the EC2NodeClass's spec.kubelet (v1 moved it there)"},
      {"spec.template.spec", "nodeClass", "use spec.template.spec.nodeClassRef"},
  };
  for (const Move& m : kMoves)
    if (m.where == where && m.field == field) return m.fix;
  return {};
}

std::string joined(const std::vector<std::string_view>& path) {
  std::string s;
  for (std::string_view p : path) {
    if (p == "[]") {
      s += "[]";
      continue;
    }
    if (!s.empty()) s += '.';
    s += p;
  }
  return s;
}

/// The mappings at `path` below `n` (several where the path steps into lists).
void mappingsAt(const io::Node& n, const std::vector<std::string_view>& path, std::size_t i,
                std::vector<const io::Node*>& out) {
  if (i == path.size()) {
    if (n.isMapping()) out.push_back(&n);
    return;
  }
  if (path[i] == "[]") {
    if (n.isSequence())
      for (const io::Node& item : n.items) mappingsAt(item, path, i + 1, out);
    return;
  }
  if (!n.isMapping()) return;
  if (const io::Node* next = n.find(path[i])) mappingsAt(*next, path, i + 1, out);
}

void checkFields(const Object& o, const std::vector<Shape>& shapes, std::vector<Finding>& out) {
  for (const Shape& s : shapes) {
    std::vector<const io::Node*> maps;
    mappingsAt(*o.node, s.path, 0, maps);
    const std::string where = joined(s.path);
    for (const io::Node* n : maps) {
      for (const io::NodeMember& m : n->members) {
        if (std::find(s.fields.begin(), s.fields.end(), m.first) != s.fields.end()) continue;
        const std::string_view moved = movedTo(where, m.first);
        out.push_back(finding("GS105", o.file, m.keyLine,
                              describe(o) + ": " + where + "." + m.first + " does not exist in " + o.apiVersion,
                              moved.empty()
                                  ? "remove it, or correct its spelling (fields of " + where + ": see the v1 CRD)"
                                  : std::string(moved)));
      }
    }
  }
}

void checkPolicy(const Object& o, std::vector<Finding>& out) {
  const io::Node* policy = at(*o.node, {"spec", "disruption", "consolidationPolicy"});
  if (scalarText(policy) != "WhenUnderutilized") return;
  out.push_back(finding("GS106", o.file, policy->line, describe(o) + ": consolidationPolicy WhenUnderutilized",
                        "write consolidationPolicy: WhenEmptyOrUnderutilized"));
}

std::string_view groupOf(std::string_view apiVersion) {
  const std::size_t slash = apiVersion.find('/');
  return slash == std::string_view::npos ? std::string_view() : apiVersion.substr(0, slash);
}

std::string_view versionOf(std::string_view apiVersion) {
  const std::size_t slash = apiVersion.find('/');
  return slash == std::string_view::npos ? apiVersion : apiVersion.substr(slash + 1);
}

/// The group a Karpenter kind belongs to, or "" for other kinds.
std::string_view karpenterGroup(std::string_view kind) {
  if (kind == "NodePool" || kind == "NodeClaim" || kind == "NodeOverlay" || kind == "Provisioner" || kind == "Machine")
    return "karpenter.sh";
  if (kind == "EC2NodeClass" || kind == "AWSNodeTemplate") return "karpenter.k8s.aws";
  return {};
}

int lineOf(const io::Node& object, const char* key) {
  for (const io::NodeMember& m : object.members)
    if (m.first == key) return m.keyLine;
  return object.line;
}

/// GS101-GS104 for one object; true when it is a current v1 object whose fields are worth checking.
bool checkApi(const Object& o, std::vector<Finding>& out) {
  const std::string_view expected = karpenterGroup(o.kind);
  const std::string_view group = groupOf(o.apiVersion);
  const int line = lineOf(*o.node, "apiVersion");
  if (o.kind == "Provisioner") {
    out.push_back(finding("GS101", o.file, lineOf(*o.node, "kind"), describe(o) + " (" + o.apiVersion + ")",
                          "rewrite it as a karpenter.sh/v1 NodePool (requirements, labels and taints under "
                          "spec.template) with an EC2NodeClass for the node settings"));
    return false;
  }
  if (o.kind == "AWSNodeTemplate") {
    out.push_back(finding("GS102", o.file, lineOf(*o.node, "kind"), describe(o) + " (" + o.apiVersion + ")",
                          "rewrite it as a karpenter.k8s.aws/v1 EC2NodeClass (role, amiSelectorTerms, "
                          "subnetSelectorTerms, securityGroupSelectorTerms)"));
    return false;
  }
  if (expected.empty()) return false;  // not a Karpenter kind
  if (group != expected) {
    out.push_back(
        finding("GS104", o.file, line, describe(o) + " under apiVersion " + o.apiVersion,
                "write apiVersion: " + std::string(expected) + "/" + (o.kind == "NodeOverlay" ? "v1alpha1" : "v1")));
    return false;
  }
  const std::string_view version = versionOf(o.apiVersion);
  const std::string_view current = o.kind == "NodeOverlay" ? "v1alpha1" : "v1";
  if (version != current) {
    out.push_back(finding("GS103", o.file, line, describe(o) + " at " + o.apiVersion,
                          "move it to " + std::string(expected) + "/" + std::string(current) +
                              " (the v1 upgrade guide lists what changed)"));
    return false;
  }
  return true;
}

}  // namespace

void checkKarpenterApis(const Manifests& m, std::vector<Finding>& out) {
  for (const Object& o : m.objects) {
    if (!checkApi(o, out)) continue;
    if (o.kind == "NodePool") {
      checkFields(o, nodePoolShapes(), out);
      checkPolicy(o, out);
    }
    if (o.kind == "EC2NodeClass") checkFields(o, nodeClassShapes(), out);
    if (o.kind == "NodeOverlay") checkFields(o, overlayShapes(), out);
  }
}

}  // namespace gpuslice::lint
