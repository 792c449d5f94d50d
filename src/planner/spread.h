// Spreading a workload's pods over nodes (minNodes, --min-nodes) and sizing pools for the
// workloads' autoscaling maxima (maxReplicas).
#pragma once

#include <vector>

#include "planner/packing.h"

namespace gpuslice::detail {

/// The fewest nodes the pods of `w` spread over: its minNodes, else --min-nodes for a workload
/// of two or more replicas, at most its replicas; 1 for a single pod.
int minNodesOf(const Workload& w, const PlanOptions& options);

/// Raises each pool's nodes to the largest minNodesOf of its members, recording the count
/// before in PackedPool::nodesBeforeSpread. Pods per node stay as they were, so every pool
/// still holds its pods, and each member can be spread evenly: lay the members' pods out one
/// workload after another (per MIG profile, for a MIG pool) and deal them to the n nodes in
/// turn. Each node then gets at most ceil(pods / n) <= podsPerNode pods (ceil(demand / n) of
/// each profile) and at most ceil(replicas / n) <= ceil(replicas / minNodes) of one workload,
/// whose counts differ by at most one between nodes: the spread that render's
/// topologySpreadConstraint (maxSkew 1, minDomains minNodes) asks for. Adding nodes never
/// lowers a plan's cost, so the lower bound (worked out without minNodes) stays a bound.
void spreadPools(const PlanContext& ctx, const std::vector<Workload>& ws, std::vector<PackedPool>& pools);

/// The nodes pool `p` needs with every member at max(replicas, maxReplicas), its pods per node
/// (for a MIG pool, its layout and node cap: migNodesFor) and spread unchanged; never fewer
/// than its nodes.
int nodesAtMaxReplicas(const PlanContext& ctx, const std::vector<Workload>& ws, const PackedPool& p);

}  // namespace gpuslice::detail
