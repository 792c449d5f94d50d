// A parsed YAML or JSON document as a small tree that remembers line numbers,
// so every decoder can report "<file>:<line>: <field>: <message>".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/error.h"

namespace gpuslice::io {

struct NodeMember;

/// One node. Scalars keep their text; `quoted` tells a quoted string ("1.5", '7')
/// from a plain scalar (1.5, true, null). JSON strings are quoted; JSON numbers,
/// true, false and null are plain.
struct Node {
  enum class Kind : std::uint8_t { Null, Scalar, Sequence, Mapping };
  Kind kind = Kind::Null;
  bool quoted = false;  // beside kind, so that both share the padding before line
  int line = 0;         ///< 1-based line where the node starts
  std::string text;
  std::vector<Node> items;          ///< Sequence
  std::vector<NodeMember> members;  ///< Mapping, in document order

  bool isNull() const { return kind == Kind::Null; }
  bool isScalar() const { return kind == Kind::Scalar; }
  bool isSequence() const { return kind == Kind::Sequence; }
  bool isMapping() const { return kind == Kind::Mapping; }
  /// The member called `key`, or nullptr.
  const Node* find(std::string_view key) const;
  /// Mapping: the line of each key, in order.
  std::vector<int> keyLines() const;
};

/// One key and value of a mapping. (A struct rather than std::pair: a pair may not hold the
/// still-incomplete Node inside Node's own definition, and clang rejects it.)
struct NodeMember {
  std::string first;  ///< the key
  Node second;        ///< the value
  int keyLine = 0;    ///< 1-based line of the key
};

/// Parses JSON text. Errors name `file` and the line; duplicate keys, nesting deeper
/// than 256, trailing content and invalid UTF-8 escapes are errors.
Result<Node> parseJson(std::string_view text, const std::string& file);

/// Parses one YAML document (JSON is accepted too, being YAML). Plain `~`, `null`
/// and empty values become Null nodes. Duplicate keys, more than one document and
/// nesting deeper than 256 are errors.
Result<Node> parseYaml(std::string_view text, const std::string& file);

/// Parses every `---`-separated document of a YAML stream, as parseYaml parses one; an empty
/// document is a Null node. Text with no document at all is an error.
Result<std::vector<Node>> parseYamlStream(std::string_view text, const std::string& file);

/// Chooses by content: text whose first non-blank character is '{' or '[' is JSON,
/// anything else YAML.
Result<Node> parseDocument(std::string_view text, const std::string& file);

/// Like parseDocument, but YAML may hold several documents: the non-empty ones, in order.
/// Only empty documents (comments, a lone `---`) is an "empty document" error.
Result<std::vector<Node>> parseDocuments(std::string_view text, const std::string& file);

}  // namespace gpuslice::io
