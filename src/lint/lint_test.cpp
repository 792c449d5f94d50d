#include "lint/lint.h"

#include <doctest/doctest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "io/catalog_reader.h"

using namespace gpuslice;

namespace {

std::vector<lint::Finding> lintText(const std::string& text) {
  static const auto catalog = io::builtinCatalog();
  REQUIRE(catalog.ok());
  auto found = lint::lintSources({{"m.yaml", text}}, *catalog);
  REQUIRE(found.ok());
  return *found;
}

std::string codesAndLines(const std::vector<lint::Finding>& findings) {
  std::string s;
  for (const auto& f : findings) s += f.code + "@" + std::to_string(f.line) + " ";
  return s;
}

const std::string kConfigMapHead =
    "apiVersion: v1\n"
    "kind: ConfigMap\n"
    "metadata:\n"
    "  name: dp\n"
    "data:\n";

}  // namespace

TEST_CASE("lint: the rule table has unique codes in order, each with a reason") {
  std::set<std::string> codes;
  std::string last;
  for (const lint::Rule& r : lint::rules()) {
    CHECK(std::string(r.code) > last);
    last = r.code;
    CHECK(codes.insert(r.code).second);
    CHECK(std::string(r.why).size() > 20);
  }
  CHECK(codes.size() == 25);
}

TEST_CASE("lint: README's rule table is the rule table") {
  std::ifstream in(std::string(GPUSLICE_SOURCE_DIR) + "/README.md");
  std::stringstream readme;
  readme << in.rdbuf();
  for (const lint::Rule& r : lint::rules()) {
    const std::string row =
        std::string("| ") + r.code + " | " + lint::severityName(r.severity) + " | " + r.what + " | " + r.why + " |\n";
    CHECK_MESSAGE(readme.str().find(row) != std::string::npos, row);
  }
}

TEST_CASE("lint: a block scalar config's lines are mapped into the outer file") {
  const auto f = lintText(kConfigMapHead +
                          "  ts-1: |\n"                         // line 6
                          "    version: v1\n"                   // 7
                          "    sharing:\n"                      // 8
                          "      timeSlicing:\n"                // 9
                          "        resources:\n"                // 10
                          "          - name: nvidia.com/gpu\n"  // 11
                          "            replicas: 1\n");         // 12
  CHECK(codesAndLines(f) == "GS301@12 ");
}

TEST_CASE("lint: a config's parse error past the end of its block stays on the block's last line") {
  const auto f = lintText(kConfigMapHead + "  a: |\n    sharing: [\n");
  CHECK(codesAndLines(f) == "GS307@7 ");
}

TEST_CASE("lint: a quoted config puts every finding on its key's line") {
  const auto f = lintText(kConfigMapHead +
                          "  other: plain text\n"
                          "  ts-1: \"version: v1\\nsharing:\\n  timeSlicing:\\n    resources:\\n"
                          "      - {name: nvidia.com/gpu, replicas: 1}\\n\"\n");
  CHECK(codesAndLines(f) == "GS301@7 ");
}

TEST_CASE("lint: the items of a kind: List are objects, a document without kind is not") {
  const auto f = lintText(
      "apiVersion: v1\n"
      "kind: List\n"
      "items:\n"
      "  - apiVersion: karpenter.sh/v1alpha5\n"
      "    kind: Provisioner\n"
      "    metadata: {name: a}\n"
      "---\n"
      "spec: {constraints: {}}\n");
  REQUIRE(f.size() == 1);
  CHECK(f[0].code == "GS101");
  CHECK(f[0].line == 5);
  CHECK(f[0].message == "Provisioner \"a\" (karpenter.sh/v1alpha5)");
}

TEST_CASE("lint: malformed YAML is an error with its line, not a finding") {
  static const auto catalog = io::builtinCatalog();
  auto found = lint::lintSources({{"m.yaml", "a: [1, 2\nb: 3\n"}}, *catalog);
  REQUIRE_FALSE(found.ok());
  CHECK(found.error().file == "m.yaml");
  CHECK(found.error().line > 0);
}

TEST_CASE("lint: a NodePool label names a ConfigMap key of another file") {
  static const auto catalog = io::builtinCatalog();
  const std::string pool =
      "apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata: {name: p}\nspec:\n  template:\n"
      "    metadata: {labels: {nvidia.com/device-plugin.config: ts-9}}\n"
      "    spec: {nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: x}, requirements: []}\n";
  const std::string cm = kConfigMapHead + "  ts-4: |\n    version: v1\n";
  auto found = lint::lintSources({{"pool.yaml", pool}, {"cm.yaml", cm}}, *catalog);
  REQUIRE(found.ok());
  REQUIRE(found->size() == 1);
  CHECK((*found)[0].code == "GS503");
  CHECK((*found)[0].file == "pool.yaml");
  CHECK((*found)[0].line == 6);
  auto alone = lint::lintSources({{"pool.yaml", pool}}, *catalog);
  CHECK(alone->empty());  // no device plugin config given: nothing to hold the label against
}

TEST_CASE("lint: text and JSON output") {
  const std::vector<lint::Finding> one = {
      {"GS301", lint::Severity::Error, "a.yaml", 3, "replicas 1", "the plugin refuses it", "give 2 or more"}};
  CHECK(lint::findingsText(one) ==
        "a.yaml:3: GS301 error: replicas 1\n  why: the plugin refuses it\n  fix: give 2 or more\n"
        "1 finding (1 error, 0 warnings)\n");
  CHECK(lint::findingsText({}) == "no findings\n");
  CHECK(lint::findingsJson(one) ==
        "{\n  \"findings\": [\n    {\n      \"code\": \"GS301\",\n      \"file\": \"a.yaml\",\n"
        "      \"fix\": \"give 2 or more\",\n      \"line\": 3,\n      \"message\": \"replicas 1\",\n"
        "      \"severity\": \"error\",\n      \"why\": \"the plugin refuses it\"\n    }\n  ],\n"
        "  \"summary\": {\n    \"errors\": 1,\n    \"findings\": 1,\n    \"warnings\": 0\n  }\n}\n");
}
