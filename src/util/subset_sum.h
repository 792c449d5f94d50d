// Subset sums of small non-negative integers (pods, free slots): which totals some of the
// items add up to, and which items make a given total. Dynamic programming over the totals
// 0..limit, so the work grows with items x limit; meant for totals of a few thousand at most.
//
// Three forms, for three needs: ReachableSums keeps one bit per total and only answers
// whether a total is reached (the fastest); SubsetSums keeps, per total, the item that first
// reached it, so a subset can be read back; SplitSums sends each item to one of three parts
// and reaches pairs of totals (first part, second part), keeping each step to read back a split.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace gpuslice {

/// The totals 0..limit that some subset of the items added so far reaches, a bit each.
class ReachableSums {
 public:
  /// Totals 0..`limit` (limit >= 0); only 0 is reached.
  explicit ReachableSums(long long limit);

  /// Back to no items: only 0 is reached.
  void clear();
  /// Adds an item of `size` (>= 0): every total reached so far is also reached plus `size`.
  void add(long long size);
  /// Whether some subset of the items added sums to `total` (false outside 0..limit).
  bool reaches(long long total) const;
  /// The 64-bit words the bits take: what one clear() or add() goes over.
  std::size_t words() const { return bits_.size(); }

 private:
  std::size_t totals_ = 1;  ///< limit + 1
  std::vector<std::uint64_t> bits_;
};

/// The totals 0..limit that subsets of `sizes` reach, each with one subset that reaches it:
/// the items are taken in order, and a total is credited to the first item that reaches it
/// from a total reached without that item. A total's subset is that item and the subset of
/// the total it came from, so it is the subset whose last item comes earliest, then whose
/// next-to-last does, and so on. The subset of a total does not depend on `limit`.
class SubsetSums {
 public:
  /// `sizes` >= 0; totals 0..`limit` (limit >= 0).
  SubsetSums(std::vector<long long> sizes, long long limit);

  /// Whether some subset sums to `total` (false outside 0..limit).
  bool reaches(long long total) const;
  /// The largest total reached that is at most `total` (which is in 0..limit).
  long long largestAtMost(long long total) const;
  /// The positions in `sizes` of the subset that reaches `total` (which must be reached),
  /// the last position first.
  std::vector<std::size_t> subset(long long total) const;

 private:
  std::vector<long long> sizes_;
  std::vector<char> reached_;    ///< per total
  std::vector<std::size_t> by_;  ///< per total reached other than 0: the item credited with it
};

/// Which of `sizes` (>= 0, in order of preference) fill at most `room` best: the largest total
/// at most `room`, made by the subset SubsetSums reads back for it. Returns the positions,
/// the last first; none when `room` <= 0.
std::vector<std::size_t> fillBest(const std::vector<long long>& sizes, long long room);

/// Pairs of totals (a, b), each 0..limit, that items reach when each goes to one of three
/// parts among those it may join: the first part (its size counts towards a), the second
/// (towards b) or the third (towards neither). A table of (limit + 1) rows of a, each row a
/// bit per b; the buffers are kept between runs.
class SplitSums {
 public:
  /// The parts an item may join, as a mask.
  static constexpr unsigned kFirst = 1, kSecond = 2, kThird = 4;

  /// Totals 0..`limit` (limit >= 0) of each part.
  explicit SplitSums(long long limit);

  /// Goes over the items, `sizes[i]` (>= 0) joining one of the parts in `parts[i]`: after it,
  /// reaches() answers for all of them. With `keepSteps`, the table before and after each item
  /// is kept, for split(). An item that may join only the third part changes nothing and
  /// costs nothing; every other item goes over the table twice (see words()).
  void run(const std::vector<long long>& sizes, const std::vector<unsigned>& parts, bool keepSteps);
  /// Whether the items of the last run reach first-part total `a` and second-part total `b`.
  bool reaches(std::size_t a, std::size_t b) const;
  /// The part (0, 1 or 2) of each item in a split that reaches (a, b), after run() with
  /// `keepSteps` on the same items (and (a, b) reached). From the last item back, each goes
  /// to the third part if the rest reach the totals left without it, else to the first part
  /// if they reach them with it there, else to the second.
  std::vector<int> split(const std::vector<long long>& sizes, const std::vector<unsigned>& parts, std::size_t a,
                         std::size_t b) const;
  /// The 64-bit words of the table.
  std::size_t words() const { return rows_ * rowWords_; }

 private:
  bool reachedIn(const std::vector<std::uint64_t>& table, std::size_t a, std::size_t b) const;

  std::size_t rows_ = 1;      ///< limit + 1: a row per first-part total
  std::size_t rowWords_ = 1;  ///< words per row: a bit per second-part total
  std::vector<std::uint64_t> cur_, next_;
  std::vector<std::vector<std::uint64_t>> steps_;  ///< with keepSteps: the table before each item, and after the last
};

}  // namespace gpuslice
