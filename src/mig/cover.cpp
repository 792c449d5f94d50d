#include "mig/cover.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

namespace gpuslice::detail {

namespace {

/// Larger than any GPU count, with room to add one.
constexpr int kUnreachable = std::numeric_limits<int>::max() / 4;
/// fewestKinds_ is built for up to this many profiles (3^n steps per candidate).
constexpr std::size_t kMaxKindsProfiles = 8;
constexpr unsigned char kNever = 255;

bool isZero(const std::vector<int>& c) {
  return std::all_of(c.begin(), c.end(), [](int x) { return x == 0; });
}

bool atMost(const std::vector<int>& a, const std::vector<int>& b) {
  for (std::size_t k = 0; k < a.size(); ++k) {
    if (a[k] > b[k]) return false;
  }
  return true;
}

/// What is left of `residual` after `copies` GPUs of `mix`.
std::vector<int> remaining(const std::vector<int>& residual, const std::vector<int>& mix, int copies) {
  std::vector<int> out(residual.size());
  for (std::size_t k = 0; k < residual.size(); ++k) {
    const long long left = residual[k] - static_cast<long long>(mix[k]) * copies;
    out[k] = left > 0 ? static_cast<int>(left) : 0;
  }
  return out;
}

bool reduces(const std::vector<int>& residual, const std::vector<int>& mix) {
  for (std::size_t k = 0; k < residual.size(); ++k) {
    if (residual[k] > 0 && mix[k] > 0) return true;
  }
  return false;
}

long long dot(const std::vector<int>& w, const std::vector<int>& c) {
  long long s = 0;
  for (std::size_t k = 0; k < c.size(); ++k) s += static_cast<long long>(w[k]) * c[k];
  return s;
}

int ceilDiv(long long a, long long b) {
  const long long q = (a + b - 1) / b;
  return q >= kUnreachable ? kUnreachable : static_cast<int>(q);
}

/// Per i, the most of each of the n profiles one of mixes[i..] holds (all zero past the end).
std::vector<std::vector<int>> suffixMaxima(const std::vector<std::vector<int>>& mixes, std::size_t n) {
  std::vector<std::vector<int>> out(mixes.size() + 1, std::vector<int>(n, 0));
  for (std::size_t i = mixes.size(); i-- > 0;) {
    for (std::size_t k = 0; k < n; ++k) out[i][k] = std::max(out[i + 1][k], mixes[i][k]);
  }
  return out;
}

/// Per profile (of n), the positions in `mixes` of those that hold it, in order.
std::vector<std::vector<std::size_t>> holdersOf(const std::vector<std::vector<int>>& mixes, std::size_t n) {
  std::vector<std::vector<std::size_t>> out(n);
  for (std::size_t i = 0; i < mixes.size(); ++i) {
    for (std::size_t k = 0; k < n; ++k) {
      if (mixes[i][k] > 0) out[k].push_back(i);
    }
  }
  return out;
}

/// Weights for the lower bound on GPUs, per profile of `used` (gpu.profiles indices): memory
/// slices, compute slices, one per instance, then each profile alone.
std::vector<std::vector<int>> boundingWeights(const MigGpu& gpu, const std::vector<std::size_t>& used) {
  const std::size_t n = used.size();
  std::vector<int> memory(n), compute(n);
  for (std::size_t k = 0; k < n; ++k) {
    memory[k] = gpu.profiles[used[k]].memorySlices;
    compute[k] = gpu.profiles[used[k]].computeSlices;
  }
  std::vector<std::vector<int>> weights = {memory, compute, std::vector<int>(n, 1)};
  for (std::size_t k = 0; k < n; ++k) {
    std::vector<int> unit(n, 0);
    unit[k] = 1;
    weights.push_back(std::move(unit));
  }
  return weights;
}

/// Marks in `together` every set of profiles (bit k for profile k) that `mix` holds at once.
void markHeldTogether(const std::vector<int>& mix, std::vector<bool>& together) {
  std::size_t held = 0;
  for (std::size_t k = 0; k < mix.size(); ++k) {
    if (mix[k] > 0) held |= std::size_t{1} << k;
  }
  for (std::size_t sub = held;; sub = (sub - 1) & held) {
    together[sub] = true;
    if (sub == 0) break;
  }
}

/// kinds[mask]: 1 for a set held together, else the fewest held sets it splits into (kNever
/// for none).
void fewestParts(const std::vector<bool>& together, std::vector<unsigned char>& kinds) {
  kinds[0] = 0;
  for (std::size_t mask = 1; mask < kinds.size(); ++mask) {
    if (together[mask]) {
      kinds[mask] = 1;
      continue;
    }
    for (std::size_t sub = (mask - 1) & mask; sub > 0; sub = (sub - 1) & mask) {
      if (together[sub] && kinds[mask ^ sub] != kNever) {
        kinds[mask] = std::min<unsigned char>(kinds[mask], static_cast<unsigned char>(kinds[mask ^ sub] + 1));
      }
    }
  }
}

/// The fewestKinds_ table (cover.h) for `mixes` over n profiles. Candidates >= i hold together
/// the profile sets that candidates >= i + 1 do, and every subset of what candidate i holds; a
/// set takes one candidate if held together, else a split in two.
std::vector<std::vector<unsigned char>> fewestKindsTable(const std::vector<std::vector<int>>& mixes, std::size_t n) {
  const std::size_t masks = std::size_t{1} << n;
  std::vector<bool> together(masks, false);
  std::vector<std::vector<unsigned char>> table(mixes.size() + 1, std::vector<unsigned char>(masks, kNever));
  for (std::size_t i = mixes.size() + 1; i-- > 0;) {
    if (i < mixes.size()) markHeldTogether(mixes[i], together);
    fewestParts(together, table[i]);
  }
  return table;
}

}  // namespace

std::size_t MigCover::CountsHash::operator()(const Counts& c) const {
  std::size_t h = 1469598103934665603ull;
  for (int x : c) h = (h ^ static_cast<std::size_t>(static_cast<unsigned>(x))) * 1099511628211ull;
  return h;
}

MigCover::MigCover(const MigGpu& gpu) : gpu_(gpu) {
  MigGpu plain = gpu;
  plain.profiles.clear();
  for (std::size_t i = 0; i < gpu.profiles.size(); ++i) {
    if (gpu.profiles[i].mediaExtensions) continue;
    used_.push_back(i);
    plain.profiles.push_back(gpu.profiles[i]);
  }
  std::vector<Counts> mixes;
  std::vector<MigGeometry> firsts;
  for (const MigGeometry& geo : maximalGeometries(plain)) {
    Counts c = profileCounts(plain, geo);
    if (isZero(c) || std::find(mixes.begin(), mixes.end(), c) != mixes.end()) continue;
    mixes.push_back(std::move(c));
    firsts.push_back(geo);
  }
  for (std::size_t i = 0; i < mixes.size(); ++i) {
    const bool dominated = std::any_of(
        mixes.begin(), mixes.end(), [&](const Counts& other) { return other != mixes[i] && atMost(mixes[i], other); });
    if (dominated) continue;
    MigGeometry geo = firsts[i];
    for (MigPlacement& p : geo.placements) p.profile = used_[p.profile];
    counts_.push_back(profileCounts(gpu_, geo));
    geometries_.push_back(std::move(geo));
    mixes_.push_back(mixes[i]);
  }

  const std::size_t n = used_.size();
  suffixMax_ = suffixMaxima(mixes_, n);
  holding_ = holdersOf(mixes_, n);
  // Any weights give a bound: a GPU holds at most capacity_ of the weighted instances.
  weights_ = boundingWeights(gpu, used_);
  for (const Counts& w : weights_) {
    long long most = 0;
    for (const Counts& m : mixes_) most = std::max(most, dot(w, m));
    capacity_.push_back(most);
  }
  if (n <= kMaxKindsProfiles) fewestKinds_ = fewestKindsTable(mixes_, n);
}

double MigCover::gpuShare(std::size_t profile) const { return gpuslice::gpuShare(gpu_, profile); }

std::optional<MigCover::Counts> MigCover::reduce(const std::vector<int>& demand) const {
  if (demand.size() != gpu_.profiles.size()) {
    throw std::invalid_argument("MIG demand has " + std::to_string(demand.size()) + " entries, " + gpu_.name + " has " +
                                std::to_string(gpu_.profiles.size()) + " profiles");
  }
  for (std::size_t i = 0; i < demand.size(); ++i) {
    if (gpu_.profiles[i].mediaExtensions && demand[i] > 0) return std::nullopt;
  }
  Counts out;
  for (std::size_t i : used_) out.push_back(std::max(demand[i], 0));
  return out;
}

int MigCover::lowerBound(const Counts& residual) const {
  int bound = 0;
  for (std::size_t w = 0; w < weights_.size(); ++w) {
    const long long need = dot(weights_[w], residual);
    if (need == 0) continue;
    if (capacity_[w] == 0) return kUnreachable;
    bound = std::max(bound, ceilDiv(need, capacity_[w]));
  }
  return bound;
}

/// Returns the fewest GPUs `residual` needs when that is at most `budget`, else a lower bound
/// above `budget`. Some GPU must hold an instance of the profile fewest candidates hold, so the
/// search branches over those candidates only, each cut to what the residual still needs, and
/// of those only the ones no other cut candidate dominates.
int MigCover::fewestGpus(const Counts& residual, int budget) {
  if (isZero(residual)) return 0;
  int bound = lowerBound(residual);
  if (bound > budget) return bound;
  if (auto it = memo_.find(residual); it != memo_.end()) {
    if (it->second.exact) return it->second.gpus;
    bound = std::max(bound, it->second.gpus);
  }
  if (bound > budget) return bound;

  std::size_t branch = residual.size();
  for (std::size_t k = 0; k < residual.size(); ++k) {
    if (residual[k] > 0 && (branch == residual.size() || holding_[k].size() < holding_[branch].size())) branch = k;
  }
  std::vector<Counts> takes;
  for (std::size_t i : holding_[branch]) {
    Counts take(residual.size());
    for (std::size_t k = 0; k < residual.size(); ++k) take[k] = std::min(mixes_[i][k], residual[k]);
    takes.push_back(std::move(take));
  }
  std::sort(takes.begin(), takes.end());
  takes.erase(std::unique(takes.begin(), takes.end()), takes.end());
  std::vector<std::pair<long long, Counts>> children;
  for (const Counts& t : takes) {
    const bool dominated =
        std::any_of(takes.begin(), takes.end(), [&](const Counts& other) { return other != t && atMost(t, other); });
    if (!dominated) children.push_back({dot(weights_[0], t) * 8 + dot(weights_[1], t), t});
  }
  // Bigger bites first: a good cover early tightens the budget for the rest.
  std::sort(children.begin(), children.end(), [](const auto& a, const auto& b) { return a > b; });

  int best = kUnreachable;
  int lowest = kUnreachable;
  int allowed = budget - 1;
  for (const auto& [weight, take] : children) {
    const int r = fewestGpus(remaining(residual, take, 1), allowed);
    if (r <= allowed) {
      best = r + 1;
      allowed = r - 1;
      if (best <= bound) break;
    } else {
      lowest = std::min(lowest, r + 1);
    }
  }
  const Known known = best != kUnreachable ? Known{best, true} : Known{std::max(bound, lowest), false};
  memo_[residual] = known;
  return known.gpus;
}

/// The lexicographically smallest ascending list of exactly `slots` candidates, each at least
/// `from`, at most `distinct` of them different, that covers `residual`, appended to `out`.
/// Ascending lists order by their first element, then by how many copies of it (more is
/// smaller), then by the rest, which is the order this search tries them in. A list that works
/// extends to one more slot by repeating an element, so a failure also rules out fewer slots and
/// fewer distinct candidates.
bool MigCover::firstCover(const Counts& residual, std::size_t from, int slots, int distinct,
                          std::vector<std::size_t>& out) {
  if (isZero(residual)) return slots == 0;
  if (slots <= 0 || distinct <= 0) return false;
  std::size_t mask = 0;
  for (std::size_t k = 0; k < residual.size(); ++k) {
    if (static_cast<long long>(slots) * suffixMax_[from][k] < residual[k]) return false;
    if (residual[k] > 0) mask |= std::size_t{1} << k;
  }
  if (!fewestKinds_.empty() && fewestKinds_[from][mask] > distinct) return false;
  if (distinct == 1) {
    for (std::size_t i = from; i < mixes_.size(); ++i) {
      if (isZero(remaining(residual, mixes_[i], slots))) {
        out.insert(out.end(), static_cast<std::size_t>(slots), i);
        return true;
      }
    }
    return false;
  }
  Counts key = residual;
  key.push_back(static_cast<int>(from));
  if (auto it = failed_.find(key); it != failed_.end()) {
    for (const auto& [s, d] : it->second) {
      if (s >= slots && d >= distinct) return false;
    }
  }
  if (fewestGpus(residual, slots) > slots) return false;

  for (std::size_t i = from; i < mixes_.size(); ++i) {
    if (!reduces(residual, mixes_[i])) continue;
    for (int copies = slots; copies >= 1; --copies) {
      const std::size_t mark = out.size();
      out.insert(out.end(), static_cast<std::size_t>(copies), i);
      if (firstCover(remaining(residual, mixes_[i], copies), i + 1, slots - copies, distinct - 1, out)) return true;
      out.resize(mark);
    }
  }
  failed_[key].push_back({slots, distinct});
  return false;
}

/// Of the covers of `demand` by `fewest` to `most` GPUs: the fewest distinct candidates, then the
/// fewest GPUs, then the lexicographically smallest. With d distinct candidates allowed, a cover
/// of s GPUs extends to one of s + 1 by repeating one, so trying `most` first tells whether d
/// is enough.
std::optional<std::vector<std::size_t>> MigCover::canonicalCover(const Counts& demand, int fewest, int most) {
  std::vector<std::size_t> out;
  for (int distinct = 1; distinct <= most; ++distinct) {
    if (!firstCover(demand, 0, most, distinct, out)) continue;
    for (int slots = std::max(fewest, distinct); slots < most; ++slots) {
      std::vector<std::size_t> smaller;
      if (firstCover(demand, 0, slots, distinct, smaller)) return smaller;
    }
    return out;
  }
  return std::nullopt;
}

std::optional<std::vector<std::size_t>> MigCover::minCover(const std::vector<int>& demand, int limit) {
  const std::optional<Counts> need = reduce(demand);
  if (!need || limit < 0) return std::nullopt;
  if (isZero(*need)) return std::vector<std::size_t>{};
  const int gpus = fewestGpus(*need, limit);
  if (gpus > limit) return std::nullopt;
  return canonicalCover(*need, gpus, gpus);
}

std::optional<MigCover::NodeLayout> MigCover::identicalNodes(const std::vector<int>& demand, int gpusPerNode) {
  const std::optional<Counts> total = reduce(demand);
  if (!total || gpusPerNode < 1) return std::nullopt;
  if (isZero(*total)) return NodeLayout{};
  auto perNode = [&](int nodes) {
    Counts c(total->size());
    for (std::size_t k = 0; k < c.size(); ++k) c[k] = (*total)[k] / nodes + ((*total)[k] % nodes != 0 ? 1 : 0);
    return c;
  };
  auto enough = [&](int nodes) { return fewestGpus(perNode(nodes), gpusPerNode) <= gpusPerNode; };

  // With as many nodes as the largest demand, each node needs one instance of each demanded
  // profile; more nodes need no less.
  int most = *std::max_element(total->begin(), total->end());
  if (!enough(most)) return std::nullopt;
  int fewest = 1;
  for (std::size_t w = 0; w < weights_.size(); ++w) {
    const long long need = dot(weights_[w], *total);
    if (need > 0 && capacity_[w] > 0) fewest = std::max(fewest, ceilDiv(need, capacity_[w] * gpusPerNode));
  }
  fewest = std::min(fewest, most);
  while (fewest < most) {
    const int mid = fewest + (most - fewest) / 2;
    if (enough(mid)) {
      most = mid;
    } else {
      fewest = mid + 1;
    }
  }
  const Counts need = perNode(most);
  const std::optional<std::vector<std::size_t>> cover =
      canonicalCover(need, fewestGpus(need, gpusPerNode), gpusPerNode);
  NodeLayout layout;
  layout.nodes = most;
  for (int g = 0; g < gpusPerNode; ++g) layout.perGpu.push_back((*cover)[static_cast<std::size_t>(g) % cover->size()]);
  std::sort(layout.perGpu.begin(), layout.perGpu.end());
  return layout;
}

}  // namespace gpuslice::detail
