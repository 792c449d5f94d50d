// Errors as the command line reports them: ordered, at most 20 bad-input errors per file, and
// as a structured document for pipelines (`plan --format json` or yaml).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "model/error.h"

namespace gpuslice::io {

/// At most this many bad-input errors of one file are reported; one more error then says how
/// many were left out.
constexpr std::size_t kMaxErrorsPerFile = 20;

/// `errors` in the order they are reported: errors of no file or of a file not in `files`
/// first, then by file in the order of `files` (the workload files as given), then by line;
/// errors of one line keep their order. After the kMaxErrorsPerFile-th bad-input error of a
/// file, the rest of that file's bad-input errors are replaced by one: "and N more errors
/// (only the first 20 of a file are shown)". Infeasible errors are all kept.
ErrorList errorsToReport(ErrorList errors, const std::vector<std::string>& files);

/// The exit code for a run that failed with `errors` (not empty): of the kinds present, the
/// first in the order usage (2), bad input (1), infeasible (3), since input must be readable
/// before it can be checked for fit.
int exitCode(const ErrorList& errors);

/// `{"errors": [{"field", "file", "kind", "line", "message"}, ...]}`, keys sorted as every
/// JSON output is; `kind` is bad-input, usage or infeasible; file and field are "" and line
/// 0 where the error has none. Text is escaped as Error::describe() escapes it.
std::string errorsJsonText(const ErrorList& errors);

/// The same tree as YAML.
std::string errorsYamlText(const ErrorList& errors);

}  // namespace gpuslice::io
