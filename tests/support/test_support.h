// Helpers the core's unit tests share: catalog entries, workloads, and every split of a
// small fleet into groups (for brute-force optima).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "model/catalog.h"
#include "model/workload.h"

namespace gpuslice::testing {

/// A price-table entry with the figures as the built-in table gives them.
inline InstanceType instanceType(std::string name, std::string gpu, double count, double gpuGiB, int vcpu,
                                 double memGiB, double price) {
  InstanceType t;
  t.name = std::move(name);
  t.gpuModel = std::move(gpu);
  t.gpuCount = count;
  t.gpuMemoryMiB = static_cast<std::int64_t>(gpuGiB * 1024);
  t.vcpu = vcpu;
  t.memoryMiB = static_cast<std::int64_t>(memGiB * 1024);
  t.onDemand = static_cast<Micros>(price * 1e6 + 0.5);
  return t;
}

/// A us-east-1 catalog of `types` (sorted by name, as the reader sorts them) and `gpus`.
inline Catalog catalogOf(std::vector<InstanceType> types, std::vector<GpuModel> gpus) {
  Catalog c;
  c.region = "us-east-1";
  c.file = "test-prices.yaml";
  std::sort(types.begin(), types.end(), [](const InstanceType& a, const InstanceType& b) { return a.name < b.name; });
  c.instanceTypes = std::move(types);
  c.gpus = std::move(gpus);
  return c;
}

/// A workload in namespace "default" with the given GPU needs, sourced from w.yaml line 7.
inline Workload workload(std::string name, std::string model, double memGiB, double compute, int replicas = 1) {
  Workload w;
  w.name = std::move(name);
  w.gpuModel = std::move(model);
  w.memoryMiB = static_cast<std::int64_t>(memGiB * 1024);
  w.computePpm = static_cast<std::int64_t>(compute * 1e6 + 0.5);
  w.replicas = replicas;
  w.source = {"w.yaml", 7, "workloads[0]"};
  return w;
}

/// Calls visit(block, blocks) for every split of n items into groups: block[i] is item i's
/// group, groups numbered 0..blocks-1 in order of first use, so each split comes once.
inline void forEachSplit(int n, const std::function<void(const std::vector<int>&, int)>& visit) {
  std::vector<int> block(static_cast<std::size_t>(n), 0);
  std::function<void(int, int)> next = [&](int i, int blocks) {
    if (i == n) {
      visit(block, blocks);
      return;
    }
    for (int b = 0; b <= blocks; ++b) {
      block[static_cast<std::size_t>(i)] = b;
      next(i + 1, std::max(blocks, b + 1));
    }
  };
  next(0, 0);
}

}  // namespace gpuslice::testing
