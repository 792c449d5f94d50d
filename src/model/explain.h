// What plan --explain tells about one workload: where it went and what a cheaper slot would
// have asked of it (planner/explain.h works it out, io/explain_text.h prints it).
#pragma once

#include <string>
#include <vector>

#include "model/catalog.h"
#include "model/plan.h"
#include "model/workload.h"

namespace gpuslice {

/// One way a pod of the workload fits an instance type on its own.
struct SlotOption {
  std::string instanceType;
  Mode mode = Mode::Dedicated;
  int replicas = 1;     ///< pods a GPU
  std::string profile;  ///< MIG: the profile each pod gets
  int podsPerNode = 0;  ///< min(GPUs x replicas, what CPU, memory and max-pods allow)
  LimitedBy limit = LimitedBy::Gpu;
  Micros perPod = 0;  ///< the type's hourly price / podsPerNode
  Micros alone = 0;   ///< the workload's pods alone in such nodes: ceil(pods / podsPerNode) x price
  bool estimate = false;
};

/// A slot cheaper than the workload's, one step past what it fits: what the workload would
/// have to need (or allow) for it.
struct CheaperSlot {
  SlotOption option;
  std::vector<std::string> needs;  ///< "peak GPU memory at most 5.62 GiB (it has 6.50)"
};

struct Explanation {
  std::string workload;              ///< namespace/name
  std::vector<std::string> facts;    ///< what it needs, where it went, what its pods cost
  Micros placedPerPod = 0;           ///< its pool's hourly cost / the pool's pods
  std::vector<SlotOption> options;   ///< every slot it fits, cheapest per pod first
  std::vector<CheaperSlot> cheaper;  ///< cheapest first
};

}  // namespace gpuslice
