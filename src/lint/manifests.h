// What lint reads: the Kubernetes objects, Helm values and embedded configs of its inputs, each
// knowing the file and line it came from.
#pragma once

#include <algorithm>
#include <initializer_list>
#include <string>
#include <vector>

#include "io/document.h"
#include "lint/lint.h"

namespace gpuslice::lint {

/// A Kubernetes object (a document, or an item of a `kind: List`).
struct Object {
  std::string file;
  const io::Node* node = nullptr;
  std::string apiVersion;
  std::string kind;
  std::string name;  ///< metadata.name, or empty
};

/// A document with neither apiVersion nor kind but GPU Operator chart keys (devicePlugin, mig,
/// migManager, ...): Helm values.
struct HelmValues {
  std::string file;
  const io::Node* node = nullptr;
};

/// Which component reads an embedded config.
enum class ConfigKind { DevicePlugin, MigParted };

/// A config file held as a string: a ConfigMap's data value or a Helm values' config.data
/// value, parsed. Its nodes' lines count from the string's first line; line() maps them into
/// the outer file: a literal block scalar (`key: |`) starts on the line after its key, and any
/// other string puts every node on the key's line.
struct EmbeddedConfig {
  ConfigKind kind = ConfigKind::DevicePlugin;
  std::string file;
  std::string key;    ///< the data key: the config's name
  std::string owner;  ///< the ConfigMap's name, or "Helm values"
  int keyLine = 0;
  bool block = false;  ///< a block scalar: inner line n is keyLine + n
  int lines = 0;       ///< lines of the string
  io::Node tree;

  /// Inner line `inner` (1-based, of the string) in the outer file; a parser's line past the
  /// string's end is its last line.
  int line(int inner) const { return block ? keyLine + std::clamp(inner, 1, std::max(lines, 1)) : keyLine; }
};

/// Everything read, owning the parsed documents the objects point into.
struct Manifests {
  std::vector<std::vector<io::Node>> documents;  ///< per source; never resized after reading
  std::vector<Object> objects;
  std::vector<HelmValues> helm;
  std::vector<EmbeddedConfig> configs;
  std::vector<Finding> findings;  ///< found while reading: embedded configs that do not parse
};

/// Parses every source; malformed YAML or JSON is an error. Data values that do not parse but
/// look like a device plugin or mig-parted config are GS307 findings.
Result<Manifests> readManifests(const std::vector<Source>& sources);

/// A scalar's text, or "" for any other node (and for a null pointer).
std::string scalarText(const io::Node* n);

/// The node at a path of mapping keys, or nullptr.
const io::Node* at(const io::Node& n, std::initializer_list<const char*> path);

/// A finding of rule `code` at `file:line`, its severity and why from the rule table.
Finding finding(const char* code, const std::string& file, int line, std::string message, std::string fix);

}  // namespace gpuslice::lint
