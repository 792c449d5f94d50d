// A manifest as an in-memory tree: what templates are parsed into and what render fills in.
// Values are placed into nodes, never pasted into text, so no input string can change the
// structure of a document.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gpuslice {

struct ValueMember;

/// One YAML value. Mapping members keep their order (a manifest is written in the order its
/// template gives, not sorted). `line` is the template line it came from, 0 when generated.
struct Value {
  enum class Kind { Null, String, Integer, Boolean, Number, Sequence, Mapping };
  Kind kind = Kind::Null;
  std::string text;  ///< String: the string; Integer, Boolean, Number: the literal as written
  std::vector<Value> items;
  std::vector<ValueMember> members;
  int line = 0;

  static Value string(std::string s);
  static Value integer(std::int64_t v);
  static Value boolean(bool v);
  static Value list();
  static Value map();

  bool isString() const { return kind == Kind::String; }
  bool isMapping() const { return kind == Kind::Mapping; }
  bool isSequence() const { return kind == Kind::Sequence; }

  /// The member called `key`, or nullptr.
  const Value* find(std::string_view key) const;
  Value* find(std::string_view key);
  /// Replaces the member `key` or appends it; returns the stored value.
  Value& set(std::string_view key, Value v);
  /// Appends an item to a sequence; returns it.
  Value& push(Value v);
  /// The value at a dotted path of mapping keys ("metadata.name"), or nullptr.
  const Value* at(std::initializer_list<std::string_view> path) const;
};

/// One key and value of a mapping (a struct, as a pair may not hold the incomplete Value).
struct ValueMember {
  std::string key;
  Value value;
  int line = 0;  ///< template line of the key, 0 when generated
};

bool operator==(const Value& a, const Value& b);

/// `v` as block-style YAML ending in a newline: mapping members in their order, multi-line
/// strings as literal blocks, other strings and keys as util/yaml_scalar.h writes them (plain
/// where every YAML 1.1 and 1.2 reader takes them back as the same string, double-quoted
/// otherwise); empty containers as {} and [].
std::string toYaml(const Value& v);
bool operator==(const ValueMember& a, const ValueMember& b);

}  // namespace gpuslice
