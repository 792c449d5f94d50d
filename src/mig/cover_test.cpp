#include "mig/cover.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "io/mig_reader.h"

using namespace gpuslice;
using detail::MigCover;

namespace {

MigProfile profile(std::string name, int compute, int memory, int max, std::vector<int> starts, bool me = false) {
  MigProfile p;
  p.name = std::move(name);
  p.computeSlices = compute;
  p.memorySlices = memory;
  p.maxCount = max;
  p.starts = std::move(starts);
  p.mediaExtensions = me;
  return p;
}

/// H100-80GB as `nvidia-smi mig -lgipp` prints it.
MigGpu h100() {
  MigGpu g;
  g.name = "H100-80GB";
  g.profiles = {profile("1g.10gb", 1, 1, 7, {0, 1, 2, 3, 4, 5, 6}),
                profile("1g.10gb+me", 1, 1, 1, {0, 1, 2, 3, 4, 5, 6}, true),
                profile("1g.20gb", 1, 2, 4, {0, 2, 4, 6}),
                profile("2g.20gb", 2, 2, 3, {0, 2, 4}),
                profile("3g.40gb", 3, 4, 2, {0, 4}),
                profile("4g.40gb", 4, 4, 1, {0}),
                profile("7g.80gb", 7, 8, 1, {0})};
  return g;
}

/// A30-24GB: four memory and four compute slices, two +me profiles.
MigGpu a30() {
  MigGpu g;
  g.name = "A30-24GB";
  g.memorySlices = 4;
  g.computeSlices = 4;
  g.profiles = {profile("1g.6gb", 1, 1, 4, {0, 1, 2, 3}), profile("1g.6gb+me", 1, 1, 1, {0, 1, 2, 3}, true),
                profile("2g.12gb", 2, 2, 2, {0, 2}), profile("2g.12gb+me", 2, 2, 1, {0, 2}, true),
                profile("4g.24gb", 4, 4, 1, {0})};
  return g;
}

const MigGpu& builtin(const std::string& name) {
  static const std::vector<MigGpu> gpus = [] {
    auto mig = io::builtinMigCatalog();
    REQUIRE_MESSAGE(mig.ok(), (mig.ok() ? "" : mig.error().describe()));
    return *mig;
  }();
  const auto found = findMigGpus(gpus, name);
  REQUIRE(found.size() == 1);
  return *found.front();
}

std::vector<int> demandOf(const MigGpu& g, std::vector<std::pair<std::string, int>> wanted) {
  std::vector<int> d(g.profiles.size(), 0);
  for (const auto& want : wanted) {
    const auto it =
        std::find_if(g.profiles.begin(), g.profiles.end(), [&](const MigProfile& p) { return p.name == want.first; });
    REQUIRE(it != g.profiles.end());
    d[static_cast<std::size_t>(it - g.profiles.begin())] = want.second;
  }
  return d;
}

std::vector<std::string> described(const MigCover& cover, const std::vector<std::size_t>& picks) {
  std::vector<std::string> out;
  for (std::size_t i : picks) out.push_back(describe(cover.gpu(), cover.geometries()[i]));
  return out;
}

// ---- Independent of mig.cpp and mig_cover.cpp: a slot array and counters. ----

bool validNoMe(const MigGpu& g, const std::vector<MigPlacement>& ps) {
  std::vector<int> used(static_cast<std::size_t>(g.memorySlices), 0);
  std::vector<int> count(g.profiles.size(), 0);
  int compute = 0;
  for (const MigPlacement& pl : ps) {
    if (pl.profile >= g.profiles.size()) return false;
    const MigProfile& p = g.profiles[pl.profile];
    if (p.mediaExtensions) return false;
    if (std::find(p.starts.begin(), p.starts.end(), pl.start) == p.starts.end()) return false;
    for (int s = pl.start; s < pl.start + p.memorySlices; ++s) {
      if (s < 0 || s >= g.memorySlices || used[static_cast<std::size_t>(s)]++ > 0) return false;
    }
    if (++count[pl.profile] > p.maxCount) return false;
    compute += p.computeSlices;
  }
  return compute <= g.computeSlices;
}

/// Profile counts of every valid geometry without +me profiles (the empty one too): include or
/// skip each (profile, start) placement in turn.
void allValid(const MigGpu& g, const std::vector<MigPlacement>& placements, std::size_t next,
              std::vector<MigPlacement>& chosen, std::set<std::vector<int>>& out) {
  if (next == placements.size()) {
    std::vector<int> c(g.profiles.size(), 0);
    for (const MigPlacement& p : chosen) ++c[p.profile];
    out.insert(c);
    return;
  }
  chosen.push_back(placements[next]);
  if (validNoMe(g, chosen)) allValid(g, placements, next + 1, chosen, out);
  chosen.pop_back();
  allValid(g, placements, next + 1, chosen, out);
}

std::vector<std::vector<int>> validMixes(const MigGpu& g) {
  std::vector<MigPlacement> placements;
  for (std::size_t i = 0; i < g.profiles.size(); ++i) {
    if (g.profiles[i].mediaExtensions) continue;
    for (int s : g.profiles[i].starts) placements.push_back({i, s});
  }
  std::set<std::vector<int>> out;
  std::vector<MigPlacement> chosen;
  allValid(g, placements, 0, chosen, out);
  return {out.begin(), out.end()};
}

bool covers(const std::vector<int>& have, const std::vector<int>& demand) {
  for (std::size_t k = 0; k < demand.size(); ++k) {
    if (have[k] < demand[k]) return false;
  }
  return true;
}

/// Fewest GPUs for `demand` by breadth-first search over GPU counts: the sums any j valid
/// geometries reach, each capped at the demand so the sets stay small. -1 above `most`.
int bruteFewest(const std::vector<std::vector<int>>& mixes, const std::vector<int>& demand, int most) {
  std::set<std::vector<int>> reached = {std::vector<int>(demand.size(), 0)};
  for (int gpus = 0; gpus <= most; ++gpus) {
    if (reached.count(demand)) return gpus;
    std::set<std::vector<int>> next;
    for (const auto& r : reached) {
      for (const auto& m : mixes) {
        std::vector<int> s(r.size());
        for (std::size_t k = 0; k < s.size(); ++k) s[k] = std::min(r[k] + m[k], demand[k]);
        next.insert(s);
      }
    }
    reached = std::move(next);
  }
  return -1;
}

/// Whether `gpus` GPUs with at most two different valid geometries cover `demand`.
bool bruteCoversWithFewKinds(const std::vector<std::vector<int>>& mixes, const std::vector<int>& demand, int gpus,
                             int kinds) {
  for (const auto& a : mixes) {
    for (const auto& b : kinds == 1 ? std::vector<std::vector<int>>{a} : mixes) {
      for (int na = 0; na <= gpus; ++na) {
        std::vector<int> s(demand.size());
        for (std::size_t k = 0; k < s.size(); ++k) s[k] = a[k] * na + b[k] * (gpus - na);
        if (covers(s, demand)) return true;
      }
    }
  }
  return false;
}

/// Fewest identical nodes of `perNode` (1 or 2) valid geometries, checked as nodes x node's counts.
int bruteNodes(const std::vector<std::vector<int>>& mixes, const std::vector<int>& demand, int perNode, int most) {
  for (int nodes = 1; nodes <= most; ++nodes) {
    for (std::size_t a = 0; a < mixes.size(); ++a) {
      for (std::size_t b = a; b < (perNode == 1 ? a + 1 : mixes.size()); ++b) {
        std::vector<int> have(demand.size());
        for (std::size_t k = 0; k < have.size(); ++k) {
          have[k] = nodes * (mixes[a][k] + (perNode == 2 ? mixes[b][k] : 0));
        }
        if (covers(have, demand)) return nodes;
      }
    }
  }
  return -1;
}

std::vector<int> sumOf(const MigCover& cover, const std::vector<std::size_t>& picks, int times = 1) {
  std::vector<int> s(cover.gpu().profiles.size(), 0);
  for (std::size_t i : picks) {
    CHECK(validNoMe(cover.gpu(), cover.geometries()[i].placements));
    for (std::size_t k = 0; k < s.size(); ++k) s[k] += times * cover.counts(i)[k];
  }
  return s;
}

std::string text(const std::vector<int>& d) {
  std::string s;
  for (int x : d) s += (s.empty() ? "" : " ") + std::to_string(x);
  return s;
}

std::size_t distinctOf(std::vector<std::size_t> picks) {
  std::sort(picks.begin(), picks.end());
  return static_cast<std::size_t>(std::unique(picks.begin(), picks.end()) - picks.begin());
}

/// Ascending lists of one to three of `n` candidates in the order the solver should prefer them
/// as covers: fewest GPUs, then fewest distinct geometries, then lexicographically. For up to
/// two GPUs that is also identicalNodes' order (fewest distinct, then fewest GPUs).
std::vector<std::vector<std::size_t>> preferredLists(std::size_t n) {
  std::vector<std::vector<std::size_t>> lists;
  for (std::size_t i = 0; i < n; ++i) {
    lists.push_back({i});
    for (std::size_t j = i; j < n; ++j) {
      lists.push_back({i, j});
      for (std::size_t k = j; k < n; ++k) lists.push_back({i, j, k});
    }
  }
  std::sort(lists.begin(), lists.end(), [](const auto& a, const auto& b) {
    const std::size_t da = distinctOf(a), db = distinctOf(b);
    const std::size_t na = a.size(), nb = b.size();
    return std::tie(na, da, a) < std::tie(nb, db, b);
  });
  return lists;
}

/// The first of `lists` whose candidates cover `need`; empty when none does.
std::vector<std::size_t> bruteCanonical(const MigCover& cover, const std::vector<std::vector<std::size_t>>& lists,
                                        const std::vector<int>& need) {
  for (const auto& picks : lists) {
    std::vector<int> s(need.size(), 0);
    for (std::size_t i : picks) {
      for (std::size_t k = 0; k < s.size(); ++k) s[k] += cover.counts(i)[k];
    }
    if (covers(s, need)) return picks;
  }
  return {};
}

/// Demands a few GPUs can hold: the sum of 1 to `gpus` random valid geometries, each entry cut
/// to a random part of itself. Seeded, so the cases are the same on every run.
std::vector<std::vector<int>> randomDemands(const std::vector<std::vector<int>>& mixes, int count, int gpus,
                                            std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::vector<int>> out;
  while (static_cast<int>(out.size()) < count) {
    std::vector<int> d(mixes.front().size(), 0);
    const int n = 1 + static_cast<int>(rng() % static_cast<unsigned>(gpus));
    for (int i = 0; i < n; ++i) {
      const auto& m = mixes[rng() % mixes.size()];
      for (std::size_t k = 0; k < d.size(); ++k) d[k] += m[k];
    }
    for (int& x : d) x = static_cast<int>(rng() % static_cast<unsigned>(x + 1));
    if (std::any_of(d.begin(), d.end(), [](int x) { return x > 0; })) out.push_back(d);
  }
  return out;
}

}  // namespace

TEST_CASE("cover candidates: maximal geometries without +me, valid, one per count vector, none dominated") {
  for (const MigGpu& g : {h100(), a30()}) {
    CAPTURE(g.name);
    const MigCover cover(g);
    REQUIRE(!cover.geometries().empty());
    std::set<std::vector<int>> seen;
    for (std::size_t i = 0; i < cover.geometries().size(); ++i) {
      const MigGeometry& geo = cover.geometries()[i];
      CAPTURE(describe(g, geo));
      CHECK(validNoMe(g, geo.placements));
      CHECK_FALSE(whyInvalid(g, geo).has_value());
      CHECK(cover.counts(i) == profileCounts(g, geo));
      CHECK(seen.insert(cover.counts(i)).second);
      for (std::size_t j = 0; j < cover.geometries().size(); ++j) {
        if (j != i) CHECK_FALSE(covers(cover.counts(j), cover.counts(i)));
      }
    }
  }
  // Whatever a valid geometry holds, some candidate holds at least as much.
  for (const MigGpu& g : {h100(), a30()}) {
    const MigCover cover(g);
    for (const auto& mix : validMixes(g)) {
      const std::string held = text(mix);
      CAPTURE(held);
      bool found = false;
      for (std::size_t i = 0; i < cover.geometries().size(); ++i) found = found || covers(cover.counts(i), mix);
      CHECK(found);
    }
  }
  const MigCover h(h100());
  CHECK(describe(h.gpu(), h.geometries().front()) ==
        "1g.10gb@0 1g.10gb@1 1g.10gb@2 1g.10gb@3 1g.10gb@4 1g.10gb@5 1g.10gb@6");
  CHECK(describe(h.gpu(), h.geometries().back()) == "7g.80gb@0");
}

TEST_CASE("cover: gpuShare is the larger of the compute and memory fractions") {
  const MigCover cover(h100());
  CHECK(cover.gpuShare(0) == doctest::Approx(1.0 / 7));  // 1g.10gb
  CHECK(cover.gpuShare(2) == doctest::Approx(0.25));     // 1g.20gb: 2 of 8 memory slices
  CHECK(cover.gpuShare(4) == doctest::Approx(0.5));      // 3g.40gb: 4 of 8 beats 3 of 7
  CHECK(cover.gpuShare(5) == doctest::Approx(4.0 / 7));  // 4g.40gb
  CHECK(cover.gpuShare(6) == doctest::Approx(1.0));      // 7g.80gb
  const MigCover small(a30());
  CHECK(small.gpuShare(2) == doctest::Approx(0.5));  // 2g.12gb on four slices
}

TEST_CASE("cover on H100-80GB: cases worked by hand") {
  const MigGpu g = h100();
  MigCover cover(g);
  const std::string seven = "1g.10gb@0 1g.10gb@1 1g.10gb@2 1g.10gb@3 1g.10gb@4 1g.10gb@5 1g.10gb@6";

  auto one = cover.minCover(demandOf(g, {{"1g.10gb", 7}}), 8);
  REQUIRE(one);
  CHECK(described(cover, *one) == std::vector<std::string>{seven});

  auto two = cover.minCover(demandOf(g, {{"1g.10gb", 8}}), 8);
  REQUIRE(two);
  CHECK(described(cover, *two) == std::vector<std::string>{seven, seven});
  CHECK_FALSE(cover.minCover(demandOf(g, {{"1g.10gb", 8}}), 1));

  // 3g.40gb@0 3g.40gb@4 leaves no slice for a 1g.
  auto threes = cover.minCover(demandOf(g, {{"3g.40gb", 2}, {"1g.10gb", 1}}), 8);
  REQUIRE(threes);
  CHECK(threes->size() == 2);
  CHECK_FALSE(cover.minCover(demandOf(g, {{"3g.40gb", 2}, {"1g.10gb", 1}}), 1));

  auto fourThree = cover.minCover(demandOf(g, {{"4g.40gb", 1}, {"3g.40gb", 1}}), 8);
  REQUIRE(fourThree);
  CHECK(described(cover, *fourThree) == std::vector<std::string>{"4g.40gb@0 3g.40gb@4"});

  auto whole = cover.minCover(demandOf(g, {{"7g.80gb", 1}, {"1g.10gb", 1}}), 8);
  REQUIRE(whole);
  CHECK(described(cover, *whole) == std::vector<std::string>{seven, "7g.80gb@0"});

  // Two GPUs of one geometry rather than 4g+3g and 3g+3g.
  auto same = cover.minCover(demandOf(g, {{"4g.40gb", 1}, {"3g.40gb", 2}}), 8);
  REQUIRE(same);
  CHECK(described(cover, *same) == std::vector<std::string>{"4g.40gb@0 3g.40gb@4", "4g.40gb@0 3g.40gb@4"});

  // Slices alone would allow two GPUs (14 of 16 memory, 14 of 14 compute), but each 4g.40gb
  // needs its own GPU and leaves room for one 2g.20gb beside it.
  auto fours = cover.minCover(demandOf(g, {{"4g.40gb", 2}, {"2g.20gb", 3}}), 8);
  REQUIRE(fours);
  CHECK(fours->size() == 3);
  CHECK_FALSE(cover.minCover(demandOf(g, {{"4g.40gb", 2}, {"2g.20gb", 3}}), 2));
  // Two GPUs only if both use all eight memory slices, so each has a 1g.20gb@6 (slice 7 takes
  // nothing else): 1g x6 + 1g.20gb@6, and 1g.20gb@0 + 1g x4 + 1g.20gb@6. Taking the biggest bite
  // first (seven 1g) needs three.
  auto tight = cover.minCover(demandOf(g, {{"1g.10gb", 10}, {"1g.20gb", 3}}), 8);
  REQUIRE(tight);
  CHECK(tight->size() == 2);
  CHECK(covers(sumOf(cover, *tight), demandOf(g, {{"1g.10gb", 10}, {"1g.20gb", 3}})));
  auto big = cover.minCover(demandOf(g, {{"4g.40gb", 3}, {"7g.80gb", 1}}), 8);
  REQUIRE(big);
  // Any geometry with a 4g does; the first of them comes before 4g.40gb@0 3g.40gb@4.
  const std::string four = "4g.40gb@0 1g.10gb@4 1g.10gb@5 1g.10gb@6";
  CHECK(described(cover, *big) == std::vector<std::string>{four, four, four, "7g.80gb@0"});

  CHECK(cover.minCover(demandOf(g, {}), 0) == std::vector<std::size_t>{});
  CHECK_FALSE(cover.minCover(demandOf(g, {{"1g.10gb", 1}}), 0));
  CHECK_FALSE(cover.minCover(demandOf(g, {{"1g.10gb+me", 1}}), 8));
  CHECK_FALSE(cover.minCover(demandOf(g, {{"7g.80gb", 9}}), 8));
  CHECK(cover.minCover(demandOf(g, {{"7g.80gb", 8}}), 8)->size() == 8);
  CHECK_THROWS_AS(cover.minCover({1, 2}, 8), std::invalid_argument);
}

TEST_CASE("cover: identical nodes on H100-80GB, worked by hand") {
  const MigGpu g = h100();
  MigCover cover(g);
  const std::string seven = "1g.10gb@0 1g.10gb@1 1g.10gb@2 1g.10gb@3 1g.10gb@4 1g.10gb@5 1g.10gb@6";

  // 8 GPUs hold 56 1g instances: 57 need a second node.
  auto p5 = cover.identicalNodes(demandOf(g, {{"1g.10gb", 57}}), 8);
  REQUIRE(p5);
  CHECK(p5->nodes == 2);
  CHECK(described(cover, p5->perGpu) == std::vector<std::string>(8, seven));
  CHECK(cover.identicalNodes(demandOf(g, {{"1g.10gb", 56}}), 8)->nodes == 1);

  auto small = cover.identicalNodes(demandOf(g, {{"1g.10gb", 14}}), 1);
  REQUIRE(small);
  CHECK(small->nodes == 2);
  CHECK(described(cover, small->perGpu) == std::vector<std::string>{seven});
  CHECK(cover.identicalNodes(demandOf(g, {{"1g.10gb", 15}}), 1)->nodes == 3);

  // A 7g and a 1g never share a GPU, so a one-GPU node can never hold both.
  CHECK_FALSE(cover.identicalNodes(demandOf(g, {{"7g.80gb", 1}, {"1g.10gb", 1}}), 1));
  auto two = cover.identicalNodes(demandOf(g, {{"7g.80gb", 3}, {"1g.10gb", 3}}), 2);
  REQUIRE(two);
  CHECK(two->nodes == 3);
  CHECK(described(cover, two->perGpu) == std::vector<std::string>{seven, "7g.80gb@0"});

  // minCover needs two geometries (seven 1g, and a 4g with three 1g); a node of eight GPUs has
  // room for one geometry on all of them, which it prefers.
  const std::vector<int> mixed = demandOf(g, {{"4g.40gb", 1}, {"1g.10gb", 7}});
  CHECK(described(cover, *cover.minCover(mixed, 8)) ==
        std::vector<std::string>{seven, "4g.40gb@0 1g.10gb@4 1g.10gb@5 1g.10gb@6"});
  auto wide = cover.identicalNodes(mixed, 8);
  REQUIRE(wide);
  CHECK(wide->nodes == 1);
  CHECK(described(cover, wide->perGpu) == std::vector<std::string>(8, "4g.40gb@0 1g.10gb@4 1g.10gb@5 1g.10gb@6"));
  auto narrow = cover.identicalNodes(mixed, 2);
  REQUIRE(narrow);
  CHECK(narrow->nodes == 1);
  CHECK(described(cover, narrow->perGpu) == std::vector<std::string>{seven, "4g.40gb@0 1g.10gb@4 1g.10gb@5 1g.10gb@6"});

  // A three-GPU cover on a four-GPU node: the spare GPU repeats the first of the cover.
  auto four = cover.identicalNodes(demandOf(g, {{"7g.80gb", 2}, {"1g.10gb", 7}}), 4);
  REQUIRE(four);
  CHECK(four->nodes == 1);
  CHECK(described(cover, four->perGpu) == std::vector<std::string>{seven, seven, "7g.80gb@0", "7g.80gb@0"});

  auto none = cover.identicalNodes(demandOf(g, {}), 8);
  REQUIRE(none);
  CHECK(none->nodes == 0);
  CHECK(none->perGpu.empty());
  CHECK_FALSE(cover.identicalNodes(demandOf(g, {{"1g.10gb+me", 1}}), 8));
  CHECK_FALSE(cover.identicalNodes(demandOf(g, {{"1g.10gb", 1}}), 0));
}

TEST_CASE("cover: minCover agrees with brute force on random small demands") {
  for (const MigGpu& g : {h100(), a30()}) {
    CAPTURE(g.name);
    const auto mixes = validMixes(g);
    MigCover cover(g);
    const auto lists = preferredLists(cover.geometries().size());
    const auto demands = randomDemands(mixes, g.name == "A30-24GB" ? 150 : 300, 3, 20240611);
    for (const auto& d : demands) {
      const std::string demand = text(d);
      CAPTURE(demand);
      const int expected = bruteFewest(mixes, d, 3);
      REQUIRE(expected >= 1);
      const auto found = cover.minCover(d, 3);
      REQUIRE(found);
      CHECK(static_cast<int>(found->size()) == expected);
      CHECK(std::is_sorted(found->begin(), found->end()));
      CHECK(covers(sumOf(cover, *found), d));
      if (expected > 1) CHECK_FALSE(cover.minCover(d, expected - 1));
      // No cover of the same size with fewer distinct geometries.
      const std::size_t kinds = distinctOf(*found);
      if (kinds >= 2) CHECK_FALSE(bruteCoversWithFewKinds(mixes, d, expected, 1));
      if (kinds >= 3) CHECK_FALSE(bruteCoversWithFewKinds(mixes, d, expected, 2));
      CHECK(*found == bruteCanonical(cover, lists, d));
    }
  }
}

TEST_CASE("cover: identicalNodes agrees with brute force on small nodes") {
  for (const MigGpu& g : {h100(), a30()}) {
    CAPTURE(g.name);
    const auto mixes = validMixes(g);
    MigCover cover(g);
    const auto lists = preferredLists(cover.geometries().size());
    for (int perNode : {1, 2}) {
      CAPTURE(perNode);
      for (const auto& d : randomDemands(mixes, 40, 4, 7 + static_cast<std::uint32_t>(perNode))) {
        const std::string demand = text(d);
        CAPTURE(demand);
        const int expected = bruteNodes(mixes, d, perNode, 64);
        const auto found = cover.identicalNodes(d, perNode);
        if (expected < 0) {
          CHECK_FALSE(found);
          continue;
        }
        REQUIRE(found);
        CHECK(found->nodes == expected);
        REQUIRE(found->perGpu.size() == static_cast<std::size_t>(perNode));
        CHECK(covers(sumOf(cover, found->perGpu, found->nodes), d));
        std::vector<int> perNodeNeed(d.size());
        for (std::size_t k = 0; k < d.size(); ++k) perNodeNeed[k] = (d[k] + expected - 1) / expected;
        std::vector<std::size_t> layout = bruteCanonical(cover, lists, perNodeNeed);
        if (layout.size() == 1 && perNode == 2) layout.push_back(layout.front());
        CHECK(found->perGpu == layout);
      }
    }
  }
}

TEST_CASE("cover: results do not depend on the order of earlier calls") {
  const MigGpu g = h100();
  const auto demands = randomDemands(validMixes(g), 200, 8, 99);
  MigCover forward(g);
  MigCover backward(g);
  std::vector<std::optional<std::vector<std::size_t>>> a, b;
  std::vector<std::optional<MigCover::NodeLayout>> na, nb;
  for (const auto& d : demands) {
    a.push_back(forward.minCover(d, 8));
    na.push_back(forward.identicalNodes(d, 2));
  }
  for (std::size_t i = demands.size(); i-- > 0;) {
    nb.push_back(backward.identicalNodes(demands[i], 2));
    b.push_back(backward.minCover(demands[i], 8));
  }
  std::reverse(b.begin(), b.end());
  std::reverse(nb.begin(), nb.end());
  CHECK(a == b);
  for (std::size_t i = 0; i < demands.size(); ++i) {
    const std::string demand = text(demands[i]);
    CAPTURE(demand);
    REQUIRE(na[i].has_value() == nb[i].has_value());
    if (na[i]) {
      CHECK(na[i]->nodes == nb[i]->nodes);
      CHECK(na[i]->perGpu == nb[i]->perGpu);
    }
    CHECK(MigCover(g).minCover(demands[i], 8) == a[i]);
  }
}

// Not run by default (timings): gpuslice_tests -tc='*cover timing*' --no-skip
TEST_CASE("cover timing on the built-in A100-40GB and H100-80GB" * doctest::skip()) {
  using Clock = std::chrono::steady_clock;
  for (const std::string name : {"A100-40GB", "H100-80GB"}) {
    const MigGpu& g = builtin(name);
    const auto demands = randomDemands(validMixes(g), 2000, 8, 5);
    for (bool warm : {false, true}) {
      MigCover shared(g);
      double total = 0, worst = 0, totalNodes = 0, worstNodes = 0;
      for (const auto& d : demands) {
        std::optional<MigCover> fresh;
        if (!warm) fresh.emplace(g);
        MigCover& cover = warm ? shared : *fresh;
        const auto t0 = Clock::now();
        const auto found = cover.minCover(d, 8);
        const auto t1 = Clock::now();
        const auto nodes = cover.identicalNodes(d, 8);
        const auto t2 = Clock::now();
        CHECK(found.has_value());
        CHECK(nodes.has_value());
        const double us = std::chrono::duration<double, std::micro>(t1 - t0).count();
        const double usNodes = std::chrono::duration<double, std::micro>(t2 - t1).count();
        total += us;
        worst = std::max(worst, us);
        totalNodes += usNodes;
        worstNodes = std::max(worstNodes, usNodes);
      }
      const std::string how = warm ? "one object for all demands" : "a fresh object per demand";
      MESSAGE(name << ", " << how << ": minCover(limit 8) mean " << total / static_cast<double>(demands.size())
                   << " us, max " << worst << " us; identicalNodes(8 GPUs) mean "
                   << totalNodes / static_cast<double>(demands.size()) << " us, max " << worstNodes << " us");
    }
  }
}
