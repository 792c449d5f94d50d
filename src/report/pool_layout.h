// Where a pool's pods sit, for its picture: an illustrative layout, not the scheduler's.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/catalog.h"
#include "model/plan.h"

namespace gpuslice::report {

/// One slot of a GPU (the whole GPU, one of its replicas, or a MIG instance), as fractions of
/// the GPU's width, and the workload whose pod holds it.
struct SlotPicture {
  double from = 0;
  double width = 1;
  std::string label;                    ///< what the slot is: "GPU", "1/4", a MIG profile
  std::optional<std::size_t> workload;  ///< index into the WorkloadSet; none: free
};

/// One node: its GPUs, each with its slots left to right.
struct NodePicture {
  std::vector<std::vector<SlotPicture>> gpus;
  int pods = 0;
};

/// The first `maxNodes` nodes of `pool` (all when fewer), its pods placed first-fit in the
/// pool's workload order: a node takes at most podsPerNode pods; a dedicated pod takes
/// gpu.count free GPUs, a time-sliced or MPS pod one of a GPU's `replicas` slots, a MIG pod a
/// free instance of its profile in the pool's geometry. `undrawn`: pods placed on nodes past
/// `maxNodes` or nowhere.
std::vector<NodePicture> layOut(const Pool& pool, const Plan& plan, const WorkloadSet& set, const Catalog& catalog,
                                int maxNodes, int& undrawn);

}  // namespace gpuslice::report
