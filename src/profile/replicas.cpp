#include "profile/replicas.h"

#include <algorithm>
#include <cmath>

namespace gpuslice {

void SampleTimes::add(double unixSeconds) {
  // llround, without its cost on the usual time (not negative, under 2^53 ms).
  const double exact = unixSeconds * 1000;
  std::int64_t ms = 0;
  if (exact >= 0 && exact < 9e15) {
    ms = static_cast<std::int64_t>(exact);
    if (exact - static_cast<double>(ms) >= 0.5) ++ms;  // the fraction is exact: half rounds up
  } else {
    ms = std::llround(exact);
  }
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

namespace {

/// Whether every time of `times` (sorted, distinct) is already one of `running` (sorted).
bool allKnown(const std::vector<std::int64_t>& times, const std::vector<std::pair<std::int64_t, int>>& running) {
  auto r = running.begin();
  for (std::int64_t t : times) {
    while (r != running.end() && r->first < t) ++r;
    if (r == running.end() || r->first != t) return false;
    ++r;
  }
  return true;
}

}  // namespace

void ReplicaCounter::addPod(std::vector<std::int64_t>& times) {
  if (!std::is_sorted(times.begin(), times.end())) std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());
  // Pods of a range query share their timestamps: then count them in place, without a copy.
  if (allKnown(times, running_)) {
    auto r = running_.begin();
    for (std::int64_t t : times) {
      while (r->first < t) ++r;
      ++(r++)->second;
    }
    return;
  }
  // Both sorted: merge in one pass.
  std::vector<std::pair<std::int64_t, int>> merged;
  merged.reserve(std::max(running_.size(), times.size()));
  auto r = running_.begin();
  for (std::int64_t t : times) {
    while (r != running_.end() && r->first < t) merged.push_back(*r++);
    if (r != running_.end() && r->first == t)
      merged.emplace_back(t, (r++)->second + 1);
    else
      merged.emplace_back(t, 1);
  }
  merged.insert(merged.end(), r, running_.end());
  running_ = std::move(merged);
}

ReplicaCount ReplicaCounter::result() const {
  ReplicaCount out;
  if (running_.empty()) return out;
  std::vector<int> counts;
  counts.reserve(running_.size());
  for (const auto& [t, n] : running_) counts.push_back(n);
  out.most = *std::max_element(counts.begin(), counts.end());
  const auto middle = counts.begin() + static_cast<std::ptrdiff_t>((counts.size() + 1) / 2 - 1);
  std::nth_element(counts.begin(), middle, counts.end());
  out.typical = *middle;
  out.timestamps = counts.size();
  return out;
}

ReplicaCount countReplicas(std::vector<std::vector<std::int64_t>> pods) {
  ReplicaCounter c;
  for (std::vector<std::int64_t>& times : pods) c.addPod(times);
  return c.result();
}

}  // namespace gpuslice
