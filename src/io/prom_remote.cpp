#include "io/prom_remote.h"

#include <fmt/format.h>

#include <cctype>
#include <chrono>
#include <limits>

#include "io/files.h"
#include "io/http_client.h"
#include "io/progress.h"

namespace gpuslice::io {

namespace {

constexpr std::int64_t kMsPerSecond = 1000;
constexpr std::int64_t kMaxMs = std::numeric_limits<std::int64_t>::max() / 16;

/// Reads digits at `s[i]`: at least one and at most 18, else nullopt.
std::optional<std::int64_t> digits(std::string_view s, std::size_t& i, std::size_t maxCount = 18) {
  std::int64_t v = 0;
  std::size_t n = 0;
  for (; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) && n < maxCount; ++i, ++n) {
    v = v * 10 + (s[i] - '0');
  }
  if (n == 0) return std::nullopt;
  return v;
}

/// Exactly `n` digits at `s[i]`.
std::optional<int> fixedDigits(std::string_view s, std::size_t& i, std::size_t n) {
  const std::size_t from = i;
  auto v = digits(s, i, n);
  if (!v || i - from != n) return std::nullopt;
  return static_cast<int>(*v);
}

/// ".ddd" at `s[i]`, if there, as milliseconds (digits past the third are dropped).
std::optional<std::int64_t> fractionMs(std::string_view s, std::size_t& i) {
  if (i >= s.size() || s[i] != '.') return 0;
  ++i;
  std::int64_t ms = 0;
  std::size_t n = 0;
  for (; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i, ++n) {
    if (n < 3) ms = ms * 10 + (s[i] - '0');
  }
  if (n == 0) return std::nullopt;
  for (; n < 3; ++n) ms *= 10;
  return ms;
}

bool expect(std::string_view s, std::size_t& i, char c) {
  if (i >= s.size() || s[i] != c) return false;
  ++i;
  return true;
}

/// "Z", "+HH:MM" or "-HH:MM" at `s[i]` as seconds east of UTC.
std::optional<std::int64_t> zoneOffsetSeconds(std::string_view s, std::size_t& i) {
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
    return 0;
  }
  if (i >= s.size() || (s[i] != '+' && s[i] != '-')) return std::nullopt;
  const int sign = s[i++] == '-' ? -1 : 1;
  auto h = fixedDigits(s, i, 2);
  if (!h || !expect(s, i, ':')) return std::nullopt;
  auto m = fixedDigits(s, i, 2);
  if (!m || *h > 23 || *m > 59) return std::nullopt;
  return sign * (*h * 3600 + *m * 60);
}

std::optional<std::int64_t> parseRfc3339(std::string_view s) {
  std::size_t i = 0;
  auto y = fixedDigits(s, i, 4);
  if (!y || !expect(s, i, '-')) return std::nullopt;
  auto mo = fixedDigits(s, i, 2);
  if (!mo || !expect(s, i, '-')) return std::nullopt;
  auto d = fixedDigits(s, i, 2);
  if (!d || i >= s.size() || (s[i] != 'T' && s[i] != 't')) return std::nullopt;
  ++i;
  auto h = fixedDigits(s, i, 2);
  if (!h || !expect(s, i, ':')) return std::nullopt;
  auto mi = fixedDigits(s, i, 2);
  if (!mi || !expect(s, i, ':')) return std::nullopt;
  auto sec = fixedDigits(s, i, 2);
  auto frac = sec ? fractionMs(s, i) : std::nullopt;
  auto zone = frac ? zoneOffsetSeconds(s, i) : std::nullopt;
  if (!zone || i != s.size() || *h > 23 || *mi > 59 || *sec > 60) return std::nullopt;
  const std::chrono::year_month_day date{std::chrono::year{*y}, std::chrono::month{static_cast<unsigned>(*mo)},
                                         std::chrono::day{static_cast<unsigned>(*d)}};
  if (!date.ok()) return std::nullopt;
  const std::int64_t days = std::chrono::sys_days{date}.time_since_epoch().count();
  const std::int64_t seconds = days * 86400 + *h * 3600 + *mi * 60 + *sec - *zone;
  return seconds * kMsPerSecond + *frac;
}

/// Why the options cannot run, as a usage error of `option`.
Error usage(const std::string& option, const std::string& message) {
  return Error{ErrorKind::Usage, "", 0, option, message};
}

}  // namespace

std::vector<std::string> profileQueries() {
  return {
      // DCGM exporter, only the series mapped to a pod (the collector skips the others).
      "DCGM_FI_DEV_FB_USED{pod!=\"\"}",
      "DCGM_FI_PROF_SM_ACTIVE{pod!=\"\"}",
      "DCGM_FI_PROF_GR_ENGINE_ACTIVE{pod!=\"\"}",
      "DCGM_FI_DEV_GPU_UTIL{pod!=\"\"}",
      // kube-state-metrics: owners, requests, the nodes pods ran on and their labels.
      "kube_pod_owner",
      "kube_replicaset_owner",
      "kube_job_owner",
      "kube_pod_container_resource_requests",
      "kube_pod_info",
      "kube_node_labels",
  };
}

std::vector<RangeWindow> rangeWindows(std::int64_t endMs, std::int64_t sinceMs, std::int64_t stepMs,
                                      std::int64_t points) {
  std::vector<RangeWindow> out;
  const std::int64_t total = sinceMs / stepMs + 1;  // evaluation times in [end - since, end]
  const std::int64_t first = endMs - sinceMs;
  for (std::int64_t done = 0; done < total; done += points) {
    const std::int64_t n = std::min(points, total - done);
    const std::int64_t start = first + done * stepMs;
    out.push_back({start, start + (n - 1) * stepMs});
  }
  return out;
}

std::optional<std::int64_t> parsePromDuration(std::string_view s) {
  struct Unit {
    std::string_view name;
    std::int64_t ms;
  };
  // Largest first, as Prometheus wants them.
  static constexpr Unit kUnits[] = {{"y", 365 * 86400000LL},
                                    {"w", 7 * 86400000LL},
                                    {"d", 86400000LL},
                                    {"h", 3600000},
                                    {"m", 60000},
                                    {"s", 1000},
                                    {"ms", 1}};
  auto unitAt = [&s](std::size_t i, const Unit& u) {
    return s.substr(i, u.name.size()) == u.name && !(u.name == "m" && s.substr(i, 2) == "ms");
  };
  std::int64_t total = 0;
  std::size_t i = 0;
  std::size_t lastUnit = 0;  // units must come largest first, each once
  while (i < s.size()) {
    auto n = digits(s, i, 12);
    if (!n) return std::nullopt;
    std::size_t u = lastUnit;
    while (u < std::size(kUnits) && !unitAt(i, kUnits[u])) ++u;
    if (u == std::size(kUnits)) return std::nullopt;
    i += kUnits[u].name.size();
    lastUnit = u + 1;
    if (*n > (kMaxMs - total) / kUnits[u].ms) return std::nullopt;
    total += *n * kUnits[u].ms;
  }
  if (total == 0) return std::nullopt;
  return total;
}

std::optional<std::int64_t> parsePromTime(std::string_view s) {
  if (s.find('-', 1) != std::string_view::npos || s.find(':') != std::string_view::npos) return parseRfc3339(s);
  std::size_t i = 0;
  auto seconds = digits(s, i, 12);
  auto frac = seconds ? fractionMs(s, i) : std::nullopt;
  if (!frac || i != s.size()) return std::nullopt;
  return *seconds * kMsPerSecond + *frac;
}

std::string formatSeconds(std::int64_t ms) {
  const std::int64_t whole = ms / kMsPerSecond, rest = ms % kMsPerSecond;
  if (rest == 0) return fmt::format("{}", whole);
  std::string out = fmt::format("{}.{:03}", whole, rest < 0 ? -rest : rest);
  while (out.back() == '0') out.pop_back();
  return out;
}

namespace {

/// Everything a request needs besides its query and window, checked once.
struct Plan {
  std::string endpoint;       ///< base URL + /api/v1/query_range
  std::string shownEndpoint;  ///< the same without credentials, for messages
  std::int64_t endMs = 0, sinceMs = 0, stepMs = 0;
  HttpRequest request;  ///< headers, TLS, timeout and signing; url and form set per request
};

std::optional<Error> checkHeader(const std::string& h) {
  const std::size_t colon = h.find(':');
  if (colon == 0 || colon == std::string::npos || h.find_first_of("\r\n") != std::string::npos ||
      h.substr(0, colon).find_first_of(" \t") != std::string::npos) {
    return usage("--header", "must be 'Name: value' on one line, got '" + h + "'");
  }
  return std::nullopt;
}

std::optional<Error> planRange(const RemoteOptions& o, Plan& p) {
  auto since = parsePromDuration(o.since);
  if (!since) return usage("--since", "'" + o.since + "' is not a Prometheus duration (30s, 5m, 2h, 14d, 1w)");
  auto step = parsePromDuration(o.step);
  if (!step) return usage("--step", "'" + o.step + "' is not a Prometheus duration (30s, 5m, 2h, 14d, 1w)");
  auto end = parsePromTime(o.end);
  if (!end) return usage("--end", "'" + o.end + "' is not an RFC 3339 time or unix seconds");
  if (*since > *end) return usage("--since", "reaches back before 1970");
  p.endMs = *end;
  p.sinceMs = *since;
  p.stepMs = *step;
  return std::nullopt;
}

std::optional<Error> planUrl(const RemoteOptions& o, Plan& p) {
  const std::string& u = o.url;
  if ((u.rfind("http://", 0) != 0 && u.rfind("https://", 0) != 0) || u.find_first_of("?# \r\n") != std::string::npos) {
    return usage("--prometheus-url", "must be an http:// or https:// URL without a query or fragment");
  }
  std::string base = u;
  while (base.back() == '/') base.pop_back();
  p.endpoint = base + "/api/v1/query_range";
  p.shownEndpoint = urlWithoutCredentials(p.endpoint);
  return std::nullopt;
}

/// The bearer token file's first line (a trailing newline is not part of the token).
Result<std::string> readBearerToken(const std::string& path) {
  auto text = readFile(path);
  if (!text) return text.error();
  std::string token = *text;
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  if (token.empty()) return badInput(path, 0, "", "the bearer token file is empty");
  if (token.find_first_of("\r\n") != std::string::npos) {
    return badInput(path, 0, "", "the bearer token file must hold one line");
  }
  return token;
}

std::optional<Error> planAuth(const RemoteOptions& o, const Getenv& getenv, Plan& p) {
  HttpRequest& r = p.request;
  if (!o.bearerTokenFile.empty() && !o.sigv4Region.empty()) {
    return usage("--bearer-token-file", "cannot be used with --sigv4-region (both set Authorization)");
  }
  if (!o.bearerTokenFile.empty()) {
    auto token = readBearerToken(o.bearerTokenFile);
    if (!token) return token.error();
    r.headers.push_back("Authorization: Bearer " + *token);
  }
  if (o.sigv4Region.empty()) return std::nullopt;
  if (o.sigv4Region.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos) {
    return usage("--sigv4-region", "'" + o.sigv4Region + "' is not an AWS region name (us-east-1)");
  }
  const char* key = getenv("AWS_ACCESS_KEY_ID");
  const char* secret = getenv("AWS_SECRET_ACCESS_KEY");
  const char* token = getenv("AWS_SESSION_TOKEN");
  if (!key || !*key || !secret || !*secret) {
    return badInput("", 0, "--sigv4-region",
                    "needs AWS credentials in the environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
                    "(and AWS_SESSION_TOKEN with temporary ones)");
  }
  r.awsSigV4 = "aws:amz:" + o.sigv4Region + ":aps";
  r.awsAccessKeyId = key;
  r.awsSecretAccessKey = secret;
  if (token && *token) r.headers.push_back(std::string("X-Amz-Security-Token: ") + token);
  return std::nullopt;
}

Result<Plan> makePlan(const RemoteOptions& o, const Getenv& getenv) {
  Plan p;
  if (auto e = planUrl(o, p)) return *e;
  if (auto e = planRange(o, p)) return *e;
  for (const std::string& h : o.headers) {
    if (auto e = checkHeader(h)) return *e;
    p.request.headers.push_back(h);
  }
  if (auto e = planAuth(o, getenv, p)) return *e;
  p.request.url = p.endpoint;
  p.request.caFile = o.caFile;
  p.request.timeoutSeconds = o.timeoutSeconds;
  return p;
}

/// One window of one query: POSTs it and streams the answer into `sink`.
std::optional<Error> runWindow(HttpClient& client, const Plan& p, const std::string& query, const RangeWindow& w,
                               SeriesSink& sink) {
  const std::string where = fmt::format("{} (query {})", p.shownEndpoint, query);
  HttpRequest r = p.request;
  r.form = fmt::format("query={}&start={}&end={}&step={}", urlEscape(query), formatSeconds(w.startMs),
                       formatSeconds(w.endMs), formatSeconds(p.stepMs));
  PromResponseReader reader(where, sink);
  std::optional<Error> readError;
  const HttpOutcome out = client.perform(r, [&](std::string_view bytes) {
    readError = reader.feed(bytes);
    return !readError;
  });
  if (readError) return readError;
  if (!out.transportError.empty()) return badInput(where, 0, "", out.transportError);
  if (out.status < 200 || out.status > 299) {
    if (out.errorBodyStart.empty())
      return badInput(where, 0, "", fmt::format("HTTP {} with an empty body", out.status));
    return badInput(where, 0, "", fmt::format("HTTP {}: \"{}\"", out.status, out.errorBodyStart));
  }
  return reader.finish();
}

}  // namespace

std::optional<Error> queryPrometheus(const RemoteOptions& options, const Getenv& getenv, SeriesSink& sink,
                                     Progress* progress) {
  auto plan = makePlan(options, getenv);
  if (!plan) return plan.error();
  const std::vector<RangeWindow> windows = rangeWindows(plan->endMs, plan->sinceMs, plan->stepMs);
  const std::vector<std::string> queries = profileQueries();
  if (progress) progress->begin("querying " + urlWithoutCredentials(options.url), queries.size() * windows.size());
  HttpClient client;
  for (const std::string& query : queries) {
    for (const RangeWindow& w : windows) {
      if (auto e = runWindow(client, *plan, query, w, sink)) return e;
      if (progress) progress->advance(1);
    }
  }
  return std::nullopt;
}

}  // namespace gpuslice::io
