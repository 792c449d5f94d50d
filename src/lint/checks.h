// The rule checks, one function per area (rules.cpp lists the codes); each appends findings.
#pragma once

#include <vector>

#include "lint/cluster.h"
#include "lint/manifests.h"
#include "model/catalog.h"

namespace gpuslice::lint {

/// GS101-GS106: removed API versions and kinds, wrong groups, fields and values v1 lacks.
void checkKarpenterApis(const Manifests& m, std::vector<Finding>& out);

/// GS201-GS203: MIG asked of GPUs without MIG; gpu and MIG resources in one container.
void checkMigRequests(const Cluster& c, const Catalog& catalog, std::vector<Finding>& out);

/// GS301-GS306, GS308: device plugin configs on their own and against the pods and pools using them.
void checkDevicePlugin(const Manifests& m, const Cluster& c, std::vector<Finding>& out);

/// GS401-GS403: mig-parted configs, their layouts checked against the GPUs of the pools using them.
void checkMigParted(const Manifests& m, const Cluster& c, const Catalog& catalog, std::vector<Finding>& out);

/// GS501-GS505: NodeOverlays for sliced and fractional pools, config labels, pod placement.
void checkPlacement(const Manifests& m, const Cluster& c, const Catalog& catalog, std::vector<Finding>& out);

}  // namespace gpuslice::lint
