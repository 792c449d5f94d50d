#include "io/decode.h"

#include <fmt/format.h>
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "util/utf8.h"

namespace gpuslice::io {

std::string Field::str() const {
  if (literal_) return literal_;
  return key_.empty() ? *parent_ : join(*parent_, key_);
}

std::string join(const std::string& parent, std::string_view child) {
  return parent.empty() ? std::string(child) : parent + "." + std::string(child);
}

std::string index(const std::string& parent, std::size_t i) { return fmt::format("{}[{}]", parent, i); }

Result<std::string> requiredString(const Decoder& d, const Node& parent, std::string_view key, const std::string& f) {
  const Node* n = parent.find(key);
  if (!n) return d.error(parent, join(f, key), "required");
  auto s = d.string(*n, join(f, key));
  if (s && s->empty()) return d.error(*n, join(f, key), "must not be empty");
  return s;
}

Result<Provenance> readProvenance(const Decoder& d, const Node& parent, std::string_view key, const std::string& f) {
  const std::string path = join(f, key);
  const Node* n = parent.find(key);
  if (!n) return d.error(parent, path, "required (kind: observed or assumed, and a reason)");
  GS_TRY(d.mapping(*n, path, {"kind", "reason"}));
  auto kind = requiredString(d, *n, "kind", path);
  if (!kind) return kind.error();
  if (*kind != "observed" && *kind != "assumed") {
    return d.error(*n->find("kind"), join(path, "kind"), "must be observed or assumed");
  }
  auto reason = requiredString(d, *n, "reason", path);
  if (!reason) return reason.error();
  return Provenance{*kind == "observed", *reason};
}

std::string dns1123Problem(std::string_view s) {
  if (s.empty()) return "is empty";
  if (s.size() > 63) return fmt::format("is {} characters long, more than 63", s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
      const std::size_t length = std::max<std::size_t>(1, utf8SequenceLength(s.substr(i)));  // all of 'é'
      return fmt::format("contains '{}': only lower-case letters, digits and '-' are allowed", s.substr(i, length));
    }
  }
  if (s.front() == '-' || s.back() == '-') return "must start and end with a lower-case letter or digit";
  return "";
}

std::string shown(const Node& n) {
  switch (n.kind) {
    case Node::Kind::Null: return "null";
    case Node::Kind::Sequence: return "a list";
    case Node::Kind::Mapping: return "a mapping";
    case Node::Kind::Scalar: break;
  }
  std::string t = n.text.size() > 40 ? std::string(utf8Prefix(n.text, 40)) + "..." : n.text;
  return n.quoted ? "\"" + t + "\"" : t;
}

Error Decoder::error(const Node& at, const Field& field, std::string message) const {
  return badInput(file_, at.line, field.str(), std::move(message));
}

Error Decoder::errorAtLine(int line, const Field& field, std::string message) const {
  return badInput(file_, line, field.str(), std::move(message));
}

namespace {

/// The error for member `m` of a mapping when its key is not in `allowed`.
std::optional<Error> unknownField(const Decoder& d, const NodeMember& m, const Field& field,
                                  std::initializer_list<std::string_view> allowed) {
  if (std::find(allowed.begin(), allowed.end(), m.first) != allowed.end()) return std::nullopt;
  const int line = m.keyLine > 0 ? m.keyLine : m.second.line;
  return d.errorAtLine(line, join(field.str(), m.first),
                       fmt::format("unknown field (allowed here: {})", fmt::join(allowed, ", ")));
}

}  // namespace

std::optional<Error> Decoder::mapping(const Node& n, const Field& field,
                                      std::initializer_list<std::string_view> allowed) const {
  if (!n.isMapping()) return error(n, field, fmt::format("must be a mapping, got {}", shown(n)));
  for (const NodeMember& m : n.members) {
    if (auto e = unknownField(*this, m, field, allowed)) return e;
  }
  return std::nullopt;
}

bool Decoder::fields(const Node& n, const Field& field, std::initializer_list<std::string_view> allowed,
                     ErrorList& errors) const {
  if (!n.isMapping()) return collect(errors, error(n, field, fmt::format("must be a mapping, got {}", shown(n))));
  for (const NodeMember& m : n.members) collect(errors, unknownField(*this, m, field, allowed));
  return true;
}

std::optional<Error> Decoder::sequence(const Node& n, const Field& field) const {
  if (!n.isSequence()) return error(n, field, fmt::format("must be a list, got {}", shown(n)));
  return std::nullopt;
}

Result<std::string> Decoder::string(const Node& n, const Field& field) const {
  if (!n.isScalar()) return error(n, field, fmt::format("must be a string, got {}", shown(n)));
  return n.text;
}

Result<double> Decoder::number(const Node& n, const Field& field) const {
  if (!n.isScalar() || n.quoted) return error(n, field, fmt::format("must be a number, got {}", shown(n)));
  const std::string& t = n.text;
  const bool syntax = !t.empty() && std::all_of(t.begin(), t.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E';
  });
  char* end = nullptr;
  errno = 0;
  const double v = syntax ? std::strtod(t.c_str(), &end) : 0.0;
  if (!syntax || end != t.c_str() + t.size() || errno == ERANGE || !std::isfinite(v)) {
    return error(n, field, fmt::format("must be a number, got {}", shown(n)));
  }
  return v;
}

Result<std::int64_t> Decoder::integer(const Node& n, const Field& field, std::int64_t min, std::int64_t max) const {
  auto v = number(n, field);
  if (!v) return v.error();
  if (*v != std::floor(*v)) return error(n, field, fmt::format("must be a whole number, got {}", n.text));
  if (*v < static_cast<double>(min) || *v > static_cast<double>(max)) {
    return error(n, field, fmt::format("must be between {} and {}, got {}", min, max, n.text));
  }
  return static_cast<std::int64_t>(*v);
}

Result<bool> Decoder::boolean(const Node& n, const Field& field) const {
  if (n.isScalar() && !n.quoted && (n.text == "true" || n.text == "false")) return n.text == "true";
  return error(n, field, fmt::format("must be true or false, got {}", shown(n)));
}

}  // namespace gpuslice::io
