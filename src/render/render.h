// render: from a plan to the manifests a cluster needs (device-plugin and mig-parted ConfigMaps,
// GPU Operator Helm values, Karpenter NodePool / EC2NodeClass / NodeOverlay, workload patches).
// Pure: templates come in parsed, manifests go out as trees; io reads and writes them.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/catalog.h"
#include "model/error.h"
#include "model/plan.h"
#include "model/workload.h"
#include "render/value.h"

namespace gpuslice {

/// The parts `--only` selects, as bits.
enum class Part : unsigned { ConfigMaps = 1, Karpenter = 2, HelmValues = 4, Patches = 8 };
using PartMask = unsigned;
constexpr PartMask kAllParts = 1 | 2 | 4 | 8;
inline PartMask bit(Part p) { return static_cast<PartMask>(p); }
const char* partName(Part p);

/// The node image family of the EC2NodeClass.
enum class Ami { Al2023, Bottlerocket };

/// The --ami value of a family ("al2023", "bottlerocket"): its key in catalog/drivers.yaml.
const char* amiName(Ami a);

/// One term of an EC2NodeClass's amiSelectorTerms that names an image of the user's own
/// (`render --ami-selector`): by id, by name (EC2's `*` wildcards allowed) or by one tag.
struct AmiSelectorTerm {
  enum class By { Id, Name, Tag };
  By by = By::Id;
  std::string key;    ///< the tag's key (By::Tag only)
  std::string value;  ///< the id, the name, or the tag's value
};

/// Parses one --ami-selector value: `id=ami-<letters and digits>`, `name=PATTERN` or
/// `tag:KEY=VALUE`. A Usage error naming --ami-selector for anything else.
Result<AmiSelectorTerm> parseAmiSelector(std::string_view text);

/// Who configures GPU sharing on the node: the GPU Operator (device-plugin ConfigMap selected by a
/// node label) or Bottlerocket's own device plugin (settings in the EC2NodeClass userData).
enum class SharingVia { GpuOperator, Bottlerocket };

/// An object as it runs today (`render --current`, as `kubectl get -o yaml` prints it), so that a
/// workload's patch keeps what the object has (its tolerations) and removes exactly the
/// placement keys and GPU resources it uses.
struct CurrentObject {
  std::string file;  ///< where it was read, for messages; `object.line` is its line there
  Value object;
};

/// Current objects by currentKey(kind, namespace, name).
using CurrentObjects = std::map<std::string, CurrentObject>;
std::string currentKey(std::string_view kind, std::string_view ns, std::string_view name);

struct RenderOptions {
  Ami ami = Ami::Al2023;
  /// Images of the user's own, in place of the --ami family's alias (Karpenter takes any term
  /// that matches); the family still decides the node setup (amiFamily). Empty: the alias.
  std::vector<AmiSelectorTerm> amiSelector;
  SharingVia sharingVia = SharingVia::GpuOperator;
  std::string cluster;           ///< karpenter.sh/discovery tag value for subnets and security groups
  std::string nodeRole;          ///< IAM role of the nodes
  bool renameByDefault = false;  ///< shared GPUs are advertised as nvidia.com/gpu.shared
  PartMask parts = kAllParts;
  bool kustomization = false;  ///< also emit a kustomization.yaml that applies the patches
  /// With `--current`: the workloads' objects today (must outlive the render); every patched
  /// workload must have one. nullptr: patches are written without knowing the objects.
  const CurrentObjects* current = nullptr;
};

/// One template: its file name among the known ones (`nodepool.yaml`), where it was read from
/// (for messages) and its parsed tree.
struct Template {
  std::string name;
  std::string file;
  Value root;
};

/// Templates by name; render needs every name of templateNames().
using Templates = std::map<std::string, Template>;

/// One placeholder a template may use.
struct PlaceholderSpec {
  std::string name;
  std::string help;
  bool required = false;  ///< the template must use it (for example a per-pool object's name)
};

/// What one template is for and what it may contain.
struct TemplateSpec {
  std::string name;  ///< file name under templates/
  std::string help;
  std::string apiVersion;  ///< the apiVersion and kind the template must keep; empty when not an object
  std::string kind;
  std::vector<PlaceholderSpec> placeholders;
};

/// Every template render uses, in a fixed order.
const std::vector<TemplateSpec>& templateSpecs();
const TemplateSpec* findTemplateSpec(const std::string& name);

/// Checks a template against its spec: a mapping, the expected apiVersion and kind, only known
/// `${...}` placeholders, every required one used. Errors name the template file and line.
std::optional<Error> checkTemplate(const Template& t);

/// One output document. `file` is its name in `--out-dir`; `comments` are written before it.
struct Manifest {
  Part part = Part::ConfigMaps;
  std::string file;
  std::vector<std::string> comments;
  Value body;
  bool kubernetesObject = true;  ///< false for the Helm values and the kustomization
};

/// Builds every manifest of the selected parts, in a fixed order: ConfigMaps, EC2NodeClasses,
/// NodePools, NodeOverlays, Helm values, patches (by workload), kustomization.
/// `set` gives the workloads' names and namespaces (indexed like plan.placements).
/// Errors: BadInput for a template that does not fit or a plan that breaks a rule of the
/// formats (replicas < 2, MPS over the GPU's client limit or with MIG), and, with the Karpenter
/// part and no amiSelector, one per pool whose GPU needs a newer driver than the --ami family's
/// images ship (catalog/drivers.yaml); Usage for options that contradict each other or the plan.
Result<std::vector<Manifest>> render(const Plan& plan, const WorkloadSet& set, const Catalog& catalog,
                                     const RenderOptions& options, const Templates& templates);

/// The manifest as one YAML document: its comments, then its body.
std::string manifestText(const Manifest& m);

}  // namespace gpuslice
