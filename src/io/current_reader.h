// Reading `render --current`: the workloads' objects as the cluster has them today.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "render/render.h"

namespace gpuslice::io {

/// Adds the objects of one file to `into`: what `kubectl get -o yaml` (or `-o json`) prints,
/// one object, several `---`-separated documents, or a `kind: List` of `items`. Every object
/// needs a `kind` and a `metadata.name`; a missing `metadata.namespace` is `default`. Objects of
/// any kind are kept (render looks up only its workloads' kinds); the same kind, namespace
/// and name twice is an error naming both places.
std::optional<Error> addCurrentObjects(const std::string& file, std::string_view text, CurrentObjects& into);

}  // namespace gpuslice::io
