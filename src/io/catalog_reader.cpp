#include "io/catalog_reader.h"

#include <fmt/format.h>
#include <gpuslice/embedded.h>
#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "io/decode.h"
#include "io/driver_reader.h"
#include "io/files.h"
#include "io/mig_reader.h"

namespace gpuslice::io {

namespace {

constexpr const char* kApiVersion = "gpuslice.dev/v1alpha1";

std::optional<Error> header(const Decoder& d, const Node& root, std::string_view kind,
                            std::initializer_list<std::string_view> keys) {
  GS_TRY(d.mapping(root, "", keys));
  const Node* api = root.find("apiVersion");
  if (!api || !api->isScalar() || api->text != kApiVersion) {
    return d.error(api ? *api : root, "apiVersion", fmt::format("must be {}", kApiVersion));
  }
  const Node* k = root.find("kind");
  if (!k || !k->isScalar() || k->text != kind) return d.error(k ? *k : root, "kind", fmt::format("must be {}", kind));
  return std::nullopt;
}

Result<double> positive(const Decoder& d, const Node& parent, std::string_view key, const std::string& f, double max) {
  const Node* n = parent.find(key);
  if (!n) return d.error(parent, join(f, key), "required");
  auto v = d.number(*n, join(f, key));
  if (!v) return v;
  if (!(*v > 0 && *v <= max)) return d.error(*n, join(f, key), fmt::format("must be in (0, {}], got {}", max, n->text));
  return v;
}

Result<std::optional<Micros>> price(const Decoder& d, const Node& parent, std::string_view key, const std::string& f) {
  const Node* n = parent.find(key);
  if (!n || n->isNull()) return std::optional<Micros>{};
  auto v = d.number(*n, join(f, key));
  if (!v) return v.error();
  if (!(*v > 0 && *v < 100000))
    return d.error(*n, join(f, key), fmt::format("must be a price per hour in (0, 100000), got {}", n->text));
  return std::optional<Micros>{std::llround(*v * 1e6)};
}

/// What metadata.statusSources says, by id: the date and source of a status.
struct StatusSource {
  std::string date;
  std::string source;
};
using StatusSources = std::map<std::string, StatusSource, std::less<>>;

/// metadata.statusSources: optional, a list of {id, date, source}.
Result<StatusSources> readStatusSources(const Decoder& d, const Node& md) {
  StatusSources out;
  const Node* list = md.find("statusSources");
  if (!list) return out;
  const std::string f = "metadata.statusSources";
  GS_TRY(d.sequence(*list, f));
  for (std::size_t i = 0; i < list->items.size(); ++i) {
    const Node& n = list->items[i];
    const std::string nf = index(f, i);
    GS_TRY(d.mapping(n, nf, {"id", "date", "source"}));
    auto id = requiredString(d, n, "id", nf);
    if (!id) return id.error();
    auto date = requiredString(d, n, "date", nf);
    if (!date) return date.error();
    auto source = requiredString(d, n, "source", nf);
    if (!source) return source.error();
    if (!out.emplace(*id, StatusSource{*date, *source}).second) {
      return d.error(*n.find("id"), join(nf, "id"), fmt::format("duplicate status source \"{}\"", *id));
    }
  }
  return out;
}

/// The optional `eni: {interfaces, ipv4PerInterface}` of a row.
std::optional<Error> readEni(const Decoder& d, const Node& n, const std::string& f, InstanceType& t) {
  const Node* eni = n.find("eni");
  if (!eni) return std::nullopt;
  const std::string ef = join(f, "eni");
  GS_TRY(d.mapping(*eni, ef, {"interfaces", "ipv4PerInterface"}));
  EniLimits limits;
  for (auto [key, value, max] : {std::tuple{"interfaces", &limits.interfaces, 64},
                                 std::tuple{"ipv4PerInterface", &limits.ipv4PerInterface, 1024}}) {
    const Node* v = eni->find(key);
    if (!v) return d.error(*eni, join(ef, key), "required");
    auto i = d.integer(*v, join(ef, key), 1, max);
    if (!i) return i.error();
    *value = static_cast<int>(*i);
  }
  t.eni = limits;
  t.eniOrigin = FactOrigin::Table;
  return std::nullopt;
}

/// The optional `status: {state: current|retired, source: <id of metadata.statusSources>}`.
std::optional<Error> readStatus(const Decoder& d, const Node& n, const std::string& f, const StatusSources& sources,
                                InstanceType& t) {
  const Node* status = n.find("status");
  if (!status) return std::nullopt;
  const std::string sf = join(f, "status");
  GS_TRY(d.mapping(*status, sf, {"state", "source"}));
  auto state = requiredString(d, *status, "state", sf);
  if (!state) return state.error();
  if (*state != "current" && *state != "retired") {
    return d.error(*status->find("state"), join(sf, "state"),
                   fmt::format("must be current or retired, got {}", *state));
  }
  t.status = *state == "retired" ? TypeStatus::Retired : TypeStatus::Current;
  t.statusOrigin = FactOrigin::Table;
  t.statusSource = fmt::format("stated in {}", d.file());
  if (const Node* source = status->find("source")) {
    auto id = d.string(*source, join(sf, "source"));
    if (!id) return id.error();
    auto it = sources.find(*id);
    if (it == sources.end()) {
      return d.error(*source, join(sf, "source"),
                     fmt::format("\"{}\" is not the id of an entry of metadata.statusSources", *id));
    }
    t.statusDate = it->second.date;
    t.statusSource = it->second.source;
  }
  return std::nullopt;
}

/// Rows that leave out their ENI limits or status take those of the built-in row of the same
/// type name, when there is one.
void inheritFromBuiltIn(std::vector<InstanceType>& types, const std::vector<InstanceType>& builtin) {
  for (InstanceType& t : types) {
    auto it = std::lower_bound(builtin.begin(), builtin.end(), t.name,
                               [](const InstanceType& b, const std::string& name) { return b.name < name; });
    if (it == builtin.end() || it->name != t.name) continue;
    if (!t.eni && it->eni) {
      t.eni = it->eni;
      t.eniOrigin = FactOrigin::BuiltIn;
    }
    if (t.statusOrigin == FactOrigin::Assumed && it->statusOrigin != FactOrigin::Assumed) {
      t.status = it->status;
      t.statusDate = it->statusDate;
      t.statusSource = it->statusSource;
      t.statusOrigin = FactOrigin::BuiltIn;
    }
  }
}

Result<InstanceType> readType(const Decoder& d, const Node& n, const std::string& f, const StatusSources& sources) {
  if (auto e = d.mapping(n, f,
                         {"name", "gpu", "vcpu", "memoryGiB", "arch", "onDemand", "spot", "reserved1y", "reserved3y",
                          "note", "eni", "status"}))
    return *e;
  InstanceType t;
  auto name = requiredString(d, n, "name", f);
  if (!name) return name.error();
  t.name = *name;
  const Node* gpu = n.find("gpu");
  if (!gpu) return d.error(n, join(f, "gpu"), "required");
  const std::string gf = join(f, "gpu");
  if (auto e = d.mapping(*gpu, gf, {"model", "count", "memoryGiB"})) return *e;
  auto model = requiredString(d, *gpu, "model", gf);
  if (!model) return model.error();
  t.gpuModel = *model;
  auto count = positive(d, *gpu, "count", gf, 64);
  if (!count) return count.error();
  if (*count > 1 && *count != std::floor(*count))
    return d.error(*gpu->find("count"), join(gf, "count"), "must be a whole number of GPUs, or a fraction below 1");
  t.gpuCount = *count;
  auto gmem = positive(d, *gpu, "memoryGiB", gf, 4096);
  if (!gmem) return gmem.error();
  t.gpuMemoryMiB = tableMiB(*gmem);
  const Node* vcpu = n.find("vcpu");
  if (!vcpu) return d.error(n, join(f, "vcpu"), "required");
  auto cpus = d.integer(*vcpu, join(f, "vcpu"), 1, 4096);
  if (!cpus) return cpus.error();
  t.vcpu = static_cast<int>(*cpus);
  auto mem = positive(d, n, "memoryGiB", f, 65536);
  if (!mem) return mem.error();
  t.memoryMiB = static_cast<std::int64_t>(std::floor(*mem * 1024.0 + 1e-9));
  auto arch = requiredString(d, n, "arch", f);
  if (!arch) return arch.error();
  if (*arch != "amd64" && *arch != "arm64") return d.error(*n.find("arch"), join(f, "arch"), "must be amd64 or arm64");
  t.arch = *arch == "arm64" ? Arch::Arm64 : Arch::Amd64;
  auto od = price(d, n, "onDemand", f);
  if (!od) return od.error();
  t.onDemand = *od;
  auto sp = price(d, n, "spot", f);
  if (!sp) return sp.error();
  t.spot = *sp;
  auto r1 = price(d, n, "reserved1y", f);
  if (!r1) return r1.error();
  t.reserved1y = *r1;
  auto r3 = price(d, n, "reserved3y", f);
  if (!r3) return r3.error();
  t.reserved3y = *r3;
  if (const Node* note = n.find("note")) {
    auto s = d.string(*note, join(f, "note"));
    if (!s) return s.error();
    t.note = *s;
  }
  GS_TRY(readEni(d, n, f, t));
  GS_TRY(readStatus(d, n, f, sources, t));
  return t;
}

/// A list of GPU names under `key` (optional): non-empty strings.
std::optional<Error> readNames(const Decoder& d, const Node& parent, const std::string& f,
                               std::vector<std::string>& out) {
  const Node* n = parent.find("names");
  if (!n) return std::nullopt;
  const std::string nf = join(f, "names");
  GS_TRY(d.sequence(*n, nf));
  for (std::size_t i = 0; i < n->items.size(); ++i) {
    auto name = d.string(n->items[i], index(nf, i));
    if (!name) return name.error();
    if (name->empty()) return d.error(n->items[i], index(nf, i), "must not be empty");
    out.push_back(std::move(*name));
  }
  return std::nullopt;
}

/// One `memory` entry of a GPU model: a variant by its price-table memory, with NVML's figure.
Result<GpuMemory> readMemoryVariant(const Decoder& d, const Node& n, const std::string& f) {
  GS_TRY(d.mapping(n, f, {"ec2GiB", "nvmlMiB", "source", "names"}));
  GpuMemory m;
  auto ec2 = positive(d, n, "ec2GiB", f, 4096);
  if (!ec2) return ec2.error();
  m.ec2GiB = *ec2;
  m.ec2MiB = tableMiB(*ec2);
  const Node* nvml = n.find("nvmlMiB");
  if (!nvml) return d.error(n, join(f, "nvmlMiB"), "required (null where no NVML figure is known)");
  if (!nvml->isNull()) {
    auto mib = d.integer(*nvml, join(f, "nvmlMiB"), 1, std::int64_t{4096} * 1024);
    if (!mib) return mib.error();
    m.nvmlMiB = *mib;
  }
  auto source = readProvenance(d, n, "source", f);
  if (!source) return source.error();
  if (source->observed && !m.nvmlMiB) {
    return d.error(*n.find("source"), join(join(f, "source"), "kind"),
                   "must be assumed when nvmlMiB is null (nothing was observed)");
  }
  m.observed = source->observed;
  m.source = std::move(source->reason);
  GS_TRY(readNames(d, n, f, m.names));
  return m;
}

/// The model's memory variants, one per price-table figure, in document order.
std::optional<Error> readMemory(const Decoder& d, const Node& n, const std::string& f, GpuModel& g) {
  const Node* list = n.find("memory");
  const std::string mf = join(f, "memory");
  if (!list) return d.error(n, mf, "required (one entry per per-GPU memory figure of the price table)");
  GS_TRY(d.sequence(*list, mf));
  if (list->items.empty()) return d.error(*list, mf, "must list at least one memory variant");
  for (std::size_t i = 0; i < list->items.size(); ++i) {
    auto m = readMemoryVariant(d, list->items[i], index(mf, i));
    if (!m) return m.error();
    if (g.variant(m->ec2MiB)) {
      return d.error(*list->items[i].find("ec2GiB"), join(index(mf, i), "ec2GiB"),
                     fmt::format("duplicate: an earlier entry has the same memory ({} MiB)", m->ec2MiB));
    }
    g.memory.push_back(std::move(*m));
  }
  return std::nullopt;
}

Result<GpuModel> readGpu(const Decoder& d, const Node& n, const std::string& f) {
  if (auto e = d.mapping(
          n, f, {"model", "computeCapability", "mig", "mpsMaxClients", "relativeThroughput", "names", "memory"}))
    return *e;
  GpuModel g;
  auto name = requiredString(d, n, "model", f);
  if (!name) return name.error();
  g.name = *name;
  auto cc = requiredString(d, n, "computeCapability", f);
  if (!cc) return cc.error();
  g.computeCapability = *cc;
  const std::optional<int> tenths = parseComputeCapability(*cc);
  if (!tenths) {
    return d.error(*n.find("computeCapability"), join(f, "computeCapability"),
                   fmt::format("must be a CUDA compute capability such as \"8.0\", got {}", *cc));
  }
  g.computeCapabilityTenths = *tenths;
  auto mig = requiredString(d, n, "mig", f);
  if (!mig) return mig.error();
  if (*mig == "yes")
    g.mig = MigSupport::Yes;
  else if (*mig == "no")
    g.mig = MigSupport::No;
  else if (*mig == "unverified")
    g.mig = MigSupport::Unverified;
  else
    return d.error(*n.find("mig"), join(f, "mig"), "must be yes, no or unverified");
  const Node* mps = n.find("mpsMaxClients");
  if (!mps) return d.error(n, join(f, "mpsMaxClients"), "required");
  auto clients = d.integer(*mps, join(f, "mpsMaxClients"), 2, kMpsClientLimit);
  if (!clients) return clients.error();
  g.mpsMaxClients = static_cast<int>(*clients);
  const Node* thr = n.find("relativeThroughput");
  if (thr && !thr->isNull()) {
    auto v = positive(d, n, "relativeThroughput", f, 1000);
    if (!v) return v.error();
    g.relativeThroughput = *v;
  }
  GS_TRY(readNames(d, n, f, g.names));
  GS_TRY(readMemory(d, n, f, g));
  return g;
}

/// Where a name was given in the GPU table, for the duplicate check.
struct NameAt {
  std::string_view name;
  const Node* node = nullptr;
  std::string field;
  std::string owner;  ///< the model it names, with the variant's memory when it names one
};

/// Every name of the table (models' own and their other names) is unique without regard to
/// case: one name, one GPU. `gpus` in document order, memory variants too.
std::optional<Error> checkNames(const Decoder& d, const Node& list, const std::vector<GpuModel>& gpus) {
  std::vector<NameAt> seen;
  for (std::size_t i = 0; i < gpus.size(); ++i) {
    const Node& item = list.items[i];
    const GpuModel& g = gpus[i];
    const std::string f = index("gpus", i);
    std::vector<NameAt> mine{{g.name, item.find("model"), join(f, "model"), g.name}};
    for (std::size_t k = 0; k < g.names.size(); ++k) {
      mine.push_back({g.names[k], &item.find("names")->items[k], index(join(f, "names"), k), g.name});
    }
    const Node& variants = *item.find("memory");
    for (std::size_t v = 0; v < g.memory.size(); ++v) {
      const GpuMemory& m = g.memory[v];
      const Node* names = variants.items[v].find("names");
      for (std::size_t k = 0; k < m.names.size(); ++k) {
        mine.push_back({m.names[k], &names->items[k], index(join(index(join(f, "memory"), v), "names"), k),
                        fmt::format("{} ({} MiB per GPU in the price table)", g.name, m.ec2MiB)});
      }
    }
    for (const NameAt& n : mine) {
      for (const NameAt& earlier : seen) {
        if (!sameGpuName(n.name, earlier.name)) continue;
        return d.error(*n.node, n.field,
                       fmt::format("\"{}\" already names {} (at {}); names are compared without regard to case", n.name,
                                   earlier.owner, earlier.field));
      }
      seen.push_back(n);
    }
  }
  return std::nullopt;
}

template <class T>
std::optional<Error> sortUnique(const Decoder& d, const Node& list, const std::string& f, std::vector<T>& items,
                                const char* what) {
  std::vector<std::size_t> order(items.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return items[a].name < items[b].name; });
  for (std::size_t i = 1; i < order.size(); ++i) {
    if (items[order[i]].name == items[order[i - 1]].name) {
      const std::size_t later = std::max(order[i], order[i - 1]);
      return d.error(list.items[later], index(f, later), fmt::format("duplicate {} \"{}\"", what, items[later].name));
    }
  }
  std::vector<T> sorted;
  for (std::size_t i : order) sorted.push_back(std::move(items[i]));
  items = std::move(sorted);
  return std::nullopt;
}

}  // namespace

Result<Catalog> readPriceTable(std::string_view text, const std::string& file, Catalog catalog) {
  auto doc = parseDocument(text, file);
  if (!doc) return doc.error();
  Decoder d(file);
  const Node& root = *doc;
  if (auto e = header(d, root, "PriceTable", {"apiVersion", "kind", "metadata", "instanceTypes"})) return *e;
  const Node* md = root.find("metadata");
  if (!md) return d.error(root, "metadata", "required (region, currency, date, source)");
  if (auto e = d.mapping(*md, "metadata", {"region", "currency", "date", "source", "statusSources"})) return *e;
  auto region = requiredString(d, *md, "region", "metadata");
  if (!region) return region.error();
  auto currency = requiredString(d, *md, "currency", "metadata");
  if (!currency) return currency.error();
  if (*currency != "USD") return d.error(*md->find("currency"), "metadata.currency", "must be USD");
  auto date = requiredString(d, *md, "date", "metadata");
  if (!date) return date.error();
  auto source = requiredString(d, *md, "source", "metadata");
  if (!source) return source.error();
  catalog.region = *region;
  catalog.currency = *currency;
  catalog.date = *date;
  catalog.source = *source;
  catalog.file = file;
  const Node* list = root.find("instanceTypes");
  if (!list) return d.error(root, "instanceTypes", "required");
  if (auto e = d.sequence(*list, "instanceTypes")) return *e;
  if (list->items.empty()) return d.error(*list, "instanceTypes", "must list at least one instance type");
  auto statusSources = readStatusSources(d, *md);
  if (!statusSources) return statusSources.error();
  const std::vector<InstanceType> builtin = std::move(catalog.instanceTypes);
  catalog.instanceTypes.clear();
  for (std::size_t i = 0; i < list->items.size(); ++i) {
    auto t = readType(d, list->items[i], index("instanceTypes", i), *statusSources);
    if (!t) return t.error();
    catalog.instanceTypes.push_back(std::move(*t));
  }
  if (auto e = sortUnique(d, *list, "instanceTypes", catalog.instanceTypes, "instance type")) return *e;
  inheritFromBuiltIn(catalog.instanceTypes, builtin);
  catalog.absentTypes.clear();
  for (InstanceType t : builtin) {
    if (catalog.findType(t.name)) continue;
    t.onDemand = t.spot = t.reserved1y = t.reserved3y = std::nullopt;
    catalog.absentTypes.push_back(std::move(t));
  }
  return catalog;
}

Result<std::vector<GpuModel>> readGpuTable(std::string_view text, const std::string& file) {
  auto doc = parseDocument(text, file);
  if (!doc) return doc.error();
  Decoder d(file);
  if (auto e = header(d, *doc, "GpuCatalog", {"apiVersion", "kind", "gpus"})) return *e;
  const Node* list = doc->find("gpus");
  if (!list) return d.error(*doc, "gpus", "required");
  if (auto e = d.sequence(*list, "gpus")) return *e;
  std::vector<GpuModel> gpus;
  for (std::size_t i = 0; i < list->items.size(); ++i) {
    auto g = readGpu(d, list->items[i], index("gpus", i));
    if (!g) return g.error();
    gpus.push_back(std::move(*g));
  }
  GS_TRY(checkNames(d, *list, gpus));
  for (GpuModel& g : gpus) {
    std::sort(g.memory.begin(), g.memory.end(),
              [](const GpuMemory& a, const GpuMemory& b) { return a.ec2MiB < b.ec2MiB; });
  }
  if (auto e = sortUnique(d, *list, "gpus", gpus, "GPU model")) return *e;
  return gpus;
}

Result<Catalog> builtinCatalog() {
  auto gpus = readGpuTable(embedded::catalog_gpus_yaml(), "<built-in>/catalog/gpus.yaml");
  if (!gpus) return gpus.error();
  auto mig = builtinMigCatalog();
  if (!mig) return mig.error();
  auto drivers = builtinDriverTable(*gpus);
  if (!drivers) return drivers.error();
  Catalog base;
  base.gpus = std::move(*gpus);
  base.amis = std::move(drivers->amis);
  base.driverCeilings = std::move(drivers->ceilings);
  base.migGpus = std::move(*mig);
  return readPriceTable(embedded::pricing_aws_us_east_1_yaml(), "<built-in>/pricing/aws-us-east-1.yaml",
                        std::move(base));
}

Result<Catalog> loadCatalog(const std::string& pricingFile) {
  auto builtin = builtinCatalog();
  if (!builtin || pricingFile.empty()) return builtin;
  auto text = readFile(pricingFile);
  if (!text) return text.error();
  return readPriceTable(*text, pricingFile, std::move(*builtin));
}

}  // namespace gpuslice::io
