#include "util/subset_sum.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstddef>
#include <random>
#include <set>
#include <utility>
#include <vector>

using gpuslice::fillBest;
using gpuslice::ReachableSums;
using gpuslice::SplitSums;
using gpuslice::SubsetSums;

namespace {

using Positions = std::vector<std::size_t>;

long long sumOf(const std::vector<long long>& sizes, const Positions& at) {
  long long s = 0;
  for (std::size_t i : at) s += sizes[i];
  return s;
}

/// Every subset of `sizes`, by brute force: positions in descending order.
std::vector<Positions> allSubsets(const std::vector<long long>& sizes) {
  std::vector<Positions> out;
  for (unsigned mask = 0; mask < (1U << sizes.size()); ++mask) {
    Positions at;
    for (std::size_t i = sizes.size(); i-- > 0;) {
      if (mask & (1U << i)) at.push_back(i);
    }
    out.push_back(std::move(at));
  }
  return out;
}

/// The subset SubsetSums promises for `total`: of those summing to it, the one whose last
/// position is least, then its next-to-last, and so on (descending lists compared in order,
/// a prefix first). Empty optional-like: `found` false when no subset sums to it.
Positions expectedSubset(const std::vector<long long>& sizes, long long total, bool& found) {
  found = false;
  Positions best;
  for (const Positions& at : allSubsets(sizes)) {
    if (sumOf(sizes, at) != total) continue;
    if (!found || at < best) best = at;
    found = true;
  }
  return best;
}

std::vector<long long> randomSizes(std::mt19937& rng, std::size_t most, long long largest) {
  std::vector<long long> sizes(rng() % (most + 1));
  for (long long& s : sizes) s = static_cast<long long>(rng() % static_cast<unsigned>(largest + 1));
  return sizes;
}

/// Pairs (a, b) that some assignment of the first `count` items to parts they may join
/// reaches, by brute force over all 3^count assignments.
std::set<std::pair<long long, long long>> splitReach(const std::vector<long long>& sizes,
                                                     const std::vector<unsigned>& parts, std::size_t count) {
  std::set<std::pair<long long, long long>> out;
  std::size_t ways = 1;
  for (std::size_t i = 0; i < count; ++i) ways *= 3;
  for (std::size_t code = 0; code < ways; ++code) {
    long long a = 0, b = 0;
    bool ok = true;
    std::size_t c = code;
    for (std::size_t i = 0; i < count && ok; ++i, c /= 3) {
      const auto part = static_cast<unsigned>(c % 3);
      ok = ((parts[i] >> part) & 1U) != 0;
      if (part == 0) a += sizes[i];
      if (part == 1) b += sizes[i];
    }
    if (ok) out.emplace(a, b);
  }
  return out;
}

}  // namespace

TEST_CASE("reachable sums: a hand-worked case") {
  ReachableSums r(10);
  CHECK(r.words() == 1);
  CHECK(r.reaches(0));
  CHECK_FALSE(r.reaches(3));
  r.add(3);
  r.add(5);
  r.add(4);
  // subsets of {3, 5, 4}: 0 3 4 5 7 8 9 12; 12 is past the limit
  std::vector<long long> reached;
  for (long long t = -1; t <= 13; ++t) {
    if (r.reaches(t)) reached.push_back(t);
  }
  CHECK(reached == std::vector<long long>{0, 3, 4, 5, 7, 8, 9});
  r.clear();
  CHECK(r.reaches(0));
  CHECK_FALSE(r.reaches(3));
  CHECK(ReachableSums(62).words() == 1);
  CHECK(ReachableSums(63).words() == 1);
  CHECK(ReachableSums(64).words() == 2);
  CHECK(ReachableSums(200).words() == 4);
}

TEST_CASE("reachable sums: a total past a word boundary, and a shift of whole words") {
  ReachableSums r(200);
  r.add(64);
  r.add(70);
  r.add(63);
  for (long long t : {0, 63, 64, 70, 127, 133, 134, 197}) CHECK(r.reaches(t));
  for (long long t : {1, 65, 128, 196, 198, 201}) CHECK_FALSE(r.reaches(t));
}

TEST_CASE("reachable sums: the same totals as every subset, on random small inputs") {
  std::mt19937 rng(7);
  for (int round = 0; round < 400; ++round) {
    const std::vector<long long> sizes = randomSizes(rng, 9, round % 2 ? 12 : 90);
    const long long limit = static_cast<long long>(rng() % 150);
    std::set<long long> expected;
    for (const Positions& at : allSubsets(sizes)) {
      if (sumOf(sizes, at) <= limit) expected.insert(sumOf(sizes, at));
    }
    ReachableSums r(limit);
    r.add(1);  // then cleared: nothing of it may remain
    r.clear();
    for (long long s : sizes) r.add(s);
    for (long long t = -2; t <= limit + 70; ++t) {
      CHECK_MESSAGE(r.reaches(t) == (expected.count(t) == 1), "round ", round, " total ", t);
    }
  }
}

TEST_CASE("subset sums: a hand-worked case reads back the earliest items") {
  const std::vector<long long> sizes = {4, 3, 1, 3, 2};
  const SubsetSums s(sizes, 9);
  // 6 = 3 + 3 (positions 1, 3) = 4 + 2 (0, 4) = 3 + 1 + 2 (1, 2, 4): the last item earliest
  CHECK(s.subset(6) == Positions{3, 1});
  CHECK(s.subset(7) == Positions{1, 0});     // 4 + 3 before 4 + 1 + 2 or 3 + 1 + 3
  CHECK(s.subset(9) == Positions{4, 1, 0});  // no subset of the first four makes 9
  CHECK(s.subset(0).empty());
  CHECK(s.reaches(9));
  CHECK_FALSE(s.reaches(10));  // past the limit, though 13 is all of them
  CHECK(s.largestAtMost(9) == 9);
  const SubsetSums gaps({5, 7}, 11);
  CHECK(gaps.largestAtMost(11) == 7);
  CHECK(gaps.largestAtMost(6) == 5);
  CHECK(gaps.largestAtMost(4) == 0);
}

TEST_CASE("subset sums: totals and read-back match every subset, on random small inputs") {
  std::mt19937 rng(11);
  for (int round = 0; round < 400; ++round) {
    const std::vector<long long> sizes = randomSizes(rng, 9, round % 2 ? 8 : 40);
    const long long limit = static_cast<long long>(rng() % 60);
    const SubsetSums s(sizes, limit);
    const SubsetSums wide(sizes, limit + 50);  // the read-back does not depend on the limit
    for (long long t = 0; t <= limit; ++t) {
      bool found = false;
      const Positions expected = expectedSubset(sizes, t, found);
      REQUIRE_MESSAGE(s.reaches(t) == found, "round ", round, " total ", t);
      if (!found) continue;
      CHECK_MESSAGE(s.subset(t) == expected, "round ", round, " total ", t);
      CHECK(wide.subset(t) == expected);
    }
    long long best = 0;
    for (long long t = 0; t <= limit; ++t) best = s.reaches(t) ? t : best;
    CHECK(s.largestAtMost(limit) == best);
  }
}

TEST_CASE("fill best: the largest total within the room, by the read-back's subset") {
  CHECK(fillBest({4, 3, 1, 3, 2}, 6) == Positions{3, 1});
  CHECK(fillBest({5, 7}, 6) == Positions{0});
  CHECK(fillBest({5, 7}, 4).empty());
  CHECK(fillBest({5, 7}, 0).empty());
  CHECK(fillBest({5, 7}, -3).empty());
  CHECK(fillBest({}, 9).empty());
  std::mt19937 rng(13);
  for (int round = 0; round < 300; ++round) {
    const std::vector<long long> sizes = randomSizes(rng, 8, 20);
    const long long room = static_cast<long long>(rng() % 50) - 5;
    long long best = 0;
    for (const Positions& at : allSubsets(sizes)) {
      if (sumOf(sizes, at) <= room) best = std::max(best, sumOf(sizes, at));
    }
    bool found = false;
    const Positions expected = room <= 0 ? Positions{} : expectedSubset(sizes, best, found);
    CHECK_MESSAGE(fillBest(sizes, room) == expected, "round ", round);
  }
}

TEST_CASE("split sums: a hand-worked case") {
  // sizes 2, 3, 4: the first to either part, the second to the first or none, the third anywhere
  const std::vector<long long> sizes = {2, 3, 4};
  const std::vector<unsigned> parts = {SplitSums::kFirst | SplitSums::kSecond, SplitSums::kFirst | SplitSums::kThird,
                                       SplitSums::kFirst | SplitSums::kSecond | SplitSums::kThird};
  SplitSums s(9);
  s.run(sizes, parts, true);
  CHECK(s.words() == 10);
  CHECK(s.reaches(2, 0));
  CHECK(s.reaches(0, 2));
  CHECK(s.reaches(5, 4));
  CHECK(s.reaches(9, 0));
  CHECK(s.reaches(3, 6));
  CHECK_FALSE(s.reaches(0, 0));  // the first item goes somewhere that counts
  CHECK_FALSE(s.reaches(3, 0));
  CHECK_FALSE(s.reaches(0, 9));
  // (5, 4): the third to the second part (not to none: (5, 0) is out of reach without it),
  // the second to the first part, the first to the first part.
  CHECK(s.split(sizes, parts, 5, 4) == std::vector<int>{0, 0, 1});
  // (2, 4): the third to the second part, the second to none, the first to the first part.
  CHECK(s.split(sizes, parts, 2, 4) == std::vector<int>{0, 2, 1});
  // (6, 0): the third to the first part, the second to none (2 + 4).
  CHECK(s.split(sizes, parts, 6, 0) == std::vector<int>{0, 2, 0});
}

namespace {

/// The split SplitSums::split promises for (a, b), by its rule with every prefix's reach
/// (`prefix[i]`: of the first i items) worked out by brute force.
std::vector<int> expectedSplit(const std::vector<long long>& sizes, const std::vector<unsigned>& parts,
                               const std::vector<std::set<std::pair<long long, long long>>>& prefix, long long a,
                               long long b) {
  std::vector<int> want(sizes.size(), 2);
  for (std::size_t i = sizes.size(); i-- > 0;) {
    if ((parts[i] & SplitSums::kThird) && prefix[i].count({a, b})) {
      want[i] = 2;
    } else if ((parts[i] & SplitSums::kFirst) && a >= sizes[i] && prefix[i].count({a - sizes[i], b})) {
      want[i] = 0;
      a -= sizes[i];
    } else {
      want[i] = 1;
      b -= sizes[i];
    }
  }
  return want;
}

/// Every item of `split` in a part it may join, the first two parts summing to a and b.
void checkSplitValid(const std::vector<long long>& sizes, const std::vector<unsigned>& parts,
                     const std::vector<int>& split, long long a, long long b) {
  long long sa = 0, sb = 0;
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    CHECK(((parts[i] >> split[i]) & 1U) == 1U);
    if (split[i] == 0) sa += sizes[i];
    if (split[i] == 1) sb += sizes[i];
  }
  CHECK(sa == a);
  CHECK(sb == b);
}

}  // namespace

TEST_CASE("split sums: reach and read-back match every assignment, on random small inputs") {
  std::mt19937 rng(17);
  SplitSums reused(40);  // one table over several runs, as the re-split uses it
  for (int round = 0; round < 300; ++round) {
    const std::vector<long long> sizes = randomSizes(rng, 6, round % 3 ? 5 : 70);
    std::vector<unsigned> parts(sizes.size());
    for (unsigned& p : parts) p = static_cast<unsigned>(rng() % 8);  // 0 now and then: no part
    const long long limit = round % 2 ? 40 : static_cast<long long>(rng() % 90);
    SplitSums fresh(limit);
    SplitSums& s = limit == 40 ? reused : fresh;
    s.run(sizes, parts, round % 4 != 0);
    std::vector<std::set<std::pair<long long, long long>>> prefix;  // reach of the first i items
    for (std::size_t i = 0; i <= sizes.size(); ++i) prefix.push_back(splitReach(sizes, parts, i));
    const auto& expected = prefix.back();
    for (long long a = 0; a <= limit; ++a) {
      for (long long b = 0; b <= limit; ++b) {
        const bool want = expected.count({a, b}) == 1;
        REQUIRE_MESSAGE(s.reaches(static_cast<std::size_t>(a), static_cast<std::size_t>(b)) == want, "round ", round,
                        " a ", a, " b ", b);
      }
    }
    if (round % 4 == 0) continue;  // steps not kept
    for (const auto& pair : expected) {
      const auto a = pair.first, b = pair.second;  // clang 14's CHECK_MESSAGE cannot take a structured binding
      if (a > limit || b > limit) continue;
      const std::vector<int> got = s.split(sizes, parts, static_cast<std::size_t>(a), static_cast<std::size_t>(b));
      CHECK_MESSAGE(got == expectedSplit(sizes, parts, prefix, a, b), "round ", round, " a ", a, " b ", b);
      checkSplitValid(sizes, parts, got, a, b);
    }
  }
}
