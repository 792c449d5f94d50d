#include "planner/bound/lower_bound.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <numeric>

#include "planner/bound/node_bound.h"

namespace gpuslice::detail {

namespace {

/// The smallest sum of node prices (any number of each) that reaches `need`: whatever a
/// group of candidates is bought in, it is bought in whole nodes. Gives `need` rounded up
/// when the search would be long (many nodes or many distinct prices); either is a valid
/// lower bound.
Micros smallestSumAtLeast(std::vector<Micros> prices, double need) {
  if (!std::isfinite(need)) return 0;  // no figure to round: the caller's bounds were not finite
  const auto target = static_cast<Micros>(std::ceil(need - 1e-6));
  std::sort(prices.begin(), prices.end(), std::greater<>());
  prices.erase(std::unique(prices.begin(), prices.end()), prices.end());
  if (prices.empty() || target <= 0) return std::max<Micros>(0, target);
  Micros best = (target + prices.back() - 1) / prices.back() * prices.back();  // cheapest type only
  long long budget = 200000;                                                   // search steps
  // Depth-first over how many nodes of each price, dearest first, pruned by the best so far.
  auto search = [&](auto&& self, std::size_t i, Micros sum) -> void {
    if (--budget < 0) return;
    if (sum >= target) {
      best = std::min(best, sum);
      return;
    }
    if (i == prices.size()) return;
    // Enough of this price to reach the target, but never a sum as dear as the best so far.
    const Micros most = std::min((target - sum + prices[i] - 1) / prices[i], (best - sum - 1) / prices[i]);
    for (Micros k = most; k >= 0 && budget >= 0; --k) self(self, i + 1, sum + k * prices[i]);
  };
  search(search, 0, 0);
  return budget < 0 ? target : best;
}

/// Candidates joined by the classes that admit them both (a union-find over candidates).
class Components {
 public:
  explicit Components(std::size_t candidates) : parent_(candidates) { std::iota(parent_.begin(), parent_.end(), 0); }
  std::size_t root(std::size_t k) {
    while (parent_[k] != k) k = parent_[k] = parent_[parent_[k]];
    return k;
  }
  void join(std::size_t a, std::size_t b) { parent_[root(a)] = root(b); }

 private:
  std::vector<std::size_t> parent_;
};

}  // namespace

double lowerBound(const PlanContext& ctx, const std::vector<Workload>& ws, const std::vector<WorkloadClass>& classes,
                  const std::vector<Packing>& packings) {
  Components joined(ctx.candidates.size());
  for (const WorkloadClass& c : classes) {
    for (std::size_t i = 1; i < c.candidates.size(); ++i) {
      joined.join(static_cast<std::size_t>(c.candidates[i]), static_cast<std::size_t>(c.candidates[0]));
    }
  }
  struct Component {
    double fractional = 0;  // the per-pod bound
    Micros node = 0;        // the dearest of the members' cheapest fitting nodes
    std::vector<std::size_t> members;
  };
  std::map<std::size_t, Component> components;  // by root candidate
  for (std::size_t i = 0; i < classes.size(); ++i) {
    Component& comp = components[joined.root(static_cast<std::size_t>(classes[i].candidates.front()))];
    comp.fractional += packings[i].lowerBoundMicros;
    comp.node = std::max(comp.node, packings[i].cheapestNodeForAll);
    comp.members.insert(comp.members.end(), classes[i].members.begin(), classes[i].members.end());
  }
  double bound = 0;
  for (const auto& [r, comp] : components) {
    std::vector<Micros> prices;
    std::vector<int> candidates;
    for (std::size_t k = 0; k < ctx.candidates.size(); ++k) {
      if (joined.root(k) != r) continue;
      prices.push_back(ctx.candidates[k].price);
      candidates.push_back(static_cast<int>(k));
    }
    // Whole nodes: the node LP, where pods of a kind are too few to fill their cheapest node.
    const double nodes = nodeLpBound(ctx, ws, comp.members, candidates);
    const double need = std::max({comp.fractional, static_cast<double>(comp.node), nodes});
    bound += static_cast<double>(smallestSumAtLeast(prices, need));
  }
  return bound;
}

}  // namespace gpuslice::detail
