#include "render/template_fill.h"

#include <fmt/format.h>

#include <functional>

namespace gpuslice::detail {

namespace {

/// A scalar split into literal text and placeholder names.
struct Piece {
  bool placeholder = false;
  std::string text;  // literal text, or the placeholder's name
};

bool nameChar(char c, bool first) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (!first && c >= '0' && c <= '9');
}

Result<std::vector<Piece>> split(const Template& t, const std::string& s, int line, const std::string& field) {
  std::vector<Piece> pieces;
  std::string literal;
  for (std::size_t i = 0; i < s.size();) {
    if (s.compare(i, 3, "$${") == 0) {
      literal += "${";
      i += 3;
      continue;
    }
    if (s.compare(i, 2, "${") != 0) {
      literal += s[i++];
      continue;
    }
    const std::size_t close = s.find('}', i + 2);
    if (close == std::string::npos) {
      return Error{ErrorKind::BadInput, t.file, line, field,
                   fmt::format("unterminated placeholder '{}' (write $${{ for a literal ${{)", s.substr(i))};
    }
    const std::string name = s.substr(i + 2, close - i - 2);
    bool ok = !name.empty();
    for (std::size_t k = 0; k < name.size() && ok; ++k) ok = nameChar(name[k], k == 0);
    if (!ok) {
      return Error{ErrorKind::BadInput, t.file, line, field,
                   fmt::format("malformed placeholder '${{{}}}': a name is letters and digits", name)};
    }
    if (!literal.empty()) pieces.push_back({false, std::move(literal)});
    literal.clear();
    pieces.push_back({true, name});
    i = close + 1;
  }
  if (!literal.empty() || pieces.empty()) pieces.push_back({false, std::move(literal)});
  return pieces;
}

std::string join(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

using Visit = std::function<std::optional<Error>(const std::string&, int)>;

/// The error for a mapping key that holds a placeholder; nullopt for a plain key.
std::optional<Error> placeholderInKey(const Template& t, const ValueMember& m, const std::string& field) {
  if (m.key.find("${") == std::string::npos) return std::nullopt;
  return Error{ErrorKind::BadInput, t.file, m.line, join(field, m.key),
               "placeholders may not appear in keys; bind a whole mapping instead"};
}

/// Calls f on each placeholder of the string v, giving its errors the field `field`.
std::optional<Error> walkString(const Template& t, const Value& v, const std::string& field, const Visit& f) {
  auto pieces = split(t, v.text, v.line, field);
  if (!pieces) return pieces.error();
  for (const Piece& p : *pieces) {
    if (!p.placeholder) continue;
    if (auto e = f(p.text, v.line)) {
      e->field = field;
      return e;
    }
  }
  return std::nullopt;
}

std::optional<Error> walk(const Template& t, const Value& v, const std::string& field, const Visit& f) {
  switch (v.kind) {
    case Value::Kind::String: return walkString(t, v, field, f);
    case Value::Kind::Sequence:
      for (std::size_t i = 0; i < v.items.size(); ++i) {
        if (auto e = walk(t, v.items[i], fmt::format("{}[{}]", field, i), f)) return e;
      }
      return std::nullopt;
    case Value::Kind::Mapping:
      for (const ValueMember& m : v.members) {
        if (auto e = placeholderInKey(t, m, field)) return e;
        if (auto e = walk(t, m.value, join(field, m.key), f)) return e;
      }
      return std::nullopt;
    default: return std::nullopt;
  }
}

bool scalarKind(Value::Kind k) {
  return k == Value::Kind::String || k == Value::Kind::Integer || k == Value::Kind::Number || k == Value::Kind::Boolean;
}

/// What placeholder `name` is bound to in b (itself nullopt when bound to nothing); nullptr for
/// an unknown name.
const std::optional<Value>* lookup(const Bindings& b, const std::string& name) {
  auto it = b.find(name);
  return it == b.end() ? nullptr : &it->second;
}

/// Fills `v`; `absent` is set when `v` is exactly a placeholder bound to nothing, `exact` when it
/// is exactly a placeholder bound to a value (the caller decides what a sequence there means).
std::optional<Error> fillNode(const Template& t, Value& v, const Bindings& b, const std::string& field, bool& absent,
                              bool& exact);

/// Fills the string v that is exactly the placeholder `name`: v becomes its bound value.
std::optional<Error> fillWhole(const Template& t, Value& v, const Bindings& b, const std::string& name,
                               const std::string& field, bool& absent, bool& exact) {
  const auto* bound = lookup(b, name);
  if (!bound) {
    return Error{ErrorKind::BadInput, t.file, v.line, field, fmt::format("unknown placeholder ${{{}}}", name)};
  }
  if (!*bound) {
    absent = true;
    return std::nullopt;
  }
  const int line = v.line;
  v = **bound;
  v.line = line;
  exact = true;
  return std::nullopt;
}

/// Fills the string v, made of `pieces`, with the text of each placeholder's scalar value.
std::optional<Error> fillText(const Template& t, Value& v, const Bindings& b, const std::vector<Piece>& pieces,
                              const std::string& field) {
  std::string text;
  for (const Piece& p : pieces) {
    if (!p.placeholder) {
      text += p.text;
      continue;
    }
    const auto* bound = lookup(b, p.text);
    if (!bound) {
      return Error{ErrorKind::BadInput, t.file, v.line, field, fmt::format("unknown placeholder ${{{}}}", p.text)};
    }
    if (!*bound || !scalarKind((*bound)->kind)) {
      return Error{ErrorKind::BadInput, t.file, v.line, field,
                   fmt::format("${{{}}} is {} here and can only stand alone as the whole value, not inside text",
                               p.text, *bound ? "a list or mapping" : "sometimes absent")};
    }
    text += (*bound)->text;
  }
  v.kind = Value::Kind::String;
  v.text = std::move(text);
  return std::nullopt;
}

/// Fills each item of the sequence v: an absent item is dropped, a placeholder bound to a
/// sequence is spliced in.
std::optional<Error> fillSequence(const Template& t, Value& v, const Bindings& b, const std::string& field) {
  std::vector<Value> out;
  for (std::size_t i = 0; i < v.items.size(); ++i) {
    Value item = std::move(v.items[i]);
    bool a = false, x = false;
    if (auto e = fillNode(t, item, b, fmt::format("{}[{}]", field, i), a, x)) return e;
    if (a) continue;
    if (x && item.isSequence()) {
      for (Value& spliced : item.items) out.push_back(std::move(spliced));
    } else {
      out.push_back(std::move(item));
    }
  }
  v.items = std::move(out);
  return std::nullopt;
}

/// Fills each value of the mapping v; a member whose value is absent is dropped.
std::optional<Error> fillMapping(const Template& t, Value& v, const Bindings& b, const std::string& field) {
  std::vector<ValueMember> out;
  for (ValueMember& m : v.members) {
    if (auto e = placeholderInKey(t, m, field)) return e;
    bool a = false, x = false;
    if (auto e = fillNode(t, m.value, b, join(field, m.key), a, x)) return e;
    if (!a) out.push_back(std::move(m));
  }
  v.members = std::move(out);
  return std::nullopt;
}

std::optional<Error> fillNode(const Template& t, Value& v, const Bindings& b, const std::string& field, bool& absent,
                              bool& exact) {
  absent = false;
  exact = false;
  switch (v.kind) {
    case Value::Kind::String: {
      auto pieces = split(t, v.text, v.line, field);
      if (!pieces) return pieces.error();
      if (pieces->size() == 1 && pieces->front().placeholder) {
        return fillWhole(t, v, b, pieces->front().text, field, absent, exact);
      }
      return fillText(t, v, b, *pieces, field);
    }
    case Value::Kind::Sequence: return fillSequence(t, v, b, field);
    case Value::Kind::Mapping: return fillMapping(t, v, b, field);
    default: return std::nullopt;
  }
}

}  // namespace

std::optional<Error> forEachPlaceholder(const Template& t, const Visit& f) { return walk(t, t.root, "", f); }

Result<Value> fill(const Template& t, const Bindings& bindings) {
  Value v = t.root;
  bool absent = false, exact = false;
  if (auto e = fillNode(t, v, bindings, "", absent, exact)) return *e;
  if (absent || !v.isMapping()) {
    return Error{ErrorKind::BadInput, t.file, t.root.line, "", "a template must be a mapping"};
  }
  return v;
}

}  // namespace gpuslice::detail
