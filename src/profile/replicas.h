// How many pods of a workload run at once: counted at the timestamps of their samples.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace gpuslice {

/// The timestamps of one series' samples, kept as runs of evenly spaced times: a range query's
/// samples are one step apart, so a series of any length takes a few runs, not a number per
/// sample. Milliseconds, as Prometheus keeps them.
class SampleTimes {
 public:
  void add(double unixSeconds);
  /// Appends every timestamp (in milliseconds, in the order added) to `out`.
  void appendTo(std::vector<std::int64_t>& out) const;
  std::size_t runs() const { return runs_.size(); }

 private:
  struct Run {
    std::int64_t start = 0, step = 0, count = 0;
  };
  std::vector<Run> runs_;
};

/// replicas and maxReplicas of a workload as profile measures them.
struct ReplicaCount {
  int typical = 0;             ///< the median, nearest rank (the lower one of two middles)
  int most = 0;                ///< the most at one timestamp
  std::size_t timestamps = 0;  ///< timestamps at which at least one pod had a sample
};

/// Counts the pods with a sample at each timestamp, over the timestamps at which any pod has
/// one: each pod is added with the timestamps of its samples (of any of its GPUs; repeats count
/// once). A timestamp at which none of its pods had a sample is not seen, so a workload scaled
/// to zero for a while is counted over the time it ran. Memory: one count per distinct
/// timestamp, whatever the number of pods.
class ReplicaCounter {
 public:
  /// Adds one pod with the times of its samples (sorted and made distinct here, in place).
  void addPod(std::vector<std::int64_t>& times);
  ReplicaCount result() const;

 private:
  std::vector<std::pair<std::int64_t, int>> running_;  // timestamp -> pods with a sample then, sorted
};

/// A ReplicaCounter's result for `pods`, one list of timestamps each.
ReplicaCount countReplicas(std::vector<std::vector<std::int64_t>> pods);

}  // namespace gpuslice
