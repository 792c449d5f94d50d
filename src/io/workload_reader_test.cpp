#include "io/workload_reader.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

using namespace gpuslice;

namespace {

std::string errorOf(const std::string& text, const std::string& file = "w.yaml") {
  auto r = io::readWorkloads({{file, text}});
  REQUIRE_FALSE(r.ok());
  return r.error().describe();
}

const char* kHead = "apiVersion: gpuslice.dev/v1alpha1\nkind: WorkloadSet\nspec:\n  workloads:\n";

}  // namespace

TEST_CASE("a full workload decodes into the model") {
  const std::string text = std::string(kHead) +
                           "    - name: infer\n"
                           "      namespace: ml\n"
                           "      replicas: 3\n"
                           "      gpu: {model: A10G, memoryGiB: 3.5, compute: 0.125}\n"
                           "      cpu: 500m\n"
                           "      memory: 2Gi\n"
                           "      isolation: memory\n"
                           "      sharing: [mps, dedicated]\n"
                           "      arch: [arm64, amd64]\n"
                           "      instanceTypes: ['g5.*']\n"
                           "      current: {instanceType: g5.xlarge}\n";
  auto r = io::readWorkloads({{"w.yaml", text}});
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().describe()));
  REQUIRE(r->workloads.size() == 1);
  const Workload& w = r->workloads[0];
  CHECK(r->region == "us-east-1");
  CHECK(w.name == "infer");
  CHECK(w.ns == "ml");
  CHECK(w.replicas == 3);
  CHECK(w.gpuModel == "A10G");
  CHECK(w.memoryMiB == 3584);
  CHECK(w.computePpm == 125000);
  CHECK(*w.cpuMillis == 500);
  CHECK(*w.memoryBytes == 2147483648);
  CHECK(w.isolation == Isolation::Memory);
  CHECK(w.sharing == (bit(Mode::Mps) | bit(Mode::Dedicated)));
  CHECK(w.arch == (archBit(Arch::Arm64) | archBit(Arch::Amd64)));
  CHECK(w.instanceTypes == std::vector<std::string>{"g5.*"});
  CHECK(*w.currentType == "g5.xlarge");
  CHECK(w.currentCapacity == Capacity::OnDemand);
  CHECK(w.source.line == 5);
  CHECK(w.source.field == "workloads[0]");
}

TEST_CASE("JSON input gives the same workloads, with line numbers") {
  const char* json = R"({"apiVersion": "gpuslice.dev/v1alpha1", "kind": "WorkloadSet",
  "spec": {"region": "us-east-1", "workloads": [
    {"name": "a", "gpu": {"model": "T4", "memoryGiB": 1, "compute": 0.5}},
    {"name": "b", "gpu": {"model": "T4", "memoryGiB": 1, "compute": 1.5}}]}})";
  CHECK(errorOf(json, "w.json") == "w.json:4: workloads[1].gpu.compute: must be in (0, 1], got 1.5");
}

TEST_CASE("every bad value names file, line and field") {
  auto one = [](const std::string& body) { return errorOf(std::string(kHead) + "    - name: a\n" + body); };
  const std::string gpu = "      gpu: {model: V100, memoryGiB: 2, compute: 0.5}\n";
  CHECK(one("      gpu: {model: V100, memoryGiB: 2, compute: 1.7}\n") ==
        "w.yaml:6: workloads[0].gpu.compute: must be in (0, 1], got 1.7");
  CHECK(one("      gpu: {model: V100, memoryGiB: 2, compute: 0}\n") ==
        "w.yaml:6: workloads[0].gpu.compute: must be in (0, 1], got 0");
  CHECK(one("      gpu: {model: V100, memoryGiB: -1, compute: 0.5}\n") ==
        "w.yaml:6: workloads[0].gpu.memoryGiB: must be in (0, 1024], got -1");
  CHECK(one("      gpu: {model: V100, memoryGiB: \"2\", compute: 0.5}\n") ==
        "w.yaml:6: workloads[0].gpu.memoryGiB: must be a number, got \"2\"");
  CHECK(one(gpu + "      replica: 2\n") ==
        "w.yaml:7: workloads[0].replica: unknown field (allowed here: name, namespace, replicas, gpu, cpu, memory, "
        "isolation, sharing, current, arch, instanceTypes, container, kind, minNodes, maxReplicas, team)");
  CHECK(one(gpu + "      team: ML_Platform\n") ==
        "w.yaml:7: workloads[0].team: ML_Platform is not a DNS-1123 label: it contains 'M': only lower-case "
        "letters, digits and '-' are allowed");
  CHECK(one(gpu + "      replicas: -1\n") == "w.yaml:7: workloads[0].replicas: must be between 0 and 100000, got -1");
  CHECK(one(gpu + "      replicas: 2.5\n") == "w.yaml:7: workloads[0].replicas: must be a whole number, got 2.5");
  CHECK(one(gpu + "      cpu: abc\n") ==
        "w.yaml:7: workloads[0].cpu: must be a CPU quantity such as 500m or 2 (at most 1024), got abc");
  CHECK(one(gpu + "      memory: -1Gi\n") ==
        "w.yaml:7: workloads[0].memory: must be a memory quantity such as 512Mi or 8Gi (at most 64Ti), got -1Gi");
  CHECK(one(gpu + "      isolation: total\n") ==
        "w.yaml:7: workloads[0].isolation: must be none, memory or full, got total");
  CHECK(one(gpu + "      sharing: [mig, slicing]\n") ==
        "w.yaml:7: workloads[0].sharing[1]: unknown sharing mode slicing (one of dedicated, time-slicing, mps, mig)");
  CHECK(one(gpu + "      current: {instanceType: g4dn.xlarge, capacity: reserved}\n") ==
        "w.yaml:7: workloads[0].current.capacity: must be on-demand or spot, got reserved");
  CHECK(one(gpu + "      current:\n        instanceType: g4dn.xlarge\n        capacity: 1\n") ==
        "w.yaml:9: workloads[0].current.capacity: must be on-demand or spot, got 1");
  CHECK(one(gpu + "      arch: [x86]\n") == "w.yaml:7: workloads[0].arch[0]: must be amd64 or arm64, got x86");
  CHECK(one("      gpu: {memoryGiB: 2, compute: 0.5}\n") ==
        "w.yaml:6: workloads[0].gpu.model: required when current.instanceType is not given");
  CHECK(errorOf(std::string(kHead) + "    - name: Bad_Name\n" + gpu) ==
        "w.yaml:5: workloads[0].name: Bad_Name is not a DNS-1123 label: it contains 'B': only lower-case letters, "
        "digits and '-' are allowed");
  CHECK(errorOf(std::string(kHead) + "    - name: a\n      namespace: " + std::string(64, 'n') + "\n" + gpu) ==
        "w.yaml:6: workloads[0].namespace: " + std::string(40, 'n') +
            "... is not a DNS-1123 label: it is 64 characters long, more than 63");
  // A character outside ASCII is named whole, and a cut never falls inside one (39 'n', then
  // the two bytes of 'é' at bytes 40 and 41: the excerpt stops before them).
  CHECK(errorOf(std::string(kHead) + "    - name: téam\n" + gpu) ==
        "w.yaml:5: workloads[0].name: téam is not a DNS-1123 label: it contains 'é': only lower-case "
        "letters, digits and '-' are allowed");
  CHECK(errorOf(std::string(kHead) + "    - name: " + std::string(39, 'n') + "é" + std::string(10, 'n') + "\n" + gpu) ==
        "w.yaml:5: workloads[0].name: " + std::string(39, 'n') +
            "... is not a DNS-1123 label: it contains 'é': only lower-case letters, digits and "
            "'-' are allowed");
  CHECK(errorOf("apiVersion: gpuslice.dev/v1alpha1\nkind: Plan\nspec: {}\n") ==
        "w.yaml:2: kind: must be WorkloadSet, got Plan");
  CHECK(errorOf("apiVersion: gpuslice.dev/v1alpha1\nkind: WorkloadSet\nspec:\n  workloads: []\n") ==
        "w.yaml:4: workloads: must list at least one workload");
}

TEST_CASE("container and kind name what render patches") {
  const std::string gpu = "      gpu: {model: V100, memoryGiB: 2, compute: 0.5}\n";
  auto r = io::readWorkloads({{"w.yaml", std::string(kHead) + "    - name: a\n" + gpu +
                                             "      container: server\n      kind: CronJob\n    - name: b\n" + gpu}});
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().describe()));
  CHECK(r->workloads[0].containerName() == "server");
  CHECK(r->workloads[0].kind == WorkloadKind::CronJob);
  CHECK(r->workloads[1].container.empty());
  CHECK(r->workloads[1].containerName() == "b");
  CHECK(r->workloads[1].kind == WorkloadKind::Deployment);
  auto one = [&](const std::string& body) { return errorOf(std::string(kHead) + "    - name: a\n" + gpu + body); };
  CHECK(one("      kind: DaemonSet\n") ==
        "w.yaml:7: workloads[0].kind: must be Deployment, StatefulSet, Job or CronJob, got DaemonSet");
  CHECK(one("      kind: deployment\n") ==
        "w.yaml:7: workloads[0].kind: must be Deployment, StatefulSet, Job or CronJob, got deployment");
  CHECK(one("      container: Main\n") ==
        "w.yaml:7: workloads[0].container: Main is not a DNS-1123 label: it contains 'M': only lower-case letters, "
        "digits and '-' are allowed");
}

TEST_CASE("team names who pays for a workload; without it, its namespace") {
  const std::string gpu = "      gpu: {model: V100, memoryGiB: 2, compute: 0.5}\n";
  auto r = io::readWorkloads({{"w.yaml", std::string(kHead) + "    - name: a\n" + gpu +
                                             "      team: search\n    - name: b\n      namespace: ml\n" + gpu}});
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().describe()));
  CHECK(r->workloads[0].teamName() == "search");
  CHECK(r->workloads[1].team.empty());
  CHECK(r->workloads[1].teamName() == "ml");
}

TEST_CASE("files merge; duplicates and conflicting regions are errors") {
  const std::string a = std::string(kHead) + "    - name: x\n      gpu: {model: T4, memoryGiB: 1, compute: 0.1}\n";
  auto merged = io::readWorkloads(
      {{"a.yaml", a},
       {"b.yaml", std::string(kHead) + "    - {name: w, gpu: {model: T4, memoryGiB: 1, compute: 0.1}}\n"}});
  REQUIRE(merged.ok());
  CHECK(merged->workloads.size() == 2);
  CHECK(merged->workloads[0].name == "w");  // sorted by namespace, then name
  auto dup = io::readWorkloads({{"a.yaml", a}, {"b.yaml", a}});
  REQUIRE_FALSE(dup.ok());
  CHECK(dup.error().describe() ==
        "b.yaml:5: workloads[0].name: duplicate workload default/x (first defined at a.yaml:5)");
  const std::string eu =
      "apiVersion: gpuslice.dev/v1alpha1\nkind: WorkloadSet\nspec:\n  region: eu-west-1\n  workloads:\n"
      "    - {name: y, gpu: {model: T4, memoryGiB: 1, compute: 0.1}}\n";
  const std::string us =
      "apiVersion: gpuslice.dev/v1alpha1\nkind: WorkloadSet\nspec:\n  region: us-east-1\n  workloads:\n"
      "    - {name: z, gpu: {model: T4, memoryGiB: 1, compute: 0.1}}\n";
  auto conflict = io::readWorkloads({{"us.yaml", us}, {"eu.yaml", eu}});
  REQUIRE_FALSE(conflict.ok());
  CHECK(conflict.error().describe() ==
        "eu.yaml:4: region: \"eu-west-1\" conflicts with region \"us-east-1\" set in us.yaml:4");
}

TEST_CASE("large files decode on two threads; the errors of both halves are reported in line order" *
          doctest::test_suite("threads")) {
  auto fleet = [](std::initializer_list<int> bad) {
    std::string text = R"({"apiVersion": "gpuslice.dev/v1alpha1", "kind": "WorkloadSet", "spec": {"workloads": [)";
    for (int i = 0; i < 6000; ++i) {
      const bool wrong = std::find(bad.begin(), bad.end(), i) != bad.end();
      text += (i ? ",\n" : "\n") + std::string(R"({"name": "w)") + std::to_string(i) +
              R"(", "gpu": {"model": "T4", "memoryGiB": 1, "compute": )" + (wrong ? "2" : "0.5") + "}}";
    }
    return text + "]}}";
  };
  auto ok = io::readWorkloads({{"big.json", fleet({})}});
  REQUIRE(ok.ok());
  CHECK(ok->workloads.size() == 6000);
  CHECK(ok->workloads[0].name == "w0");  // sorted by name: w0, w1, w10, ...
  CHECK(ok->workloads[5999].name == "w999");
  CHECK(ok->workloads[5999].source.line == 999 + 2);  // one workload per line after the first
  // All of them, sorted as strings on two threads, each with the line it came from.
  std::vector<std::string> names;
  for (int i = 0; i < 6000; ++i) names.push_back("w" + std::to_string(i));
  std::sort(names.begin(), names.end());
  int misplaced = 0;
  for (std::size_t k = 0; k < names.size(); ++k) {
    const Workload& w = ok->workloads[k];
    misplaced += w.name != names[k] || w.source.line != std::stoi(names[k].substr(1)) + 2;
  }
  CHECK(misplaced == 0);
  auto both = io::readWorkloads({{"big.json", fleet({5000, 100})}});
  REQUIRE_FALSE(both.ok());
  REQUIRE(both.errors().size() == 2);
  CHECK(both.errors()[0].describe() == "big.json:102: workloads[100].gpu.compute: must be in (0, 1], got 2");
  CHECK(both.errors()[1].describe() == "big.json:5002: workloads[5000].gpu.compute: must be in (0, 1], got 2");
  auto late = io::readWorkloads({{"big.json", fleet({5000})}});
  REQUIRE_FALSE(late.ok());
  CHECK(late.error().describe() == "big.json:5002: workloads[5000].gpu.compute: must be in (0, 1], got 2");
}

TEST_CASE("more than ten million pods in all is an error naming the workload that crosses it") {
  std::string text = "apiVersion: gpuslice.dev/v1alpha1\nkind: WorkloadSet\nspec:\n  workloads:\n";
  for (int i = 0; i < 101; ++i) {
    text += "    - {name: w" + std::to_string(100 + i) +
            ", replicas: 100000, gpu: {model: T4, memoryGiB: 1, compute: 0.1}}\n";
  }
  auto r = io::readWorkloads({{"many.yaml", text}});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().describe() ==
        "many.yaml:105: workloads[100].replicas: the workloads add up to more than 10000000 pods, more than gpuslice "
        "plans at once");
}

namespace {

/// Every error of reading `inputs`, one describe() each.
std::vector<std::string> allErrors(const std::vector<io::InputText>& inputs) {
  auto r = io::readWorkloads(inputs);
  REQUIRE_FALSE(r.ok());
  std::vector<std::string> out;
  for (const Error& e : r.errors()) out.push_back(e.describe());
  return out;
}

}  // namespace

TEST_CASE("every schema error of a file is reported, in line order; a bad workload does not stop the rest") {
  const std::string text = std::string(kHead) +
                           "    - name: a\n"                                        // 5
                           "      replica: 2\n"                                     // 6
                           "      gpu: {model: T4, memoryGiB: -1, compute: 1.5}\n"  // 7
                           "      sharing: [mps, slicing, x]\n"                     // 8
                           "    - name: Bad\n"                                      // 9
                           "      namespace: ml\n"                                  // 10
                           "      gpu: {model: T4, memoryGiB: 1, compute: 0.5}\n"   // 11
                           "    - name: good\n"                                     // 12
                           "      gpu: {model: T4, memoryGiB: 1, compute: 0.5}\n"   // 13
                           "    - name: c\n"                                        // 14
                           "      cpu: lots\n";                                     // 15
  CHECK(
      allErrors({{"w.yaml", text}}) ==
      std::vector<std::string>{
          "w.yaml:6: workloads[0].replica: unknown field (allowed here: name, namespace, replicas, gpu, cpu, memory, "
          "isolation, sharing, current, arch, instanceTypes, container, kind, minNodes, maxReplicas, team)",
          "w.yaml:7: workloads[0].gpu.memoryGiB: must be in (0, 1024], got -1",
          "w.yaml:7: workloads[0].gpu.compute: must be in (0, 1], got 1.5",
          "w.yaml:8: workloads[0].sharing[1]: unknown sharing mode slicing (one of dedicated, time-slicing, mps, mig)",
          "w.yaml:8: workloads[0].sharing[2]: unknown sharing mode x (one of dedicated, time-slicing, mps, mig)",
          "w.yaml:9: workloads[1].name: Bad is not a DNS-1123 label: it contains 'B': only lower-case letters, "
          "digits and '-' are allowed",
          "w.yaml:14: workloads[3].gpu: required (model, memoryGiB, compute)",
          "w.yaml:15: workloads[3].cpu: must be a CPU quantity such as 500m or 2 (at most 1024), got lots"});
  // Both header fields at once; a spec that is not a mapping stops that document only.
  CHECK(
      allErrors({{"a.yaml", "apiVersion: v1\nkind: Plan\nspec: []\n"},
                 {"b.yaml", std::string(kHead) + "    - {name: x, gpu: {model: T4, memoryGiB: 0, compute: 0.5}}\n"}}) ==
      std::vector<std::string>{"a.yaml:1: apiVersion: must be gpuslice.dev/v1alpha1, got v1",
                               "a.yaml:2: kind: must be WorkloadSet, got Plan",
                               "a.yaml:3: spec: must be a mapping, got a list",
                               "b.yaml:5: workloads[0].gpu.memoryGiB: must be in (0, 1024], got 0"});
}

TEST_CASE("a workload left out for an error is not taken for a duplicate; every duplicate points at the first") {
  const std::string gpu = "gpu: {model: T4, memoryGiB: 1, compute: 0.1}";
  // x's namespace is wrong, so x is left out: it must not clash with default/x.
  CHECK(allErrors({{"w.yaml", std::string(kHead) + "    - {name: x, namespace: Bad, " + gpu + "}\n" +
                                  "    - {name: x, " + gpu + "}\n"}}) ==
        std::vector<std::string>{"w.yaml:5: workloads[0].namespace: Bad is not a DNS-1123 label: it contains 'B': only "
                                 "lower-case letters, digits and '-' are allowed"});
  const std::string x = std::string(kHead) + "    - {name: x, " + gpu + "}\n";
  CHECK(allErrors({{"a.yaml", x}, {"b.yaml", x}, {"c.yaml", x}}) ==
        std::vector<std::string>{
            "b.yaml:5: workloads[0].name: duplicate workload default/x (first defined at a.yaml:5)",
            "c.yaml:5: workloads[0].name: duplicate workload default/x (first defined at a.yaml:5)"});
}

TEST_CASE("replicas: 0 is read and set apart, not planned") {
  const std::string gpu = "gpu: {model: T4, memoryGiB: 1, compute: 0.1}";
  auto r = io::readWorkloads(
      {{"w.yaml", std::string(kHead) + "    - {name: b, replicas: 0, " + gpu + "}\n" + "    - {name: a, replicas: 2, " +
                      gpu + "}\n" + "    - {name: c, replicas: 0, " + gpu + "}\n"}});
  REQUIRE(r.ok());
  REQUIRE(r->workloads.size() == 1);
  CHECK(r->workloads[0].name == "a");
  REQUIRE(r->scaledToZero.size() == 2);
  CHECK(r->scaledToZero[0].name == "b");
  CHECK(r->scaledToZero[1].name == "c");
  CHECK(r->scaledToZero[1].source.line == 7);
  // All at zero: a set with nothing to plan, not an error.
  auto idle = io::readWorkloads({{"w.yaml", std::string(kHead) + "    - {name: b, replicas: 0, " + gpu + "}\n"}});
  REQUIRE(idle.ok());
  CHECK(idle->workloads.empty());
  CHECK(idle->scaledToZero.size() == 1);
}

TEST_CASE("a YAML file of several documents is several WorkloadSets, merged") {
  const std::string gpu = "gpu: {model: T4, memoryGiB: 1, compute: 0.1}";
  const std::string doc =
      "apiVersion: gpuslice.dev/v1alpha1\nkind: WorkloadSet\nspec:\n  region: us-east-1\n"
      "  workloads:\n";
  const std::string two = "# team a\n---\n" + doc + "    - {name: a, " + gpu + "}\n" +  // lines 1-8
                          "---\n" +                                                     // 9
                          doc + "    - {name: b, namespace: ml, " + gpu + "}\n" +       // 10-15
                          "---\n# nothing here\n";
  auto r = io::readWorkloads({{"w.yaml", two}});
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().describe()));
  REQUIRE(r->workloads.size() == 2);
  CHECK(r->workloads[0].qualifiedName() == "default/a");
  CHECK(r->workloads[0].source.line == 8);
  CHECK(r->workloads[1].qualifiedName() == "ml/b");
  CHECK(r->workloads[1].source.line == 15);
  // A name once across the documents, one region, lines counted from the top of the file.
  const std::string clash = doc + "    - {name: a, " + gpu + "}\n---\n" + doc + "    - {name: a, " + gpu + "}\n" +
                            "---\napiVersion: gpuslice.dev/v1alpha1\nkind: WorkloadSet\nspec:\n  region: eu-west-1\n"
                            "  workloads:\n    - {name: z, " +
                            gpu + "}\n";
  CHECK(
      allErrors({{"w.yaml", clash}}) ==
      std::vector<std::string>{"w.yaml:13: workloads[0].name: duplicate workload default/a (first defined at w.yaml:6)",
                               "w.yaml:18: region: \"eu-west-1\" conflicts with region \"us-east-1\" set in w.yaml:4"});
  CHECK(allErrors({{"w.yaml", "---\n# only comments\n---\n"}}) == std::vector<std::string>{"w.yaml: empty document"});
}

TEST_CASE("current.capacity: spot or on-demand, on-demand when left out") {
  auto capacityOf = [](const std::string& current) {
    auto r = io::readWorkloads({{"w.yaml", std::string(kHead) + "    - name: a\n" +
                                               "      gpu: {model: T4, memoryGiB: 2, compute: 0.5}\n" + current}});
    REQUIRE(r.ok());
    const Workload& w = r->workloads.at(0);
    return std::pair{w.currentCapacity, w.source.capacityLine};
  };
  CHECK(capacityOf("      current: {instanceType: g4dn.xlarge, capacity: spot}\n") == std::pair{Capacity::Spot, 7});
  CHECK(capacityOf("      current:\n        instanceType: g4dn.xlarge\n        capacity: on-demand\n") ==
        std::pair{Capacity::OnDemand, 9});
  CHECK(capacityOf("      current: {instanceType: g4dn.xlarge}\n") == std::pair{Capacity::OnDemand, 0});
}

TEST_CASE("minNodes: 1 to replicas, read where it is written") {
  const std::string gpu = "      gpu: {model: V100, memoryGiB: 2, compute: 0.5}\n";
  auto r = io::readWorkloads({{"w.yaml", std::string(kHead) + "    - name: a\n" + gpu +
                                             "      replicas: 3\n      minNodes: 3\n    - name: b\n" + gpu}});
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().describe()));
  CHECK(r->workloads[0].minNodes == 3);
  CHECK(!r->workloads[1].minNodes);
  auto one = [&](const std::string& body) { return errorOf(std::string(kHead) + "    - name: a\n" + gpu + body); };
  CHECK(one("      replicas: 3\n      minNodes: 4\n") ==
        "w.yaml:8: workloads[0].minNodes: must be at most replicas (3): a node more than pods stays empty, got 4");
  CHECK(one("      minNodes: 2\n") ==
        "w.yaml:7: workloads[0].minNodes: must be at most replicas (1): a node more than pods stays empty, got 2");
  CHECK(one("      replicas: 3\n      minNodes: 0\n") ==
        "w.yaml:8: workloads[0].minNodes: must be between 1 and 100000, got 0");
  CHECK(one("      replicas: 3\n      minNodes: -2\n") ==
        "w.yaml:8: workloads[0].minNodes: must be between 1 and 100000, got -2");
  CHECK(one("      replicas: 3\n      minNodes: 1.5\n") ==
        "w.yaml:8: workloads[0].minNodes: must be a whole number, got 1.5");
  // Scaled to zero: any minNodes is kept for when it scales up again.
  auto idle = io::readWorkloads({{"w.yaml", std::string(kHead) + "    - name: a\n" + gpu +
                                                "      replicas: 0\n      minNodes: 2\n    - name: b\n" + gpu}});
  REQUIRE(idle.ok());
  CHECK(idle->scaledToZero.at(0).minNodes == 2);
}

TEST_CASE("gpu.minComputeCapability: major.minor as text or number, in tenths") {
  auto read = [](const std::string& cc) {
    return io::readWorkloads({{"w.yaml", std::string(kHead) + "    - name: a\n" +
                                             "      gpu: {model: A10G, memoryGiB: 2, compute: 0.5, "
                                             "minComputeCapability: " +
                                             cc + "}\n"}});
  };
  auto r = read("\"8.0\"");
  REQUIRE(r.ok());
  CHECK(r->workloads[0].minComputeCapability == 80);
  r = read("10.3");
  REQUIRE(r.ok());
  CHECK(r->workloads[0].minComputeCapability == 103);
  for (const char* bad : {"\"8\"", "\"8.10\"", "eight", "2.5", "\"123.0\""}) {
    CAPTURE(bad);
    auto e = read(bad);
    REQUIRE_FALSE(e.ok());
    CHECK(e.error().describe() ==
          fmt::format("w.yaml:6: workloads[0].gpu.minComputeCapability: must be a CUDA compute capability from "
                      "\"3.0\" to \"20.0\" such as \"8.0\", got {}",
                      std::string(bad).find('"') == 0 ? std::string(bad).substr(1, std::string(bad).size() - 2)
                                                      : std::string(bad)));
  }
}

TEST_CASE("maxReplicas: at least replicas") {
  const std::string gpu = "      gpu: {model: V100, memoryGiB: 2, compute: 0.5}\n";
  auto r = io::readWorkloads({{"w.yaml", std::string(kHead) + "    - name: a\n" + gpu +
                                             "      replicas: 3\n      maxReplicas: 3\n    - name: b\n" + gpu}});
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().describe()));
  CHECK(r->workloads[0].maxReplicas == 3);
  CHECK(!r->workloads[1].maxReplicas);
  auto one = [&](const std::string& body) { return errorOf(std::string(kHead) + "    - name: a\n" + gpu + body); };
  CHECK(one("      replicas: 3\n      maxReplicas: 2\n") ==
        "w.yaml:8: workloads[0].maxReplicas: must be at least replicas (3), got 2");
  CHECK(one("      maxReplicas: 0\n") == "w.yaml:7: workloads[0].maxReplicas: must be between 1 and 100000, got 0");
}

TEST_CASE("gpu.count: whole GPUs per pod, 1 to 16, default 1") {
  auto read = [](const std::string& count, const std::string& extra = "") {
    return io::readWorkloads(
        {{"w.yaml", std::string(kHead) + "    - name: a\n" +
                        "      gpu: {model: A10G, memoryGiB: 2, compute: 0.5, count: " + count + "}\n" + extra}});
  };
  auto r = read("2");
  REQUIRE(r.ok());
  CHECK(r->workloads[0].gpuCount == 2);
  r = read("16");
  REQUIRE(r.ok());
  CHECK(r->workloads[0].gpuCount == 16);
  r = io::readWorkloads(
      {{"w.yaml", std::string(kHead) + "    - name: a\n      gpu: {model: A10G, memoryGiB: 2, compute: 0.5}\n"}});
  REQUIRE(r.ok());
  CHECK(r->workloads[0].gpuCount == 1);
  for (const char* bad : {"0", "-1", "1.5", "17", "1e9"}) {
    CAPTURE(bad);
    auto e = read(bad);
    REQUIRE_FALSE(e.ok());
    CHECK(e.error().describe() ==
          fmt::format("w.yaml:6: workloads[0].gpu.count: must be a whole number of GPUs per pod from 1 to 16, got {}",
                      bad));
  }
  auto e = read("two");
  REQUIRE_FALSE(e.ok());
  CHECK(e.error().describe() == "w.yaml:6: workloads[0].gpu.count: must be a number, got two");
}

TEST_CASE("gpu.count above 1 needs sharing to allow dedicated") {
  const std::string gpu = "      gpu: {model: A10G, memoryGiB: 2, compute: 0.5, count: 4}\n";
  auto r = io::readWorkloads(
      {{"w.yaml", std::string(kHead) + "    - name: a\n" + gpu + "      sharing: [dedicated, mps]\n"}});
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().describe()));
  CHECK(r->workloads[0].gpuCount == 4);
  auto e = io::readWorkloads(
      {{"w.yaml", std::string(kHead) + "    - name: a\n" + gpu + "      sharing: [time-slicing, mig]\n"}});
  REQUIRE_FALSE(e.ok());
  CHECK(e.error().describe() ==
        "w.yaml:6: workloads[0].gpu.count: a pod of 4 GPUs takes them whole, so sharing must allow dedicated; it "
        "allows only [time-slicing, mig]");
  // One GPU a pod: sharing without dedicated is fine.
  CHECK(io::readWorkloads(
            {{"w.yaml", std::string(kHead) + "    - name: a\n      gpu: {model: A10G, memoryGiB: 2, compute: 0.5, "
                                             "count: 1}\n      sharing: [mps]\n"}})
            .ok());
}
