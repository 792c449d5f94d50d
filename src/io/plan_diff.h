// `gpuslice diff OLD NEW`: what changed between two saved plans (plan --format json or yaml),
// for a review: pools added, removed or resized, workloads moved, and the cost, per pool and in
// all.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/catalog.h"
#include "model/error.h"

namespace gpuslice::io {

/// A pool as a saved plan states it.
struct SavedPool {
  std::string name, instanceType, mode;
  int replicas = 0, nodes = 0, pods = 0;
  Micros hourly = 0;
};

/// A workload's placement as a saved plan states it.
struct SavedPlacement {
  std::string name;  ///< namespace/name
  std::string pool;
  std::string slot;  ///< "whole GPU", "2 whole GPUs", "1/3 mps", "1/2 time-slicing", "mig 1g.10gb"
  int replicas = 0;
};

/// The parts of a saved plan a diff compares.
struct PlanSummary {
  std::string file;
  std::string region, priceDate, capacity;
  Micros hourly = 0;                       ///< plan.hourlyCost
  Micros baseline = 0;                     ///< baseline.hourlyCost (today's fleet)
  int instances = 0;                       ///< the pools' nodes
  std::vector<SavedPool> pools;            ///< by name
  std::vector<SavedPlacement> placements;  ///< by name
};

/// Reads a saved plan (JSON or YAML) for a diff. Only the fields above are read (a plan of a
/// newer gpuslice still reads); they must have their types, and names must not repeat.
Result<PlanSummary> readPlanSummary(std::string_view text, const std::string& file);

/// One row of a diff: an old and a new state, either missing.
template <class T>
struct Change {
  std::optional<T> before, after;
  /// "added", "removed", "changed" (pools: nodes, pods or price; workloads: pods or slot in
  /// the same pool), "moved" (workloads: another pool) or "unchanged".
  std::string kind;
};

struct PlanDiff {
  PlanSummary before, after;
  std::vector<Change<SavedPool>> pools;           ///< every pool of either plan, by name
  std::vector<Change<SavedPlacement>> workloads;  ///< every workload of either plan, by name
  int changedPools() const;
  int changedWorkloads() const;
};

PlanDiff diffPlans(PlanSummary before, PlanSummary after);

/// The diff as aligned text tables, as GitHub Markdown, or as a JSON document (kind PlanDiff;
/// money in dollars). Tables list changed rows only and count the unchanged ones; JSON lists
/// every row.
std::string diffTable(const PlanDiff& d);
std::string diffMarkdown(const PlanDiff& d);
std::string diffJson(const PlanDiff& d);

}  // namespace gpuslice::io
