#include "report/chart.h"

#include <fmt/format.h>

#include <algorithm>

#include "model/money.h"
#include "report/markup.h"

namespace gpuslice::report {

namespace {

constexpr double kLabelWidth = 190, kBarSpace = 520, kRow = 30, kBar = 20;

struct Bar {
  std::string key;    ///< data-strategy
  std::string label;  ///< shown left of the bar
  std::optional<Micros> monthly;
  const char* fill;
};

}  // namespace

std::string costChart(const ReportData& data) {
  std::vector<Bar> bars{{"today", "today (whole GPU per pod)", data.plan.baseline.hourly * kHoursPerMonth, "#8a8f98"}};
  for (const StrategyOutcome& s : data.strategies) {
    const bool chosen = s.strategy == data.plan.strategy;
    bars.push_back({strategyName(s.strategy), std::string(strategyName(s.strategy)) + (chosen ? " (this plan)" : ""),
                    s.plan ? std::optional<Micros>(s.plan->fleet.hourly * kHoursPerMonth) : std::nullopt,
                    chosen ? "#2f6fb3" : "#7fa7d6"});
  }
  Micros most = 1;
  for (const Bar& b : bars) most = std::max(most, b.monthly.value_or(0));
  const double height = static_cast<double>(bars.size()) * kRow + 10;
  std::string out = fmt::format(
      "<svg class=\"chart\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" role=\"img\" "
      "aria-label=\"Monthly cost per strategy\">\n",
      px(kLabelWidth + kBarSpace + 110), px(height));
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const Bar& b = bars[i];
    const double y = 5 + static_cast<double>(i) * kRow;
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"12\">{}</text>\n", px(kLabelWidth - 8),
                       px(y + 14), escaped(b.label));
    if (!b.monthly) {
      out += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"#666\">no plan</text>\n", px(kLabelWidth),
                         px(y + 14));
      continue;
    }
    const double w = std::max(1.0, kBarSpace * static_cast<double>(*b.monthly) / static_cast<double>(most));
    const Micros cents = shownCents(*b.monthly);
    out += fmt::format(
        "<rect class=\"bar\" data-strategy=\"{}\" data-monthly=\"{}.{:02d}\" x=\"{}\" y=\"{}\" width=\"{}\" "
        "height=\"{}\" fill=\"{}\"/>\n",
        escaped(b.key), cents / 1000000, cents / 10000 % 100, px(kLabelWidth), px(y), px(w), px(kBar), b.fill);
    out += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"12\">{}</text>\n", px(kLabelWidth + w + 6), px(y + 14),
                       escaped(moneyText(*b.monthly)));
  }
  return out + "</svg>\n";
}

}  // namespace gpuslice::report
