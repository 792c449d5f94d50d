// The subcommands, registered from one table in main.cpp.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

#include "model/error.h"

namespace gpuslice::cli {

/// Runs a parsed subcommand and returns the process exit code.
using Runner = std::function<int()>;

/// Each subcommand adds its options to `app` and returns what runs it.
Runner registerPlan(CLI::App& app);
Runner registerCatalog(CLI::App& app);
Runner registerRender(CLI::App& app);
Runner registerSchema(CLI::App& app);
Runner registerProfile(CLI::App& app);
Runner registerPricing(CLI::App& app);
Runner registerDiff(CLI::App& app);
Runner registerReport(CLI::App& app);
Runner registerLint(CLI::App& app);

/// Prints "gpuslice: <error>" on stderr and returns the exit code for its kind.
int report(const Error& e);

/// Prints every error, one "gpuslice: <error>" line each on stderr, as io::errorsToReport
/// orders and limits them (`files`: the workload files, in the order given). With `format`
/// json or yaml, also prints them as a document on stdout (io::errorsJsonText). Returns the
/// exit code (io::exitCode).
int report(const ErrorList& errors, const std::vector<std::string>& files = {}, const std::string& format = "");

}  // namespace gpuslice::cli
