// Writing a manifest tree as YAML, in the order of its members.
#include <fmt/format.h>

#include "render/value.h"

namespace gpuslice {

namespace {

bool digit(char c) { return c >= '0' && c <= '9'; }
bool letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/// True when a plain scalar `s` reads back as this same string in YAML 1.1 and 1.2.
bool plainSafe(const std::string& s) {
  if (s.empty() || s.size() > 200) return false;
  std::string lower;
  for (char c : s) lower += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  for (const char* w : {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"}) {
    if (lower == w) return false;
  }
  // Numbers, dates and times in either version: only digits, hex letters, signs, points,
  // underscores, colons and radix prefixes.
  bool numberish = true, hasDigit = false;
  for (char c : lower) {
    hasDigit = hasDigit || digit(c);
    if (!(digit(c) || (c >= 'a' && c <= 'f') || c == '.' || c == '-' || c == '+' || c == '_' || c == ':' || c == 'x' ||
          c == 'o')) {
      numberish = false;
    }
  }
  if ((numberish && hasDigit) || lower == ".inf" || lower == "-.inf" || lower == "+.inf" || lower == ".nan")
    return false;
  if (!(letter(s.front()) || digit(s.front()) || s.front() == '/' || s.front() == '_' || s.front() == '.'))
    return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool ok = letter(c) || digit(c) || c == '-' || c == '.' || c == '_' || c == '/' || c == '+' || c == '=' ||
                    c == '%' || c == ':' || c == ',' || c == '(' || c == ')' || c == '@' ||
                    (c == ' ' && i + 1 < s.size());
    if (!ok) return false;
    if (c == ':' && (i + 1 == s.size() || s[i + 1] == ' ')) return false;  // "a: b" is a mapping
    if (c == ' ' && s[i + 1] == '#') return false;                         // " #" starts a comment
    if (c == '@' && i == 0) return false;
  }
  return s.back() != ' ';
}

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += fmt::format("\\u{:04x}", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

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
    case Value::Kind::String: return plainSafe(v.text) ? v.text : quoted(v.text);
    default: return v.text;
  }
}

std::string key(const std::string& k) { return plainSafe(k) ? k : quoted(k); }

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
