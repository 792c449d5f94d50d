// Printing a plan: JSON and YAML for pipelines, a table for people, Markdown for reviews.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "gpuslice/planner.h"

namespace gpuslice::io {

/// Everything a report needs besides the plan itself.
struct ReportInput {
  const Plan& plan;
  const WorkloadSet& set;
  const Catalog& catalog;
  const PlanOptions& options;
};

/// Hours in the month the monthly figures use.
constexpr int kHoursPerMonth = 730;

/// The plan as a JSON tree (keys sorted, numbers as numbers). YAML has the same shape.
nlohmann::json planJson(const ReportInput& in);

/// JSON text, two-space indented, ending in a newline.
std::string jsonText(const nlohmann::json& j);

/// YAML text of the same tree: block style, strings quoted only where YAML needs it.
std::string yamlText(const nlohmann::json& j);

/// Aligned plain-text tables for a terminal.
std::string planTable(const ReportInput& in);

/// GitHub-flavoured Markdown.
std::string planMarkdown(const ReportInput& in);

}  // namespace gpuslice::io
