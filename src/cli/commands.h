// The subcommands, registered from one table in main.cpp.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#include "model/error.h"

namespace gpuslice::cli {

/// Runs a parsed subcommand and returns the process exit code.
using Runner = std::function<int()>;

/// Each subcommand adds its options to `app` and returns what runs it.
Runner registerPlan(CLI::App& app);
Runner registerCatalog(CLI::App& app);
Runner registerRender(CLI::App& app);
Runner registerProfile(CLI::App& app);

/// Prints "gpuslice: <error>" on stderr and returns the exit code for its kind.
int report(const Error& e);

}  // namespace gpuslice::cli
