#include "io/explain_text.h"

#include <fmt/format.h>

#include "io/plan_report.h"

namespace gpuslice::io {

namespace {

constexpr std::size_t kMaxRows = 12;

std::string slotText(const SlotOption& o) {
  if (o.mode == Mode::Dedicated) return "whole GPU";
  if (o.mode == Mode::Mig) return fmt::format("MIG {} x{}", o.profile, o.replicas);
  return fmt::format("{} x{}", o.mode == Mode::Mps ? "MPS" : "time-slicing", o.replicas);
}

std::string perPod(const SlotOption& o) {
  return fmt::format("${:.4f}{}", static_cast<double>(o.perPod) / 1e6, o.estimate ? " (estimate)" : "");
}

}  // namespace

std::string explanationText(const Explanation& e) {
  std::string out;
  for (const std::string& f : e.facts) out += f + "\n";
  std::vector<std::vector<std::string>> rows{
      {"INSTANCE", "SLOT", "PODS/NODE", "LIMIT", "PER POD-HOUR", "ITS PODS ALONE"}};
  for (std::size_t i = 0; i < e.options.size() && i < kMaxRows; ++i) {
    const SlotOption& o = e.options[i];
    rows.push_back({o.instanceType, slotText(o), std::to_string(o.podsPerNode), limitedByName(o.limit), perPod(o),
                    fmt::format("${:.4f}/h", static_cast<double>(o.alone) / 1e6)});
  }
  out += fmt::format(
      "\nSLOTS IT FITS (the cheapest {} of {}): a pod's share of a full node, and its pods alone on whole nodes\n",
      rows.size() - 1, e.options.size());
  out += aligned(rows);
  if (e.cheaper.empty()) return out;
  out += "\nCHEAPER A POD, WITH ONE STEP MORE SHARING OR ANOTHER ISOLATION\n";
  for (std::size_t i = 0; i < e.cheaper.size() && i < kMaxRows; ++i) {
    const CheaperSlot& c = e.cheaper[i];
    out += fmt::format("- {} {}, {} pods a node: {} a pod-hour; needs {}\n", c.option.instanceType, slotText(c.option),
                       c.option.podsPerNode, perPod(c.option),
                       c.needs.empty() ? std::string("nothing more of the pod: the plan's pool holds other workloads")
                                       : fmt::format("{}", fmt::join(c.needs, "; ")));
  }
  return out;
}

}  // namespace gpuslice::io
