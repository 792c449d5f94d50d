#include "model/error.h"

#include "util/utf8.h"

namespace gpuslice {

const char* errorKindName(ErrorKind k) {
  switch (k) {
    case ErrorKind::BadInput: return "bad-input";
    case ErrorKind::Usage: return "usage";
    case ErrorKind::Infeasible: return "infeasible";
  }
  return "?";
}

std::string Error::describe() const {
  std::string out;
  if (!file.empty()) {
    out += file;
    if (line > 0) out += ":" + std::to_string(line);
    out += ": ";
  }
  if (!field.empty()) out += field + ": ";
  return escapeBytes(out + message, EscapeAlso::Controls);
}

}  // namespace gpuslice
