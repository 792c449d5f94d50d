// Errors a user can cause, carried as values until the command line reports them.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace gpuslice {

/// What went wrong, which decides the process exit code (see README "Exit codes").
enum class ErrorKind {
  BadInput = 1,    ///< malformed or out-of-range input
  Usage = 2,       ///< wrong command-line use
  Infeasible = 3,  ///< input is valid but some workload fits nowhere
};

/// "bad-input", "usage" or "infeasible": the kind as the JSON error document spells it.
const char* errorKindName(ErrorKind k);

/// One user-facing error: where it is (file, line, field path) and what is wrong.
struct Error {
  ErrorKind kind = ErrorKind::BadInput;
  std::string file;   ///< input file name as the user gave it; empty if none
  int line = 0;       ///< 1-based line; 0 if unknown
  std::string field;  ///< field path such as workloads[3].gpu.compute; empty if none
  std::string message;

  /// "<file>:<line>: <field>: <message>", leaving out the parts that are empty. Any byte that
  /// is not well-formed UTF-8, and any control character, is written as \xNN (util/utf8.h):
  /// a file name or a quoted value never reaches the terminal raw, and the text stays on one
  /// line.
  std::string describe() const;
};

inline Error badInput(std::string file, int line, std::string field, std::string message) {
  return Error{ErrorKind::BadInput, std::move(file), line, std::move(field), std::move(message)};
}

/// Every error one step found, in the order it found them: a step that can go on after an
/// error (the next workload of a file, the next infeasible workload) reports them all at once.
using ErrorList = std::vector<Error>;

/// A value, or the errors that prevented it (at least one).
template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error error) : v_(ErrorList{std::move(error)}) {}
  /// `errors` must not be empty.
  Result(ErrorList errors) : v_(std::move(errors)) { assert(!std::get<1>(v_).empty()); }

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  /// The first error; pass errors() on where a step may have found several.
  const Error& error() const { return std::get<1>(v_).front(); }
  const ErrorList& errors() const { return std::get<1>(v_); }

 private:
  std::variant<T, ErrorList> v_;
};

}  // namespace gpuslice
