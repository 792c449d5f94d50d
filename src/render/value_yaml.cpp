// Writing a manifest tree as YAML, in the order of its members.
#include "render/value.h"
#include "util/yaml_scalar.h"

namespace gpuslice {

namespace {

/// A literal block keeps the text exactly when: lines have no trailing blanks or control
/// characters, the first line does not start with a blank, and at most one newline ends it.
bool literalBlockSafe(const std::string& s) {
  if (s.find('\n') == std::string::npos || s.front() == ' ' || s.front() == '\n') return false;
  if (s.size() >= 2 && s.compare(s.size() - 2, 2, "\n\n") == 0) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if ((c < 0x20 && c != '\n') || c == 0x7f) return false;
    if (c == '\n' && i > 0 && (s[i - 1] == ' ')) return false;
  }
  return s.back() != ' ';
}

std::string scalar(const Value& v) {
  switch (v.kind) {
    case Value::Kind::Null: return "null";
    case Value::Kind::String: return yamlScalar(v.text);
    default: return v.text;
  }
}

std::string key(const std::string& k) { return yamlScalar(k); }

bool emptyContainer(const Value& v) {
  return (v.kind == Value::Kind::Mapping && v.members.empty()) || (v.kind == Value::Kind::Sequence && v.items.empty());
}

void block(std::string& out, const Value& v, int indent);

/// After "key:" or "- ": the value, on this line or indented below.
void after(std::string& out, const Value& v, int indent) {
  if (v.kind == Value::Kind::Mapping && !v.members.empty()) {
    out += '\n';
    block(out, v, indent);
  } else if (v.kind == Value::Kind::Sequence && !v.items.empty()) {
    out += '\n';
    block(out, v, indent);
  } else if (emptyContainer(v)) {
    out += v.kind == Value::Kind::Mapping ? " {}\n" : " []\n";
  } else if (v.kind == Value::Kind::String && literalBlockSafe(v.text)) {
    const bool endsInNewline = v.text.back() == '\n';
    out += endsInNewline ? " |\n" : " |-\n";
    std::size_t start = 0;
    const std::string body = endsInNewline ? v.text.substr(0, v.text.size() - 1) : v.text;
    while (start <= body.size()) {
      std::size_t end = body.find('\n', start);
      if (end == std::string::npos) end = body.size();
      if (end > start) out += std::string(indent, ' ') + body.substr(start, end - start);
      out += '\n';
      start = end + 1;
    }
  } else {
    out += ' ' + scalar(v) + '\n';
  }
}

void block(std::string& out, const Value& v, int indent) {
  const std::string pad(indent, ' ');
  if (v.kind == Value::Kind::Mapping) {
    for (const ValueMember& m : v.members) {
      out += pad + key(m.key) + ':';
      after(out, m.value, indent + 2);
    }
    return;
  }
  for (const Value& item : v.items) {
    if ((item.kind == Value::Kind::Mapping || item.kind == Value::Kind::Sequence) && !emptyContainer(item)) {
      // The item's first line continues "- ".
      std::string inner;
      block(inner, item, indent + 2);
      out += pad + "- " + inner.substr(static_cast<std::size_t>(indent) + 2);
    } else {
      out += pad + '-';
      after(out, item, indent + 2);
    }
  }
}

}  // namespace

std::string toYaml(const Value& v) {
  std::string out;
  if ((v.kind == Value::Kind::Mapping || v.kind == Value::Kind::Sequence) && !emptyContainer(v)) {
    block(out, v, 0);
  } else {
    out = (emptyContainer(v) ? (v.kind == Value::Kind::Mapping ? "{}" : "[]") : scalar(v)) + "\n";
  }
  return out;
}

}  // namespace gpuslice
