// Reading WorkloadSet files (YAML or JSON) into the model.
#pragma once

#include <string>
#include <vector>

#include "io/document.h"
#include "model/error.h"
#include "model/workload.h"

namespace gpuslice::io {

/// One input: its name as the user gave it, and its contents.
struct InputText {
  std::string name;
  std::string text;
};

/// Decodes and merges WorkloadSet documents. Unknown fields, bad values, names that are
/// not DNS-1123 labels, duplicate workloads and conflicting regions are errors. The
/// merged workloads are sorted by namespace, then name.
/// With `keep`, the parsed documents are moved there instead of freed: a caller that exits
/// right after planning skips freeing millions of nodes.
Result<WorkloadSet> readWorkloads(const std::vector<InputText>& inputs, std::vector<Node>* keep = nullptr);

}  // namespace gpuslice::io
