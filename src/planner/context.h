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
  GpuMemoryFigure memory;            ///< one GPU (or slice): NVML's total, else the price table's
  std::int64_t usableMemoryMiB = 0;  ///< per GPU (or slice): memory.mib after overhead
  int gpus = 1;                      ///< whole GPUs, 1 for a fractional type
  int gpuKind = 0;                   ///< candidates of one kind fit a pod's GPU needs alike
  const MigGpu* mig = nullptr;       ///< its GPUs' MIG profiles; null without MIG (or fractional)
};

/// Everything fixed for one planning run.
struct PlanContext {
  const Catalog* catalog = nullptr;
  const PlanOptions* options = nullptr;
  std::vector<Candidate> candidates;  ///< priced types that pass the global filters
  /// Priced, allowed types that EC2 no longer offers, left out of `candidates` (unless
  /// --allow-retired): the baseline may still price a workload's pods on them.
  std::vector<Candidate> retiredCandidates;
  std::int64_t computeTargetPpm = 1000000;
  int gpuKinds = 0;                                  ///< distinct Candidate::gpuKind values
  const std::vector<Workload>* workloads = nullptr;  ///< the resolved workloads planned
  std::vector<const GpuModel*> measuredOn;           ///< per workload: its gpu.model's entry
  /// Per workload: its GPU model is offered only on retired types, so it is planned on other
  /// models as with --any-gpu-model (onlyOnRetiredTypes); empty when none is.
  std::vector<char> offRetired;
  /// Per MIG GPU, per profile: the share of a GPU the lower bound charges a MIG pod
  /// (chooseMigBoundWeights).
  std::map<const MigGpu*, std::vector<double>> migBoundWeights;

  /// The GPU-model entry of the model `w` was measured on (nullptr if the table lacks it).
  /// `w` must be one of `*workloads`.
  const GpuModel* measuredGpu(const Workload& w) const {
    return measuredOn[static_cast<std::size_t>(&w - workloads->data())];
  }
  /// Whether `w` may move to other GPU models: --any-gpu-model, or its own is only on retired
  /// types. `w` must be one of `*workloads`.
  bool mayChangeModel(const Workload& w) const {
    const auto i = static_cast<std::size_t>(&w - workloads->data());
    return options->anyGpuModel || (i < offRetired.size() && offRetired[i]);
  }
};

/// Whether `model` is offered, among the priced types at the options' capacity that
/// --allow-instance-types allows, only on retired types (never with --allow-retired).
/// `variantMiB`, when given, narrows the model to the types of that per-GPU memory (A100 80GB).
bool onlyOnRetiredTypes(const Catalog& catalog, const PlanOptions& options, const std::string& model,
                        std::optional<std::int64_t> variantMiB = std::nullopt);

/// The priced candidates of `catalog` that pass the options' filters, in catalog order;
/// retired types apart (retiredCandidates) unless the options allow them.
/// Error: BadInput when the table has no price at all at the options' capacity.
Result<PlanContext> makeContext(const Catalog& catalog, const PlanOptions& options);

/// Checks each workload against the catalog, fills in gpu.model from current.instanceType where
/// it was left out and resolves the name gpu.model gives (any case, another name of the model or
/// of one memory variant: catalog/gpus.yaml) to the model's own name and the variant. Only when
/// something changes is the set copied (into `filled`); the result points at the workloads to
/// plan. Errors: one per workload the catalog lacks or
/// contradicts, in set order.
Result<const std::vector<Workload>*> resolveWorkloads(const WorkloadSet& set, const Catalog& catalog,
                                                      std::vector<Workload>& filled);

/// An error about workload `w`, located at the line of `field` (".gpu.model",
/// ".current.instanceType") where the input recorded it, else at the workload.
Error workloadError(const Workload& w, ErrorKind kind, const std::string& field, std::string message);

/// The GPU a workload was measured on, for messages: its model, with the variant's price-table
/// memory when gpu.model named one ("A100 (80 GiB)").
std::string measuredGpuName(const Workload& w);

}  // namespace gpuslice::detail
