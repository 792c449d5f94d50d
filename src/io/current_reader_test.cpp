#include "io/current_reader.h"

#include <doctest/doctest.h>

#include <string>

using namespace gpuslice;

TEST_CASE("--current: objects, documents and Lists, by kind, namespace and name") {
  CurrentObjects objects;
  const std::string list =
      "apiVersion: v1\nkind: List\nitems:\n- kind: Deployment\n  metadata: {name: a, namespace: ml}\n"
      "- kind: StatefulSet\n  metadata: {name: a}\n";
  REQUIRE_FALSE(io::addCurrentObjects("l.yaml", list, objects).has_value());
  REQUIRE_FALSE(io::addCurrentObjects("d.yaml", "kind: Job\nmetadata: {name: j}\n---\n", objects).has_value());
  CHECK(objects.size() == 3);
  REQUIRE(objects.count(currentKey("Deployment", "ml", "a")) == 1);
  CHECK(objects.at(currentKey("Deployment", "ml", "a")).object.line == 4);
  CHECK(objects.count(currentKey("StatefulSet", "default", "a")) == 1);
  CHECK(objects.at(currentKey("Job", "default", "j")).file == "d.yaml");

  auto e = io::addCurrentObjects("x.yaml", "kind: Deployment\nmetadata: {name: a, namespace: ml}\n", objects);
  REQUIRE(e.has_value());
  CHECK(e->describe() == "x.yaml:1: Deployment ml/a appears twice (first at l.yaml:4)");
  e = io::addCurrentObjects("y.yaml", "kind: Deployment\nmetadata: {namespace: ml}\n", objects);
  REQUIRE(e.has_value());
  CHECK(e->describe() == "y.yaml:2: metadata.name: required");
}
