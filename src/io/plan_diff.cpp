#include "io/plan_diff.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "io/decode.h"
#include "io/document.h"
#include "io/plan_reader.h"
#include "io/plan_report.h"
#include "io/tree_writer.h"
#include "model/money.h"

namespace gpuslice::io {

namespace {

/// `parent`.`key`, which must be there.
Result<const Node*> required(const Decoder& d, const Node& parent, std::string_view key, const std::string& f) {
  const Node* n = parent.isMapping() ? parent.find(key) : nullptr;
  if (!n) return d.error(parent, join(f, key), "required");
  return n;
}

Result<std::int64_t> count(const Decoder& d, const Node& parent, std::string_view key, const std::string& f) {
  auto n = required(d, parent, key, f);
  if (!n) return n.error();
  return d.integer(**n, join(f, key), 0, 10'000'000);
}

/// A price in dollars as micro-dollars.
Result<Micros> dollars(const Decoder& d, const Node& parent, std::string_view key, const std::string& f) {
  auto n = required(d, parent, key, f);
  if (!n) return n.error();
  auto v = d.number(**n, join(f, key));
  if (!v) return v.error();
  if (*v < 0 || *v > 1e9) return d.error(**n, join(f, key), "must be a price from 0 to 1e9 dollars");
  return Micros{std::llround(*v * 1e6)};
}

/// An optional string member; empty when it is not there.
Result<std::string> optionalString(const Decoder& d, const Node& parent, std::string_view key, const std::string& f) {
  const Node* n = parent.isMapping() ? parent.find(key) : nullptr;
  if (!n) return std::string();
  return d.string(*n, join(f, key));
}

Result<SavedPool> readPool(const Decoder& d, const Node& n, const std::string& f) {
  SavedPool p;
  for (auto [key, out] : {std::pair{"name", &p.name}, {"instanceType", &p.instanceType}, {"mode", &p.mode}}) {
    auto s = requiredString(d, n, key, f);
    if (!s) return s.error();
    *out = *s;
  }
  for (auto [key, out] : {std::pair{"replicas", &p.replicas}, {"nodes", &p.nodes}, {"pods", &p.pods}}) {
    auto v = count(d, n, key, f);
    if (!v) return v.error();
    *out = static_cast<int>(*v);
  }
  auto hourly = dollars(d, n, "hourlyCost", f);
  if (!hourly) return hourly.error();
  p.hourly = *hourly;
  return p;
}

/// The slot as the plan's table words it; `replicas`: the pool's.
Result<std::string> slotText(const Decoder& d, const Node& n, const std::string& f, const std::string& mode,
                             int replicas) {
  if (mode == "mig") {
    auto profile = requiredString(d, n, "profile", f);
    if (!profile) return profile.error();
    return "MIG " + *profile;
  }
  if (mode == "mps") return fmt::format("1/{} MPS", replicas);
  if (mode == "time-slicing") return fmt::format("1/{} time-sliced", replicas);
  if (mode != "dedicated")
    return d.error(*n.find("mode"), join(f, "mode"), "must be dedicated, time-slicing, mps or mig");
  const Node* gpus = n.find("gpuCount");
  if (!gpus) return std::string("whole GPU");
  auto v = d.integer(*gpus, join(f, "gpuCount"), 1, 16);
  if (!v) return v.error();
  return *v == 1 ? std::string("whole GPU") : fmt::format("{} whole GPUs", *v);
}

Result<SavedPlacement> readPlacement(const Decoder& d, const Node& n, const std::string& f,
                                     const std::map<std::string, int>& poolReplicas) {
  SavedPlacement p;
  auto ns = requiredString(d, n, "namespace", f);
  if (!ns) return ns.error();
  auto name = requiredString(d, n, "name", f);
  if (!name) return name.error();
  p.name = *ns + "/" + *name;
  auto pool = requiredString(d, n, "pool", f);
  if (!pool) return pool.error();
  p.pool = *pool;
  const auto replicasOfPool = poolReplicas.find(p.pool);
  if (replicasOfPool == poolReplicas.end())
    return d.error(*n.find("pool"), join(f, "pool"), fmt::format("no pool {} in plan.pools", p.pool));
  auto replicas = count(d, n, "replicas", f);
  if (!replicas) return replicas.error();
  p.replicas = static_cast<int>(*replicas);
  auto mode = requiredString(d, n, "mode", f);
  if (!mode) return mode.error();
  auto slot = slotText(d, n, f, *mode, replicasOfPool->second);
  if (!slot) return slot.error();
  p.slot = *slot;
  return p;
}

/// plan.pools[] and workloads[] into `out`, sorted by name; a name twice is an error.
std::optional<Error> readRows(const Decoder& d, const Node& root, PlanSummary& out) {
  auto plan = required(d, root, "plan", "");
  if (!plan) return plan.error();
  auto pools = required(d, **plan, "pools", "plan");
  if (!pools) return pools.error();
  if (auto e = d.sequence(**pools, "plan.pools")) return e;
  std::map<std::string, int> replicas;
  for (std::size_t i = 0; i < (*pools)->items.size(); ++i) {
    const Node& n = (*pools)->items[i];
    auto p = readPool(d, n, index("plan.pools", i));
    if (!p) return p.error();
    if (!replicas.emplace(p->name, p->replicas).second)
      return d.error(n, index("plan.pools", i), fmt::format("pool {} appears twice", p->name));
    out.instances += p->nodes;
    out.pools.push_back(std::move(*p));
  }
  auto workloads = required(d, root, "workloads", "");
  if (!workloads) return workloads.error();
  if (auto e = d.sequence(**workloads, "workloads")) return e;
  std::map<std::string, bool> seen;
  for (std::size_t i = 0; i < (*workloads)->items.size(); ++i) {
    const Node& n = (*workloads)->items[i];
    auto p = readPlacement(d, n, index("workloads", i), replicas);
    if (!p) return p.error();
    if (!seen.emplace(p->name, true).second)
      return d.error(n, index("workloads", i), fmt::format("workload {} appears twice", p->name));
    out.placements.push_back(std::move(*p));
  }
  auto byName = [](const auto& a, const auto& b) { return a.name < b.name; };
  std::sort(out.pools.begin(), out.pools.end(), byName);
  std::sort(out.placements.begin(), out.placements.end(), byName);
  return std::nullopt;
}

}  // namespace

Result<PlanSummary> readPlanSummary(std::string_view text, const std::string& file) {
  auto root = parseDocument(text, file);
  if (!root) return root.error();
  const Decoder d(file);
  if (!root->isMapping()) return d.error(*root, "", "must be a plan of gpuslice plan --format json");
  if (auto e = checkPlanKind(d, *root)) return *e;
  PlanSummary s;
  s.file = file;
  if (auto e = readRows(d, *root, s)) return *e;
  const Node& plan = *root->find("plan");
  auto hourly = dollars(d, plan, "hourlyCost", "plan");
  if (!hourly) return hourly.error();
  s.hourly = *hourly;
  auto capacity = optionalString(d, plan, "capacity", "plan");
  if (!capacity) return capacity.error();
  s.capacity = *capacity;
  if (const Node* baseline = root->find("baseline")) {
    auto b = dollars(d, *baseline, "hourlyCost", "baseline");
    if (!b) return b.error();
    s.baseline = *b;
  }
  if (const Node* pricing = root->find("pricing")) {
    auto region = optionalString(d, *pricing, "region", "pricing");
    if (!region) return region.error();
    auto date = optionalString(d, *pricing, "date", "pricing");
    if (!date) return date.error();
    s.region = *region;
    s.priceDate = *date;
  }
  return s;
}

namespace {

/// Pairs the rows of two lists sorted by name.
template <class T, class Kind>
std::vector<Change<T>> pairByName(const std::vector<T>& before, const std::vector<T>& after, Kind kindOf) {
  std::vector<Change<T>> out;
  std::size_t i = 0, j = 0;
  while (i < before.size() || j < after.size()) {
    Change<T> c;
    if (j == after.size() || (i < before.size() && before[i].name < after[j].name)) {
      c.before = before[i++];
      c.kind = "removed";
    } else if (i == before.size() || after[j].name < before[i].name) {
      c.after = after[j++];
      c.kind = "added";
    } else {
      c.before = before[i++];
      c.after = after[j++];
      c.kind = kindOf(*c.before, *c.after);
    }
    out.push_back(std::move(c));
  }
  return out;
}

template <class T>
int changed(const std::vector<Change<T>>& rows) {
  return static_cast<int>(std::count_if(rows.begin(), rows.end(), [](const auto& c) { return c.kind != "unchanged"; }));
}

}  // namespace

int PlanDiff::changedPools() const { return changed(pools); }
int PlanDiff::changedWorkloads() const { return changed(workloads); }

PlanDiff diffPlans(PlanSummary before, PlanSummary after) {
  PlanDiff d;
  d.pools = pairByName(before.pools, after.pools, [](const SavedPool& a, const SavedPool& b) {
    const bool same = a.instanceType == b.instanceType && a.mode == b.mode && a.replicas == b.replicas &&
                      a.nodes == b.nodes && a.pods == b.pods && a.hourly == b.hourly;
    return std::string(same ? "unchanged" : "changed");
  });
  d.workloads = pairByName(before.placements, after.placements, [](const SavedPlacement& a, const SavedPlacement& b) {
    if (a.pool != b.pool) return std::string("moved");
    return std::string(a.replicas == b.replicas && a.slot == b.slot ? "unchanged" : "changed");
  });
  d.before = std::move(before);
  d.after = std::move(after);
  return d;
}

namespace {

using Row = std::vector<std::string>;

/// "+$1.23", "-$0.50", "$0.00".
std::string signedMoney(Micros m) { return m > 0 ? "+" + moneyText(m) : moneyText(m); }

/// "3 -> 4", or "3" when it did not change or one side is missing (added, removed).
template <class T, class F>
std::string fromTo(const Change<T>& c, F value) {
  if (!c.before || !c.after) return value(c.before ? *c.before : *c.after);
  const std::string a = value(*c.before);
  const std::string b = value(*c.after);
  return a == b ? a : a + " -> " + b;
}

Micros hourlyOf(const std::optional<SavedPool>& p) { return p ? p->hourly : 0; }

std::vector<Row> poolRows(const PlanDiff& d, Row header) {
  std::vector<Row> rows{std::move(header)};
  for (const auto& c : d.pools) {
    if (c.kind == "unchanged") continue;
    rows.push_back({c.kind, c.after ? c.after->name : c.before->name,
                    fromTo(c, [](const SavedPool& p) { return p.instanceType; }),
                    fromTo(c, [](const SavedPool& p) { return p.mode; }),
                    fromTo(c, [](const SavedPool& p) { return std::to_string(p.nodes); }),
                    fromTo(c, [](const SavedPool& p) { return std::to_string(p.pods); }),
                    fromTo(c, [](const SavedPool& p) { return moneyText(p.hourly); }),
                    signedMoney(hourlyOf(c.after) - hourlyOf(c.before))});
  }
  return rows;
}

std::vector<Row> workloadRows(const PlanDiff& d, Row header) {
  std::vector<Row> rows{std::move(header)};
  for (const auto& c : d.workloads) {
    if (c.kind == "unchanged") continue;
    rows.push_back({c.kind, c.after ? c.after->name : c.before->name,
                    fromTo(c, [](const SavedPlacement& p) { return std::to_string(p.replicas); }),
                    fromTo(c, [](const SavedPlacement& p) { return p.pool; }),
                    fromTo(c, [](const SavedPlacement& p) { return p.slot; })});
  }
  return rows;
}

std::string percentChange(Micros before, Micros after) {
  if (before == 0) return "";
  return fmt::format(", {:+.2f}%", 100.0 * static_cast<double>(after - before) / static_cast<double>(before));
}

/// The lines above the tables: the two plans, their cost and instances.
std::string heading(const PlanDiff& d) {
  const Micros delta = d.after.hourly - d.before.hourly;
  std::string out =
      fmt::format("cost: {}/h -> {}/h ({}/h{}), {}/month -> {}/month ({}/month)\n", moneyText(d.before.hourly),
                  moneyText(d.after.hourly), signedMoney(delta), percentChange(d.before.hourly, d.after.hourly),
                  moneyText(d.before.hourly * kHoursPerMonth), moneyText(d.after.hourly * kHoursPerMonth),
                  signedMoney(delta * kHoursPerMonth));
  out += fmt::format("instances: {} -> {}\n", d.before.instances, d.after.instances);
  auto prices = [](const PlanSummary& s) {
    return fmt::format("{} {} prices of {}", s.capacity, s.region, s.priceDate);
  };
  if (prices(d.before) != prices(d.after)) out += fmt::format("prices: {} -> {}\n", prices(d.before), prices(d.after));
  return out;
}

std::string unchangedNote(int unchanged, const char* what) {
  return unchanged ? fmt::format("({} {} unchanged)\n", unchanged, what) : "";
}

}  // namespace

std::string diffTable(const PlanDiff& d) {
  std::string out = fmt::format("gpuslice diff: {} -> {}\n", d.before.file, d.after.file) + heading(d);
  if (d.changedPools() == 0 && d.changedWorkloads() == 0) return out + "no pool or workload changed\n";
  const int unchangedPools = static_cast<int>(d.pools.size()) - d.changedPools();
  const int unchangedWorkloads = static_cast<int>(d.workloads.size()) - d.changedWorkloads();
  if (d.changedPools())
    out += "\n" + aligned(poolRows(d, {"POOLS", "NAME", "INSTANCE", "MODE", "NODES", "PODS", "COST/H", "CHANGE/H"}));
  out += unchangedNote(unchangedPools, "pools");
  if (d.changedWorkloads()) out += "\n" + aligned(workloadRows(d, {"WORKLOADS", "NAME", "PODS", "POOL", "SLOT"}));
  out += unchangedNote(unchangedWorkloads, "workloads");
  return out;
}

std::string diffMarkdown(const PlanDiff& d) {
  std::string out = fmt::format("# gpuslice diff\n\n`{}` -> `{}`\n\n", d.before.file, d.after.file);
  std::string head = heading(d);
  for (std::size_t at = 0; (at = head.find('\n', at)) != std::string::npos; at += 3) head.replace(at, 1, "  \n");
  out += head;
  if (d.changedPools() == 0 && d.changedWorkloads() == 0) return out + "\nNo pool or workload changed.\n";
  const int unchangedPools = static_cast<int>(d.pools.size()) - d.changedPools();
  const int unchangedWorkloads = static_cast<int>(d.workloads.size()) - d.changedWorkloads();
  // A blank line after each table: a line of text right below one would be read as a row.
  out += "\n## Pools\n\n";
  if (d.changedPools())
    out += markdownTable(poolRows(d, {"change", "pool", "instance", "mode", "nodes", "pods", "cost/h", "change/h"})) +
           "\n";
  out += unchangedNote(unchangedPools, "pools");
  out += "\n## Workloads\n\n";
  if (d.changedWorkloads())
    out += markdownTable(workloadRows(d, {"change", "workload", "pods", "pool", "slot"})) + "\n";
  out += unchangedNote(unchangedWorkloads, "workloads");
  return out;
}

namespace {

double usd(Micros m) { return static_cast<double>(m) / 1e6; }

void side(TreeWriter& w, std::string_view key, const PlanSummary& s) {
  w.key(key);
  w.beginMap();
  w.field("capacity", s.capacity);
  w.field("file", s.file);
  w.field("hourlyCost", usd(s.hourly));
  w.field("instances", s.instances);
  w.field("monthlyCost", usd(s.hourly * kHoursPerMonth));
  w.field("priceDate", s.priceDate);
  w.field("region", s.region);
  w.endMap();
}

void pool(TreeWriter& w, std::string_view key, const std::optional<SavedPool>& p) {
  if (!p) return;
  w.key(key);
  w.beginMap();
  w.field("hourlyCost", usd(p->hourly));
  w.field("instanceType", p->instanceType);
  w.field("mode", p->mode);
  w.field("nodes", p->nodes);
  w.field("pods", p->pods);
  w.field("replicas", p->replicas);
  w.endMap();
}

void placement(TreeWriter& w, std::string_view key, const std::optional<SavedPlacement>& p) {
  if (!p) return;
  w.key(key);
  w.beginMap();
  w.field("pods", p->replicas);
  w.field("pool", p->pool);
  w.field("slot", p->slot);
  w.endMap();
}

}  // namespace

std::string diffJson(const PlanDiff& d) {
  std::string out;
  JsonWriter w(out);
  w.beginMap();
  side(w, "after", d.after);
  w.field("apiVersion", "gpuslice.dev/v1alpha1");
  side(w, "before", d.before);
  w.field("hourlyChange", usd(d.after.hourly - d.before.hourly));
  w.field("kind", "PlanDiff");
  w.field("monthlyChange", usd((d.after.hourly - d.before.hourly) * kHoursPerMonth));
  w.key("pools");
  w.beginList();
  for (const auto& c : d.pools) {
    w.beginMap();
    pool(w, "after", c.after);
    pool(w, "before", c.before);
    w.field("change", c.kind);
    w.field("hourlyChange", usd(hourlyOf(c.after) - hourlyOf(c.before)));
    w.field("name", c.after ? c.after->name : c.before->name);
    w.endMap();
  }
  w.endList();
  w.key("workloads");
  w.beginList();
  for (const auto& c : d.workloads) {
    w.beginMap();
    placement(w, "after", c.after);
    placement(w, "before", c.before);
    w.field("change", c.kind);
    w.field("name", c.after ? c.after->name : c.before->name);
    w.endMap();
  }
  w.endList();
  w.endMap();
  return out;
}

}  // namespace gpuslice::io
