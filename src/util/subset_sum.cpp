#include "util/subset_sum.h"

#include <algorithm>
#include <cstdint>
#include <utility>

namespace gpuslice {

namespace {

constexpr std::size_t kNone = SIZE_MAX;

bool testBit(const std::uint64_t* words, std::size_t i) { return (words[i / 64] >> (i % 64)) & 1U; }

/// into |= from << shift, over `words` words (bits shifted past the last word are lost).
void orShifted(std::uint64_t* into, const std::uint64_t* from, std::size_t words, std::size_t shift) {
  const std::size_t whole = shift / 64;
  const auto part = static_cast<unsigned>(shift % 64);
  for (std::size_t i = words; i-- > whole;) {
    std::uint64_t v = from[i - whole] << part;
    if (part != 0 && i > whole) v |= from[i - whole - 1] >> (64 - part);
    into[i] |= v;
  }
}

}  // namespace

ReachableSums::ReachableSums(long long limit)
    : totals_(static_cast<std::size_t>(limit) + 1), bits_((totals_ + 63) / 64) {
  clear();
}

void ReachableSums::clear() {
  std::fill(bits_.begin(), bits_.end(), 0);
  bits_[0] = 1;
}

void ReachableSums::add(long long size) {
  // In place: from the highest word down, each word reads only words not yet written. Bits
  // past the limit in the last word are never read, and a shift only moves them further up.
  orShifted(bits_.data(), bits_.data(), bits_.size(), static_cast<std::size_t>(size));
}

bool ReachableSums::reaches(long long total) const {
  return total >= 0 && static_cast<std::size_t>(total) < totals_ &&
         testBit(bits_.data(), static_cast<std::size_t>(total));
}

SubsetSums::SubsetSums(std::vector<long long> sizes, long long limit)
    : sizes_(std::move(sizes)),
      reached_(static_cast<std::size_t>(limit) + 1, 0),
      by_(static_cast<std::size_t>(limit) + 1, kNone) {
  reached_[0] = 1;
  for (std::size_t i = 0; i < sizes_.size(); ++i) {
    const long long p = sizes_[i];
    if (p > limit) continue;
    // Highest total first, so each total reads the reach from before this item.
    for (long long s = limit; s >= p; --s) {
      const auto at = static_cast<std::size_t>(s);
      if (!reached_[at] && reached_[at - static_cast<std::size_t>(p)]) {
        reached_[at] = 1;
        by_[at] = i;
      }
    }
  }
}

bool SubsetSums::reaches(long long total) const {
  return total >= 0 && static_cast<std::size_t>(total) < reached_.size() && reached_[static_cast<std::size_t>(total)];
}

long long SubsetSums::largestAtMost(long long total) const {
  long long s = total;
  while (s > 0 && !reached_[static_cast<std::size_t>(s)]) --s;
  return s;
}

std::vector<std::size_t> SubsetSums::subset(long long total) const {
  std::vector<std::size_t> chosen;
  for (long long s = total; s > 0;) {  // each total's item came after the total it came from
    const std::size_t i = by_[static_cast<std::size_t>(s)];
    chosen.push_back(i);
    s -= sizes_[i];
  }
  return chosen;
}

std::vector<std::size_t> fillBest(const std::vector<long long>& sizes, long long room) {
  if (room <= 0 || sizes.empty()) return {};
  const SubsetSums sums(sizes, room);
  return sums.subset(sums.largestAtMost(room));
}

SplitSums::SplitSums(long long limit)
    : rows_(static_cast<std::size_t>(limit) + 1),
      rowWords_((rows_ + 63) / 64),
      cur_(rows_ * rowWords_),
      next_(rows_ * rowWords_) {}

void SplitSums::run(const std::vector<long long>& sizes, const std::vector<unsigned>& parts, bool keepSteps) {
  std::fill(cur_.begin(), cur_.end(), 0);
  cur_[0] = 1;
  if (keepSteps) steps_.assign(1, cur_);
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    const auto p = static_cast<std::size_t>(sizes[i]);
    if (parts[i] == kThird) {
      if (keepSteps) steps_.push_back(cur_);
      continue;
    }
    if (parts[i] & kThird) {
      next_ = cur_;
    } else {
      std::fill(next_.begin(), next_.end(), 0);
    }
    if (parts[i] & kFirst) {  // row a takes row a - p
      for (std::size_t a = rows_; a-- > p;) {
        for (std::size_t w = 0; w < rowWords_; ++w) next_[a * rowWords_ + w] |= cur_[(a - p) * rowWords_ + w];
      }
    }
    if (parts[i] & kSecond) {  // every row takes itself shifted by p
      for (std::size_t a = 0; a < rows_; ++a) {
        orShifted(&next_[a * rowWords_], &cur_[a * rowWords_], rowWords_, p);
      }
    }
    cur_.swap(next_);
    if (keepSteps) steps_.push_back(cur_);
  }
}

bool SplitSums::reachedIn(const std::vector<std::uint64_t>& table, std::size_t a, std::size_t b) const {
  return testBit(table.data(), a * rowWords_ * 64 + b);
}

bool SplitSums::reaches(std::size_t a, std::size_t b) const { return reachedIn(cur_, a, b); }

std::vector<int> SplitSums::split(const std::vector<long long>& sizes, const std::vector<unsigned>& parts,
                                  std::size_t a, std::size_t b) const {
  std::vector<int> to(sizes.size(), 2);
  for (std::size_t i = sizes.size(); i-- > 0;) {
    const std::vector<std::uint64_t>& before = steps_[i];
    const auto p = static_cast<std::size_t>(sizes[i]);
    if ((parts[i] & kThird) && reachedIn(before, a, b)) {
      to[i] = 2;
    } else if ((parts[i] & kFirst) && a >= p && reachedIn(before, a - p, b)) {
      to[i] = 0;
      a -= p;
    } else {
      to[i] = 1;
      b -= p;
    }
  }
  return to;
}

}  // namespace gpuslice
