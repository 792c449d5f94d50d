// What one planning run works from: the instance types it may buy (candidates) with their
// derived figures, and the workloads checked against the catalog.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "model/catalog.h"
#include "model/error.h"
#include "model/node_capacity.h"
#include "model/plan.h"
#include "model/workload.h"

namespace gpuslice::detail {

/// An instance type as the planner uses it: catalog entry plus derived figures.
struct Candidate {
  const InstanceType* type = nullptr;
  const GpuModel* gpu = nullptr;
  int index = 0;  ///< position in Catalog::instanceTypes (stable order)
  Micros price = 0;
  Allocatable allocatable;
  std::int64_t usableMemoryMiB = 0;  ///< per GPU (or slice), after overhead
  int gpus = 1;                      ///< whole GPUs, 1 for a fractional type
  int gpuKind = 0;                   ///< candidates of one kind fit a pod's GPU needs alike
  const MigGpu* mig = nullptr;       ///< its GPUs' MIG profiles; null without MIG (or fractional)
};

/// Everything fixed for one planning run.
struct PlanContext {
  const Catalog* catalog = nullptr;
  const PlanOptions* options = nullptr;
  std::vector<Candidate> candidates;  ///< priced types that pass the global filters
  std::int64_t computeTargetPpm = 1000000;
  int gpuKinds = 0;                                  ///< distinct Candidate::gpuKind values
  const std::vector<Workload>* workloads = nullptr;  ///< the resolved workloads planned
  std::vector<const GpuModel*> measuredOn;           ///< per workload: its gpu.model's entry
  /// Per MIG GPU, per profile: the share of a GPU the lower bound charges a MIG pod
  /// (chooseMigBoundWeights).
  std::map<const MigGpu*, std::vector<double>> migBoundWeights;

  /// The GPU-model entry of the model `w` was measured on (nullptr if the table lacks it).
  /// `w` must be one of `*workloads`.
  const GpuModel* measuredGpu(const Workload& w) const {
    return measuredOn[static_cast<std::size_t>(&w - workloads->data())];
  }
};

/// The priced candidates of `catalog` that pass the options' filters, in catalog order.
/// Error: BadInput when the table has no price at all at the options' capacity.
Result<PlanContext> makeContext(const Catalog& catalog, const PlanOptions& options);

/// Checks each workload against the catalog and fills in gpu.model from
/// current.instanceType where it was left out. Only then is the set copied (into `filled`);
/// the result points at the workloads to plan. Errors: one per workload the catalog lacks or
/// contradicts, in set order.
Result<const std::vector<Workload>*> resolveWorkloads(const WorkloadSet& set, const Catalog& catalog,
                                                      std::vector<Workload>& filled);

/// An error about workload `w`, located at the line of `field` (".gpu.model",
/// ".current.instanceType") where the input recorded it, else at the workload.
Error workloadError(const Workload& w, ErrorKind kind, const std::string& field, std::string message);

}  // namespace gpuslice::detail
