// Printing a plan: JSON and YAML for pipelines, a table for people, Markdown for reviews.
#pragma once

#include <string>
#include <vector>

#include "model/money.h"
#include "model/plan.h"

namespace gpuslice::io {

/// Everything a report needs besides the plan itself.
struct ReportInput {
  const Plan& plan;
  const WorkloadSet& set;
  const Catalog& catalog;
  const PlanOptions& options;
};

class TreeWriter;

/// Describes the plan to `w`: keys sorted, numbers as numbers. JSON and YAML share it.
void writePlan(TreeWriter& w, const ReportInput& in);

/// The plan as JSON text, two-space indented, ending in a newline.
std::string planJsonText(const ReportInput& in);

/// The same tree as YAML text.
std::string planYamlText(const ReportInput& in);

/// Aligned plain-text tables for a terminal.
std::string planTable(const ReportInput& in);

/// GitHub-flavoured Markdown.
std::string planMarkdown(const ReportInput& in);

/// Cost by namespace and by team as CSV (RFC 4180, CRLF-free: lines end in "\n"): the header
/// `group,name,workloads,pods,today_hourly,plan_hourly,today_monthly,plan_monthly`, then one
/// row per namespace (group `namespace`) and one per team (group `team`), each sorted by name.
/// Figures are dollars with two decimals; each column of a group adds up to the printed
/// baseline or plan cost (model/chargeback.h).
std::string planCsv(const ReportInput& in);

/// Rows padded to aligned columns, two spaces apart; no trailing spaces (the plan's tables,
/// profile --check's).
std::string aligned(const std::vector<std::vector<std::string>>& rows);

/// Rows as a GitHub Markdown table, the first row the header; '|' in a cell escaped.
std::string markdownTable(const std::vector<std::vector<std::string>>& rows);


}  // namespace gpuslice::io
