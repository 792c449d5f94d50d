#include "io/prom_response.h"

#include <doctest/doctest.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>

using namespace gpuslice;
using namespace gpuslice::io;

namespace {

/// Writes what the reader passes on as text: "{labels}" per series, "t=v" per sample.
struct Record : SeriesSink {
  std::string out;
  void series(const Labels& labels) override {
    out += "{";
    for (const Label& l : labels) out += l.name + "=" + l.value + ",";
    out += "}";
  }
  void sample(double t, double v) override { out += " " + std::to_string(static_cast<long long>(t)) + "=" + fmtv(v); }
  static std::string fmtv(double v) {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    return std::to_string(v).substr(0, std::to_string(v).find('.') + 3);
  }
};

/// Reads `text` fed `piece` bytes at a time.
std::optional<Error> read(const std::string& text, Record& r, std::size_t piece = 1 << 20) {
  PromResponseReader reader("q.json", r);
  for (std::size_t at = 0; at < text.size(); at += piece) {
    if (auto e = reader.feed(std::string_view(text).substr(at, piece))) return e;
  }
  return reader.finish();
}

std::string describe(const std::string& text) {
  Record r;
  auto e = read(text, r);
  return e ? e->describe() : "no error";
}

const std::string kMatrix =
    R"({"status":"success","data":{"resultType":"matrix","result":[)"
    R"({"metric":{"__name__":"DCGM_FI_DEV_FB_USED","Hostname":"ip-10-0-1-2","pod":"infer-7d9f8b6c5-x2x7k"},)"
    R"("values":[[1733011200,"3120"],[1733011260.5,"NaN"],[1733011320,"+Inf"]]},)"
    R"({"values":[[1733011200,"0.25"]],"metric":{"hostname":"ip-10-0-1-3"}}]},"warnings":["x"],"infos":[]})";

}  // namespace

TEST_CASE("prom_response: a matrix, in any piece size") {
  for (std::size_t piece : {1u, 2u, 7u, 64u, 100000u}) {
    Record r;
    REQUIRE_FALSE(read(kMatrix, r, piece));
    CHECK(r.out ==
          "{__name__=DCGM_FI_DEV_FB_USED,Hostname=ip-10-0-1-2,pod=infer-7d9f8b6c5-x2x7k,} 1733011200=3120.00 "
          "1733011260=nan 1733011320=inf{hostname=ip-10-0-1-3,} 1733011200=0.25");
  }
}

TEST_CASE("prom_response: a vector response") {
  Record r;
  REQUIRE_FALSE(read(R"({"status":"success","data":{"resultType":"vector","result":[)"
                     R"({"metric":{"pod":"a"},"value":[1733011200,"-Inf"]}]}})",
                     r));
  CHECK(r.out == "{pod=a,} 1733011200=-inf");
}

TEST_CASE("prom_response: status error is reported with its type and text") {
  CHECK(describe(R"({"status":"error","errorType":"bad_data","error":"invalid parameter \"query\""})") ==
        "q.json: status: Prometheus answered \"error\" (bad_data): invalid parameter \"query\"");
}

TEST_CASE("prom_response: malformed responses, located") {
  // The offset is 0-based and points at the last byte of the token that is wrong.
  CHECK(describe(R"({"status":"success","data":{"resultType":"scalar","result":[1,"2"]}})") ==
        "q.json:1: data: resultType \"scalar\": a range query (matrix) or an instant query (vector) is needed "
        "(at byte offset 48, near \"a\":{\"resultType\":\"scalar\",\"result\":[1,\"2\"]}}\")");
  CHECK(describe("{\"status\":\"success\",\n\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{},"
                 "\"values\":[[1,\"2\"],[2,\"x7\"]]}]}}") ==
        "q.json:2: data.result[0].values[1]: sample value \"x7\" is not a number (at byte offset 98, near "
        "\"\"values\":[[1,\"2\"],[2,\"x7\"]]}]}}\")");
  CHECK(describe(R"({"status":"success","data":{"resultType":"matrix","result":[{"values":[[1,"2",3]]}]}})") ==
        "q.json:1: data.result[0].values[0]: a sample is [unix seconds, \"value\"], got more items (at byte offset "
        "78, near \"ult\":[{\"values\":[[1,\"2\",3]]}]}}\")");
  CHECK(describe(R"({"status":"success","data":{"resultType":"matrix","result":[{"metric":{"pod":1}}]}})") ==
        "q.json:1: data.result[0].metric: label pod: expected a string (at byte offset 77, near "
        "\"sult\":[{\"metric\":{\"pod\":1}}]}}\")");
  CHECK(describe(R"({"status":"success","data":{"resultType":"matrix","result":[]})") ==
        "q.json:1: invalid JSON: unexpected end of input (the response ends early)");
  CHECK(describe(R"({"status":"success","data":{"resultType":"matrix","result":[}]}})") ==
        "q.json:1: data.result[0]: invalid JSON: expected a value but found '}' (at byte offset 60, near "
        "\"ype\":\"matrix\",\"result\":[}]}}\")");
  CHECK(describe("[1]") ==
        "q.json:1: not a Prometheus API response: expected a JSON object (at byte offset 0, near \"[1]\")");
  CHECK(describe(R"({"data":{"resultType":"matrix","result":[]}})") ==
        "q.json: status: not a Prometheus API response: no \"status\"");
  CHECK(describe(R"({"status":"success","data":{"resultType":"matrix","result":[{"values":[1]}]}})") ==
        "q.json:1: data.result[0].values[0]: a sample is [unix seconds, \"value\"], got a scalar (at byte offset 71, "
        "near \"x\",\"result\":[{\"values\":[1]}]}}\")");
}

TEST_CASE("prom_response: a sample's time is unix seconds of this era or later") {
  // libFuzzer found a time whose milliseconds overflowed profile's sample times.
  CHECK(
      describe(
          R"({"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[-1e300,"1"]]}]}})") ==
      "q.json:1: data.result[0].values[0]: a sample's time must be unix seconds from 0 to 1e11, got -1e+300 (at byte "
      "offset 89, near \"ric\":{},\"values\":[[-1e300,\"1\"]]}]}}\")");
}

TEST_CASE("prom_response: sample values") {
  CHECK(parseSampleValue("37") == 37.0);
  CHECK(parseSampleValue("0.125") == 0.125);
  CHECK(parseSampleValue("1e3") == 1000.0);
  CHECK(parseSampleValue("+2") == 2.0);
  CHECK(std::isnan(*parseSampleValue("NaN")));
  CHECK(parseSampleValue("") == std::nullopt);
  CHECK(parseSampleValue("12a") == std::nullopt);
  CHECK(parseSampleValue("++2") == std::nullopt);
  CHECK(parseSampleValue("1.") == 1.0);  // as from_chars reads it
  CHECK(parseSampleValue("1.2.3") == std::nullopt);
  CHECK(parseSampleValue("0.1") == 0.1);
  CHECK(parseSampleValue("123456789012.345") == 123456789012.345);
  CHECK(parseSampleValue("0.30000000000000004") == 0.30000000000000004);  // 17 digits: from_chars
}

TEST_CASE("prom_response: short decimals read exactly as from_chars reads them") {
  // The fast path divides the digits by a power of ten; one rounding, so the same double as
  // a correctly rounded parse for every decimal of up to 15 digits. Random ones of each shape:
  std::uint64_t state = 12345;
  auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 17;
  };
  int checked = 0;
  for (int n = 0; n < 200000; ++n) {
    const std::uint64_t whole = next() % 5;
    const int intDigits = static_cast<int>(whole) + 1;
    const int fracDigits = 1 + static_cast<int>(next() % static_cast<std::uint64_t>(15 - intDigits));
    std::string s;
    for (int i = 0; i < intDigits; ++i) s += static_cast<char>('0' + next() % 10);
    s += '.';
    for (int i = 0; i < fracDigits; ++i) s += static_cast<char>('0' + next() % 10);
    double expected = 0;
    std::from_chars(s.data(), s.data() + s.size(), expected);
    const auto got = parseSampleValue(s);
    REQUIRE(got);
    if (*got != expected) FAIL_CHECK(s);
    ++checked;
  }
  CHECK(checked == 200000);
}
