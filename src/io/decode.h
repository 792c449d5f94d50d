// Strict decoding of document nodes into values, with errors that name file, line and field.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "io/document.h"

namespace gpuslice::io {

/// A field path named lazily: the text is only built when an error needs it.
class Field {
 public:
  Field(const std::string& path) : parent_(&path) {}
  Field(const char* path) : literal_(path) {}
  /// `parent`.`key`; `parent` must outlive the Field (use it within one expression).
  Field(const std::string& parent, std::string_view key) : parent_(&parent), key_(key) {}
  std::string str() const;

 private:
  const std::string* parent_ = nullptr;
  const char* literal_ = nullptr;
  std::string_view key_;
};

/// Decodes fields of one document; every failure is an Error naming `file`, the node's
/// line and the field path.
class Decoder {
 public:
  explicit Decoder(std::string file) : file_(std::move(file)) {}

  const std::string& file() const { return file_; }

  Error error(const Node& at, const Field& field, std::string message) const;
  Error errorAtLine(int line, const Field& field, std::string message) const;

  /// The node must be a mapping whose keys are all in `allowed`.
  std::optional<Error> mapping(const Node& n, const Field& field,
                               std::initializer_list<std::string_view> allowed) const;
  /// For decoders that go on after an error: like mapping(), but adds an error for every
  /// unknown key to `errors`. False only when `n` is not a mapping (also added), so that the
  /// caller can still read the known keys of a mapping with a typo in it.
  bool fields(const Node& n, const Field& field, std::initializer_list<std::string_view> allowed,
              ErrorList& errors) const;
  std::optional<Error> sequence(const Node& n, const Field& field) const;

  Result<std::string> string(const Node& n, const Field& field) const;
  /// A number written as a plain scalar (JSON number or unquoted YAML); finite.
  Result<double> number(const Node& n, const Field& field) const;
  /// A whole number in [min, max].
  Result<std::int64_t> integer(const Node& n, const Field& field, std::int64_t min, std::int64_t max) const;
  Result<bool> boolean(const Node& n, const Field& field) const;

 private:
  std::string file_;
};

/// Adds `e` to `errors` if there is one; true when there was none. Decoders that report every
/// error of a file read each field with it and go on.
inline bool collect(ErrorList& errors, std::optional<Error> e) {
  if (!e) return true;
  errors.push_back(std::move(*e));
  return false;
}

/// Returns the error from a step that yields std::optional<Error>, if it has one.
#define GS_TRY(expr)                  \
  do {                                \
    if (auto e_ = (expr)) return *e_; \
  } while (0)

/// `parent`'s member `key` as a non-empty string (field path `f`.`key`).
Result<std::string> requiredString(const Decoder& d, const Node& parent, std::string_view key, const std::string& f);

/// A `{kind: observed | assumed, reason: ...}` mapping in the data files: whether a fact was seen
/// on the hardware it is about, and why we believe it.
struct Provenance {
  bool observed = false;
  std::string reason;
};

/// `parent`'s member `key` as a Provenance (field path `f`.`key`); required.
Result<Provenance> readProvenance(const Decoder& d, const Node& parent, std::string_view key, const std::string& f);

/// "a.b" or "a[3]" style path joining; an empty parent gives just the child.
std::string join(const std::string& parent, std::string_view child);
std::string index(const std::string& parent, std::size_t i);

/// Why `s` is not a DNS-1123 label, or an empty string when it is one.
std::string dns1123Problem(std::string_view s);

/// Renders a scalar for a message: quoted text, cut after 40 bytes (never inside a character).
std::string shown(const Node& n);

}  // namespace gpuslice::io
