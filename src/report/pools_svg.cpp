#include "report/pools_svg.h"

#include <fmt/format.h>

#include <algorithm>

#include "model/money.h"
#include "report/markup.h"
#include "report/pool_layout.h"
#include "report/report.h"
#include "report/risk_level.h"
#include "util/utf8.h"

namespace gpuslice::report {

namespace {

constexpr int kMaxNodesDrawn = 4;
constexpr double kGpuWidth = 260, kGpuHeight = 46, kGap = 8, kPad = 10, kLabel = 18, kTitle = 26;
constexpr int kGpusPerRow = 4;
constexpr double kCharWidth = 6.6;  // of the 11px sans-serif labels, roughly

const char* fillOf(const char* level) {
  const std::string l = level;
  if (l == "low") return "#9ed8a8";
  if (l == "medium") return "#ffd98a";
  if (l == "high") return "#f5a3a3";
  return "#f2f2f2";
}

/// `text` cut to what fits in `width` px, with "..." when cut.
std::string fitted(const std::string& text, double width) {
  const auto chars = static_cast<std::size_t>(std::max(0.0, (width - 6) / kCharWidth));
  if (text.size() <= chars) return text;
  if (chars < 4) return "";
  return std::string(utf8Prefix(text, chars - 3)) + "...";
}

std::string slotElements(const SlotPicture& s, double x, double y, const Pool& pool, const Plan& plan,
                         const WorkloadSet& set) {
  const double w = s.width * kGpuWidth - 2;
  const double sx = x + s.from * kGpuWidth + 1;
  std::string level = "free", who, tip = "free " + s.label + " slot";
  if (s.workload) {
    const Workload& wl = set.workloads[*s.workload];
    const Risk& r = plan.placements[*s.workload].risk;
    level = riskLevelName(riskLevel(r));
    who = wl.qualifiedName();
    tip = fmt::format("{}: {} slot, risk {} (worst stretch {:.2f}x, busy slowdown {:.1f}%)", who, s.label, level,
                      r.worstStretch, r.slowdownPercent);
  }
  std::string out = fmt::format(
      "<rect class=\"slot\" data-pool=\"{}\" data-workload=\"{}\" data-risk=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" "
      "height=\"{}\" rx=\"3\" fill=\"{}\" stroke=\"#666\" stroke-width=\"0.5\"{}><title>{}</title></rect>\n",
      escaped(pool.name), escaped(who), level, px(sx), px(y + 1), px(w), px(kGpuHeight - 2), fillOf(level.c_str()),
      s.workload ? "" : " stroke-dasharray=\"3 2\"", escaped(tip));
  const std::string name = s.workload ? fitted(set.workloads[*s.workload].name, w) : "";
  const std::string what = fitted(s.label, w);
  const double cx = sx + w / 2;
  if (!name.empty()) {
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"11\">{}</text>\n", px(cx),
                       px(y + 19), escaped(name));
  }
  if (!what.empty()) {
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"9\" fill=\"#444\">{}</text>\n",
                       px(cx), px(y + 35), escaped(what));
  }
  return out;
}

/// One node's frame, GPUs and slots at (x, y); returns its height.
double drawNode(const NodePicture& node, int index, double x, double y, const Pool& pool, const Plan& plan,
                const WorkloadSet& set, std::string& out) {
  const int gpus = static_cast<int>(node.gpus.size());
  const int rows = (gpus + kGpusPerRow - 1) / kGpusPerRow;
  const int cols = std::min(gpus, kGpusPerRow);
  const double width = 2 * kPad + cols * kGpuWidth + (cols - 1) * kGap;
  const double height = kLabel + kPad + rows * (kGpuHeight + kGap) - kGap + kPad;
  out += fmt::format(
      "<rect class=\"node\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"5\" fill=\"#fafafa\" "
      "stroke=\"#999\"/>\n",
      px(x), px(y), px(width), px(height));
  out += fmt::format(
      "<text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"#333\">node {} &#183; {} &#183; {} pod{}</text>\n", px(x + kPad),
      px(y + 14), index + 1, escaped(pool.instanceType), node.pods, node.pods == 1 ? "" : "s");
  for (int g = 0; g < gpus; ++g) {
    const double gx = x + kPad + (g % kGpusPerRow) * (kGpuWidth + kGap);
    const double gy = y + kLabel + kPad + (g / kGpusPerRow) * (kGpuHeight + kGap);
    out += fmt::format(
        "<rect class=\"gpu\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#fff\" "
        "stroke=\"#333\"/>\n",
        px(gx), px(gy), px(kGpuWidth), px(kGpuHeight));
    for (const SlotPicture& s : node.gpus[static_cast<std::size_t>(g)]) out += slotElements(s, gx, gy, pool, plan, set);
  }
  return height;
}

}  // namespace

Drawing drawPool(const Pool& pool, const Plan& plan, const WorkloadSet& set, const Catalog& catalog) {
  Drawing d;
  int undrawn = 0;
  const std::vector<NodePicture> nodes = layOut(pool, plan, set, catalog, kMaxNodesDrawn, undrawn);
  d.elements += fmt::format("<g class=\"pool\" data-pool=\"{}\">\n", escaped(pool.name));
  d.elements += fmt::format(
      "<text x=\"0\" y=\"16\" font-size=\"14\" font-weight=\"bold\">{}</text>\n<text x=\"0\" y=\"{}\" font-size=\"11\" "
      "fill=\"#444\">{} x {}, {}, {} pods, {}/h</text>\n",
      escaped(pool.name), px(kTitle + 6), pool.nodes, escaped(pool.instanceType), modeName(pool.mode), pool.pods,
      escaped(moneyText(pool.hourly)));
  double y = kTitle + 16;
  d.width = 2 * kPad + kGpusPerRow * kGpuWidth + (kGpusPerRow - 1) * kGap;
  for (std::size_t n = 0; n < nodes.size(); ++n)
    y += drawNode(nodes[n], static_cast<int>(n), 0, y, pool, plan, set, d.elements) + kGap;
  if (pool.nodes > static_cast<int>(nodes.size())) {
    const int more = pool.nodes - static_cast<int>(nodes.size());
    d.elements += fmt::format(
        "<text x=\"0\" y=\"{}\" font-size=\"11\" fill=\"#444\">and {} more node{} like these "
        "({} pod{} not drawn)</text>\n",
        px(y + 12), more, more == 1 ? "" : "s", undrawn, undrawn == 1 ? "" : "s");
    y += 20;
  }
  d.elements += "</g>\n";
  d.height = y;
  return d;
}

std::string poolsSvg(const Plan& plan, const WorkloadSet& set, const Catalog& catalog) {
  std::string body;
  double y = 10, width = 0;
  for (const Pool& pool : plan.pools) {
    const Drawing d = drawPool(pool, plan, set, catalog);
    body += fmt::format("<g transform=\"translate(10,{})\">\n{}</g>\n", px(y), d.elements);
    y += d.height + 20;
    width = std::max(width, d.width + 20);
  }
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" "
      "height=\"{1}\" viewBox=\"0 0 {0} {1}\" font-family=\"sans-serif\">\n{2}</svg>\n",
      px(width), px(y), body);
}

}  // namespace gpuslice::report
