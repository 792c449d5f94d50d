#include "io/smi_csv.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace gpuslice;
using namespace gpuslice::io;

namespace {

std::string show(const std::optional<double>& v) { return v ? std::to_string(static_cast<long long>(*v)) : "-"; }

}  // namespace

TEST_CASE("smi_csv: the fixture, units, [N/A] and [Not Supported]") {
  std::vector<std::string> rows;
  auto e = readSmiCsv(std::string(GPUSLICE_TEST_DATA_DIR) + "/nvidia-smi/a10g.csv", [&](const SmiRow& r) {
    rows.push_back(show(r.unixSeconds) + " " + r.device + " " + r.name + " " + show(r.memoryUsedMiB) + " " +
                   show(r.utilizationPercent));
  });
  REQUIRE_FALSE(e);
  const std::string gpu = " GPU-604ac76c-1111-4c1e-9d43-0123456789ab NVIDIA A10G ";
  CHECK(rows == std::vector<std::string>{"1781047260" + gpu + "6120 31", "1781047265" + gpu + "6244 47",
                                         "1781047270" + gpu + "6300 -", "1781047275" + gpu + "- 12",
                                         "1781047280" + gpu + "7010 88"});
}

TEST_CASE("smi_csv: errors name the line") {
  auto run = [](const std::vector<std::string>& lines) {
    SmiCsvReader r("log.csv", [](const SmiRow&) {});
    for (const std::string& l : lines) {
      if (auto e = r.line(l)) return e->describe();
    }
    auto e = r.finish();
    return e ? e->describe() : std::string("ok");
  };
  CHECK(run({"index, memory.used [MiB]", "0, 12 MiB", "1, x"}) == "log.csv:3: memory.used: \"x\" is not a number");
  CHECK(run({"index, memory.used [MiB]", "0, 12 MiB, 3"}) == "log.csv:2: 3 fields, the header has 2");
  CHECK(run({"timestamp, utilization.gpu [%]", "2026/13/01 00:00:00.000, 5 %"}) ==
        "log.csv:2: timestamp: \"2026/13/01 00:00:00.000\" is not YYYY/MM/DD HH:MM:SS.mmm");
  CHECK(run({"0, 12 MiB"}) ==
        "log.csv:1: header: not an nvidia-smi --query-gpu --format=csv header: it names neither memory.used nor "
        "utilization.gpu (a noheader log cannot be read)");
  CHECK(run({}) == "log.csv: empty: no nvidia-smi header line");
  CHECK(run({"index, utilization.gpu", "0, 40", "", "1, 7 %"}) == "ok");  // nounits, blank lines
}
