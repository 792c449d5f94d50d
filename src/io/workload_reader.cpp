#include "io/workload_reader.h"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <future>
#include <map>

#include "io/decode.h"
#include "util/quantity.h"

namespace gpuslice::io {

namespace {

constexpr const char* kApiVersion = "gpuslice.dev/v1alpha1";
constexpr std::int64_t kMaxReplicas = 100000;
constexpr double kMaxGpuMemoryGiB = 1024;                         // larger than any GPU, with room to spare
constexpr std::int64_t kMaxCpuMillis = 1024 * 1000;               // 1024 cores
constexpr std::int64_t kMaxMemoryBytes = std::int64_t{64} << 40;  // 64 TiB
constexpr std::size_t kParallelDecode = 4096;                     // workloads in one file worth a second thread
constexpr long long kMaxPods = 10'000'000;  // in all files together, so that pod and node counts fit an int

std::optional<Error> readGpu(const Decoder& d, const Node& n, const std::string& f, Workload& w) {
  GS_TRY(d.mapping(n, f, {"model", "memoryGiB", "compute"}));
  if (const Node* m = n.find("model")) {
    auto v = d.string(*m, Field(f, "model"));
    if (!v) return v.error();
    if (v->empty()) return d.error(*m, Field(f, "model"), "must not be empty");
    w.gpuModel = std::move(*v);
    w.source.modelLine = m->line;
  }
  const Node* mem = n.find("memoryGiB");
  if (!mem) return d.error(n, Field(f, "memoryGiB"), "required (peak GPU memory per pod, GiB)");
  auto gib = d.number(*mem, Field(f, "memoryGiB"));
  if (!gib) return gib.error();
  if (!(*gib > 0 && *gib <= kMaxGpuMemoryGiB)) {
    return d.error(*mem, Field(f, "memoryGiB"), fmt::format("must be in (0, {}], got {}", kMaxGpuMemoryGiB, mem->text));
  }
  w.memoryMiB = static_cast<std::int64_t>(std::ceil(*gib * 1024.0 - 1e-9));
  const Node* cmp = n.find("compute");
  if (!cmp) return d.error(n, Field(f, "compute"), "required (p95 busy fraction of one GPU, 0 < x <= 1)");
  auto c = d.number(*cmp, Field(f, "compute"));
  if (!c) return c.error();
  if (!(*c > 0 && *c <= 1))
    return d.error(*cmp, Field(f, "compute"), fmt::format("must be in (0, 1], got {}", cmp->text));
  w.computePpm = std::max<std::int64_t>(1, std::llround(*c * 1e6));
  return std::nullopt;
}

/// Passes each item of the list `n`, as a string, to `take(item, field, text)`, which may
/// reject it. `ifEmpty`, when given, is the error for an empty list.
template <class Take>
std::optional<Error> eachString(const Decoder& d, const Node& n, const std::string& f, const char* ifEmpty, Take take) {
  GS_TRY(d.sequence(n, f));
  if (ifEmpty && n.items.empty()) return d.error(n, f, ifEmpty);
  for (std::size_t i = 0; i < n.items.size(); ++i) {
    const std::string field = index(f, i);
    auto s = d.string(n.items[i], field);
    if (!s) return s.error();
    GS_TRY(take(n.items[i], field, *s));
  }
  return std::nullopt;
}

std::optional<Error> readSharing(const Decoder& d, const Node& n, const std::string& f, Workload& w) {
  w.sharing = 0;
  return eachString(
      d, n, f, "must list at least one mode (dedicated, time-slicing, mps, mig)",
      [&](const Node& item, const std::string& field, const std::string& s) -> std::optional<Error> {
        for (Mode m : {Mode::Dedicated, Mode::TimeSlicing, Mode::Mps, Mode::Mig}) {
          if (s == modeName(m)) {
            w.sharing |= bit(m);
            return std::nullopt;
          }
        }
        return d.error(item, field,
                       fmt::format("unknown sharing mode {} (one of dedicated, time-slicing, mps, mig)", shown(item)));
      });
}

std::optional<Error> readArch(const Decoder& d, const Node& n, const std::string& f, Workload& w) {
  w.arch = 0;
  return eachString(d, n, f, "must list at least one of amd64, arm64",
                    [&](const Node& item, const std::string& field, const std::string& s) -> std::optional<Error> {
                      for (Arch a : {Arch::Amd64, Arch::Arm64}) {
                        if (s == archName(a)) {
                          w.arch |= archBit(a);
                          return std::nullopt;
                        }
                      }
                      return d.error(item, field, fmt::format("must be amd64 or arm64, got {}", shown(item)));
                    });
}

std::optional<Error> readPatterns(const Decoder& d, const Node& n, const std::string& f, Workload& w) {
  return eachString(d, n, f, nullptr,
                    [&](const Node& item, const std::string& field, const std::string& s) -> std::optional<Error> {
                      if (s.empty()) return d.error(item, field, "must not be empty");
                      w.instanceTypes.push_back(s);
                      return std::nullopt;
                    });
}

/// `container` (a DNS-1123 label, as Kubernetes names containers) and `kind`: what render patches.
std::optional<Error> readPatchTarget(const Decoder& d, const Node& n, const std::string& f, Workload& w) {
  if (const Node* c = n.find("container")) {
    auto v = d.string(*c, Field(f, "container"));
    if (!v) return v.error();
    if (const std::string why = dns1123Problem(*v); !why.empty()) {
      return d.error(*c, Field(f, "container"), fmt::format("{} is not a DNS-1123 label: it {}", shown(*c), why));
    }
    w.container = std::move(*v);
  }
  if (const Node* k = n.find("kind")) {
    auto v = d.string(*k, Field(f, "kind"));
    if (!v) return v.error();
    const auto kind = workloadKindNamed(*v);
    if (!kind) {
      return d.error(*k, Field(f, "kind"),
                     fmt::format("must be Deployment, StatefulSet, Job or CronJob, got {}", shown(*k)));
    }
    w.kind = *kind;
  }
  return std::nullopt;
}

std::optional<Error> readWorkload(const Decoder& d, const Node& n, const std::string& f, Workload& w) {
  GS_TRY(d.mapping(n, f,
                   {"name", "namespace", "replicas", "gpu", "cpu", "memory", "isolation", "sharing", "current", "arch",
                    "instanceTypes", "container", "kind"}));
  w.source = SourceRef{d.file(), n.line, f};
  const Node* name = n.find("name");
  if (!name) return d.error(n, Field(f, "name"), "required");
  auto nm = d.string(*name, Field(f, "name"));
  if (!nm) return nm.error();
  if (const std::string why = dns1123Problem(*nm); !why.empty()) {
    return d.error(*name, Field(f, "name"), fmt::format("{} is not a DNS-1123 label: it {}", shown(*name), why));
  }
  w.name = std::move(*nm);
  if (const Node* ns = n.find("namespace")) {
    auto v = d.string(*ns, Field(f, "namespace"));
    if (!v) return v.error();
    if (const std::string why = dns1123Problem(*v); !why.empty()) {
      return d.error(*ns, Field(f, "namespace"), fmt::format("{} is not a DNS-1123 label: it {}", shown(*ns), why));
    }
    w.ns = std::move(*v);
  }
  if (const Node* r = n.find("replicas")) {
    auto v = d.integer(*r, Field(f, "replicas"), 1, kMaxReplicas);
    if (!v) return v.error();
    w.replicas = static_cast<int>(*v);
  }
  const Node* gpu = n.find("gpu");
  if (!gpu) return d.error(n, Field(f, "gpu"), "required (model, memoryGiB, compute)");
  GS_TRY(readGpu(d, *gpu, join(f, "gpu"), w));
  if (const Node* cpu = n.find("cpu")) {
    auto s = d.string(*cpu, Field(f, "cpu"));
    if (!s) return s.error();
    auto v = parseCpuMillis(*s);
    if (!v || *v > kMaxCpuMillis)
      return d.error(*cpu, Field(f, "cpu"),
                     fmt::format("must be a CPU quantity such as 500m or 2 (at most 1024), got {}", shown(*cpu)));
    w.cpuMillis = *v;
  }
  if (const Node* mem = n.find("memory")) {
    auto s = d.string(*mem, Field(f, "memory"));
    if (!s) return s.error();
    auto v = parseMemoryBytes(*s);
    if (!v || *v > kMaxMemoryBytes)
      return d.error(*mem, Field(f, "memory"),
                     fmt::format("must be a memory quantity such as 512Mi or 8Gi (at most 64Ti), got {}", shown(*mem)));
    w.memoryBytes = *v;
  }
  if (const Node* iso = n.find("isolation")) {
    auto s = d.string(*iso, Field(f, "isolation"));
    if (!s) return s.error();
    if (*s == "none")
      w.isolation = Isolation::None;
    else if (*s == "memory")
      w.isolation = Isolation::Memory;
    else if (*s == "full")
      w.isolation = Isolation::Full;
    else
      return d.error(*iso, Field(f, "isolation"), fmt::format("must be none, memory or full, got {}", shown(*iso)));
  }
  if (const Node* s = n.find("sharing")) GS_TRY(readSharing(d, *s, join(f, "sharing"), w));
  if (const Node* a = n.find("arch")) GS_TRY(readArch(d, *a, join(f, "arch"), w));
  if (const Node* p = n.find("instanceTypes")) GS_TRY(readPatterns(d, *p, join(f, "instanceTypes"), w));
  GS_TRY(readPatchTarget(d, n, f, w));
  if (const Node* cur = n.find("current")) {
    const std::string cf = join(f, "current");
    GS_TRY(d.mapping(*cur, cf, {"instanceType"}));
    const Node* t = cur->find("instanceType");
    if (!t) return d.error(*cur, Field(cf, "instanceType"), "required inside current");
    auto s = d.string(*t, Field(cf, "instanceType"));
    if (!s) return s.error();
    if (s->empty()) return d.error(*t, Field(cf, "instanceType"), "must not be empty");
    w.currentType = std::move(*s);
    w.source.currentLine = t->line;
  }
  if (w.gpuModel.empty() && !w.currentType) {
    return d.error(*gpu, Field(f, "gpu.model"), "required when current.instanceType is not given");
  }
  return std::nullopt;
}

std::optional<Error> readDocument(const Decoder& d, const Node& root, WorkloadSet& set, bool& regionSeen) {
  GS_TRY(d.mapping(root, "", {"apiVersion", "kind", "metadata", "spec"}));
  const Node* api = root.find("apiVersion");
  if (!api) return d.error(root, "apiVersion", fmt::format("required ({})", kApiVersion));
  if (!api->isScalar() || api->text != kApiVersion)
    return d.error(*api, "apiVersion", fmt::format("must be {}, got {}", kApiVersion, shown(*api)));
  const Node* kind = root.find("kind");
  if (!kind) return d.error(root, "kind", "required (WorkloadSet)");
  if (!kind->isScalar() || kind->text != "WorkloadSet")
    return d.error(*kind, "kind", fmt::format("must be WorkloadSet, got {}", shown(*kind)));
  if (const Node* md = root.find("metadata")) GS_TRY(d.mapping(*md, "metadata", {"name", "labels", "annotations"}));
  const Node* spec = root.find("spec");
  if (!spec) return d.error(root, "spec", "required");
  GS_TRY(d.mapping(*spec, "spec", {"region", "workloads"}));
  if (const Node* region = spec->find("region")) {
    auto r = d.string(*region, "region");
    if (!r) return r.error();
    if (r->empty()) return d.error(*region, "region", "must not be empty");
    if (regionSeen && *r != set.region) {
      return d.error(*region, "region",
                     fmt::format("\"{}\" conflicts with region \"{}\" set in {}:{}", *r, set.region,
                                 set.regionSource.file, set.regionSource.line));
    }
    regionSeen = true;
    set.region = *r;
    set.regionSource = SourceRef{d.file(), region->line, "region"};
  }
  const Node* wl = spec->find("workloads");
  if (!wl) return d.error(*spec, "workloads", "required (a list of workloads)");
  GS_TRY(d.sequence(*wl, "workloads"));
  if (wl->items.empty()) return d.error(*wl, "workloads", "must list at least one workload");
  const std::size_t n = wl->items.size();
  const std::size_t base = set.workloads.size();
  set.workloads.resize(base + n);
  auto decode = [&](std::size_t from, std::size_t to) -> std::optional<Error> {
    for (std::size_t i = from; i < to; ++i) {
      if (auto e = readWorkload(d, wl->items[i], index("workloads", i), set.workloads[base + i])) return e;
    }
    return std::nullopt;
  };
  if (n < kParallelDecode) return decode(0, n);
  // Large files: the second half on the other core. The first error in document order wins.
  auto secondHalf = std::async(std::launch::async, decode, n / 2, n);
  auto first = decode(0, n / 2);
  auto second = secondHalf.get();
  return first ? first : second;
}

}  // namespace

Result<WorkloadSet> readWorkloads(const std::vector<InputText>& inputs, std::vector<Node>* keep) {
  WorkloadSet set;
  bool regionSeen = false;
  for (const InputText& in : inputs) {
    auto doc = parseDocument(in.text, in.name);
    if (!doc) return doc.error();
    Decoder d(in.name);
    if (auto e = readDocument(d, *doc, set, regionSeen)) return *e;
    if (keep) keep->push_back(std::move(*doc));
  }
  if (set.workloads.empty())
    return badInput(inputs.empty() ? "" : inputs.front().name, 0, "workloads", "no workloads to plan");
  // Sort keys, then move each workload once. A key is "namespace\0name" in one contiguous
  // buffer (NUL sorts before every DNS-1123 character, so this orders by namespace, then
  // name), then the input position, so equal names keep their input order. Comparing within
  // one small buffer is much faster than reaching into 100k scattered workloads.
  std::string text;
  std::vector<std::pair<std::size_t, std::size_t>> spans;  // offset and length in text
  spans.reserve(set.workloads.size());
  for (const Workload& w : set.workloads) {
    spans.emplace_back(text.size(), w.ns.size() + 1 + w.name.size());
    text += w.ns;
    text += '\0';
    text += w.name;
  }
  auto key = [&](std::size_t i) { return std::string_view(text).substr(spans[i].first, spans[i].second); };
  std::vector<std::size_t> order(set.workloads.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  auto less = [&](std::size_t a, std::size_t b) {
    const int c = key(a).compare(key(b));
    return c != 0 ? c < 0 : a < b;
  };
  if (!std::is_sorted(order.begin(), order.end(), less)) {
    // `less` orders every pair, so sorting halves on two threads and merging them gives the
    // same order as one sort.
    const auto mid = order.begin() + static_cast<std::ptrdiff_t>(order.size() / 2);
    if (order.size() < kParallelDecode) {
      std::sort(order.begin(), order.end(), less);
    } else {
      auto firstHalf = std::async(std::launch::async, [&] { std::sort(order.begin(), mid, less); });
      std::sort(mid, order.end(), less);
      firstHalf.get();
      std::inplace_merge(order.begin(), mid, order.end(), less);
    }
    std::vector<Workload> sorted;
    sorted.reserve(order.size());
    for (std::size_t i : order) sorted.push_back(std::move(set.workloads[i]));
    set.workloads = std::move(sorted);
  }
  long long pods = 0;
  for (const Workload& w : set.workloads) {
    pods += w.replicas;
    if (pods > kMaxPods) {
      return Error{
          ErrorKind::BadInput, w.source.file, w.source.line, w.source.field + ".replicas",
          fmt::format("the workloads add up to more than {} pods, more than gpuslice plans at once", kMaxPods)};
    }
  }
  for (std::size_t i = 1; i < set.workloads.size(); ++i) {
    const Workload& a = set.workloads[i - 1];
    const Workload& b = set.workloads[i];
    if (a.ns == b.ns && a.name == b.name) {
      // The sort is stable, so `a` came first in the input: report `b`, pointing at `a`.
      return Error{ErrorKind::BadInput, b.source.file, b.source.line, b.source.field + ".name",
                   fmt::format("duplicate workload {} (first defined at {}:{})", b.qualifiedName(), a.source.file,
                               a.source.line)};
    }
  }
  return set;
}

}  // namespace gpuslice::io
