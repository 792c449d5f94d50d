#include "render/template_fill.h"

#include <doctest/doctest.h>

#include "io/document.h"
#include "io/template_loader.h"

using namespace gpuslice;

namespace {

Template parse(const std::string& name, const std::string& text) {
  auto node = io::parseYaml(text, "t/" + name);
  REQUIRE(node.ok());
  return Template{name, "t/" + name, io::toValue(*node)};
}

Value str(const std::string& s) { return Value::string(s); }

}  // namespace

TEST_CASE("render: a placeholder takes the bound value whole, whatever its kind") {
  const Template t = parse("x.yaml",
                           "a: ${m}\n"
                           "b: [x, \"${l}\", y]\n"
                           "c: pre-${s}-${i}\n"
                           "d: ${gone}\n"
                           "e: [\"${gone}\", z]\n"
                           "f: $${literal}\n");
  Value m = Value::map();
  m.set("k", str("v"));
  Value l = Value::list();
  l.push(str("l1"));
  l.push(str("l2"));
  detail::Bindings b{{"m", m}, {"l", l}, {"s", str("S")}, {"i", Value::integer(7)}, {"gone", std::nullopt}};
  auto v = detail::fill(t, b);
  REQUIRE(v.ok());
  CHECK(toYaml(*v) ==
        "a:\n"
        "  k: v\n"
        "b:\n"
        "  - x\n"
        "  - l1\n"
        "  - l2\n"
        "  - \"y\"\n"
        "c: pre-S-7\n"
        "e:\n"
        "  - z\n"
        "f: \"${literal}\"\n");
}

TEST_CASE("render: template errors name the template file and line") {
  auto fillError = [](const std::string& text, const detail::Bindings& b) {
    auto v = detail::fill(parse("x.yaml", text), b);
    REQUIRE(!v.ok());
    return v.error().describe();
  };
  CHECK(fillError("a: 1\nb: ${nope}\n", {}) == "t/x.yaml:2: b: unknown placeholder ${nope}");
  CHECK(fillError("a:\n  ${k}: 1\n", {}) ==
        "t/x.yaml:2: a.${k}: placeholders may not appear in keys; bind a whole mapping instead");
  CHECK(fillError("a: x-${m}\n", {{"m", Value::map()}}) ==
        "t/x.yaml:1: a: ${m} is a list or mapping here and can only stand alone as the whole value, not inside text");
  CHECK(fillError("a: x-${m\n", {}) == "t/x.yaml:1: a: unterminated placeholder '${m' (write $${ for a literal ${)");
  CHECK(fillError("a: ${9x}\n", {}) == "t/x.yaml:1: a: malformed placeholder '${9x}': a name is letters and digits");
}

TEST_CASE("render: checkTemplate wants the object's kind, known placeholders and the required ones") {
  auto check = [](const std::string& name, const std::string& text) {
    auto e = checkTemplate(parse(name, text));
    return e ? e->describe() : std::string("ok");
  };
  const std::string pool =
      "apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata:\n  name: ${name}\n"
      "spec:\n  template:\n    spec:\n      nodeClassRef: {name: \"${nodeClass}\"}\n";
  CHECK(check("nodepool.yaml", pool) == "ok");
  CHECK(check("nodepool.yaml", "apiVersion: karpenter.sh/v1beta1\nkind: NodePool\n") ==
        "t/nodepool.yaml:1: apiVersion: must be karpenter.sh/v1, the apiVersion of what nodepool.yaml renders");
  CHECK(check("nodepool.yaml", pool + "  weight: ${weight}\n") ==
        "t/nodepool.yaml:9: spec.weight: unknown placeholder ${weight}; nodepool.yaml knows ${name}, "
        "${devicePluginConfig}, "
        "${migConfig}, ${nodeClass}, ${instanceType}, ${gpuNameRequirement}, ${capacityType}, ${limits}");
  CHECK(check("nodeoverlay.yaml", "apiVersion: karpenter.sh/v1alpha1\nkind: NodeOverlay\nmetadata: {name: x}\n") ==
        "t/nodeoverlay.yaml:1: must use the placeholder ${name} (the pool's name)");
  CHECK(check("nodepool.yaml", "- a\n") == "t/nodepool.yaml:1: a template must be a mapping");
}

TEST_CASE("render: every built-in template loads and passes its check") {
  auto t = io::loadTemplates("");
  REQUIRE(t.ok());
  CHECK(t->size() == templateSpecs().size());
  for (const TemplateSpec& s : templateSpecs()) {
    REQUIRE(t->count(s.name) == 1);
    CHECK(t->at(s.name).file == "<built-in>/templates/" + s.name);
  }
}
