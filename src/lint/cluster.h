// The objects lint's rules relate to one another: NodePools with what they offer and the
// configs their labels pick, NodeOverlays, and the pods of every workload kind.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lint/manifests.h"
#include "model/catalog.h"

namespace gpuslice::lint {

/// A value with the line it sits on.
struct Located {
  std::string value;
  int line = 0;
};

/// A NodePool or NodeOverlay requirement (key, operator, values).
struct Requirement {
  std::string key;
  std::string op;
  std::vector<std::string> values;
  int line = 0;
};

/// A karpenter.sh/v1 NodePool.
struct Pool {
  const Object* object = nullptr;
  int line = 0;
  std::vector<Requirement> requirements;
  std::map<std::string, Located> labels;  ///< spec.template.metadata.labels
  /// The instance types the pool may launch, as far as the catalog tells: from an instance-type
  /// `In`, else the catalog's types of its instance-family / instance-gpu-name `In` values;
  /// none when the pool does not narrow its types that way.
  std::optional<std::vector<std::string>> types;
  int typesLine = 0;        ///< the requirement that gives them
  bool typesNamed = false;  ///< they come from an instance-type or instance-family requirement
};

/// A karpenter.sh NodeOverlay.
struct Overlay {
  const Object* object = nullptr;
  std::vector<Requirement> requirements;
  std::vector<Located> capacity;  ///< resource names it adds
};

/// A resource a container requests or limits (a null value, as patches write to remove one,
/// is left out).
struct ResourceUse {
  std::string name;
  std::string container;
  int line = 0;
};

/// The pod template (or pod) of a workload.
struct PodSpec {
  const Object* object = nullptr;
  int line = 0;
  /// Node labels the pod requires: nodeSelector entries and required node affinity `In` terms.
  std::map<std::string, std::vector<Located>> selects;
  std::vector<ResourceUse> resources;
};

struct Cluster {
  std::vector<Pool> pools;
  std::vector<Overlay> overlays;
  std::vector<PodSpec> pods;

  const Pool* findPool(const std::string& name) const;
};

/// The NodePools (karpenter.sh/v1), NodeOverlays and pods of `m`.
Cluster buildCluster(const Manifests& m, const Catalog& catalog);

/// The name of an object for messages: `NodePool "gpu"` (kind and quoted name).
std::string describe(const Object& o);

/// Whether `name` is a MIG resource (nvidia.com/mig-<profile>, perhaps .shared).
bool isMigResource(const std::string& name);

/// The device plugin configs named `key`, and the mig-parted configs holding a mig-config `key`.
std::vector<const EmbeddedConfig*> pluginConfigs(const Manifests& m, const std::string& key);
bool anyConfig(const Manifests& m, ConfigKind kind);

/// A plain integer scalar's value, or nullopt.
std::optional<long> integerOf(const io::Node& n);

/// Whether a device plugin config shares GPUs (some replicas above 1), and whether it renames
/// them to nvidia.com/gpu.shared (renameByDefault). With both time-slicing and MPS, MPS counts,
/// as in the plugin.
struct Sharing {
  bool shared = false;
  bool renamed = false;
};
Sharing sharingOf(const EmbeddedConfig& c);

/// The device plugin configs a pool's nodes use: its nvidia.com/device-plugin.config label's,
/// else the default one (Helm values' devicePlugin.config.default, else the key "default").
std::vector<const EmbeddedConfig*> poolConfigs(const Manifests& m, const Pool& p);

}  // namespace gpuslice::lint
