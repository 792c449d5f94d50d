#include "mig/geometry.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "io/mig_reader.h"

using namespace gpuslice;

namespace {

MigProfile profile(std::string name, int compute, int memory, double gib, int max, std::vector<int> starts,
                   bool me = false) {
  return MigProfile{std::move(name), compute, memory, gib, max, std::move(starts), me, 0, std::nullopt};
}

/// H100-80GB as NVIDIA's lgipp prints it, written out here so the core is tested in memory.
MigGpu h100() {
  MigGpu g;
  g.name = "H100-80GB";
  g.model = "H100";
  g.placementsSource = PlacementsSource::Observed;
  g.profiles = {profile("1g.10gb", 1, 1, 10, 7, {0, 1, 2, 3, 4, 5, 6}),
                profile("1g.10gb+me", 1, 1, 10, 1, {0, 1, 2, 3, 4, 5, 6}, true),
                profile("1g.20gb", 1, 2, 20, 4, {0, 2, 4, 6}),
                profile("2g.20gb", 2, 2, 20, 3, {0, 2, 4}),
                profile("3g.40gb", 3, 4, 40, 2, {0, 4}),
                profile("4g.40gb", 4, 4, 40, 1, {0}),
                profile("7g.80gb", 7, 8, 80, 1, {0})};
  return g;
}

std::size_t indexOf(const MigGpu& g, const std::string& name) {
  for (std::size_t i = 0; i < g.profiles.size(); ++i) {
    if (g.profiles[i].name == name) return i;
  }
  FAIL("no profile " << name);
  return 0;
}

MigGeometry geometry(const MigGpu& g, std::vector<std::pair<std::string, int>> placed) {
  std::vector<MigPlacement> ps;
  for (const auto& [name, start] : placed) ps.push_back({indexOf(g, name), start});
  return MigGeometry::of(std::move(ps));
}

// ---- An independent checker: a slot-occupancy array and counters, not whyInvalid. ----

bool independentValid(const MigGpu& g, const std::vector<MigPlacement>& ps) {
  std::array<int, 32> used{};
  std::map<std::size_t, int> count;
  int media = 0;
  int compute = 0;
  for (const MigPlacement& pl : ps) {
    if (pl.profile >= g.profiles.size()) return false;
    const MigProfile& p = g.profiles[pl.profile];
    if (std::count(p.starts.begin(), p.starts.end(), pl.start) != 1) return false;
    for (int s = pl.start; s < pl.start + p.memorySlices; ++s) {
      if (s < 0 || s >= g.memorySlices) return false;
      if (++used[static_cast<std::size_t>(s)] > 1) return false;
    }
    if (++count[pl.profile] > p.maxCount) return false;
    if (p.mediaExtensions) ++media;
    compute += p.computeSlices;
  }
  return media <= 1 && compute <= g.computeSlices;
}

bool independentMaximal(const MigGpu& g, const std::vector<MigPlacement>& ps) {
  if (!independentValid(g, ps)) return false;
  for (std::size_t i = 0; i < g.profiles.size(); ++i) {
    for (int start : g.profiles[i].starts) {
      std::vector<MigPlacement> more = ps;
      more.push_back({i, start});
      if (independentValid(g, more)) return false;
    }
  }
  return true;
}

/// All maximal geometries by brute force: include or skip each (profile, start) candidate,
/// pruning invalid partial sets with the independent checker.
void bruteForce(const MigGpu& g, const std::vector<MigPlacement>& candidates, std::size_t next,
                std::vector<MigPlacement>& chosen, std::set<std::vector<std::pair<int, std::size_t>>>& out) {
  if (next == candidates.size()) {
    if (!independentMaximal(g, chosen)) return;
    std::vector<std::pair<int, std::size_t>> key;
    for (const MigPlacement& p : chosen) key.push_back({p.start, p.profile});
    std::sort(key.begin(), key.end());
    out.insert(key);
    return;
  }
  chosen.push_back(candidates[next]);
  if (independentValid(g, chosen)) bruteForce(g, candidates, next + 1, chosen, out);
  chosen.pop_back();
  bruteForce(g, candidates, next + 1, chosen, out);
}

void checkAgainstBruteForce(const MigGpu& g) {
  CAPTURE(g.name);
  const std::vector<MigGeometry> found = maximalGeometries(g);
  std::set<std::vector<std::pair<int, std::size_t>>> seen;
  for (const MigGeometry& geo : found) {
    CAPTURE(describe(g, geo));
    CHECK(independentValid(g, geo.placements));
    CHECK(independentMaximal(g, geo.placements));
    CHECK_FALSE(whyInvalid(g, geo).has_value());
    std::vector<std::pair<int, std::size_t>> key;
    for (const MigPlacement& p : geo.placements) key.push_back({p.start, p.profile});
    CHECK(std::is_sorted(key.begin(), key.end()));
    CHECK(seen.insert(key).second);  // no duplicates
  }
  std::vector<MigPlacement> candidates;
  for (std::size_t i = 0; i < g.profiles.size(); ++i) {
    for (int s : g.profiles[i].starts) candidates.push_back({i, s});
  }
  std::set<std::vector<std::pair<int, std::size_t>>> expected;
  std::vector<MigPlacement> chosen;
  bruteForce(g, candidates, 0, chosen, expected);
  CHECK(seen == expected);
  CHECK(std::is_sorted(found.begin(), found.end(), [](const MigGeometry& a, const MigGeometry& b) {
    auto key = [](const MigGeometry& x) {
      std::vector<std::pair<int, std::size_t>> k;
      for (const MigPlacement& p : x.placements) k.push_back({p.start, p.profile});
      return k;
    };
    return key(a) < key(b);
  }));
}

std::size_t distinctMixes(const MigGpu& g, const std::vector<MigGeometry>& geos) {
  std::set<std::vector<int>> mixes;
  for (const MigGeometry& geo : geos) mixes.insert(profileCounts(g, geo));
  return mixes.size();
}

MigGpu keepOnly(MigGpu g, const std::set<std::string>& names) {
  std::erase_if(g.profiles, [&](const MigProfile& p) { return !names.count(p.name); });
  return g;
}

}  // namespace

TEST_CASE("seven 1g.10gb on an H100-80GB are valid and maximal; slot 7 stays unused") {
  const MigGpu g = h100();
  const MigGeometry seven = geometry(
      g,
      {{"1g.10gb", 0}, {"1g.10gb", 1}, {"1g.10gb", 2}, {"1g.10gb", 3}, {"1g.10gb", 4}, {"1g.10gb", 5}, {"1g.10gb", 6}});
  CHECK_FALSE(whyInvalid(g, seven).has_value());
  CHECK(independentMaximal(g, seven.placements));
  const auto all = maximalGeometries(g);
  CHECK(std::find(all.begin(), all.end(), seven) != all.end());
  for (const MigPlacement& p : seven.placements) CHECK(p.start != 7);
  CHECK(computeSlicesUsed(g, seven) == 7);
  CHECK(profileCounts(g, seven) == std::vector<int>{7, 0, 0, 0, 0, 0, 0});
  // An eighth 1g cannot go to slot 7: no 1-slice profile starts there.
  CHECK(*whyInvalid(g, geometry(g, {{"1g.10gb", 7}})) ==
        "1g.10gb cannot start at memory slice 7 (allowed: 0, 1, 2, 3, 4, 5, 6)");
}

TEST_CASE("two 3g.40gb plus one 1g.10gb never fit, wherever the 1g goes") {
  const MigGpu g = h100();
  for (int s = 0; s < 8; ++s) {
    CAPTURE(s);
    CHECK(whyInvalid(g, geometry(g, {{"3g.40gb", 0}, {"3g.40gb", 4}, {"1g.10gb", s}})).has_value());
  }
  CHECK(*whyInvalid(g, geometry(g, {{"3g.40gb", 0}, {"3g.40gb", 4}, {"1g.10gb", 5}})) ==
        "3g.40gb@4 and 1g.10gb@5 overlap on memory slice 5");
  CHECK_FALSE(whyInvalid(g, geometry(g, {{"3g.40gb", 0}, {"3g.40gb", 4}})).has_value());
}

TEST_CASE("4g.40gb@0 with 3g.40gb@4 is valid; a 3g at 0 blocks the 4g") {
  const MigGpu g = h100();
  const MigGeometry ok = geometry(g, {{"4g.40gb", 0}, {"3g.40gb", 4}});
  CHECK_FALSE(whyInvalid(g, ok).has_value());
  CHECK(describe(g, ok) == "4g.40gb@0 3g.40gb@4");
  CHECK(computeSlicesUsed(g, ok) == 7);
  CHECK(*whyInvalid(g, geometry(g, {{"3g.40gb", 0}, {"4g.40gb", 0}})) ==
        "3g.40gb@0 and 4g.40gb@0 overlap on memory slice 0");
  const std::size_t three = indexOf(g, "3g.40gb"), four = indexOf(g, "4g.40gb");
  for (const MigGeometry& geo : maximalGeometries(g)) {
    const auto counts = profileCounts(g, geo);
    const bool threeAtZero = std::count(geo.placements.begin(), geo.placements.end(), MigPlacement{three, 0}) == 1;
    if (threeAtZero) CHECK(counts[four] == 0);
  }
}

TEST_CASE("at most one +me instance per GPU") {
  const MigGpu g = h100();
  CHECK(whyInvalid(g, geometry(g, {{"1g.10gb+me", 0}, {"1g.10gb+me", 1}})).has_value());
  // Two different +me profiles (as on A30) are caught by the +me rule, not by a max count.
  MigGpu a30;
  a30.name = "A30-24GB";
  a30.memorySlices = 4;
  a30.computeSlices = 4;
  a30.profiles = {profile("1g.6gb", 1, 1, 6, 4, {0, 1, 2, 3}), profile("1g.6gb+me", 1, 1, 6, 1, {0, 1, 2, 3}, true),
                  profile("2g.12gb", 2, 2, 12, 2, {0, 2}), profile("2g.12gb+me", 2, 2, 12, 1, {0, 2}, true)};
  CHECK(*whyInvalid(a30, geometry(a30, {{"1g.6gb+me", 0}, {"2g.12gb+me", 2}})) ==
        "2 media-extension (+me) instances (1g.6gb+me@0, 2g.12gb+me@2), at most one per GPU");
  CHECK_FALSE(whyInvalid(a30, geometry(a30, {{"1g.6gb+me", 0}, {"2g.12gb", 2}})).has_value());
  for (const MigGeometry& geo : maximalGeometries(a30)) {
    const auto c = profileCounts(a30, geo);
    CHECK(c[1] + c[3] <= 1);
  }
  checkAgainstBruteForce(a30);
}

TEST_CASE("2g cannot start at 6; max counts and compute slices are enforced") {
  const MigGpu g = h100();
  CHECK(*whyInvalid(g, geometry(g, {{"2g.20gb", 6}})) == "2g.20gb cannot start at memory slice 6 (allowed: 0, 2, 4)");
  const MigGeometry twoThrees = geometry(g, {{"3g.40gb", 4}, {"3g.40gb", 0}});
  CHECK_FALSE(whyInvalid(g, twoThrees).has_value());
  CHECK(describe(g, twoThrees) == "3g.40gb@0 3g.40gb@4");  // MigGeometry::of sorts by start
  MigGpu tight = g;
  tight.profiles[indexOf(g, "2g.20gb")].maxCount = 2;
  CHECK(*whyInvalid(tight, geometry(tight, {{"2g.20gb", 0}, {"2g.20gb", 2}, {"2g.20gb", 4}})) ==
        "3 instances of 2g.20gb, at most 2 allowed");
  MigGpu fewer = g;
  fewer.computeSlices = 6;
  CHECK(*whyInvalid(fewer, geometry(fewer, {{"4g.40gb", 0}, {"3g.40gb", 4}})) ==
        "uses 7 compute slices, H100-80GB has 6");
  CHECK(*whyInvalid(g, MigGeometry{{{99, 0}}}) == "placement 0 refers to profile 99, but H100-80GB has 7 profiles");
}

TEST_CASE("A100-40GB with 1g/2g/3g/4g/7g only: the 19 known layouts, 14 multisets") {
  auto mig = io::builtinMigCatalog();
  REQUIRE(mig.ok());
  const MigGpu* a100 = findMigGpus(*mig, "A100-40GB").front();
  const MigGpu g = keepOnly(*a100, {"1g.5gb", "2g.10gb", "3g.20gb", "4g.20gb", "7g.40gb"});
  REQUIRE(g.profiles.size() == 5);
  const auto geos = maximalGeometries(g);
  CHECK(geos.size() == 19);
  CHECK(distinctMixes(g, geos) == 14);
  // The layouts of notes/mig-geometry.md, with short names (1g = 1g.5gb, ...).
  const std::set<std::string> notes = {"1g@0 1g@1 1g@2 1g@3 1g@4 1g@5 1g@6",
                                       "1g@0 1g@1 1g@2 1g@3 2g@4 1g@6",
                                       "1g@0 1g@1 1g@2 1g@3 3g@4",
                                       "1g@0 1g@1 2g@2 1g@4 1g@5 1g@6",
                                       "1g@0 1g@1 2g@2 2g@4 1g@6",
                                       "1g@0 1g@1 2g@2 3g@4",
                                       "2g@0 1g@2 1g@3 1g@4 1g@5 1g@6",
                                       "2g@0 1g@2 1g@3 2g@4 1g@6",
                                       "2g@0 1g@2 1g@3 3g@4",
                                       "2g@0 2g@2 1g@4 1g@5 1g@6",
                                       "2g@0 2g@2 2g@4 1g@6",
                                       "2g@0 2g@2 3g@4",
                                       "3g@0 1g@4 1g@5 1g@6",
                                       "3g@0 2g@4 1g@6",
                                       "3g@0 3g@4",
                                       "4g@0 1g@4 1g@5 1g@6",
                                       "4g@0 2g@4 1g@6",
                                       "4g@0 3g@4",
                                       "7g@0"};
  std::set<std::string> ours;
  for (const MigGeometry& geo : geos) {
    std::string s;
    for (const MigPlacement& p : geo.placements) {
      s += (s.empty() ? "" : " ") + g.profiles[p.profile].name.substr(0, 2) + "@" + std::to_string(p.start);
    }
    ours.insert(s);
  }
  CHECK(ours == notes);
  // Adding the two-slice 1g.10gb: 38 maximal multisets, as the notes derive.
  const MigGpu with10 = keepOnly(*a100, {"1g.5gb", "1g.10gb", "2g.10gb", "3g.20gb", "4g.20gb", "7g.40gb"});
  CHECK(distinctMixes(with10, maximalGeometries(with10)) == 38);
}

TEST_CASE("every maximal geometry of every built-in GPU is valid, maximal and complete (independent checker)") {
  auto mig = io::builtinMigCatalog();
  REQUIRE_MESSAGE(mig.ok(), (mig.ok() ? "" : mig.error().describe()));
  REQUIRE(mig->size() == 5);
  for (const MigGpu& g : *mig) {
    checkAgainstBruteForce(g);
    CHECK(maximalGeometries(g).size() == 239);  // same slice layout on all five; see the notes
    CHECK(distinctMixes(g, maximalGeometries(g)) == 64);
  }
  checkAgainstBruteForce(h100());
}

TEST_CASE("enumeration is deterministic and the first geometries come in (start, profile) order") {
  const MigGpu g = h100();
  const auto a = maximalGeometries(g);
  const auto b = maximalGeometries(g);
  CHECK(a == b);
  REQUIRE(!a.empty());
  CHECK(describe(g, a.front()) == "1g.10gb@0 1g.10gb@1 1g.10gb@2 1g.10gb@3 1g.10gb@4 1g.10gb@5 1g.10gb@6");
  CHECK(describe(g, a.back()) == "7g.80gb@0");
}

TEST_CASE("GPU names: exact name, then model, then instance type, without regard to case") {
  auto mig = io::builtinMigCatalog();
  REQUIRE(mig.ok());
  auto names = [&](std::string_view q) {
    std::vector<std::string> out;
    for (const MigGpu* g : findMigGpus(*mig, q)) out.push_back(g->name);
    return out;
  };
  CHECK(names("H100-80GB") == std::vector<std::string>{"H100-80GB"});
  CHECK(names("h100-80gb") == std::vector<std::string>{"H100-80GB"});
  CHECK(names("A100") == std::vector<std::string>{"A100-40GB", "A100-80GB"});
  CHECK(names("p4de.24xlarge") == std::vector<std::string>{"A100-80GB"});
  CHECK(names("p5en.48xlarge") == std::vector<std::string>{"H200-141GB"});
  CHECK(names("V100").empty());
  CHECK(names("").empty());
}
