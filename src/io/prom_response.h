// Reading saved Prometheus HTTP API query responses, streaming: a series at a time, a sample
// at a time, never the whole file or a tree of it.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/error.h"
#include "model/profile.h"

namespace gpuslice::io {

/// The label's value in `labels`, or nullptr.
const std::string* findLabel(const Labels& labels, std::string_view name);

/// Where a response reader hands its series.
class SeriesSink {
 public:
  virtual ~SeriesSink() = default;
  /// A series begins; the samples until the next call belong to it.
  virtual void series(const Labels& labels) = 0;
  /// One sample of the current series: unix seconds and the value (NaN and infinities as
  /// the response wrote them).
  virtual void sample(double unixSeconds, double value) = 0;
};

/// A `/api/v1/query_range` (resultType matrix) or `/api/v1/query` (vector) response read in
/// pieces of any size (Boost.JSON's basic_parser; bench/README.md says why that one). Values
/// are strings ("37", "NaN", "+Inf"); `warnings` and `infos` are ignored. A response with
/// `"status": "error"` is an error carrying its errorType and error text. Errors say where:
/// line, byte offset and the bytes around it, since a response is often one line.
class PromResponseReader {
 public:
  PromResponseReader(std::string file, SeriesSink& sink);
  ~PromResponseReader();
  PromResponseReader(const PromResponseReader&) = delete;
  PromResponseReader& operator=(const PromResponseReader&) = delete;

  /// Parses the next bytes of the response.
  std::optional<Error> feed(std::string_view bytes);
  /// The input ended: checks that the response was whole and successful.
  std::optional<Error> finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class Progress;

/// Reads the file at `path` ("-": standard input) 64 KiB at a time into `sink`, telling
/// `progress` (when given) how many bytes of how many are read.
std::optional<Error> readPromResponse(const std::string& path, SeriesSink& sink, Progress* progress = nullptr);

/// A sample value string as a number: decimal numbers, "NaN", "+Inf", "-Inf".
std::optional<double> parseSampleValue(std::string_view s);

}  // namespace gpuslice::io
