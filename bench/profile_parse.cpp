// Streaming JSON parsers on a Prometheus range-query (matrix) response: which one `gpuslice
// profile` should use (bench/README.md, "Reading metrics"). Each mode computes every series'
// maximum sample value, the same figure bench/profile.sh has jq compute.
//   gpuslice-profile-parse gen FILE [MB]     write a matrix of FB_USED and GPU_UTIL series (~MB MB)
//   gpuslice-profile-parse boost FILE        Boost.JSON basic_parser fed 64 KiB chunks
//   gpuslice-profile-parse rapidjson FILE    RapidJSON Reader on a 64 KiB FileReadStream
//   gpuslice-profile-parse stream FILE       gpuslice's JsonStream (io/json_stream.h) fed 64 KiB
// Prints one line: parser, MB, seconds, MB/s, peak RSS, series and the sum of their maxima.
#include <fmt/format.h>
#include <rapidjson/filereadstream.h>
#include <rapidjson/reader.h>
#include <sys/resource.h>

#include <boost/json/basic_parser_impl.hpp>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "io/json_stream.h"

namespace {

constexpr std::size_t kChunk = 64 * 1024;

/// The work both parsers share: track depth, spot the "values" arrays, take each sample's
/// value string and keep the series' maximum.
struct Maxima {
  int depth = 0;
  int valuesDepth = -1;  // depth of the open "values" array, -1 outside one
  bool keyIsValues = false;
  double current = -std::numeric_limits<double>::infinity();
  std::vector<double> maxima;

  void open() {
    ++depth;
    if (keyIsValues) {
      valuesDepth = depth;
      current = -std::numeric_limits<double>::infinity();
    }
    keyIsValues = false;
  }
  void close() {
    if (depth == valuesDepth) {
      maxima.push_back(current);
      valuesDepth = -1;
    }
    --depth;
  }
  void key(std::string_view k) { keyIsValues = depth == 4 && k == "values"; }
  void string(std::string_view s) {
    keyIsValues = false;
    if (valuesDepth < 0 || depth != valuesDepth + 1) return;
    sample(s);
  }
  void sample(std::string_view s) {
    double v = 0;
    if (std::from_chars(s.data(), s.data() + s.size(), v).ec == std::errc() && v > current) current = v;
  }
  void scalar() { keyIsValues = false; }
};

struct BoostHandler {
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);
  Maxima m;
  std::string part;

  using ec = boost::json::error_code;
  using sv = boost::json::string_view;
  bool on_document_begin(ec&) { return true; }
  bool on_document_end(ec&) { return true; }
  bool on_object_begin(ec&) { return m.open(), true; }
  bool on_object_end(std::size_t, ec&) { return m.close(), true; }
  bool on_array_begin(ec&) { return m.open(), true; }
  bool on_array_end(std::size_t, ec&) { return m.close(), true; }
  bool on_key_part(sv s, std::size_t, ec&) { return part.append(s.data(), s.size()), true; }
  bool on_key(sv s, std::size_t, ec&) {
    return whole(s, [&](std::string_view k) { m.key(k); });
  }
  bool on_string_part(sv s, std::size_t, ec&) { return part.append(s.data(), s.size()), true; }
  bool on_string(sv s, std::size_t, ec&) {
    return whole(s, [&](std::string_view v) { m.string(v); });
  }
  bool on_number_part(sv, ec&) { return true; }
  bool on_int64(std::int64_t, sv, ec&) { return m.scalar(), true; }
  bool on_uint64(std::uint64_t, sv, ec&) { return m.scalar(), true; }
  bool on_double(double, sv, ec&) { return m.scalar(), true; }
  bool on_bool(bool, ec&) { return m.scalar(), true; }
  bool on_null(ec&) { return m.scalar(), true; }
  bool on_comment_part(sv, ec&) { return true; }
  bool on_comment(sv, ec&) { return true; }

  template <class F>
  bool whole(sv last, F f) {
    if (part.empty()) {
      f(std::string_view(last.data(), last.size()));
    } else {
      part.append(last.data(), last.size());
      f(part);
      part.clear();
    }
    return true;
  }
};

bool runBoost(std::FILE* in, Maxima& out) {
  boost::json::basic_parser<BoostHandler> p{boost::json::parse_options{}};
  std::vector<char> buf(kChunk);
  boost::json::error_code ec;
  for (;;) {
    const std::size_t n = std::fread(buf.data(), 1, buf.size(), in);
    const bool more = n == buf.size();
    p.write_some(more, buf.data(), n, ec);
    if (ec) return false;
    if (!more) break;
  }
  out = std::move(p.handler().m);
  return true;
}

struct RapidHandler : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, RapidHandler> {
  Maxima m;
  bool Default() { return m.scalar(), true; }
  bool StartObject() { return m.open(), true; }
  bool EndObject(rapidjson::SizeType) { return m.close(), true; }
  bool StartArray() { return m.open(), true; }
  bool EndArray(rapidjson::SizeType) { return m.close(), true; }
  bool Key(const char* s, rapidjson::SizeType n, bool) { return m.key({s, n}), true; }
  bool String(const char* s, rapidjson::SizeType n, bool) { return m.string({s, n}), true; }
};

bool runRapid(std::FILE* in, Maxima& out) {
  std::vector<char> buf(kChunk);
  rapidjson::FileReadStream stream(in, buf.data(), buf.size());
  rapidjson::Reader reader;
  RapidHandler h;
  if (reader.Parse(stream, h).IsError()) return false;
  out = std::move(h.m);
  return true;
}

/// A DCGM exporter label set, as the exporter writes it with pod mapping on: even series are
/// framebuffer used, odd ones GPU_UTIL of the same pod.
std::string labels(int s) {
  const char* metric = s % 2 ? "DCGM_FI_DEV_GPU_UTIL" : "DCGM_FI_DEV_FB_USED";
  s /= 2;
  return fmt::format(
      R"({{"__name__":"{}","DCGM_FI_DRIVER_VERSION":"550.54.15","Hostname":"ip-10-0-{}-{}",)"
      R"("UUID":"GPU-{:08x}-5b2c-4c1e-9d43-0123456789ab","container":"server","device":"nvidia{}","gpu":"{}",)"
      R"("instance":"10.0.{}.{}:9400","job":"dcgm-exporter","modelName":"NVIDIA A10G","namespace":"team-{}",)"
      R"("pci_bus_id":"00000000:{:02X}:00.0","pod":"svc-{}-7d9f8b6c5-x{:04d}"}})",
      metric, s / 200, s % 200, 0x604ac76cU + static_cast<unsigned>(s), s % 4, s % 4, s / 200, s % 200, s % 17,
      0x1b + s % 4, s % 50, s);
}

int generate(const char* path, double mb) {
  std::FILE* out = std::fopen(path, "w");
  if (!out) return 1;
  constexpr int kSamples = 20160;  // 14 days at a 60 s step
  const double perSeries = kSamples * 21.0 + 400;
  const int series = std::max(1, static_cast<int>(mb * 1e6 / perSeries));
  std::fputs(R"({"status":"success","data":{"resultType":"matrix","result":[)", out);
  std::uint32_t x = 12345;
  std::string row;
  for (int s = 0; s < series; ++s) {
    row = fmt::format(R"({}{{"metric":{},"values":[)", s ? "," : "", labels(s));
    const int base = 1000 + (s * 37) % 20000;
    for (int i = 0; i < kSamples; ++i) {
      x = x * 1664525u + 1013904223u;
      const int v = s % 2 ? static_cast<int>(x >> 25) : base + static_cast<int>(x >> 22);
      fmt::format_to(std::back_inserter(row), R"({}[{},"{}"])", i ? "," : "", 1733011200 + i * 60, v);
    }
    row += "]}";
    std::fwrite(row.data(), 1, row.size(), out);
  }
  std::fputs("]}}\n", out);
  return std::fclose(out) == 0 ? 0 : 1;
}

struct StreamHandler {
  Maxima m;
  bool beginObject() { return m.open(), true; }
  bool endObject() { return m.close(), true; }
  bool beginArray() { return m.open(), true; }
  bool endArray() { return m.close(), true; }
  bool key(std::string_view k) { return m.key(k), true; }
  bool string(std::string_view v) { return m.string(v), true; }
  bool number(double) { return m.scalar(), true; }
  bool literal(gpuslice::io::JsonLiteral) { return m.scalar(), true; }
  /// A [time, "value"] array read whole (JsonStream's fast lane, as profile's reader has it).
  bool pair(double, std::string_view v) {
    if (m.valuesDepth < 0 || m.depth != m.valuesDepth) return false;
    m.sample(v);
    return true;
  }
};

bool runStream(std::FILE* in, Maxima& out) {
  StreamHandler h;
  gpuslice::io::JsonStream<StreamHandler> stream(h);
  std::vector<char> buf(kChunk);
  for (std::size_t n; (n = std::fread(buf.data(), 1, buf.size(), in)) > 0;) {
    if (!stream.feed(std::string_view(buf.data(), n))) return false;
  }
  if (!stream.finish()) return false;
  out = std::move(h.m);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fputs("usage: gpuslice-profile-parse gen|boost|rapidjson|stream FILE [MB]\n", stderr);
    return 2;
  }
  const std::string mode = argv[1];
  if (mode == "gen") return generate(argv[2], argc > 3 ? std::atof(argv[3]) : 300);
  std::FILE* in = std::fopen(argv[2], "rb");
  if (!in) return 1;
  const auto start = std::chrono::steady_clock::now();
  Maxima m;
  const bool ok = mode == "boost" ? runBoost(in, m) : mode == "stream" ? runStream(in, m) : runRapid(in, m);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double mb = static_cast<double>(std::ftell(in)) / 1e6;
  std::fclose(in);
  if (!ok) {
    std::fprintf(stderr, "%s: parse error\n", argv[2]);
    return 1;
  }
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  double sum = 0;
  for (double v : m.maxima) sum += v;
  const double cpu = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                     static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  // CPU time as well as wall time: on a shared machine the wall clock also counts waiting.
  fmt::print(
      "{:<10} mb={:.1f} wall_s={:.2f} cpu_s={:.2f} mb_per_wall_s={:.0f} mb_per_cpu_s={:.0f} peak_rss_mib={:.1f} "
      "series={} sum_of_maxima={:.0f}\n",
      mode, mb, seconds, cpu, mb / seconds, mb / cpu, static_cast<double>(ru.ru_maxrss) / 1024.0, m.maxima.size(), sum);
  return 0;
}
