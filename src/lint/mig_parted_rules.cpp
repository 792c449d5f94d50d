// GS4xx: mig-parted configs (api/spec/v1, decoded strictly), their layouts checked with
// mig/geometry against the GPUs of the pools whose nodes take them.
#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include "lint/checks.h"
#include "mig/geometry.h"

namespace gpuslice::lint {

namespace {

std::string where(const EmbeddedConfig& c) { return "mig-parted config (" + c.owner + ", key " + c.key + ")"; }

bool isCount(const io::Node& n) {
  if (!n.isScalar() || n.quoted) return false;
  int v = 0;
  const auto [end, ec] = std::from_chars(n.text.data(), n.text.data() + n.text.size(), v);
  return ec == std::errc() && end == n.text.data() + n.text.size() && v >= 0;
}

/// Whether `counts` (profile name -> instances per GPU) can be laid out on `gpu`.
bool fits(const MigGpu& gpu, const std::map<std::string, int>& counts) {
  std::vector<int> want(gpu.profiles.size(), 0);
  for (const auto& count : counts) {  // not [name, n]: clang 14 lambdas cannot capture bindings
    const auto p = std::find_if(gpu.profiles.begin(), gpu.profiles.end(),
                                [&](const MigProfile& mp) { return mp.name == count.first; });
    if (p == gpu.profiles.end()) {
      if (count.second > 0) return false;
      continue;
    }
    want[static_cast<std::size_t>(p - gpu.profiles.begin())] = count.second;
  }
  for (const MigGeometry& g : maximalGeometries(gpu)) {
    const std::vector<int> have = profileCounts(gpu, g);
    bool covered = true;
    for (std::size_t i = 0; i < want.size(); ++i) covered &= want[i] <= have[i];
    if (covered) return true;
  }
  return false;
}

struct Entry {
  const EmbeddedConfig* config;
  std::string name;  ///< the mig-config's name
  const io::Node* node;
};

void entryFields(const Entry& e, std::vector<Finding>& out) {
  const EmbeddedConfig& c = *e.config;
  static const std::set<std::string> kKeys = {"device-filter", "devices", "mig-enabled", "mig-devices"};
  const std::string here = where(c) + ": mig-configs." + e.name;
  for (const io::NodeMember& m : e.node->members)
    if (!kKeys.count(m.first))
      out.push_back(finding("GS401", c.file, c.line(m.keyLine), here + ": unknown key " + m.first,
                            "remove it (entry keys: device-filter, devices, mig-enabled, mig-devices)"));
  auto missing = [&](const char* key, const char* fix) {
    out.push_back(finding("GS402", c.file, c.line(e.node->line), here + ": an entry without " + key, fix));
  };
  if (!e.node->find("devices")) missing("devices", "add devices: all (or a list of GPU indices)");
  const io::Node* enabled = e.node->find("mig-enabled");
  const std::string on = enabled && !enabled->quoted ? scalarText(enabled) : "";
  if (on != "true" && on != "false") {
    missing("mig-enabled (true or false)", "add mig-enabled: true or false");
    return;
  }
  const io::Node* devices = e.node->find("mig-devices");
  if (on == "true" && !devices) missing("mig-devices", "list the instances: mig-devices: {\"1g.10gb\": 7}");
  if (on == "false" && devices && devices->isMapping() && !devices->members.empty())
    out.push_back(finding("GS402", c.file, c.line(devices->line), here + ": mig-devices with mig-enabled false",
                          "remove mig-devices, or set mig-enabled: true"));
  if (!devices || !devices->isMapping()) return;
  for (const io::NodeMember& m : devices->members)
    if (!isCount(m.second))
      out.push_back(finding("GS402", c.file, c.line(m.keyLine),
                            here + ": count of " + m.first + " is not a whole number", "give a count of 0 or more"));
}

/// The MIG GPUs of the pools whose nodes take mig-config `name`, each with one such pool.
std::map<const MigGpu*, const Pool*> gpusUsing(const Cluster& cl, const Catalog& catalog, const std::string& name) {
  std::map<const MigGpu*, const Pool*> gpus;
  for (const Pool& p : cl.pools) {
    auto label = p.labels.find("nvidia.com/mig.config");
    if (label == p.labels.end() || label->second.value != name || !p.types) continue;
    for (const std::string& t : *p.types)
      if (const MigGpu* g = catalog.findMigGpu(t)) gpus.emplace(g, &p);
  }
  return gpus;
}

void layout(const Entry& e, const Cluster& cl, const Catalog& catalog, std::vector<Finding>& out) {
  const io::Node* devices = e.node->find("mig-devices");
  if (scalarText(e.node->find("mig-enabled")) != "true" || !devices || !devices->isMapping()) return;
  std::map<std::string, int> counts;
  for (const io::NodeMember& m : devices->members) {
    if (!isCount(m.second)) return;
    counts[m.first] = std::stoi(m.second.text);
  }
  const EmbeddedConfig& c = *e.config;
  const std::string here = where(c) + ": mig-configs." + e.name;
  const auto used = gpusUsing(cl, catalog, e.name);
  for (const auto& [gpu, pool] : used)
    if (!fits(*gpu, counts))
      out.push_back(finding("GS403", c.file, c.line(devices->line),
                            here + ": this layout does not fit the " + gpu->name + " of " + describe(*pool->object),
                            "pick a layout the GPU offers (gpuslice catalog mig " + gpu->name + " lists its layouts)"));
  if (!used.empty()) return;
  const bool anyFits =
      std::any_of(catalog.migGpus.begin(), catalog.migGpus.end(), [&](const MigGpu& g) { return fits(g, counts); });
  if (!anyFits)
    out.push_back(finding("GS403", c.file, c.line(devices->line), here + ": this layout fits no MIG GPU",
                          "pick a layout some MIG GPU offers (gpuslice catalog mig <GPU> lists its layouts)"));
}

void migParted(const EmbeddedConfig& c, const Cluster& cl, const Catalog& catalog, std::vector<Finding>& out) {
  for (const io::NodeMember& m : c.tree.members)
    if (m.first != "version" && m.first != "mig-configs")
      out.push_back(finding("GS401", c.file, c.line(m.keyLine), where(c) + ": unknown key " + m.first,
                            "remove it (top-level keys: version, mig-configs)"));
  if (const io::Node* v = c.tree.find("version"); scalarText(v) != "v1")
    out.push_back(finding("GS402", c.file, c.line(v ? v->line : 1),
                          where(c) + (v ? ": version " + v->text : std::string(": no version")), "write version: v1"));
  const io::Node* configs = c.tree.find("mig-configs");
  if (!configs || !configs->isMapping() || configs->members.empty()) {
    out.push_back(finding("GS402", c.file, c.line(configs ? configs->line : 1),
                          where(c) + ": mig-configs is not a non-empty mapping",
                          "name each layout under mig-configs, each a list of entries"));
    return;
  }
  for (const io::NodeMember& m : configs->members) {
    if (!m.second.isSequence() || m.second.items.empty()) {
      out.push_back(finding("GS402", c.file, c.line(m.keyLine),
                            where(c) + ": mig-configs." + m.first + " is not a non-empty list",
                            "give it a list of entries (devices, mig-enabled, mig-devices)"));
      continue;
    }
    for (const io::Node& item : m.second.items) {
      if (!item.isMapping()) continue;
      const Entry e{&c, m.first, &item};
      entryFields(e, out);
      layout(e, cl, catalog, out);
    }
  }
}

}  // namespace

void checkMigParted(const Manifests& m, const Cluster& cl, const Catalog& catalog, std::vector<Finding>& out) {
  for (const EmbeddedConfig& c : m.configs)
    if (c.kind == ConfigKind::MigParted) migParted(c, cl, catalog, out);
}

}  // namespace gpuslice::lint
