// A progress line on stderr for long reads (gpuslice profile), drawn only where a person
// watches: when the stream is a terminal. Pipelines and CI logs get nothing.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace gpuslice::io {

class Progress {
 public:
  /// Draws on `out` when `draw` (the caller decides: isTerminal(stderr)); `total` is in the
  /// caller's unit (bytes, requests), 0 when unknown.
  Progress(std::FILE* out, bool draw, std::string unit);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  /// A new part (a file, a query) of `total` units begins.
  void begin(const std::string& what, std::uint64_t total);
  /// `n` more units of the current part are done; redraws when the whole percent changed.
  void advance(std::uint64_t n);
  /// Clears the line, so that what is printed next starts clean.
  void clear();

  /// Whether `f` is a terminal.
  static bool isTerminal(std::FILE* f);

 private:
  void draw();
  std::FILE* out_;
  bool draw_;
  std::string unit_;
  std::string what_;
  std::uint64_t total_ = 0, done_ = 0;
  int lastPercent_ = -1;
  std::uint64_t lastShown_ = 0;
  bool shown_ = false;
};

}  // namespace gpuslice::io
