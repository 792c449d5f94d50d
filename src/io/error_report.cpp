#include "io/error_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "io/tree_writer.h"
#include "util/utf8.h"

namespace gpuslice::io {

namespace {

void writeErrors(TreeWriter& w, const ErrorList& errors) {
  auto text = [](const std::string& s) { return escapeBytes(s, EscapeAlso::Controls); };
  w.beginMap();
  w.key("errors");
  w.beginList();
  for (const Error& e : errors) {
    w.beginMap();
    w.field("field", text(e.field));
    w.field("file", text(e.file));
    w.field("kind", errorKindName(e.kind));
    w.field("line", e.line);
    w.field("message", text(e.message));
    w.endMap();
  }
  w.endList();
  w.endMap();
}

}  // namespace

ErrorList errorsToReport(ErrorList errors, const std::vector<std::string>& files) {
  auto rank = [&](const Error& e) {
    const auto it = std::find(files.begin(), files.end(), e.file);
    return it == files.end() ? std::size_t{0} : static_cast<std::size_t>(it - files.begin()) + 1;
  };
  std::stable_sort(errors.begin(), errors.end(), [&](const Error& a, const Error& b) {
    const std::size_t ra = rank(a), rb = rank(b);
    return ra != rb ? ra < rb : a.line < b.line;
  });
  std::map<std::string, std::size_t> badInputs;  // per file, how many so far
  for (const Error& e : errors) {
    if (e.kind == ErrorKind::BadInput && !e.file.empty()) ++badInputs[e.file];
  }
  ErrorList out;
  std::map<std::string, std::size_t> shown;
  for (std::size_t i = 0; i < errors.size(); ++i) {
    Error& e = errors[i];
    if (e.kind != ErrorKind::BadInput || e.file.empty()) {
      out.push_back(std::move(e));
      continue;
    }
    const std::size_t n = ++shown[e.file];
    if (n > kMaxErrorsPerFile) continue;
    const std::size_t total = badInputs[e.file];
    const std::string file = e.file;
    out.push_back(std::move(e));
    if (n == kMaxErrorsPerFile && total > n) {
      out.push_back(badInput(file, 0, "",
                             fmt::format("and {} more error{} (only the first {} of a file are shown)", total - n,
                                         total - n == 1 ? "" : "s", kMaxErrorsPerFile)));
    }
  }
  return out;
}

int exitCode(const ErrorList& errors) {
  for (ErrorKind k : {ErrorKind::Usage, ErrorKind::BadInput, ErrorKind::Infeasible}) {
    if (std::any_of(errors.begin(), errors.end(), [&](const Error& e) { return e.kind == k; })) {
      return static_cast<int>(k);
    }
  }
  return static_cast<int>(ErrorKind::BadInput);
}

std::string errorsJsonText(const ErrorList& errors) {
  std::string out;
  JsonWriter w(out);
  writeErrors(w, errors);
  return out;
}

std::string errorsYamlText(const ErrorList& errors) {
  std::string out;
  YamlWriter w(out);
  writeErrors(w, errors);
  return out;
}

}  // namespace gpuslice::io
