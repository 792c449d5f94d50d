#include "io/prom_remote.h"

#include <doctest/doctest.h>

#include <map>
#include <string>

#include "io/http_client.h"

using namespace gpuslice;
using namespace gpuslice::io;

namespace {

constexpr std::int64_t kEnd = 1764547200000;  // 2025-12-01T00:00:00Z
constexpr std::int64_t kDay = 86400000;

struct NoSink : SeriesSink {
  void series(const Labels&) override {}
  void sample(double, double) override {}
};

std::optional<Error> run(const RemoteOptions& o, std::map<std::string, std::string> env = {}) {
  NoSink sink;
  return queryPrometheus(
      o,
      [&env](const char* name) -> const char* {
        auto it = env.find(name);
        return it == env.end() ? nullptr : it->second.c_str();
      },
      sink);
}

RemoteOptions options() {
  RemoteOptions o;
  o.url = "http://127.0.0.1:1";
  o.since = "1h";
  o.end = "1764547200";
  return o;
}

}  // namespace

TEST_CASE("rangeWindows: 14 days at 60 s is 20,161 times in windows of 10,000, none twice") {
  const auto w = rangeWindows(kEnd, 14 * kDay, 60000);
  REQUIRE(w.size() == 3);
  CHECK(w[0] == RangeWindow{kEnd - 14 * kDay, kEnd - 14 * kDay + 9999 * 60000});
  CHECK(w[1] == RangeWindow{kEnd - 14 * kDay + 10000 * 60000, kEnd - 14 * kDay + 19999 * 60000});
  CHECK(w[2] == RangeWindow{kEnd - 14 * kDay + 20000 * 60000, kEnd});
  CHECK(formatSeconds(w[0].startMs) == "1763337600");
  CHECK(formatSeconds(w[0].endMs) == "1763937540");
  CHECK(formatSeconds(w[1].startMs) == "1763937600");
  CHECK(formatSeconds(w[2].startMs) == "1764537600");
}

TEST_CASE("rangeWindows: exact fits, a range shorter than a step, a step that does not divide it") {
  CHECK(rangeWindows(kEnd, 9999 * 1000, 1000) == std::vector<RangeWindow>{{kEnd - 9999 * 1000, kEnd}});
  CHECK(rangeWindows(kEnd, 10000 * 1000, 1000) ==
        std::vector<RangeWindow>{{kEnd - 10000 * 1000, kEnd - 1000}, {kEnd, kEnd}});
  CHECK(rangeWindows(kEnd, 30000, 60000) == std::vector<RangeWindow>{{kEnd - 30000, kEnd - 30000}});
  // 7 min at 2 min: times at -7, -5, -3, -1 min; windows of 3.
  CHECK(rangeWindows(kEnd, 420000, 120000, 3) ==
        std::vector<RangeWindow>{{kEnd - 420000, kEnd - 180000}, {kEnd - 60000, kEnd - 60000}});
}

TEST_CASE("parsePromDuration: Prometheus's units, largest first") {
  CHECK(parsePromDuration("30s") == 30000);
  CHECK(parsePromDuration("5m") == 300000);
  CHECK(parsePromDuration("2h") == 7200000);
  CHECK(parsePromDuration("14d") == 14 * kDay);
  CHECK(parsePromDuration("1w") == 7 * kDay);
  CHECK(parsePromDuration("1y") == 365 * kDay);
  CHECK(parsePromDuration("1h30m") == 5400000);
  CHECK(parsePromDuration("500ms") == 500);
  CHECK(parsePromDuration("1m500ms") == 60500);
  for (const char* bad : {"", "0s", "5", "m", "5M", "1m1h", "1s1s", "1.5h", "-5m", "5m ", "99999999999999y"}) {
    INFO(bad);
    CHECK_FALSE(parsePromDuration(bad));
  }
}

TEST_CASE("parsePromTime: RFC 3339 and unix seconds") {
  CHECK(parsePromTime("1764547200") == kEnd);
  CHECK(parsePromTime("1764547200.25") == kEnd + 250);
  CHECK(parsePromTime("2025-12-01T00:00:00Z") == kEnd);
  CHECK(parsePromTime("2025-12-01T01:00:00.5+01:00") == kEnd + 500);
  CHECK(parsePromTime("2025-11-30T19:00:00-05:00") == kEnd);
  CHECK(parsePromTime("2024-02-29T00:00:00Z") == 1709164800000);
  for (const char* bad : {"", "x", "2025-12-01", "2025-12-01T00:00:00", "2025-02-29T00:00:00Z", "2025-12-01T24:00:00Z",
                          "2025-12-01T00:00:00+1:00", "1764547200.", "-5", "1e9"}) {
    INFO(bad);
    CHECK_FALSE(parsePromTime(bad));
  }
}

TEST_CASE("formatSeconds: whole seconds bare, fractions without trailing zeros") {
  CHECK(formatSeconds(60000) == "60");
  CHECK(formatSeconds(1500) == "1.5");
  CHECK(formatSeconds(kEnd + 250) == "1764547200.25");
}

TEST_CASE("profileQueries: the DCGM metrics and kube-state-metrics series, each once") {
  const auto q = profileQueries();
  CHECK(q == std::vector<std::string>{"DCGM_FI_DEV_FB_USED{pod!=\"\"}", "DCGM_FI_PROF_SM_ACTIVE{pod!=\"\"}",
                                      "DCGM_FI_PROF_GR_ENGINE_ACTIVE{pod!=\"\"}", "DCGM_FI_DEV_GPU_UTIL{pod!=\"\"}",
                                      "kube_pod_owner", "kube_replicaset_owner", "kube_job_owner",
                                      "kube_pod_container_resource_requests", "kube_pod_info", "kube_node_labels"});
}

TEST_CASE("queryPrometheus: options it refuses before any request") {
  auto o = options();
  o.url = "ftp://x";
  CHECK(run(o)->describe() == "--prometheus-url: must be an http:// or https:// URL without a query or fragment");
  o = options();
  o.since = "2 weeks";
  CHECK(run(o)->describe() == "--since: '2 weeks' is not a Prometheus duration (30s, 5m, 2h, 14d, 1w)");
  o = options();
  o.step = "0s";
  CHECK(run(o)->describe() == "--step: '0s' is not a Prometheus duration (30s, 5m, 2h, 14d, 1w)");
  o = options();
  o.end = "yesterday";
  CHECK(run(o)->describe() == "--end: 'yesterday' is not an RFC 3339 time or unix seconds");
  CHECK(run(o)->kind == ErrorKind::Usage);
  o = options();
  o.headers = {"X-Scope-OrgID tenant"};
  CHECK(run(o)->describe() == "--header: must be 'Name: value' on one line, got 'X-Scope-OrgID tenant'");
  o = options();
  o.sigv4Region = "us-east-1";
  const auto e = run(o, {{"AWS_ACCESS_KEY_ID", "AKID"}});
  CHECK(e->kind == ErrorKind::BadInput);
  CHECK(e->describe() ==
        "--sigv4-region: needs AWS credentials in the environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
        "(and AWS_SESSION_TOKEN with temporary ones)");
}

TEST_CASE("urlWithoutCredentials: no user name or password in messages") {
  CHECK(urlWithoutCredentials("https://user:secret@prom.example:9090/api/v1/query_range") ==
        "https://prom.example:9090/api/v1/query_range");
  CHECK(urlWithoutCredentials("http://127.0.0.1:9090/x") == "http://127.0.0.1:9090/x");
  CHECK(urlWithoutCredentials("http://user:se cret@[bad/x") == "http://[bad/x");
}
