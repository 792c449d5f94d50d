// GS2xx: MIG asked of GPUs that have none (the catalog's GPU models), and MIG resources in pods.
#include <algorithm>

#include "lint/checks.h"

namespace gpuslice::lint {

namespace {

/// "g5.xlarge (A10G)" for each of `types` the catalog knows whose GPU has no MIG.
std::vector<std::string> withoutMig(const std::vector<std::string>& types, const Catalog& catalog) {
  std::vector<std::string> found;
  for (const std::string& name : types) {
    const InstanceType* t = catalog.findType(name);
    const GpuModel* gpu = t ? catalog.findGpu(t->gpuModel) : nullptr;
    if (gpu && gpu->mig == MigSupport::No) found.push_back(name + " (" + gpu->name + ")");
  }
  return found;
}

/// The GPU names among `names` (Karpenter's instance-gpu-name values) whose model has no MIG.
std::vector<std::string> gpuNamesWithoutMig(const std::vector<std::string>& names, const Catalog& catalog) {
  std::vector<std::string> found;
  for (const std::string& n : names) {
    const auto g = catalog.findGpuName(n);
    if (g && g->model->mig == MigSupport::No) found.push_back(n + " (" + g->model->name + ")");
  }
  return found;
}

std::string list(const std::vector<std::string>& items) {
  std::string s;
  for (const std::string& i : items) s += (s.empty() ? "" : ", ") + i;
  return s;
}

constexpr const char* kMigFix =
    "select MIG-capable types (A100: p4d, p4de; H100: p5; H200: p5e, p5en; ...), or share these GPUs with "
    "time-slicing or MPS instead";

void poolsAskingMig(const Cluster& cl, const Catalog& catalog, std::vector<Finding>& out) {
  for (const Pool& p : cl.pools) {
    auto mig = p.labels.find("nvidia.com/mig.config");
    if (mig == p.labels.end() || mig->second.value == "all-disabled" || !p.types) continue;
    const auto bad = withoutMig(*p.types, catalog);
    if (bad.empty()) continue;
    out.push_back(
        finding("GS201", p.object->file, mig->second.line,
                describe(*p.object) + " asks for MIG layout \"" + mig->second.value + "\" but may launch " + list(bad),
                kMigFix));
  }
  for (const Overlay& o : cl.overlays) {
    const auto mig =
        std::find_if(o.capacity.begin(), o.capacity.end(), [](const Located& c) { return isMigResource(c.value); });
    if (mig == o.capacity.end()) continue;
    std::vector<std::string> bad;
    for (const Requirement& r : o.requirements) {
      if (r.op != "In") continue;
      if (r.key == "node.kubernetes.io/instance-type") bad = withoutMig(r.values, catalog);
      if (r.key == "karpenter.k8s.aws/instance-gpu-name") bad = gpuNamesWithoutMig(r.values, catalog);
      if (!bad.empty()) break;
    }
    if (bad.empty()) continue;
    out.push_back(finding("GS201", o.object->file, mig->line,
                          describe(*o.object) + " adds " + mig->value + " to " + list(bad), kMigFix));
  }
}

/// Why a pod's selection has no MIG GPU: the selector and the types or GPUs it names; "" when it has.
std::string podWithoutMig(const Cluster& cl, const PodSpec& pod, const Catalog& catalog, int& line) {
  auto values = [&](const char* key) {
    std::vector<std::string> v;
    if (auto it = pod.selects.find(key); it != pod.selects.end()) {
      line = it->second.front().line;
      for (const Located& l : it->second) v.push_back(l.value);
    }
    return v;
  };
  if (auto types = values("node.kubernetes.io/instance-type"); !types.empty()) {
    const auto bad = withoutMig(types, catalog);
    if (bad.size() == types.size()) return "selects instance type " + list(bad);
  }
  if (auto gpus = values("karpenter.k8s.aws/instance-gpu-name"); !gpus.empty()) {
    const auto bad = gpuNamesWithoutMig(gpus, catalog);
    if (bad.size() == gpus.size()) return "selects GPU " + list(bad);
  }
  if (auto pools = values("karpenter.sh/nodepool"); pools.size() == 1) {
    const Pool* p = cl.findPool(pools.front());
    if (p && p->types && !p->types->empty()) {
      const auto bad = withoutMig(*p->types, catalog);
      if (bad.size() == p->types->size()) return "selects " + describe(*p->object) + ", which offers " + list(bad);
    }
  }
  return {};
}

void podsAskingMig(const Cluster& cl, const Catalog& catalog, std::vector<Finding>& out) {
  for (const PodSpec& pod : cl.pods) {
    const auto mig = std::find_if(pod.resources.begin(), pod.resources.end(),
                                  [](const ResourceUse& r) { return isMigResource(r.name); });
    if (mig == pod.resources.end()) continue;
    int line = mig->line;
    const std::string why = podWithoutMig(cl, pod, catalog, line);
    if (!why.empty())
      out.push_back(finding("GS202", pod.object->file, line,
                            describe(*pod.object) + " requests " + mig->name + " but " + why, kMigFix));
    for (const ResourceUse& r : pod.resources) {
      if (r.container != mig->container || (r.name != "nvidia.com/gpu" && r.name != "nvidia.com/gpu.shared")) continue;
      out.push_back(
          finding("GS203", pod.object->file, r.line,
                  describe(*pod.object) + " container " + r.container + " requests " + r.name + " and " + mig->name,
                  "request one of them: the MIG resource alone for an instance, or " + r.name +
                      " alone for a whole (or shared) GPU"));
    }
  }
}

}  // namespace

void checkMigRequests(const Cluster& cl, const Catalog& catalog, std::vector<Finding>& out) {
  poolsAskingMig(cl, catalog, out);
  podsAskingMig(cl, catalog, out);
}

}  // namespace gpuslice::lint
