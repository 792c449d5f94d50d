#include "io/template_loader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string_view>
#include <system_error>

#include "gpuslice/embedded.h"
#include "io/files.h"

namespace gpuslice::io {

namespace {

struct BuiltIn {
  const char* name;
  std::string_view (*text)();
};

// One entry per template of templateSpecs() (a unit test checks that they agree).
const BuiltIn kBuiltIn[] = {
    {"device-plugin-configmap.yaml", embedded::templates_device_plugin_configmap_yaml},
    {"device-plugin-config.yaml", embedded::templates_device_plugin_config_yaml},
    {"mig-parted-configmap.yaml", embedded::templates_mig_parted_configmap_yaml},
    {"mig-parted-config.yaml", embedded::templates_mig_parted_config_yaml},
    {"gpu-operator-values.yaml", embedded::templates_gpu_operator_values_yaml},
    {"nodepool.yaml", embedded::templates_nodepool_yaml},
    {"ec2nodeclass-al2023.yaml", embedded::templates_ec2nodeclass_al2023_yaml},
    {"ec2nodeclass-bottlerocket.yaml", embedded::templates_ec2nodeclass_bottlerocket_yaml},
    {"nodeoverlay.yaml", embedded::templates_nodeoverlay_yaml},
    {"workload-patch.yaml", embedded::templates_workload_patch_yaml},
    {"kustomization.yaml", embedded::templates_kustomization_yaml},
};

bool integerText(const std::string& s) {
  std::size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  if (i == s.size() || s.size() - i > 18) return false;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

bool numberText(const std::string& s) {
  if (s.empty()) return false;
  char* end = nullptr;
  std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() && s.find_first_of("0123456789") != std::string::npos &&
         s.find_first_not_of("0123456789.eE+-") == std::string::npos;
}

Result<Template> parseTemplate(const std::string& name, const std::string& file, std::string_view text) {
  auto node = parseYaml(text, file);
  if (!node) return node.error();
  Template t{name, file, toValue(*node)};
  if (auto e = checkTemplate(t)) return *e;
  return t;
}

}  // namespace

Value toValue(const Node& n) {
  Value v;
  v.line = n.line;
  switch (n.kind) {
    case Node::Kind::Null: break;
    case Node::Kind::Scalar:
      v.text = n.text;
      if (n.quoted) {
        v.kind = Value::Kind::String;
      } else if (n.text == "true" || n.text == "false") {
        v.kind = Value::Kind::Boolean;
      } else if (integerText(n.text)) {
        v.kind = Value::Kind::Integer;
      } else if (numberText(n.text)) {
        v.kind = Value::Kind::Number;
      } else {
        v.kind = Value::Kind::String;
      }
      break;
    case Node::Kind::Sequence:
      v.kind = Value::Kind::Sequence;
      for (const Node& item : n.items) v.items.push_back(toValue(item));
      break;
    case Node::Kind::Mapping:
      v.kind = Value::Kind::Mapping;
      for (const NodeMember& m : n.members) v.members.push_back({m.first, toValue(m.second), m.keyLine});
      break;
  }
  return v;
}

Result<Templates> loadTemplates(const std::string& dir) {
  Templates out;
  std::set<std::string> fromDir;
  if (!dir.empty()) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
      return Error{ErrorKind::Usage, dir, 0, "--templates", "not a directory"};
    }
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      const std::string name = entry.path().filename().string();
      const std::string ext = entry.path().extension().string();
      if (ext == ".yaml" || ext == ".yml") names.push_back(name);
    }
    if (ec) return Error{ErrorKind::BadInput, dir, 0, "--templates", ec.message()};
    std::sort(names.begin(), names.end());
    for (const std::string& name : names) {
      const std::string file = (fs::path(dir) / name).string();
      if (!findTemplateSpec(name)) {
        std::vector<std::string> known;
        for (const BuiltIn& b : kBuiltIn) known.push_back(b.name);
        return Error{ErrorKind::BadInput, file, 0, "",
                     fmt::format("not a template gpuslice knows (templates are {})", fmt::join(known, ", "))};
      }
      auto text = readFile(file);
      if (!text) return text.error();
      auto t = parseTemplate(name, file, *text);
      if (!t) return t.error();
      out.emplace(name, std::move(*t));
    }
  }
  for (const BuiltIn& b : kBuiltIn) {
    if (out.count(b.name)) continue;
    auto t = parseTemplate(b.name, std::string("<built-in>/templates/") + b.name, b.text());
    if (!t) return t.error();
    out.emplace(b.name, std::move(*t));
  }
  return out;
}

}  // namespace gpuslice::io
