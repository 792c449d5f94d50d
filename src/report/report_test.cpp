// The report's page and pictures: escaping, the layout of a pool, stable bytes.
#include "report/report.h"

#include <doctest/doctest.h>

#include "planner/planner.h"
#include "report/markup.h"
#include "report/pool_layout.h"
#include "report/risk_level.h"
#include "support/builtin.h"
#include "support/test_support.h"

using namespace gpuslice;

namespace {

/// Four T4 workloads that time-slice one g4dn.xlarge; the first has a name no reader would take.
WorkloadSet sharedSet() {
  WorkloadSet s;
  for (const char* name : {"a<b>&\"c'", "rerank", "ocr", "notebook"}) {
    Workload w = testing::workload(name, "T4", 3.5, 0.25);
    w.ns = "ml";
    w.currentType = "g4dn.xlarge";
    s.workloads.push_back(w);
  }
  return s;
}

Plan planOf(const WorkloadSet& s) {
  PlanOptions o;
  o.strategy = Strategy::TimeSlicing;
  o.allowInstanceTypes = {"g4dn.xlarge"};
  auto p = makePlan(s, testing::builtinCatalog(), o);
  REQUIRE_MESSAGE(p.ok(), (p.ok() ? "" : p.error().describe()));
  return *p;
}

}  // namespace

TEST_CASE("markup: every character that could end a text or an attribute is escaped") {
  CHECK(report::escaped("a<b>&\"c'") == "a&lt;b&gt;&amp;&quot;c&#39;");
  CHECK(report::px(12) == "12");
  CHECK(report::px(12.25) == "12.3");
  CHECK(report::px(-0.5) == "-0.5");
}

TEST_CASE("risk levels: low, medium and high by slowdown, stretch and memory") {
  Risk r;
  CHECK(report::riskLevel(r) == report::RiskLevel::Low);
  r.oom = OomKind::Shared;
  CHECK(report::riskLevel(r) == report::RiskLevel::Medium);
  r.worstStretch = 4.8;
  CHECK(report::riskLevel(r) == report::RiskLevel::High);
  Risk slow;
  slow.slowdownPercent = 25;
  CHECK(report::riskLevel(slow) == report::RiskLevel::High);
}

TEST_CASE("a time-sliced pool is drawn slot by slot, first fit") {
  const WorkloadSet s = sharedSet();
  const Plan p = planOf(s);
  REQUIRE(p.pools.size() == 1);
  const Pool& pool = p.pools[0];
  CHECK(pool.mode == Mode::TimeSlicing);
  CHECK(pool.replicas == 4);
  int undrawn = -1;
  const auto nodes = report::layOut(pool, p, s, testing::builtinCatalog(), 4, undrawn);
  CHECK(undrawn == 0);
  REQUIRE(nodes.size() == 1);
  REQUIRE(nodes[0].gpus.size() == 1);
  const auto& slots = nodes[0].gpus[0];
  REQUIRE(slots.size() == 4);
  for (std::size_t k = 0; k < 4; ++k) {
    CHECK(slots[k].from == doctest::Approx(0.25 * static_cast<double>(k)));
    CHECK(slots[k].width == doctest::Approx(0.25));
    CHECK(slots[k].label == "1/4");
    REQUIRE(slots[k].workload.has_value());
  }
  // In the pool's workload order (by name): the slots hold each workload once.
  CHECK(*slots[0].workload == pool.workloads[0]);
  CHECK(*slots[3].workload == pool.workloads[3]);
}

TEST_CASE("the page and the picture escape names and give the same bytes twice") {
  const WorkloadSet s = sharedSet();
  const Plan p = planOf(s);
  const report::ReportData data{p, s, testing::builtinCatalog(), {}, ""};
  const std::string html = report::reportHtml(data);
  const std::string svg = report::poolsSvg(p, s, testing::builtinCatalog());
  for (const std::string& text : {html, svg}) {
    CHECK(text.find("a<b>") == std::string::npos);
    CHECK(text.find("a&lt;b&gt;&amp;&quot;c&#39;") != std::string::npos);
  }
  CHECK(html == report::reportHtml(data));
  CHECK(html.find("http") == std::string::npos);
  CHECK(html.find("Made by gpuslice.</footer>") != std::string::npos);
  const report::ReportData dated{p, s, testing::builtinCatalog(), {}, "2026-01-02 03:04 UTC"};
  CHECK(report::reportHtml(dated).find("Made by gpuslice on 2026-01-02 03:04 UTC.</footer>") != std::string::npos);
}
