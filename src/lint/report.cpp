// Printing findings: text for people, JSON for CI.
#include <fmt/format.h>

#include <algorithm>

#include "io/tree_writer.h"
#include "lint/lint.h"
#include "util/utf8.h"

namespace gpuslice::lint {

namespace {

int errorCount(const std::vector<Finding>& findings) {
  return static_cast<int>(
      std::count_if(findings.begin(), findings.end(), [](const Finding& f) { return f.severity == Severity::Error; }));
}

}  // namespace

std::string findingsText(const std::vector<Finding>& findings) {
  std::string out;
  for (const Finding& f : findings) {
    const std::string where = f.line > 0 ? fmt::format("{}:{}", f.file, f.line) : f.file;
    out += fmt::format("{}: {} {}: {}\n  why: {}\n  fix: {}\n", escapeBytes(where, EscapeAlso::Controls), f.code,
                       severityName(f.severity), escapeBytes(f.message, EscapeAlso::Controls), f.why,
                       escapeBytes(f.fix, EscapeAlso::Controls));
  }
  if (findings.empty()) return "no findings\n";
  const int errors = errorCount(findings);
  const int warnings = static_cast<int>(findings.size()) - errors;
  out += fmt::format("{} finding{} ({} error{}, {} warning{})\n", findings.size(), findings.size() == 1 ? "" : "s",
                     errors, errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
  return out;
}

std::string findingsJson(const std::vector<Finding>& findings) {
  std::string out;
  io::JsonWriter w(out);
  w.beginMap();
  w.key("findings");
  w.beginList();
  for (const Finding& f : findings) {
    w.beginMap();
    w.field("code", f.code);
    w.field("file", f.file);
    w.field("fix", f.fix);
    w.field("line", f.line);
    w.field("message", f.message);
    w.field("severity", severityName(f.severity));
    w.field("why", f.why);
    w.endMap();
  }
  w.endList();
  const int errors = errorCount(findings);
  w.key("summary");
  w.beginMap();
  w.field("errors", errors);
  w.field("findings", static_cast<int>(findings.size()));
  w.field("warnings", static_cast<int>(findings.size()) - errors);
  w.endMap();
  w.endMap();
  return out;
}

}  // namespace gpuslice::lint
