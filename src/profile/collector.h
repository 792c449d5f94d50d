// From DCGM exporter series to measured workloads (`gpuslice profile`): which series count,
// how pods group into workloads and which percentile each figure is.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "model/catalog.h"
#include "model/error.h"
#include "model/profile.h"
#include "profile/kube_state.h"
#include "profile/owners.h"
#include "profile/replicas.h"
#include "profile/sketch.h"

namespace gpuslice {

struct ProfileOptions {
  double memoryPercentile = 99;
  double computePercentile = 95;
  double memoryMarginPercent = 10;  ///< added to the memory percentile
  std::string groupBy;              ///< a label whose value names the workload; empty: owners, else pod names
};

/// The DCGM metrics profile reads, in order of preference for the busy share (SM_ACTIVE is
/// the finest; GR_ENGINE_ACTIVE works on MIG instances too; GPU_UTIL reads 0 on them).
enum class DcgmMetric { SmActive, GrEngineActive, GpuUtil, FbUsed };
const char* dcgmMetricName(DcgmMetric m);

/// Turns an exporter's modelName ("NVIDIA A10G") into a gpu.model plan accepts ("A10G");
/// nullopt when it names no GPU plan knows (then the name passes through with a note).
using GpuNamer = std::function<std::optional<std::string>(const std::string& modelName)>;

/// Why plan would refuse `instanceType` as current.instanceType of a workload whose gpu.model
/// is `gpuModel` (empty: none), or nullopt when it would take it.
using InstanceTypeCheck =
    std::function<std::optional<std::string>(const std::string& instanceType, const std::string& gpuModel)>;

/// Takes series and samples as readers find them (in any order of files) and sums them up.
class Collector {
 public:
  explicit Collector(ProfileOptions options) : options_(std::move(options)) {}
  /// A series begins; the samples until the next call belong to it. kube-state-metrics owner,
  /// request, pod info and node label series are remembered (KubeState); series of other
  /// metrics, or without a pod label, are skipped.
  void series(const Labels& labels);
  /// A series of DCGM metric `m` for one pod of workload `ns/name` whose owner the caller
  /// states (a nvidia-smi log named with --workload).
  void namedSeries(DcgmMetric m, const std::string& ns, const std::string& name, const std::string& device,
                   const std::string& modelName);
  void sample(double unixSeconds, double value);
  /// The workloads measured, or an error when none could be. current.instanceType is written
  /// only where `typeCheck` (when given) takes it.
  Result<Profile> finish(const GpuNamer& namer, const InstanceTypeCheck& typeCheck = {}) const;

 private:
  struct Track {
    QuantileSketch sketch;
    double first = 0, last = 0;
    std::string modelName;
    std::string group;   // the --group-by label's value, or a name given with namedSeries
    double scale = 1.0;  // what a value is multiplied by (percent to fraction, MIG slices)
    bool named = false;  // from namedSeries: `group` is the workload
    bool timed = false;  // a DCGM_FI_DEV_FB_USED track: its samples say when the pod ran
    SampleTimes times;   // (replicas)
  };
  using TrackKey = std::tuple<DcgmMetric, std::string, std::string, std::string>;  // metric, ns, pod, device
  ProfileOptions options_;
  OwnerIndex owners_;
  KubeState kube_;
  std::map<TrackKey, Track> tracks_;
  Track* current_ = nullptr;
  bool kubeSeries_ = false;  // the current series is KubeState's
};

/// The gpu.model for an exporter's `modelName`, through the catalog's names
/// (Catalog::findGpuName, the ones plan accepts): the model's name, or for a name that picks
/// one variant ("NVIDIA A100-SXM4-80GB") that variant's first name ("A100-80GB"), so plan keeps
/// to it. nullopt when the catalog knows no such name.
std::optional<std::string> catalogGpuName(const Catalog& catalog, const std::string& modelName);

/// Why plan would refuse `instanceType` for a workload of `gpuModel` (as InstanceTypeCheck):
/// not in `catalog`'s price table, or its GPUs are not `gpuModel`.
std::optional<std::string> catalogTypeProblem(const Catalog& catalog, const std::string& instanceType,
                                              const std::string& gpuModel);

/// A WorkloadSet entry needs gpu.model or current.instanceType: an error naming the first
/// workload of `p` that has neither (its series carry no modelName label and no instance type
/// is known for its pods).
std::optional<Error> unknownGpuModel(const Profile& p, const std::string& file);

}  // namespace gpuslice
