// Writing what `gpuslice profile` measured as a WorkloadSet that `gpuslice plan` reads.
#pragma once

#include <string>

#include "model/profile.h"

namespace gpuslice::io {

/// A WorkloadSet YAML document of `p`'s workloads, each with comments giving how its pods
/// were grouped, the metric, percentile and sample count behind each figure, and whether a
/// GPU was shared (the per-pod split is then an estimate). The header gives the window.
std::string profileYaml(const Profile& p);

}  // namespace gpuslice::io
