// Running profile's range queries against a live Prometheus (or Thanos, Mimir, Amazon Managed
// Service for Prometheus) over HTTP, window by window, each response streamed into a
// SeriesSink as it arrives.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "io/prom_response.h"
#include "model/error.h"

namespace gpuslice::io {

/// The PromQL of every range query `profile --prometheus-url` runs, in the order it runs them:
/// the DCGM exporter metrics the collector reads, then the kube-state-metrics series that map
/// pods to workloads, requests and nodes. One place, so whatever the collector reads is asked for.
std::vector<std::string> profileQueries();

/// Points per series in one request. Prometheus refuses a range query of more than 11,000
/// points per series; a window of 10,000 stays under it.
inline constexpr std::int64_t kWindowPoints = 10000;

/// One request's evaluation times: startMs, startMs + step, ... up to endMs (milliseconds
/// since the epoch).
struct RangeWindow {
  std::int64_t startMs = 0;
  std::int64_t endMs = 0;
  bool operator==(const RangeWindow&) const = default;
};

/// Splits the evaluation times endMs - sinceMs, + stepMs, ... up to endMs into windows of at
/// most `points` times each, in time order. The windows follow one grid, each starting one
/// step after the last time of the one before, so no time is asked for twice or skipped.
/// stepMs > 0, sinceMs >= 0, points > 0.
std::vector<RangeWindow> rangeWindows(std::int64_t endMs, std::int64_t sinceMs, std::int64_t stepMs,
                                      std::int64_t points = kWindowPoints);

/// A Prometheus duration ("30s", "5m", "2h", "14d", "1w", "1y", "1h30m", "500ms") in
/// milliseconds; nullopt when it is not one or is zero.
std::optional<std::int64_t> parsePromDuration(std::string_view s);

/// A time as RFC 3339 ("2026-12-01T00:00:00Z", "2026-12-01T01:00:00.5+01:00") or unix
/// seconds ("1764547200", "1764547200.25"), in milliseconds since the epoch.
std::optional<std::int64_t> parsePromTime(std::string_view s);

/// Milliseconds as Prometheus reads seconds: "1764547200", "1764547200.5", "60".
std::string formatSeconds(std::int64_t ms);

/// What `profile --prometheus-url` was given, as given.
struct RemoteOptions {
  std::string url;                   ///< the server's base URL; /api/v1/query_range is appended
  std::string since = "14d";         ///< a Prometheus duration
  std::string step = "60s";          ///< a Prometheus duration
  std::string end;                   ///< RFC 3339 or unix seconds
  std::vector<std::string> headers;  ///< "Name: value"
  std::string bearerTokenFile;
  std::string caFile;
  long timeoutSeconds = 60;  ///< per request
  std::string sigv4Region;   ///< non-empty: sign for Amazon Managed Service for Prometheus
};

/// Reads an environment variable (std::getenv in the program, a map in tests).
using Getenv = std::function<const char*(const char*)>;

/// Runs every query of profileQueries() over every window of the options' range, POSTing
/// each to the server's /api/v1/query_range and streaming the response through a
/// PromResponseReader into `sink`. The first error ends it: bad options (kind Usage), a
/// bearer token file that cannot be read, missing AWS credentials, a connection that fails or
/// times out, an HTTP status that is not 2xx, a response that is not a successful Prometheus
/// answer. Errors name the URL (without credentials) and the query. AWS credentials come from
/// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN through `getenv`.
std::optional<Error> queryPrometheus(const RemoteOptions& options, const Getenv& getenv, SeriesSink& sink,
                                     Progress* progress = nullptr);

}  // namespace gpuslice::io
