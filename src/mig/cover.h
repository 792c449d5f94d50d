// Covering a demand for MIG instances with GPUs: the fewest GPUs, and the fewest identical nodes,
// whose geometries together hold a given number of instances of each profile.
#pragma once

#include <cstddef>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "mig/geometry.h"

namespace gpuslice::detail {

/// Chooses geometries for the GPUs of a MIG pool. A demand says how many instances of each
/// profile the pool's pods need, indexed like MigGpu::profiles. Only geometries without +me
/// profiles are used, since the planner never gives a pod a +me instance: a demand for a +me
/// profile cannot be covered. Negative demand entries count as zero; a demand with another
/// number of entries than the GPU has profiles is a programming error (std::invalid_argument).
///
/// The candidates are the maximal geometries of the GPU without its +me profiles, one per
/// profile-count vector (the first in maximalGeometries order), leaving out those whose counts
/// another candidate's counts dominate: neither changes the fewest GPUs a demand needs.
///
/// Results depend only on the GPU and the arguments. The object remembers, across calls, the
/// fewest GPUs each residual demand needs and which partial covers led nowhere, because the
/// planner asks about many similar demands; it remembers facts only, never a chosen cover, so
/// the call history cannot change a result. Not thread-safe: use one object per thread.
class MigCover {
 public:
  explicit MigCover(const MigGpu& gpu);

  const MigGpu& gpu() const { return gpu_; }

  /// The candidate geometries, their placements indexing gpu().profiles. Results of minCover and
  /// identicalNodes are indices into this list.
  const std::vector<MigGeometry>& geometries() const { return geometries_; }

  /// How many instances of each profile candidate `geometry` holds, indexed like gpu().profiles.
  const std::vector<int>& counts(std::size_t geometry) const { return counts_[geometry]; }

  /// The least fraction of a GPU one instance of `profile` takes, max(compute slices over the
  /// GPU's compute slices, memory slices over the GPU's memory slices): a lower bound on the GPUs
  /// a demand needs, for the planner's cost bound.
  double gpuShare(std::size_t profile) const;

  /// The fewest GPUs, at most `limit`, whose geometries together hold at least demand[k]
  /// instances of every profile k, as ascending indices into geometries(); nullopt when `limit`
  /// GPUs cannot. Of the covers with that many GPUs it returns one with the fewest distinct
  /// geometries, and of those the lexicographically smallest index list. An all-zero demand
  /// gives an empty list. Meant for per-node demands (limit up to about 16): the search is
  /// exact, so its cost grows quickly with `limit`.
  std::optional<std::vector<std::size_t>> minCover(const std::vector<int>& demand, int limit);

  /// A pool of identical nodes: how many, and the geometry of each of a node's GPUs (indices into
  /// geometries(), ascending, one per GPU of the node).
  struct NodeLayout {
    int nodes = 0;
    std::vector<std::size_t> perGpu;
  };

  /// The fewest identical nodes of `gpusPerNode` GPUs whose instances together hold the demand,
  /// with the per-GPU geometries of one node. n nodes suffice exactly when one node's GPUs hold
  /// ceil(demand[k] / n) of every profile k. The node's layout is, among the covers of that
  /// per-node demand within gpusPerNode GPUs, one with the fewest distinct geometries, then the
  /// fewest GPUs, then the lexicographically smallest. Spare GPUs repeat the cover in order (GPU
  /// i takes cover[i mod cover size]), so spare capacity has the cover's mix and no geometry is
  /// added; the list is then sorted.
  /// An all-zero demand gives {0 nodes, no GPUs}. nullopt when no number of nodes can hold the
  /// demand: a +me profile is demanded, gpusPerNode < 1, or one instance of every demanded profile
  /// does not fit on one node.
  std::optional<NodeLayout> identicalNodes(const std::vector<int>& demand, int gpusPerNode);

 private:
  /// A demand over the profiles the candidates may hold (the non-+me ones), in gpu().profiles order.
  using Counts = std::vector<int>;
  struct CountsHash {
    std::size_t operator()(const Counts& c) const;
  };
  /// The fewest GPUs a residual demand needs, or a lower bound on it when not exact.
  struct Known {
    int gpus = 0;
    bool exact = false;
  };

  std::optional<Counts> reduce(const std::vector<int>& demand) const;
  int lowerBound(const Counts& residual) const;
  int fewestGpus(const Counts& residual, int budget);
  bool firstCover(const Counts& residual, std::size_t from, int slots, int distinct, std::vector<std::size_t>& out);
  std::optional<std::vector<std::size_t>> canonicalCover(const Counts& demand, int fewest, int most);

  MigGpu gpu_;
  std::vector<std::size_t> used_;  ///< the gpu_.profiles index of each Counts entry
  std::vector<MigGeometry> geometries_;
  std::vector<std::vector<int>> counts_;           ///< per candidate, indexed like gpu_.profiles
  std::vector<Counts> mixes_;                      ///< per candidate, as Counts
  std::vector<Counts> suffixMax_;                  ///< suffixMax_[i][k]: most of profile k one candidate >= i holds
  std::vector<std::vector<std::size_t>> holding_;  ///< per Counts entry, the candidates holding it
  std::vector<Counts> weights_;                    ///< slice and instance weights for lowerBound
  std::vector<long long> capacity_;                ///< the most of each weight one candidate holds
  /// fewestKinds_[i][mask]: how many candidates >= i it takes to hold one of each profile in
  /// `mask` (bit k for Counts entry k), 255 for never; empty for GPUs with many profiles.
  std::vector<std::vector<unsigned char>> fewestKinds_;
  std::unordered_map<Counts, Known, CountsHash> memo_;
  /// Per residual with the first candidate allowed appended: (slots, distinct) pairs for which
  /// firstCover found nothing.
  std::unordered_map<Counts, std::vector<std::pair<int, int>>, CountsHash> failed_;
};

}  // namespace gpuslice::detail
