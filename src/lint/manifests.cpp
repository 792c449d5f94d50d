#include "lint/manifests.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string_view>

namespace gpuslice::lint {

std::string scalarText(const io::Node* n) { return n && n->isScalar() ? n->text : std::string(); }

const io::Node* at(const io::Node& n, std::initializer_list<const char*> path) {
  const io::Node* cur = &n;
  for (const char* key : path) {
    if (!cur->isMapping()) return nullptr;
    cur = cur->find(key);
    if (!cur) return nullptr;
  }
  return cur;
}

Finding finding(const char* code, const std::string& file, int line, std::string message, std::string fix) {
  const Rule& r = rule(code);
  return Finding{r.code, r.severity, file, line, std::move(message), r.why, std::move(fix)};
}

namespace {

/// The text of 1-based line `line` of `text`, without its newline.
std::string_view lineOf(std::string_view text, int line) {
  std::size_t start = 0;
  for (int i = 1; i < line; ++i) {
    start = text.find('\n', start);
    if (start == std::string_view::npos) return {};
    ++start;
  }
  const std::size_t end = text.find('\n', start);
  return text.substr(start, end == std::string_view::npos ? text.size() - start : end - start);
}

/// Whether a line ends in a literal block scalar header (`|`, `|-`, `|2+`), a comment aside: the
/// one kind of string whose lines are the file's lines (a folded `>` joins them).
bool opensBlockScalar(std::string_view line) {
  const std::size_t hash = line.find(" #");
  if (hash != std::string_view::npos) line = line.substr(0, hash);
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) line.remove_suffix(1);
  while (!line.empty() && (line.back() == '-' || line.back() == '+' || (line.back() >= '0' && line.back() <= '9')))
    line.remove_suffix(1);
  return !line.empty() && line.back() == '|';
}

bool hasKey(const io::Node& n, const char* key) { return n.find(key) != nullptr; }

/// What a parsed data value is: a mig-parted config (mig-configs), a device plugin config
/// (sharing or flags, or only the plugin's top-level keys with a version), or neither.
std::optional<ConfigKind> classify(const io::Node& tree) {
  if (!tree.isMapping()) return std::nullopt;
  if (hasKey(tree, "mig-configs")) return ConfigKind::MigParted;
  if (hasKey(tree, "sharing") || hasKey(tree, "flags")) return ConfigKind::DevicePlugin;
  static constexpr std::array<std::string_view, 5> kTop = {"version", "flags", "resources", "sharing", "imex"};
  const bool onlyPluginKeys = std::all_of(tree.members.begin(), tree.members.end(), [](const io::NodeMember& m) {
    return std::find(kTop.begin(), kTop.end(), m.first) != kTop.end();
  });
  if (onlyPluginKeys && hasKey(tree, "version")) return ConfigKind::DevicePlugin;
  return std::nullopt;
}

bool looksLikeConfig(std::string_view text) {
  return text.find("sharing:") != std::string_view::npos || text.find("mig-configs:") != std::string_view::npos ||
         text.find("migStrategy:") != std::string_view::npos;
}

class Reader {
 public:
  explicit Reader(Manifests& m) : m_(m) {}

  void document(const Source& s, const io::Node& doc) {
    if (!doc.isMapping()) return;
    const std::string kind = scalarText(doc.find("kind"));
    const std::string apiVersion = scalarText(doc.find("apiVersion"));
    if (kind.empty() && apiVersion.empty()) {
      if (isHelmValues(doc)) helmValues(s, doc);
      return;
    }
    if (kind == "List" || (kind.size() > 4 && kind.ends_with("List") && doc.find("items"))) {
      if (const io::Node* items = doc.find("items"); items && items->isSequence())
        for (const io::Node& item : items->items) document(s, item);
      return;
    }
    m_.objects.push_back(Object{s.file, &doc, apiVersion, kind, scalarText(at(doc, {"metadata", "name"}))});
    if (kind == "ConfigMap") {
      if (const io::Node* data = doc.find("data"); data && data->isMapping())
        embedded(s, *data, m_.objects.back().name);
    }
  }

 private:
  static bool isHelmValues(const io::Node& doc) {
    static constexpr std::array<const char*, 6> kChartKeys = {"devicePlugin", "migManager", "mig",
                                                              "driver",       "toolkit",    "gfd"};
    return std::any_of(kChartKeys.begin(), kChartKeys.end(), [&](const char* k) { return hasKey(doc, k); });
  }

  void helmValues(const Source& s, const io::Node& doc) {
    m_.helm.push_back(HelmValues{s.file, &doc});
    for (const char* part : {"devicePlugin", "migManager"}) {
      const io::Node* data = at(doc, {part, "config", "data"});
      if (data && data->isMapping()) embedded(s, *data, "Helm values");
    }
  }

  /// Each string of a data mapping that parses as a config becomes an EmbeddedConfig.
  void embedded(const Source& s, const io::Node& data, const std::string& owner) {
    for (const io::NodeMember& m : data.members) {
      if (!m.second.isScalar()) continue;
      EmbeddedConfig c;
      c.file = s.file;
      c.key = m.first;
      c.owner = owner;
      c.keyLine = m.keyLine;
      c.block = opensBlockScalar(lineOf(s.text, m.keyLine));
      const std::string& text = m.second.text;
      c.lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + (text.ends_with('\n') ? 0 : 1);
      auto tree = io::parseYaml(m.second.text, s.file);
      if (!tree) {
        if (looksLikeConfig(m.second.text)) notParsed(c, tree.error());
        continue;
      }
      const auto kind = classify(*tree);
      if (!kind) continue;
      c.kind = *kind;
      c.tree = std::move(*tree);
      m_.configs.push_back(std::move(c));
    }
  }

  void notParsed(const EmbeddedConfig& c, const Error& e) {
    m_.findings.push_back(finding("GS307", c.file, e.line > 0 ? c.line(e.line) : c.keyLine,
                                  "config \"" + c.key + "\" of " + c.owner + " is not valid YAML: " + e.message,
                                  "correct the YAML of the string; `yq` or `python3 -c 'import yaml'` on the "
                                  "extracted value shows where"));
  }

  Manifests& m_;
};

}  // namespace

Result<Manifests> readManifests(const std::vector<Source>& sources) {
  Manifests m;
  m.documents.reserve(sources.size());
  ErrorList errors;
  for (const Source& s : sources) {
    auto docs = io::parseDocuments(s.text, s.file);
    if (!docs) {
      errors.insert(errors.end(), docs.errors().begin(), docs.errors().end());
      m.documents.emplace_back();
      continue;
    }
    m.documents.push_back(std::move(*docs));
  }
  if (!errors.empty()) return errors;
  Reader reader(m);
  for (std::size_t i = 0; i < sources.size(); ++i)
    for (const io::Node& doc : m.documents[i]) reader.document(sources[i], doc);
  return m;
}

}  // namespace gpuslice::lint
