// libFuzzer target: any bytes as a saved Prometheus query response must give a WorkloadSet
// or one clean error, never a crash, a hang or undefined behaviour; and every WorkloadSet
// profile writes must read back as one (plan reads it as is). The JSON reader under it,
// JsonStream, must also agree with Boost.JSON on every input: same events, or both refuse.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "io/catalog_reader.h"
#include "io/profile_yaml.h"
#include "io/prom_response.h"
#include "io/workload_reader.h"
#include "profile/collector.h"
#include "support/json_differential.h"

namespace {

struct Sink : gpuslice::io::SeriesSink {
  gpuslice::Collector& c;
  explicit Sink(gpuslice::Collector& c) : c(c) {}
  void series(const gpuslice::Labels& l) override { c.series(l); }
  void sample(double t, double v) override { c.sample(t, v); }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  gpuslice::Collector collector({});
  Sink sink(collector);
  gpuslice::io::PromResponseReader reader("fuzz.json", sink);
  // Two pieces, split where the first byte says: keys, strings and numbers cut anywhere.
  const std::size_t cut = size ? data[0] % (size + 1) : 0;
  if (const auto difference = gpuslice::test::jsonDifference(text, cut)) {
    std::fprintf(stderr, "%s\n", difference->c_str());
    std::abort();
  }
  if (reader.feed(text.substr(0, cut)) || reader.feed(text.substr(cut)) || reader.finish()) return 0;
  static const auto catalog = gpuslice::io::loadCatalog("");
  if (!catalog) std::abort();
  auto profile = collector.finish(
      [](const std::string& m) { return gpuslice::catalogGpuName(*catalog, m); },
      [](const std::string& type, const std::string& m) { return gpuslice::catalogTypeProblem(*catalog, type, m); });
  if (!profile || gpuslice::unknownGpuModel(*profile, "fuzz.json")) return 0;  // profile refuses it
  auto set = gpuslice::io::readWorkloads({{"profile.yaml", gpuslice::io::profileYaml(*profile)}});
  if (!set) std::abort();
  return 0;
}
