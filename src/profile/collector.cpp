#include "profile/collector.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

namespace gpuslice {

namespace {

constexpr int kMigComputeSlices = 7;
constexpr double kMaxGpuMemoryGiB = 1024;  // what a WorkloadSet accepts (io/workload_reader.cpp)  // A100, H100, H200,
                                           // B200: a whole GPU is 7 compute slices

const std::string* label(const Labels& labels, std::string_view name) {
  for (const Label& l : labels) {
    if (l.name == name) return &l.value;
  }
  return nullptr;
}

std::string labelOr(const Labels& labels, std::string_view name, std::string fallback = "") {
  const std::string* v = label(labels, name);
  return v ? *v : fallback;
}

std::optional<DcgmMetric> metricNamed(const std::string& name) {
  for (DcgmMetric m : {DcgmMetric::SmActive, DcgmMetric::GrEngineActive, DcgmMetric::GpuUtil, DcgmMetric::FbUsed}) {
    if (name == dcgmMetricName(m)) return m;
  }
  return std::nullopt;
}

/// A label value as a DNS-1123 label: lower case, other characters as '-', at most 63.
std::string dnsName(const std::string& s) {
  std::string out;
  for (char c : s) {
    const char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out += (std::isalnum(static_cast<unsigned char>(l)) != 0 && static_cast<unsigned char>(l) < 128) ? l : '-';
  }
  out = out.substr(0, 63);
  while (!out.empty() && out.back() == '-') out.pop_back();
  const std::size_t start = out.find_first_not_of('-');
  return start == std::string::npos ? "unnamed" : out.substr(start);
}

/// The compute slices of a MIG profile such as "3g.40gb" out of the GPU's 7, as a fraction.
double migShare(const std::string& profile) {
  int g = 0;
  for (char c : profile) {
    if (c < '0' || c > '9') break;
    g = g * 10 + (c - '0');
  }
  return g > 0 && g <= kMigComputeSlices ? static_cast<double>(g) / kMigComputeSlices : 1.0;
}

double roundUp(double v, double step) { return std::ceil(v / step - 1e-9) * step; }

}  // namespace

const char* dcgmMetricName(DcgmMetric m) {
  switch (m) {
    case DcgmMetric::SmActive: return "DCGM_FI_PROF_SM_ACTIVE";
    case DcgmMetric::GrEngineActive: return "DCGM_FI_PROF_GR_ENGINE_ACTIVE";
    case DcgmMetric::GpuUtil: return "DCGM_FI_DEV_GPU_UTIL";
    case DcgmMetric::FbUsed: return "DCGM_FI_DEV_FB_USED";
  }
  return "";
}

std::optional<std::string> catalogTypeProblem(const Catalog& catalog, const std::string& instanceType,
                                              const std::string& gpuModel) {
  const InstanceType* t = catalog.findType(instanceType);
  if (!t) return fmt::format("{} is not in the price table", instanceType);
  const std::optional<GpuName> named = gpuModel.empty() ? std::nullopt : catalog.findGpuName(gpuModel);
  if (!named) return std::nullopt;
  if (named->model->name != t->gpuModel || (named->variant && named->variant->ec2MiB != t->gpuMemoryMiB)) {
    return fmt::format("{} has {} GPUs, not the {} its samples were measured on", instanceType, t->gpuModel, gpuModel);
  }
  return std::nullopt;
}

std::optional<std::string> catalogGpuName(const Catalog& catalog, const std::string& modelName) {
  const std::optional<GpuName> named = catalog.findGpuName(modelName);
  if (!named) return std::nullopt;
  if (named->variant && !named->variant->names.empty()) return named->variant->names.front();
  return named->model->name;
}

void Collector::series(const Labels& labels) {
  current_ = nullptr;
  kubeSeries_ = kube_.series(labels);
  if (kubeSeries_) return;
  const std::string name = labelOr(labels, "__name__");
  const std::string ns = labelOr(labels, "namespace", "default");
  if (name == "kube_pod_owner") {
    owners_.addPod(ns, labelOr(labels, "pod"), labelOr(labels, "owner_kind"), labelOr(labels, "owner_name"));
    return;
  }
  if (name == "kube_replicaset_owner" || name == "kube_job_owner") {
    const bool rs = name == "kube_replicaset_owner";
    const std::string self = labelOr(labels, rs ? "replicaset" : "job_name");
    const std::string kind = labelOr(labels, "owner_kind"), owner = labelOr(labels, "owner_name");
    rs ? owners_.addReplicaSet(ns, self, kind, owner) : owners_.addJob(ns, self, kind, owner);
    return;
  }
  const std::optional<DcgmMetric> m = metricNamed(name);
  const std::string pod = labelOr(labels, "pod");
  if (!m || pod.empty()) return;
  const std::string mig = labelOr(labels, "GPU_I_PROFILE");
  // GPU_UTIL is not supported on MIG instances: it reads 0 there.
  if (*m == DcgmMetric::GpuUtil && !mig.empty()) return;
  const std::string host = labelOr(labels, "Hostname", labelOr(labels, "hostname"));
  std::string device = labelOr(labels, "UUID", labelOr(labels, "uuid", host + "/" + labelOr(labels, "gpu")));
  if (const std::string* id = label(labels, "GPU_I_ID")) device += "/" + *id;
  Track& t = tracks_[{*m, ns, pod, device}];
  t.modelName = labelOr(labels, "modelName");
  if (!options_.groupBy.empty()) t.group = labelOr(labels, options_.groupBy);
  t.scale = *m == DcgmMetric::GpuUtil ? 0.01 : *m == DcgmMetric::FbUsed ? 1.0 : migShare(mig.empty() ? "7g" : mig);
  t.timed = *m == DcgmMetric::FbUsed;
  current_ = &t;
}

void Collector::namedSeries(DcgmMetric m, const std::string& ns, const std::string& name, const std::string& device,
                            const std::string& modelName) {
  Track& t = tracks_[{m, ns, name, device}];
  t.modelName = modelName;
  t.group = name;
  t.named = true;
  t.scale = m == DcgmMetric::GpuUtil ? 0.01 : 1.0;
  t.timed = m == DcgmMetric::FbUsed;
  current_ = &t;
  kubeSeries_ = false;
}

void Collector::sample(double unixSeconds, double value) {
  if (kubeSeries_) kube_.sample(value);
  if (!current_ || !std::isfinite(value)) return;
  Track& t = *current_;
  if (t.timed) t.times.add(unixSeconds);
  if (t.sketch.count() == 0 || unixSeconds < t.first) t.first = unixSeconds;
  if (t.sketch.count() == 0 || unixSeconds > t.last) t.last = unixSeconds;
  t.sketch.add(value * t.scale);
}

}  // namespace gpuslice

namespace gpuslice {

namespace {

using PodDevice = std::tuple<std::string, std::string, std::string>;  // namespace, pod, device

struct Interval {
  double first = 0, last = 0;
};

/// Per pod on a device: how many pods (itself included) were on the device at once at most,
/// counting pods whose first-to-last sample spans overlap.
template <class Tracks>
std::map<PodDevice, int> podsPerDevice(const Tracks& tracks) {
  std::map<std::string, std::map<std::pair<std::string, std::string>, Interval>> byDevice;
  for (const auto& [key, t] : tracks) {
    Interval& i = byDevice[std::get<3>(key)][{std::get<1>(key), std::get<2>(key)}];
    i = i.last == 0 ? Interval{t.first, t.last} : Interval{std::min(i.first, t.first), std::max(i.last, t.last)};
  }
  std::map<PodDevice, int> out;
  for (const auto& [device, pods] : byDevice) {
    for (const auto& [pod, span] : pods) {
      int k = 0;
      for (const auto& [other, o] : pods) k += (o.first <= span.last && span.first <= o.last) ? 1 : 0;
      out[{pod.first, pod.second, device}] = k;
    }
  }
  return out;
}

/// One workload being summed up.
struct Group {
  ProfiledWorkload out;
  QuantileSketch memory;
  std::map<DcgmMetric, QuantileSketch> busy;
  std::map<std::string, std::uint64_t> models;  // modelName -> samples
  /// (namespace as labelled, pod) -> its DCGM_FI_DEV_FB_USED tracks' sample times
  std::map<std::pair<std::string, std::string>, std::vector<const SampleTimes*>> pods;
};

/// The workload a pod's track belongs to and how that was decided.
template <class Track>
std::pair<std::string, std::string> workloadOf(const Track& t, const std::string& ns, const std::string& pod,
                                               const OwnerIndex& owners, const ProfileOptions& options) {
  if (t.named) return {dnsName(t.group), "named with --workload"};
  if (!options.groupBy.empty()) return {t.group.empty() ? "unlabelled" : dnsName(t.group), "label " + options.groupBy};
  if (const std::optional<Owner> o = owners.find(ns, pod)) {
    return {dnsName(o->name), "kube-state-metrics: " + o->kind + " " + o->name};
  }
  return {dnsName(workloadFromPodName(pod)), "pod name"};
}

/// The busy metric to use: the most preferred one with samples.
const std::pair<const DcgmMetric, QuantileSketch>* busyMetric(const Group& g) {
  for (const auto& entry : g.busy) {
    if (entry.second.count() > 0) return &entry;
  }
  return nullptr;
}

/// replicas, maxReplicas and the pod list from the times its pods had samples.
void countPods(Group& g) {
  ProfiledWorkload& w = g.out;
  ReplicaCounter counter;
  std::vector<std::int64_t> times;  // one pod's at a time
  for (const auto& [pod, tracks] : g.pods) {
    w.pods.push_back(pod.second);
    times.clear();
    for (const SampleTimes* t : tracks) t->appendTo(times);
    counter.addPod(times);
  }
  std::sort(w.pods.begin(), w.pods.end());
  w.pods.erase(std::unique(w.pods.begin(), w.pods.end()), w.pods.end());
  const ReplicaCount count = counter.result();
  w.workload.replicas = std::max(1, count.typical);
  w.maxPodsAtOnce = count.most;
  w.replicaTimestamps = count.timestamps;
  if (count.most > w.workload.replicas) w.workload.maxReplicas = count.most;
}

/// cpu, memory and current.instanceType from what kube-state-metrics said of its pods.
void applyKubeState(ProfiledWorkload& w, const Group& g, const KubeState& kube, const InstanceTypeCheck& typeCheck) {
  std::set<std::pair<std::optional<std::int64_t>, std::optional<std::int64_t>>> seen;
  for (const auto& [pod, tracks] : g.pods) {
    if (const std::optional<std::string> type = kube.instanceType(pod.first, pod.second)) ++w.instanceTypes[*type];
    const PodRequests r = kube.requests(pod.first, pod.second);
    if (!r.cpuMillis && !r.memoryBytes) continue;
    ++w.requestPods;
    seen.insert({r.cpuMillis, r.memoryBytes});
    if (r.cpuMillis) w.workload.cpuMillis = std::max(w.workload.cpuMillis.value_or(0), *r.cpuMillis);
    if (r.memoryBytes) w.workload.memoryBytes = std::max(w.workload.memoryBytes.value_or(0), *r.memoryBytes);
  }
  w.requestsDiffer = seen.size() > 1;
  const auto most = std::max_element(w.instanceTypes.begin(), w.instanceTypes.end(),
                                     [](const auto& a, const auto& b) { return a.second < b.second; });
  if (most == w.instanceTypes.end()) return;
  const std::optional<std::string> why = typeCheck ? typeCheck(most->first, w.workload.gpuModel) : std::nullopt;
  if (why) {
    w.notes.push_back(fmt::format("current.instanceType left out: {}", *why));
    return;
  }
  w.workload.currentType = most->first;
}

/// The rest of a workload once its figures are known.
template <class It>
ProfiledWorkload finishWorkload(Group& g, const GpuNamer& namer, It model) {
  ProfiledWorkload& w = g.out;
  w.gpuModelName = model->first;
  if (g.models.size() > 1)
    w.notes.push_back(fmt::format("measured on {} GPU models; the most samples on {}", g.models.size(), model->first));
  if (!model->first.empty()) {
    const std::optional<std::string> name = namer(model->first);
    w.workload.gpuModel = name.value_or(model->first);
    if (!name)
      w.notes.push_back(
          fmt::format("\"{}\" is no GPU the catalog knows: gpu.model keeps it, and plan rejects it "
                      "until it names one `gpuslice catalog gpus` lists",
                      model->first));
  }
  w.workload.memoryMiB = static_cast<std::int64_t>(std::ceil(w.memoryGiB * 1024.0 - 1e-9));
  w.workload.computePpm = std::llround(w.compute * 1e6);
  countPods(g);
  return w;
}

/// The WorkloadSet entry of a group, or why there is none.
Result<ProfiledWorkload> summarize(Group& g, const ProfileOptions& options, const GpuNamer& namer) {
  ProfiledWorkload& w = g.out;
  const auto* busy = busyMetric(g);
  if (g.memory.count() == 0 || !busy) {
    return badInput("", 0, "",
                    fmt::format("{}: no {} samples", w.workload.qualifiedName(),
                                g.memory.count() == 0 ? "DCGM_FI_DEV_FB_USED" : "busy metric"));
  }
  w.memory = MeasuredFigure{dcgmMetricName(DcgmMetric::FbUsed), options.memoryPercentile,
                            g.memory.quantile(options.memoryPercentile), g.memory.count()};
  w.busy = MeasuredFigure{dcgmMetricName(busy->first), options.computePercentile,
                          busy->second.quantile(options.computePercentile), busy->second.count()};
  w.memoryGiB = std::max(0.01, roundUp(w.memory.value / 1024.0 * (1.0 + options.memoryMarginPercent / 100.0), 0.01));
  if (w.memoryGiB > kMaxGpuMemoryGiB) {
    return badInput("", 0, "",
                    fmt::format("{}: p{:g} of framebuffer used is {:.0f} MiB, more than any GPU has",
                                w.workload.qualifiedName(), w.memory.percentile, w.memory.value));
  }
  w.compute = std::clamp(roundUp(w.busy.value, 0.001), 0.001, 1.0);
  g.models.erase("");  // series without a modelName label
  const auto model = std::max_element(g.models.begin(), g.models.end(),
                                      [](const auto& a, const auto& b) { return a.second < b.second; });
  if (model == g.models.end()) {
    w.notes.push_back("no modelName label: gpu.model left out");
    g.models[""] = 0;
    return finishWorkload(g, namer, g.models.begin());
  }
  return finishWorkload(g, namer, model);
}
}  // namespace

Result<Profile> Collector::finish(const GpuNamer& namer, const InstanceTypeCheck& typeCheck) const {
  const std::map<PodDevice, int> sharing = podsPerDevice(tracks_);
  std::map<std::pair<std::string, std::string>, Group> groups;
  Profile profile;
  profile.memoryMarginPercent = options_.memoryMarginPercent;
  bool anySample = false;
  for (const auto& [key, t] : tracks_) {
    if (t.sketch.count() == 0) continue;
    const auto& [metric, rawNs, pod, device] = key;
    const std::string ns = dnsName(rawNs);
    const auto [name, groupedBy] = workloadOf(t, ns, pod, owners_, options_);
    Group& g = groups[{ns, name}];
    g.out.groupedBy = groupedBy;
    const int k = sharing.at({rawNs, pod, device});
    g.out.sharedGpu = g.out.sharedGpu || k > 1;
    QuantileSketch& into = metric == DcgmMetric::FbUsed ? g.memory : g.busy[metric];
    into.merge(t.sketch, 1.0 / k);
    g.models[t.modelName] += t.sketch.count();
    std::vector<const SampleTimes*>& podTimes = g.pods[{rawNs, pod}];
    if (t.timed) podTimes.push_back(&t.times);
    profile.windowStart = anySample ? std::min(profile.windowStart, t.first) : t.first;
    profile.windowEnd = anySample ? std::max(profile.windowEnd, t.last) : t.last;
    anySample = true;
    g.out.workload.ns = ns;
    g.out.workload.name = name;
  }
  for (auto& [key, g] : groups) {
    Result<ProfiledWorkload> w = summarize(g, options_, namer);
    if (!w) {
      profile.skipped.push_back(w.error().message);
      continue;
    }
    applyKubeState(*w, g, kube_, typeCheck);
    profile.requestsSeen = profile.requestsSeen || w->requestPods > 0;
    profile.instanceTypesSeen = profile.instanceTypesSeen || !w->instanceTypes.empty();
    profile.workloads.push_back(std::move(*w));
  }
  if (profile.workloads.empty()) {
    std::string why;
    for (const std::string& s : profile.skipped) why += (why.empty() ? " (" : "; ") + s;
    return badInput("", 0, "",
                    "no workload measured: need DCGM_FI_DEV_FB_USED and a busy metric "
                    "(DCGM_FI_PROF_SM_ACTIVE, DCGM_FI_PROF_GR_ENGINE_ACTIVE or DCGM_FI_DEV_GPU_UTIL) "
                    "series with a pod label" +
                        (why.empty() ? why : why + ")"));
  }
  for (std::string& s : kube_.skipped()) profile.skipped.push_back(std::move(s));
  return profile;
}

std::optional<Error> unknownGpuModel(const Profile& p, const std::string& file) {
  for (const ProfiledWorkload& w : p.workloads) {
    if (!w.workload.gpuModel.empty() || w.workload.currentType) continue;
    return Error{ErrorKind::BadInput, file, 0, "",
                 fmt::format("{}: no series of it carries a modelName label, so its GPU model is unknown and its "
                             "WorkloadSet entry could not be planned (keep DCGM's modelName label on the series)",
                             w.workload.qualifiedName())};
  }
  return std::nullopt;
}

}  // namespace gpuslice
