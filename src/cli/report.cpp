// The one place where errors reach the user: stderr lines, and the error document on stdout.
#include <iostream>

#include "cli/commands.h"
#include "io/error_report.h"

namespace gpuslice::cli {

int report(const Error& e) { return report(ErrorList{e}); }

int report(const ErrorList& errors, const std::vector<std::string>& files, const std::string& format) {
  const ErrorList shown = io::errorsToReport(errors, files);
  std::string lines;
  for (const Error& e : shown) lines += "gpuslice: " + e.describe() + "\n";
  std::cerr << lines;
  if (format == "json") std::cout << io::errorsJsonText(shown);
  if (format == "yaml") std::cout << io::errorsYamlText(shown);
  return io::exitCode(errors);
}

}  // namespace gpuslice::cli
