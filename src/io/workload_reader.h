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

/// Decodes and merges WorkloadSet documents: every input, and every `---`-separated YAML
/// document in one (empty documents are skipped). Unknown fields, bad values, names that are
/// not DNS-1123 labels, duplicate workloads and conflicting regions are errors. Decoding goes
/// on after an error: a workload with one is left out and the rest are still checked, so the
/// result holds every error, in input order and then by line. The merged workloads are sorted
/// by namespace, then name; those with `replicas: 0` are set apart in `scaledToZero`.
/// With `keep`, the parsed documents are moved there instead of freed: a caller that exits
/// right after planning skips freeing millions of nodes.
Result<WorkloadSet> readWorkloads(const std::vector<InputText>& inputs, std::vector<Node>* keep = nullptr);

}  // namespace gpuslice::io
