#include "io/progress.h"

#include <fmt/format.h>
#include <unistd.h>

namespace gpuslice::io {

namespace {

constexpr int kBarWidth = 30;
constexpr std::uint64_t kMiB = 1024 * 1024;

/// An amount in `unit`: bytes as MiB, anything else as a count.
std::string amount(std::uint64_t n, const std::string& unit) {
  if (unit == "bytes") return fmt::format("{:.0f} MiB", static_cast<double>(n) / kMiB);
  return fmt::format("{} {}", n, unit);
}

}  // namespace

Progress::Progress(std::FILE* out, bool draw, std::string unit) : out_(out), draw_(draw), unit_(std::move(unit)) {}

Progress::~Progress() { clear(); }

bool Progress::isTerminal(std::FILE* f) { return f && isatty(fileno(f)) == 1; }

void Progress::begin(const std::string& what, std::uint64_t total) {
  what_ = what;
  total_ = total;
  done_ = 0;
  lastPercent_ = -1;
  lastShown_ = 0;
  draw();
}

void Progress::advance(std::uint64_t n) {
  done_ += n;
  if (total_ > 0) {
    const int percent = static_cast<int>(std::min<std::uint64_t>(done_, total_) * 100 / total_);
    if (percent != lastPercent_) draw();
  } else if (unit_ != "bytes" || done_ - lastShown_ >= 16 * kMiB) {
    draw();
  }
}

void Progress::draw() {
  if (!draw_) return;
  std::string line;
  if (total_ > 0) {
    const std::uint64_t done = std::min(done_, total_);
    const int percent = static_cast<int>(done * 100 / total_);
    const int filled = static_cast<int>(done * kBarWidth / total_);
    line = fmt::format("{} [{}{}] {:3}% {} of {}", what_, std::string(static_cast<std::size_t>(filled), '#'),
                       std::string(static_cast<std::size_t>(kBarWidth - filled), '.'), percent, amount(done, unit_),
                       amount(total_, unit_));
    lastPercent_ = percent;
  } else {
    line = fmt::format("{} {}", what_, amount(done_, unit_));
  }
  lastShown_ = done_;
  // \r and the erase-line sequence: one line, redrawn in place.
  std::fputs(("\r\x1b[2K" + line).c_str(), out_);
  std::fflush(out_);
  shown_ = true;
}

void Progress::clear() {
  if (!draw_ || !shown_) return;
  std::fputs("\r\x1b[2K", out_);
  std::fflush(out_);
  shown_ = false;
}

}  // namespace gpuslice::io
