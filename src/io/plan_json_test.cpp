#include <doctest/doctest.h>

#include <algorithm>
#include <cstddef>
#include <string>

#include "io/plan_report.h"

using namespace gpuslice;

namespace {

/// A hand-made plan of `n` workloads w00000, w00001, ... in namespace default, each with one
/// pod in the one MPS pool (whose list of workloads is left empty, so that nothing but the
/// report's workloads list grows with n).
struct ManyWorkloads {
  explicit ManyWorkloads(std::size_t n) {
    Pool pool;
    pool.name = "g4dn-xlarge-mps4";
    pool.instanceType = "g4dn.xlarge";
    pool.gpuModel = "T4";
    pool.mode = Mode::Mps;
    pool.replicas = 4;
    plan.pools.push_back(pool);
    for (std::size_t i = 0; i < n; ++i) {
      Workload w;
      w.name = name(i);
      w.gpuModel = "T4";
      w.memoryMiB = 3500;
      set.workloads.push_back(w);
      Placement pl;
      pl.workload = i;
      pl.computePpm = 250000;
      pl.risk.oom = OomKind::EnforcedLimit;
      pl.risk.memoryLimitMiB = 3968;
      pl.risk.memorySlackMiB = 384;
      pl.risk.computeShare = 0.25;
      pl.risk.worstStretch = 4.0;
      plan.placements.push_back(pl);
    }
  }
  static std::string name(std::size_t i) {
    std::string digits = std::to_string(i);
    return "w" + std::string(5 - digits.size(), '0') + digits;
  }
  io::ReportInput input() const { return {plan, set, catalog, options}; }

  Plan plan;
  WorkloadSet set;
  Catalog catalog;
  PlanOptions options;
};

std::string jsonItem(std::size_t i) {
  return "    {\n"
         "      \"gpuModel\": \"T4\",\n"
         "      \"instanceType\": \"g4dn.xlarge\",\n"
         "      \"mode\": \"mps\",\n"
         "      \"name\": \"" +
         ManyWorkloads::name(i) +
         "\",\n"
         "      \"namespace\": \"default\",\n"
         "      \"peakGpuMemoryMiB\": 3500,\n"
         "      \"pool\": \"g4dn-xlarge-mps4\",\n"
         "      \"replicas\": 1,\n"
         "      \"risk\": {\n"
         "        \"estimate\": false,\n"
         "        \"memorySlackMiB\": 384,\n"
         "        \"notes\": [],\n"
         "        \"oom\": \"enforced-limit\",\n"
         "        \"slowdownPercent\": 0,\n"
         "        \"worstStretch\": 4\n"
         "      },\n"
         "      \"slot\": {\n"
         "        \"computePerPod\": 0.25,\n"
         "        \"gpuShare\": 0.25,\n"
         "        \"memoryEnforced\": true,\n"
         "        \"memoryMiB\": 3968\n"
         "      }\n"
         "    }";
}

std::string yamlItem(std::size_t i) {
  return "- gpuModel: T4\n"
         "  instanceType: g4dn.xlarge\n"
         "  mode: mps\n"
         "  name: " +
         ManyWorkloads::name(i) +
         "\n"
         "  namespace: default\n"
         "  peakGpuMemoryMiB: 3500\n"
         "  pool: g4dn-xlarge-mps4\n"
         "  replicas: 1\n"
         "  risk:\n"
         "    estimate: false\n"
         "    memorySlackMiB: 384\n"
         "    notes: []\n"
         "    oom: enforced-limit\n"
         "    slowdownPercent: 0\n"
         "    worstStretch: 4\n"
         "  slot:\n"
         "    computePerPod: 0.25\n"
         "    gpuShare: 0.25\n"
         "    memoryEnforced: true\n"
         "    memoryMiB: 3968\n";
}

/// `text` with its only copy of `item` replaced by `items`; "" if `item` is not there once.
std::string replacedOnce(const std::string& text, const std::string& item, const std::string& items) {
  const std::size_t at = text.find(item);
  if (at == std::string::npos || text.find(item, at + 1) != std::string::npos) return "";
  return text.substr(0, at) + items + text.substr(at + item.size());
}

/// `text` with every `from` replaced by `to`.
std::string replacedAll(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

/// "" if equal, else where they first differ (the texts are megabytes: no full dump).
std::string firstDifference(const std::string& got, const std::string& want) {
  if (got == want) return "";
  const std::size_t common = std::min(got.size(), want.size());
  std::size_t at = 0;
  while (at < common && got[at] == want[at]) ++at;
  const std::size_t from = at < 200 ? 0 : at - 200;
  return "byte " + std::to_string(at) + " of " + std::to_string(got.size()) + " (want " + std::to_string(want.size()) +
         "): got\n" + got.substr(from, 400) + "\nwant\n" + want.substr(from, 400);
}

}  // namespace

TEST_CASE("plan report of 5000 workloads: the half written on another thread fits in exactly" *
          doctest::test_suite("threads")) {
  // 5000 is above the 4096 workloads from which the second half is written on its own
  // thread; a plan of one workload is written on one thread. The two reports differ only in
  // their workloads lists, and those only by the items, and in the counts of the chargeback's
  // one namespace and team.
  const ManyWorkloads one(1), many(5000);
  std::string jsonItems, yamlItems;
  for (std::size_t i = 0; i < 5000; ++i) {
    jsonItems += (i ? ",\n" : "") + jsonItem(i);
    yamlItems += yamlItem(i);
  }
  std::string json = replacedOnce(io::planJsonText(one.input()), jsonItem(0), jsonItems);
  json =
      replacedAll(replacedAll(json, "\"pods\": 1,", "\"pods\": 5000,"), "\"workloads\": 1\n", "\"workloads\": 5000\n");
  REQUIRE_FALSE(json.empty());
  CHECK(firstDifference(io::planJsonText(many.input()), json) == "");
  std::string yaml = replacedOnce(io::planYamlText(one.input()), yamlItem(0), yamlItems);
  yaml = replacedAll(replacedAll(yaml, "pods: 1\n", "pods: 5000\n"), "workloads: 1\n", "workloads: 5000\n");
  REQUIRE_FALSE(yaml.empty());
  CHECK(firstDifference(io::planYamlText(many.input()), yaml) == "");
}
