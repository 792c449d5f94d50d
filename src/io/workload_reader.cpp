#include "io/workload_reader.h"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <functional>
#include <future>
#include <iterator>

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

/// gpu.minComputeCapability, "major.minor" as NVIDIA writes it ("8.0"; a YAML number 8.0 is the
/// same text), into `w` in tenths.
std::optional<Error> readMinComputeCapability(const Decoder& d, const Node& n, const std::string& f, Workload& w) {
  const Node* cc = n.find("minComputeCapability");
  if (!cc) return std::nullopt;
  const Field field(f, "minComputeCapability");
  if (!cc->isScalar()) return d.error(*cc, field, "must be a CUDA compute capability such as \"8.0\"");
  const std::optional<int> tenths = parseComputeCapability(cc->text);
  if (!tenths || *tenths < 30 || *tenths > 200) {
    return d.error(
        *cc, field,
        fmt::format("must be a CUDA compute capability from \"3.0\" to \"20.0\" such as \"8.0\", got {}", cc->text));
  }
  w.minComputeCapability = *tenths;
  return std::nullopt;
}

/// gpu.count: whole GPUs per pod, 1 to kMaxGpuCount, into `w`.
std::optional<Error> readGpuCount(const Decoder& d, const Node& n, const std::string& f, Workload& w) {
  const Node* count = n.find("count");
  if (!count) return std::nullopt;
  const Field field(f, "count");
  auto v = d.number(*count, field);
  if (!v) return v.error();
  if (*v != std::floor(*v) || *v < 1 || *v > kMaxGpuCount) {
    return d.error(
        *count, field,
        fmt::format("must be a whole number of GPUs per pod from 1 to {}, got {}", kMaxGpuCount, count->text));
  }
  w.gpuCount = static_cast<std::uint8_t>(*v);
  return std::nullopt;
}

/// A pod of more than one GPU takes them whole: its sharing must allow dedicated.
std::optional<Error> checkGpuCountMode(const Decoder& d, const Node& gpu, const std::string& f, const Workload& w) {
  if (w.gpuCount < 2 || (w.sharing & bit(Mode::Dedicated))) return std::nullopt;
  std::vector<std::string> modes;
  for (Mode m : {Mode::TimeSlicing, Mode::Mps, Mode::Mig}) {
    if (w.sharing & bit(m)) modes.push_back(modeName(m));
  }
  return d.error(*gpu.find("count"), Field(f, "gpu.count"),
                 fmt::format("a pod of {} GPUs takes them whole, so sharing must allow dedicated; it allows only [{}]",
                             w.gpuCount, fmt::join(modes, ", ")));
}

/// Reads gpu.model, gpu.memoryGiB, gpu.compute, gpu.count and gpu.minComputeCapability, each on
/// its own: one bad figure does not hide another.
void readGpu(const Decoder& d, const Node& n, const std::string& f, Workload& w, ErrorList& errors) {
  if (!d.fields(n, f, {"model", "memoryGiB", "compute", "count", "minComputeCapability"}, errors)) return;
  collect(errors, readMinComputeCapability(d, n, f, w));
  collect(errors, readGpuCount(d, n, f, w));
  if (const Node* m = n.find("model")) {
    auto v = d.string(*m, Field(f, "model"));
    if (!v) {
      errors.push_back(v.error());
    } else if (v->empty()) {
      errors.push_back(d.error(*m, Field(f, "model"), "must not be empty"));
    } else {
      w.gpuModel = std::move(*v);
      w.source.modelLine = m->line;
    }
  }
  collect(errors, [&]() -> std::optional<Error> {
    const Node* mem = n.find("memoryGiB");
    if (!mem) return d.error(n, Field(f, "memoryGiB"), "required (peak GPU memory per pod, GiB)");
    auto gib = d.number(*mem, Field(f, "memoryGiB"));
    if (!gib) return gib.error();
    if (!(*gib > 0 && *gib <= kMaxGpuMemoryGiB)) {
      return d.error(*mem, Field(f, "memoryGiB"),
                     fmt::format("must be in (0, {}], got {}", kMaxGpuMemoryGiB, mem->text));
    }
    w.memoryMiB = static_cast<std::int64_t>(std::ceil(*gib * 1024.0 - 1e-9));
    return std::nullopt;
  }());
  collect(errors, [&]() -> std::optional<Error> {
    const Node* cmp = n.find("compute");
    if (!cmp) return d.error(n, Field(f, "compute"), "required (p95 busy fraction of one GPU, 0 < x <= 1)");
    auto c = d.number(*cmp, Field(f, "compute"));
    if (!c) return c.error();
    if (!(*c > 0 && *c <= 1))
      return d.error(*cmp, Field(f, "compute"), fmt::format("must be in (0, 1], got {}", cmp->text));
    w.computePpm = std::max<std::int64_t>(1, std::llround(*c * 1e6));
    return std::nullopt;
  }());
}

/// Passes each item of the list `n`, as a string, to `take(item, field, text)`, which may
/// reject it; every rejected item is an error. `ifEmpty`, when given, is the error for an
/// empty list.
template <class Take>
void eachString(const Decoder& d, const Node& n, const std::string& f, const char* ifEmpty, ErrorList& errors,
                Take take) {
  if (!collect(errors, d.sequence(n, f))) return;
  if (ifEmpty && n.items.empty()) errors.push_back(d.error(n, f, ifEmpty));
  for (std::size_t i = 0; i < n.items.size(); ++i) {
    const std::string field = index(f, i);
    auto s = d.string(n.items[i], field);
    if (!s) {
      errors.push_back(s.error());
      continue;
    }
    collect(errors, take(n.items[i], field, *s));
  }
}

void readSharing(const Decoder& d, const Node& n, const std::string& f, Workload& w, ErrorList& errors) {
  w.sharing = 0;
  eachString(d, n, f, "must list at least one mode (dedicated, time-slicing, mps, mig)", errors,
             [&](const Node& item, const std::string& field, const std::string& s) -> std::optional<Error> {
               for (Mode m : {Mode::Dedicated, Mode::TimeSlicing, Mode::Mps, Mode::Mig}) {
                 if (s == modeName(m)) {
                   w.sharing |= bit(m);
                   return std::nullopt;
                 }
               }
               return d.error(
                   item, field,
                   fmt::format("unknown sharing mode {} (one of dedicated, time-slicing, mps, mig)", shown(item)));
             });
}

void readArch(const Decoder& d, const Node& n, const std::string& f, Workload& w, ErrorList& errors) {
  w.arch = 0;
  eachString(d, n, f, "must list at least one of amd64, arm64", errors,
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

void readPatterns(const Decoder& d, const Node& n, const std::string& f, Workload& w, ErrorList& errors) {
  eachString(d, n, f, nullptr, errors,
             [&](const Node& item, const std::string& field, const std::string& s) -> std::optional<Error> {
               if (s.empty()) return d.error(item, field, "must not be empty");
               w.instanceTypes.push_back(s);
               return std::nullopt;
             });
}

/// A DNS-1123 label (name, namespace).
std::optional<Error> readLabel(const Decoder& d, const Node& n, const Field& field, std::string& out) {
  auto v = d.string(n, field);
  if (!v) return v.error();
  if (const std::string why = dns1123Problem(*v); !why.empty()) {
    return d.error(n, field, fmt::format("{} is not a DNS-1123 label: it {}", shown(n), why));
  }
  out = std::move(*v);
  return std::nullopt;
}

std::optional<Error> readReplicas(const Decoder& d, const Node& n, const std::string& f, Workload& w) {
  // 0 is a workload scaled to zero: read, then left out of the plan with a note.
  auto v = d.integer(n, Field(f, "replicas"), 0, kMaxReplicas);
  if (!v) return v.error();
  w.replicas = static_cast<int>(*v);
  return std::nullopt;
}

std::optional<Error> readCpu(const Decoder& d, const Node& n, const std::string& f, Workload& w) {
  auto s = d.string(n, Field(f, "cpu"));
  if (!s) return s.error();
  auto v = parseCpuMillis(*s);
  if (!v || *v > kMaxCpuMillis)
    return d.error(n, Field(f, "cpu"),
                   fmt::format("must be a CPU quantity such as 500m or 2 (at most 1024), got {}", shown(n)));
  w.cpuMillis = *v;
  return std::nullopt;
}

std::optional<Error> readMemory(const Decoder& d, const Node& n, const std::string& f, Workload& w) {
  auto s = d.string(n, Field(f, "memory"));
  if (!s) return s.error();
  auto v = parseMemoryBytes(*s);
  if (!v || *v > kMaxMemoryBytes)
    return d.error(n, Field(f, "memory"),
                   fmt::format("must be a memory quantity such as 512Mi or 8Gi (at most 64Ti), got {}", shown(n)));
  w.memoryBytes = *v;
  return std::nullopt;
}

std::optional<Error> readIsolation(const Decoder& d, const Node& n, const std::string& f, Workload& w) {
  auto s = d.string(n, Field(f, "isolation"));
  if (!s) return s.error();
  if (*s == "none")
    w.isolation = Isolation::None;
  else if (*s == "memory")
    w.isolation = Isolation::Memory;
  else if (*s == "full")
    w.isolation = Isolation::Full;
  else
    return d.error(n, Field(f, "isolation"), fmt::format("must be none, memory or full, got {}", shown(n)));
  return std::nullopt;
}

std::optional<Error> readCurrent(const Decoder& d, const Node& n, const std::string& f, Workload& w) {
  const std::string cf = join(f, "current");
  GS_TRY(d.mapping(n, cf, {"instanceType", "capacity"}));
  const Node* t = n.find("instanceType");
  if (!t) return d.error(n, Field(cf, "instanceType"), "required inside current");
  auto s = d.string(*t, Field(cf, "instanceType"));
  if (!s) return s.error();
  if (s->empty()) return d.error(*t, Field(cf, "instanceType"), "must not be empty");
  w.currentType = std::move(*s);
  w.source.currentLine = t->line;
  if (const Node* c = n.find("capacity")) {
    auto v = d.string(*c, Field(cf, "capacity"));
    if (!v) return v.error();
    if (*v == "on-demand")
      w.currentCapacity = Capacity::OnDemand;
    else if (*v == "spot")
      w.currentCapacity = Capacity::Spot;
    else
      return d.error(*c, Field(cf, "capacity"), fmt::format("must be on-demand or spot, got {}", shown(*c)));
    w.source.capacityLine = c->line;
  }
  return std::nullopt;
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

/// `minNodes` (1 to replicas; any when scaled to zero) and `maxReplicas` (at least replicas):
/// how its pods spread and how far its autoscaler may grow it. Read after `replicas`.
void readScale(const Decoder& d, const Node& n, const std::string& f, Workload& w, ErrorList& errors) {
  if (const Node* m = n.find("minNodes")) {
    collect(errors, [&]() -> std::optional<Error> {
      auto v = d.integer(*m, Field(f, "minNodes"), 1, kMaxReplicas);
      if (!v) return v.error();
      if (w.replicas > 0 && *v > w.replicas) {
        return d.error(*m, Field(f, "minNodes"),
                       fmt::format("must be at most replicas ({}): a node more than pods stays empty, got {}",
                                   w.replicas, m->text));
      }
      w.minNodes = static_cast<int>(*v);
      return std::nullopt;
    }());
  }
  if (const Node* m = n.find("maxReplicas")) {
    collect(errors, [&]() -> std::optional<Error> {
      auto v = d.integer(*m, Field(f, "maxReplicas"), 1, kMaxReplicas);
      if (!v) return v.error();
      if (*v < w.replicas) {
        return d.error(*m, Field(f, "maxReplicas"),
                       fmt::format("must be at least replicas ({}), got {}", w.replicas, m->text));
      }
      w.maxReplicas = static_cast<int>(*v);
      return std::nullopt;
    }());
  }
}

/// Reads one workload, adding an error to `errors` for every field that is wrong: its fields
/// do not depend on each other, so each is read whatever happened to the others. Returns
/// whether it read cleanly (a workload that did not is left out of the set).
bool readWorkload(const Decoder& d, const Node& n, const std::string& f, Workload& w, ErrorList& errors) {
  const std::size_t before = errors.size();
  if (!d.fields(n, f,
                {"name", "namespace", "replicas", "gpu", "cpu", "memory", "isolation", "sharing", "current", "arch",
                 "instanceTypes", "container", "kind", "minNodes", "maxReplicas", "team"},
                errors)) {
    return false;
  }
  w.source = SourceRef{d.file(), n.line, f};
  const Node* name = n.find("name");
  if (!name)
    errors.push_back(d.error(n, Field(f, "name"), "required"));
  else
    collect(errors, readLabel(d, *name, Field(f, "name"), w.name));
  if (const Node* ns = n.find("namespace")) collect(errors, readLabel(d, *ns, Field(f, "namespace"), w.ns));
  if (const Node* t = n.find("team")) collect(errors, readLabel(d, *t, Field(f, "team"), w.team));
  if (const Node* r = n.find("replicas")) collect(errors, readReplicas(d, *r, f, w));
  const Node* gpu = n.find("gpu");
  if (!gpu)
    errors.push_back(d.error(n, Field(f, "gpu"), "required (model, memoryGiB, compute)"));
  else
    readGpu(d, *gpu, join(f, "gpu"), w, errors);
  if (const Node* cpu = n.find("cpu")) collect(errors, readCpu(d, *cpu, f, w));
  if (const Node* mem = n.find("memory")) collect(errors, readMemory(d, *mem, f, w));
  if (const Node* iso = n.find("isolation")) collect(errors, readIsolation(d, *iso, f, w));
  if (const Node* s = n.find("sharing")) readSharing(d, *s, join(f, "sharing"), w, errors);
  if (gpu && gpu->isMapping()) collect(errors, checkGpuCountMode(d, *gpu, f, w));
  if (const Node* a = n.find("arch")) readArch(d, *a, join(f, "arch"), w, errors);
  if (const Node* p = n.find("instanceTypes")) readPatterns(d, *p, join(f, "instanceTypes"), w, errors);
  if (const Node* cur = n.find("current")) collect(errors, readCurrent(d, *cur, f, w));
  if (gpu && gpu->isMapping() && !gpu->find("model") && !n.find("current")) {
    errors.push_back(d.error(*gpu, Field(f, "gpu.model"), "required when current.instanceType is not given"));
  }
  collect(errors, readPatchTarget(d, n, f, w));
  readScale(d, n, f, w, errors);
  return errors.size() == before;
}

/// The region of `spec`, which must agree with the region of every earlier document.
std::optional<Error> readRegion(const Decoder& d, const Node& region, WorkloadSet& set, bool& regionSeen) {
  auto r = d.string(region, "region");
  if (!r) return r.error();
  if (r->empty()) return d.error(region, "region", "must not be empty");
  if (regionSeen && *r != set.region) {
    return d.error(region, "region",
                   fmt::format("\"{}\" conflicts with region \"{}\" set in {}:{}", *r, set.region,
                               set.regionSource.file, set.regionSource.line));
  }
  if (!regionSeen) set.regionSource = SourceRef{d.file(), region.line, "region"};  // where it was first set
  regionSeen = true;
  set.region = *r;
  return std::nullopt;
}

/// apiVersion, kind and metadata of one document; each wrong one is an error.
void readHeader(const Decoder& d, const Node& root, ErrorList& errors) {
  if (const Node* api = root.find("apiVersion"); !api) {
    errors.push_back(d.error(root, "apiVersion", fmt::format("required ({})", kApiVersion)));
  } else if (!api->isScalar() || api->text != kApiVersion) {
    errors.push_back(d.error(*api, "apiVersion", fmt::format("must be {}, got {}", kApiVersion, shown(*api))));
  }
  if (const Node* kind = root.find("kind"); !kind) {
    errors.push_back(d.error(root, "kind", "required (WorkloadSet)"));
  } else if (!kind->isScalar() || kind->text != "WorkloadSet") {
    errors.push_back(d.error(*kind, "kind", fmt::format("must be WorkloadSet, got {}", shown(*kind))));
  }
  if (const Node* md = root.find("metadata")) d.fields(*md, "metadata", {"name", "labels", "annotations"}, errors);
}

/// Decodes the workloads of `list` into `set` (after those already there), adding every
/// error to `errors` and leaving out each workload that had one.
void readWorkloadList(const Decoder& d, const Node& list, WorkloadSet& set, ErrorList& errors) {
  const std::size_t n = list.items.size();
  const std::size_t base = set.workloads.size();
  set.workloads.resize(base + n);
  std::vector<char> bad(n, 0);
  auto decode = [&](std::size_t from, std::size_t to, ErrorList& out) {
    for (std::size_t i = from; i < to; ++i) {
      bad[i] = !readWorkload(d, list.items[i], index("workloads", i), set.workloads[base + i], out);
    }
  };
  if (n < kParallelDecode) {
    decode(0, n, errors);
  } else {
    // Large files: the second half on the other core; its errors follow the first half's.
    ErrorList second;
    auto secondHalf = std::async(std::launch::async, decode, n / 2, n, std::ref(second));
    decode(0, n / 2, errors);
    secondHalf.get();
    for (Error& e : second) errors.push_back(std::move(e));
  }
  if (std::find(bad.begin(), bad.end(), 1) == bad.end()) return;
  std::size_t kept = base;
  for (std::size_t i = 0; i < n; ++i) {
    if (bad[i]) continue;
    if (kept != base + i) set.workloads[kept] = std::move(set.workloads[base + i]);
    ++kept;
  }
  set.workloads.resize(kept);
}

void readDocument(const Decoder& d, const Node& root, WorkloadSet& set, bool& regionSeen, ErrorList& errors) {
  if (!d.fields(root, "", {"apiVersion", "kind", "metadata", "spec"}, errors)) return;
  readHeader(d, root, errors);
  const Node* spec = root.find("spec");
  if (!spec) {
    errors.push_back(d.error(root, "spec", "required"));
    return;
  }
  if (!d.fields(*spec, "spec", {"region", "workloads"}, errors)) return;
  if (const Node* region = spec->find("region")) collect(errors, readRegion(d, *region, set, regionSeen));
  const Node* wl = spec->find("workloads");
  if (!wl) {
    errors.push_back(d.error(*spec, "workloads", "required (a list of workloads)"));
  } else if (!collect(errors, d.sequence(*wl, "workloads"))) {
    return;
  } else if (wl->items.empty()) {
    errors.push_back(d.error(*wl, "workloads", "must list at least one workload"));
  } else {
    readWorkloadList(d, *wl, set, errors);
  }
}

/// Sorts the workloads by namespace, then name; equal names keep their input order.
void sortByName(std::vector<Workload>& workloads) {
  // Sort keys, then move each workload once. A key is "namespace\0name" in one contiguous
  // buffer (NUL sorts before every DNS-1123 character, so this orders by namespace, then
  // name), then the input position, so equal names keep their input order. Comparing within
  // one small buffer is much faster than reaching into 100k scattered workloads.
  std::string text;
  std::vector<std::pair<std::size_t, std::size_t>> spans;  // offset and length in text
  spans.reserve(workloads.size());
  for (const Workload& w : workloads) {
    spans.emplace_back(text.size(), w.ns.size() + 1 + w.name.size());
    text += w.ns;
    text += '\0';
    text += w.name;
  }
  auto key = [&](std::size_t i) { return std::string_view(text).substr(spans[i].first, spans[i].second); };
  std::vector<std::size_t> order(workloads.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  auto less = [&](std::size_t a, std::size_t b) {
    const int c = key(a).compare(key(b));
    return c != 0 ? c < 0 : a < b;
  };
  if (std::is_sorted(order.begin(), order.end(), less)) return;
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
  for (std::size_t i : order) sorted.push_back(std::move(workloads[i]));
  workloads = std::move(sorted);
}

/// Every workload whose namespace and name an earlier one already has, pointing at the first.
/// `workloads` are sorted by name with equal names in input order.
void findDuplicates(const std::vector<Workload>& workloads, ErrorList& errors) {
  std::size_t first = 0;
  for (std::size_t i = 1; i < workloads.size(); ++i) {
    const Workload& a = workloads[first];
    const Workload& b = workloads[i];
    if (a.ns != b.ns || a.name != b.name) {
      first = i;
      continue;
    }
    errors.push_back(Error{ErrorKind::BadInput, b.source.file, b.source.line, b.source.field + ".name",
                           fmt::format("duplicate workload {} (first defined at {}:{})", b.qualifiedName(),
                                       a.source.file, a.source.line)});
  }
}

std::optional<Error> tooManyPods(const std::vector<Workload>& workloads) {
  long long pods = 0;
  for (const Workload& w : workloads) {
    pods += w.replicas;
    if (pods > kMaxPods) {
      return Error{
          ErrorKind::BadInput, w.source.file, w.source.line, w.source.field + ".replicas",
          fmt::format("the workloads add up to more than {} pods, more than gpuslice plans at once", kMaxPods)};
    }
  }
  return std::nullopt;
}

/// Moves the workloads with no replicas out of `set.workloads` into `set.scaledToZero`.
/// In place: std::stable_partition would allocate a buffer as large as the whole set.
void setAsideScaledToZero(WorkloadSet& set) {
  std::vector<Workload>& ws = set.workloads;
  auto first = std::find_if(ws.begin(), ws.end(), [](const Workload& w) { return w.replicas == 0; });
  if (first == ws.end()) return;
  auto kept = first;
  for (auto it = first; it != ws.end(); ++it) {
    if (it->replicas == 0)
      set.scaledToZero.push_back(std::move(*it));
    else
      *kept++ = std::move(*it);
  }
  ws.erase(kept, ws.end());
}

/// Orders `errors` by input file (in the order given), then line; errors of one line keep
/// the order they were found in.
void sortByPlace(ErrorList& errors, const std::vector<InputText>& inputs) {
  auto rank = [&](const Error& e) {
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      if (inputs[i].name == e.file) return i;
    }
    return inputs.size();
  };
  std::stable_sort(errors.begin(), errors.end(), [&](const Error& a, const Error& b) {
    const std::size_t ra = rank(a), rb = rank(b);
    return ra != rb ? ra < rb : a.line < b.line;
  });
}

}  // namespace

Result<WorkloadSet> readWorkloads(const std::vector<InputText>& inputs, std::vector<Node>* keep) {
  WorkloadSet set;
  ErrorList errors;
  bool regionSeen = false;
  for (const InputText& in : inputs) {
    auto docs = parseDocuments(in.text, in.name);
    if (!docs) {
      errors.push_back(docs.error());
      continue;
    }
    const Decoder d(in.name);
    for (const Node& doc : *docs) readDocument(d, doc, set, regionSeen, errors);
    if (keep) std::move(docs->begin(), docs->end(), std::back_inserter(*keep));
  }
  if (errors.empty() && set.workloads.empty())
    return badInput(inputs.empty() ? "" : inputs.front().name, 0, "workloads", "no workloads to plan");
  sortByName(set.workloads);
  findDuplicates(set.workloads, errors);
  if (errors.empty()) collect(errors, tooManyPods(set.workloads));
  if (!errors.empty()) {
    sortByPlace(errors, inputs);
    return errors;
  }
  setAsideScaledToZero(set);
  return set;
}

}  // namespace gpuslice::io
