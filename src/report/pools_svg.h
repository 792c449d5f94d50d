// The picture of one pool: its nodes and GPUs, each slot drawn to scale (report/pool_layout.h).
#pragma once

#include <string>

#include "model/catalog.h"
#include "model/plan.h"

namespace gpuslice::report {

/// SVG elements of one pool's picture, drawn from (0, 0), and their size in px.
struct Drawing {
  std::string elements;
  double width = 0;
  double height = 0;
};

/// Draws `pool` (at most a few nodes; a line says how many more): a frame per node, a box per
/// GPU, a rect per slot (class "slot", data-pool, data-workload or none when free, data-risk
/// low, medium, high or free) labelled with its workload and coloured by its risk.
Drawing drawPool(const Pool& pool, const Plan& plan, const WorkloadSet& set, const Catalog& catalog);

}  // namespace gpuslice::report
