// gpuslice lint: the mistakes people make in GPU-sharing manifests (Karpenter objects, NVIDIA
// device plugin and mig-parted configs, GPU Operator Helm values, workloads), each reported
// with a stable code, where it is, why it is wrong and how to fix it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/catalog.h"
#include "model/error.h"

namespace gpuslice::lint {

/// How bad a finding is: an error breaks scheduling or is refused by the component that reads
/// it; a warning is accepted but does not do what the manifest seems to ask.
enum class Severity : std::uint8_t { Error, Warning };

const char* severityName(Severity s);

/// One rule: its stable code (GS<area><number>; areas in rules.cpp), severity, what it finds
/// and why that is wrong. Findings repeat the code and say what was found where.
struct Rule {
  const char* code;
  Severity severity;
  const char* what;
  const char* why;
};

/// Every rule, sorted by code: the table README.md's "Lint" section shows.
const std::vector<Rule>& rules();

/// The rule of `code`; every code a finding carries is in the table.
const Rule& rule(const char* code);

/// One mistake found: the rule's code and severity, where (`line` 1-based), what is wrong here,
/// why (the rule's reason) and the fix.
struct Finding {
  std::string code;
  Severity severity = Severity::Error;
  std::string file;
  int line = 0;
  std::string message;
  std::string why;
  std::string fix;
};

/// One input file: the name to report and its text.
struct Source {
  std::string file;
  std::string text;
};

/// Reads every document of every source (multi-document YAML or JSON; `kind: List` objects
/// are opened; configs embedded as strings in ConfigMaps and Helm values are parsed too) and
/// checks them together, so a NodePool's label can be matched with a ConfigMap of another file.
/// Malformed YAML is an error (file, line); anything else is findings, ordered by file (in the
/// order given), line and code.
Result<std::vector<Finding>> lintSources(const std::vector<Source>& sources, const Catalog& catalog);

/// Findings as text: per finding `FILE:LINE: CODE severity: message`, then `  why: ...` and
/// `  fix: ...`; then one summary line (`N findings (E errors, W warnings)`), or `no findings`.
std::string findingsText(const std::vector<Finding>& findings);

/// Findings as JSON: {"findings": [{"code", "file", "fix", "line", "message", "severity", "why"}],
/// "summary": {"errors", "findings", "warnings"}}, keys sorted, findings in findingsText's order.
std::string findingsJson(const std::vector<Finding>& findings);

}  // namespace gpuslice::lint
