// Reading `nvidia-smi --query-gpu=... --format=csv` logs, a line at a time.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "model/error.h"

namespace gpuslice::io {

/// One row of a log: one GPU at one time. Cells that are missing, `[N/A]` or
/// `[Not Supported]` are empty.
struct SmiRow {
  std::optional<double> unixSeconds;  ///< `timestamp` read as UTC (nvidia-smi prints local time, no zone)
  std::string device;                 ///< `uuid`, else `index`, else "0"
  std::string name;                   ///< `name`, e.g. "NVIDIA A10G"
  std::optional<double> memoryUsedMiB;
  std::optional<double> utilizationPercent;
};

/// Reads a log line by line: a header naming the fields (`memory.used [MiB]`, matched by the
/// name before " ["; one of memory.used and utilization.gpu is needed), then rows whose cells
/// are separated by ", " and may carry units ("52 %", "30994 MiB"). Rows of `noheader` logs
/// cannot be told apart, so the header is required. Errors give the line.
class SmiCsvReader {
 public:
  SmiCsvReader(std::string file, std::function<void(const SmiRow&)> take);
  /// One line, without its newline.
  std::optional<Error> line(std::string_view text);
  std::optional<Error> finish() const;

 private:
  std::string file_;
  std::function<void(const SmiRow&)> take_;
  int lineNo_ = 0;
  int timestamp_ = -1, index_ = -1, uuid_ = -1, name_ = -1, memory_ = -1, util_ = -1;
  std::size_t columns_ = 0;
  std::optional<Error> header(std::string_view text);
};

/// Reads the log at `path` ("-": standard input).
std::optional<Error> readSmiCsv(const std::string& path, std::function<void(const SmiRow&)> take);

}  // namespace gpuslice::io
