#include "profile/replicas.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace gpuslice {

void SampleTimes::add(double unixSeconds) {
  const std::int64_t ms = std::llround(unixSeconds * 1000);
  if (!runs_.empty()) {
    Run& r = runs_.back();
    const std::int64_t last = r.start + r.step * (r.count - 1);
    if (ms == last) return;
    if (r.count == 1 && ms > r.start) {
      r.step = ms - r.start;
      r.count = 2;
      return;
    }
    if (ms == last + r.step) {
      ++r.count;
      return;
    }
  }
  runs_.push_back({ms, 0, 1});
}

void SampleTimes::appendTo(std::vector<std::int64_t>& out) const {
  for (const Run& r : runs_) {
    for (std::int64_t i = 0; i < r.count; ++i) out.push_back(r.start + i * r.step);
  }
}

ReplicaCount countReplicas(std::vector<std::vector<std::int64_t>> pods) {
  std::map<std::int64_t, int> running;
  for (std::vector<std::int64_t>& times : pods) {
    std::sort(times.begin(), times.end());
    times.erase(std::unique(times.begin(), times.end()), times.end());
    for (std::int64_t t : times) ++running[t];
  }
  ReplicaCount out;
  if (running.empty()) return out;
  std::vector<int> counts;
  counts.reserve(running.size());
  for (const auto& [t, n] : running) counts.push_back(n);
  std::sort(counts.begin(), counts.end());
  out.typical = counts[(counts.size() + 1) / 2 - 1];
  out.most = counts.back();
  out.timestamps = counts.size();
  return out;
}

}  // namespace gpuslice
