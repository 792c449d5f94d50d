// gpuslice profile: DCGM exporter metrics (saved Prometheus query responses) in, a WorkloadSet out.
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>

#include "cli/commands.h"
#include "cli/profile_check.h"
#include "io/catalog_reader.h"
#include "io/files.h"
#include "io/http_client.h"
#include "io/profile_yaml.h"
#include "io/progress.h"
#include "io/prom_remote.h"
#include "io/prom_response.h"
#include "io/smi_csv.h"
#include "profile/collector.h"

namespace gpuslice::cli {

namespace {

struct ProfileArgs {
  std::vector<std::string> files;
  ProfileOptions options;
  std::string output = "-";
  std::string workload;  // whose nvidia-smi logs: NAME or NAMESPACE/NAME
  std::string check;     // --check PLAN.json
  std::string format = "table";
  io::RemoteOptions remote;  // used when remote.url is set
};

/// Hands what the response reader finds to the collector.
struct CollectorSink : io::SeriesSink {
  Collector& collector;
  explicit CollectorSink(Collector& c) : collector(c) {}
  void series(const Labels& labels) override { collector.series(labels); }
  void sample(double t, double v) override { collector.sample(t, v); }
};

/// gpu.model for an exporter's modelName: the names plan itself accepts (catalog/gpus.yaml).
GpuNamer catalogNamer(const Catalog& catalog) {
  return [&catalog](const std::string& modelName) { return catalogGpuName(catalog, modelName); };
}

/// Whether the file starts like JSON (a Prometheus response) rather than a CSV log. Standard
/// input is JSON unless --workload names whose log it is.
bool startsLikeJson(const std::string& path, bool workloadGiven) {
  if (path == "-") return !workloadGiven;
  std::FILE* in = std::fopen(path.c_str(), "rb");
  if (!in) return true;  // the reader reports it
  int c = 0;
  while ((c = std::fgetc(in)) == ' ' || c == '\n' || c == '\r' || c == '\t') {
  }
  std::fclose(in);
  return c == '{' || c == '[' || c == EOF;
}

/// An nvidia-smi log as samples of the workload --workload names.
std::optional<Error> readSmiLog(const std::string& path, const std::string& workload, Collector& collector) {
  if (workload.empty()) {
    return Error{ErrorKind::Usage, path, 0, "", "an nvidia-smi log needs --workload NAME (whose log it is)"};
  }
  const std::size_t slash = workload.find('/');
  const std::string ns = slash == std::string::npos ? "default" : workload.substr(0, slash);
  const std::string name = slash == std::string::npos ? workload : workload.substr(slash + 1);
  for (const std::string& part : {ns, name}) {
    const bool dns = !part.empty() && part.size() <= 63 && part.front() != '-' && part.back() != '-' &&
                     part.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string::npos;
    if (!dns) return Error{ErrorKind::Usage, "", 0, "--workload", "NAME and NAMESPACE must be DNS-1123 labels"};
  }
  double row = 0;  // rows without a timestamp count as one second apart
  return io::readSmiCsv(path, [&](const io::SmiRow& r) {
    const double t = r.unixSeconds.value_or(row++);
    if (r.memoryUsedMiB) {
      collector.namedSeries(DcgmMetric::FbUsed, ns, name, path + "/" + r.device, r.name);
      collector.sample(t, *r.memoryUsedMiB);
    }
    if (r.utilizationPercent) {
      collector.namedSeries(DcgmMetric::GpuUtil, ns, name, path + "/" + r.device, r.name);
      collector.sample(t, *r.utilizationPercent);
    }
  });
}

int runProfile(const ProfileArgs& a) {
  auto catalog = io::loadCatalog("");
  if (!catalog) return report(catalog.error());
  Collector collector(a.options);
  CollectorSink sink(collector);
  // A progress line on stderr only when a person watches it (a terminal; never in CI logs).
  const bool watched = io::Progress::isTerminal(stderr);
  for (const std::string& f : a.files) {
    io::Progress bytes(stderr, watched, "bytes");
    auto e = startsLikeJson(f, !a.workload.empty()) ? io::readPromResponse(f, sink, &bytes)
                                                    : readSmiLog(f, a.workload, collector);
    bytes.clear();
    if (e) return report(*e);
  }
  if (!a.remote.url.empty()) {
    io::RemoteOptions remote = a.remote;
    if (remote.end.empty()) remote.end = std::to_string(std::time(nullptr));
    io::Progress requests(stderr, watched, "requests");
    auto e = io::queryPrometheus(remote, std::getenv, sink, &requests);
    requests.clear();
    if (e) return report(*e);
  } else if (a.files.empty()) {
    return report(Error{ErrorKind::Usage, "", 0, "", "give FILES, --prometheus-url URL, or both"});
  }
  auto profile = collector.finish(catalogNamer(*catalog), [&](const std::string& type, const std::string& model) {
    return catalogTypeProblem(*catalog, type, model);
  });
  if (!profile) return report(profile.error());
  if (!a.check.empty()) {
    if (a.output != "-")
      if (auto e = io::writeFileAtomic(a.output, io::profileYaml(*profile))) return report(*e);
    return checkAgainstPlan(*profile, a.check, a.format, *catalog);
  }
  const std::string firstInput = a.files.empty() ? io::urlWithoutCredentials(a.remote.url) : a.files.front();
  if (auto e = unknownGpuModel(*profile, firstInput)) return report(*e);
  if (auto e = io::writeFileAtomic(a.output, io::profileYaml(*profile))) return report(*e);
  return 0;
}

void addRemoteOptions(CLI::App& app, io::RemoteOptions& r) {
  auto* url = app.add_option("--prometheus-url", r.url,
                             "Query this Prometheus (Thanos, Mimir, Amazon Managed Service for Prometheus: the "
                             "URL before /api/v1/query_range)");
  app.add_option("--since", r.since, "How far back from --end: a Prometheus duration (30s, 5m, 2h, 14d, 1w)")
      ->capture_default_str()
      ->needs(url);
  app.add_option("--step", r.step, "Time between samples: a Prometheus duration")->capture_default_str()->needs(url);
  app.add_option("--end", r.end, "End of the window: RFC 3339 or unix seconds (default: now)")->needs(url);
  // One value per --header (repeat it), so the FILES after it stay FILES.
  app.add_option("--header", r.headers, "Send this 'Name: value' header with every query (X-Scope-OrgID: tenant)")
      ->allow_extra_args(false)
      ->needs(url);
  app.add_option("--bearer-token-file", r.bearerTokenFile, "Send the token in FILE as Authorization: Bearer")
      ->needs(url);
  app.add_option("--ca-file", r.caFile, "Verify the server's TLS certificate with the CAs in FILE")->needs(url);
  app.add_option("--timeout", r.timeoutSeconds, "Seconds each request (one window of one query) may take")
      ->check(CLI::Range(1L, 86400L))
      ->capture_default_str()
      ->needs(url);
  app.add_option("--sigv4-region", r.sigv4Region,
                 "Sign queries for Amazon Managed Service for Prometheus in REGION (AWS SigV4; credentials from "
                 "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN)")
      ->needs(url);
}

}  // namespace

Runner registerProfile(CLI::App& app) {
  auto a = std::make_shared<ProfileArgs>();
  app.description(
      "Measure workloads from DCGM exporter metrics and write the WorkloadSet that plan reads.\n"
      "FILES are saved Prometheus /api/v1/query_range responses (JSON) of DCGM_FI_DEV_FB_USED and\n"
      "DCGM_FI_PROF_SM_ACTIVE, DCGM_FI_PROF_GR_ENGINE_ACTIVE or DCGM_FI_DEV_GPU_UTIL, and optionally\n"
      "kube-state-metrics' kube_pod_owner, kube_replicaset_owner, kube_job_owner (who owns each pod),\n"
      "kube_pod_container_resource_requests (cpu, memory), kube_pod_info and kube_node_labels\n"
      "(current.instanceType); or nvidia-smi --query-gpu=...,memory.used,utilization.gpu\n"
      "--format=csv logs of the workload --workload names. With --prometheus-url, profile runs the\n"
      "range queries itself (io/prom_remote.cpp lists them), in windows of 10,000 steps, and reads\n"
      "FILES too when given. README: \"Measuring your workloads\".");
  app.add_option("files", a->files, "Saved query responses or nvidia-smi logs ('-' reads stdin)");
  addRemoteOptions(app, a->remote);
  app.add_option("--memory-percentile", a->options.memoryPercentile, "Percentile of framebuffer used")
      ->check(CLI::Range(1.0, 100.0))
      ->capture_default_str();
  app.add_option("--memory-margin", a->options.memoryMarginPercent, "Percent added to the memory percentile")
      ->check(CLI::Range(0.0, 1000.0))
      ->capture_default_str();
  app.add_option("--compute-percentile", a->options.computePercentile, "Percentile of the busy metric")
      ->check(CLI::Range(1.0, 100.0))
      ->capture_default_str();
  app.add_option("--group-by", a->options.groupBy,
                 "Name workloads by this label's value instead of by owner (kube-state-metrics) or pod name");
  app.add_option("--workload", a->workload, "Whose nvidia-smi logs the CSV files are: NAME or NAMESPACE/NAME");
  app.add_option("-o,--output", a->output, "Write to FILE (atomically) instead of stdout");
  app.add_option("--check", a->check,
                 "Compare the workloads with their slots in this saved plan (plan --format json); exit 4 when "
                 "any is outside its slot or not in the plan");
  app.add_option("--format", a->format, "--check's output")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  return [a] { return runProfile(*a); };
}

}  // namespace gpuslice::cli
