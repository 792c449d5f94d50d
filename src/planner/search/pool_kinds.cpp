// The kinds of pool (PoolKind) that the members of two or three pools can form, for the
// re-splits (resplit.cpp).
#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "planner/search/search.h"

namespace gpuslice::detail::search {

namespace {

using Bits = std::vector<std::uint64_t>;

/// The members' fits on one group candidate, out of a table of K fits per member.
struct OnCandidate {
  const std::vector<PodFit>& table;
  std::size_t K = 0;
  std::size_t j = 0;  ///< the candidate's position in its group
  std::size_t members() const { return table.size() / K; }
  const PodFit& operator[](std::size_t i) const { return table[i * K + j]; }
};

/// The safe replicas of fit `f` in `mode`: 1 or 0 for dedicated.
int replicasIn(const PodFit& f, Mode mode) {
  return mode == Mode::Dedicated ? (f.ded ? 1 : 0) : mode == Mode::Mps ? f.mps : f.ts;
}

/// The distinct node caps of the members the candidate admits, ascending.
std::vector<int> distinctCaps(const OnCandidate& col) {
  std::vector<int> caps;
  for (std::size_t i = 0; i < col.members(); ++i) {
    if (col[i].cap > 0) caps.push_back(col[i].cap);
  }
  std::sort(caps.begin(), caps.end());
  caps.erase(std::unique(caps.begin(), caps.end()), caps.end());
  return caps;
}

/// The distinct replica counts of the members that can run in `mode` on the candidate
/// (dedicated: 1; sharing: at least 2), ascending.
std::vector<int> distinctReplicas(const OnCandidate& col, Mode mode) {
  std::vector<int> rs;
  for (std::size_t i = 0; i < col.members(); ++i) {
    const int r = replicasIn(col[i], mode);
    if (col[i].cap > 0 && r >= (mode == Mode::Dedicated ? 1 : 2)) rs.push_back(r);
  }
  std::sort(rs.begin(), rs.end());
  rs.erase(std::unique(rs.begin(), rs.end()), rs.end());
  return rs;
}

/// The members whose node cap is at least `cap` and whose replicas in `mode` at least
/// `replicas`, a bit each; empty when there are none.
Bits joining(const OnCandidate& col, Mode mode, int cap, int replicas) {
  const std::size_t n = col.members();
  Bits joins((n + 63) / 64, 0);
  bool any = false;
  for (std::size_t i = 0; i < n; ++i) {
    if (col[i].cap >= cap && replicasIn(col[i], mode) >= replicas) {
      joins[i / 64] |= std::uint64_t{1} << (i % 64);
      any = true;
    }
  }
  if (!any) joins.clear();
  return joins;
}

/// The kinds of one candidate (offer `o`) in one mode: a pool for each least replica count
/// and node cap among the members (`caps`), less those that a smaller count or cap matches
/// in pods per node.
void addKinds(const OnCandidate& col, const Offer& o, Mode mode, const std::vector<int>& caps,
              std::vector<PoolKind>& kinds) {
  const std::vector<int> rs = distinctReplicas(col, mode);
  for (std::size_t ri = 0; ri < rs.size(); ++ri) {
    int lastPerNode = 0;
    for (int c : caps) {
      const int most = (c + o.gpus - 1) / o.gpus;  // replicas past this add no pods per node
      if (ri > 0 && rs[ri - 1] >= most) continue;  // a smaller count does as well
      const int replicas = mode == Mode::Dedicated ? 1 : std::min(rs[ri], most);
      if (mode != Mode::Dedicated && replicas < 2) continue;
      const int perNode = std::min(o.gpus * replicas, c);
      if (perNode == lastPerNode) continue;  // a smaller cap does as well
      lastPerNode = perNode;
      PoolKind t{col.j, mode, perNode, o.price, joining(col, mode, c, rs[ri])};
      if (!t.joins.empty()) kinds.push_back(std::move(t));
    }
  }
}

/// Whether kind `x` does all that `y` does: takes every member `y` takes, at as many pods per
/// node, for no more per node and no more isolation penalty.
bool covers(const PoolKind& x, const PoolKind& y) {
  if (x.perNode < y.perNode || x.price > y.price || isolationPenalty(x.mode) > isolationPenalty(y.mode)) {
    return false;
  }
  for (std::size_t w = 0; w < x.joins.size(); ++w) {
    if ((y.joins[w] & ~x.joins[w]) != 0) return false;
  }
  return true;
}

}  // namespace

std::vector<PoolKind> poolKindsOf(const Group& g, const std::vector<PodFit>& fit) {
  const std::size_t K = g.candidates.size();
  std::vector<PoolKind> kinds;
  for (std::size_t j = 0; j < K; ++j) {
    const OnCandidate col{fit, K, j};
    const std::vector<int> caps = distinctCaps(col);
    for (Mode mode : kModes) {
      if (mode != Mode::Dedicated && g.offers[j].fractional) continue;
      addKinds(col, g.offers[j], mode, caps, kinds);
    }
  }
  return kinds;
}

void dropCovered(std::vector<PoolKind>& kinds) {
  std::vector<char> dominated(kinds.size(), 0);
  for (std::size_t y = 0; y < kinds.size(); ++y) {
    for (std::size_t x = 0; x < kinds.size() && !dominated[y]; ++x) {
      if (x == y || dominated[x] || !covers(kinds[x], kinds[y])) continue;
      dominated[y] = x < y || !covers(kinds[y], kinds[x]);
    }
  }
  std::size_t kept = 0;
  for (std::size_t y = 0; y < kinds.size(); ++y) {
    if (dominated[y]) continue;
    if (kept != y) kinds[kept] = std::move(kinds[y]);
    ++kept;
  }
  kinds.resize(kept);
}

}  // namespace gpuslice::detail::search
