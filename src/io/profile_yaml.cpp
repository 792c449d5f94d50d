#include "io/profile_yaml.h"

#include <fmt/format.h>

#include <ctime>

#include "util/utf8.h"
#include "util/yaml_scalar.h"

namespace gpuslice::io {

namespace {

std::string utc(double unixSeconds) {
  const auto t = static_cast<std::time_t>(unixSeconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec);
}

/// A comment line's text: one line, control characters and bad bytes escaped.
std::string safe(const std::string& s) { return escapeBytes(s, EscapeAlso::Controls); }

std::string podList(const std::vector<std::string>& pods) {
  std::string s;
  for (std::size_t i = 0; i < pods.size() && i < 3; ++i) s += (i ? ", " : "") + pods[i];
  if (pods.size() > 3) s += fmt::format(", and {} more", pods.size() - 3);
  return s;
}

void writeWorkload(std::string& out, const ProfiledWorkload& w, double marginPercent) {
  out += fmt::format("    # {}: {}; pods {}\n", safe(w.workload.qualifiedName()), safe(w.groupedBy),
                     safe(podList(w.pods)));
  out += fmt::format("    # memoryGiB: p{:g} of {} = {:.0f} MiB over {} samples, plus {:g}%\n", w.memory.percentile,
                     w.memory.metric, w.memory.value, w.memory.samples, marginPercent);
  out += fmt::format("    # compute: p{:g} of {} = {:.3f} of one GPU over {} samples\n", w.busy.percentile,
                     w.busy.metric, w.busy.value, w.busy.samples);
  out += fmt::format("    # replicas: pods running at once, median over the window; gpu.model from \"{}\"\n",
                     safe(w.gpuModelName));
  if (w.sharedGpu) {
    out +=
        "    # its pods shared GPUs with other pods: the exporter repeats a GPU's figures for each pod on it,\n"
        "    # so the per-pod split (the GPU's figures divided among its pods) is an estimate\n";
  }
  for (const std::string& n : w.notes) out += "    # " + safe(n) + "\n";
  out += fmt::format("    - name: {}\n      namespace: {}\n      replicas: {}\n", w.workload.name, w.workload.ns,
                     w.workload.replicas);
  out += "      gpu:\n";
  if (!w.workload.gpuModel.empty()) out += "        model: " + yamlScalar(w.workload.gpuModel) + "\n";
  out += fmt::format("        memoryGiB: {:.2f}\n        compute: {:.3f}\n", w.memoryGiB, w.compute);
}

}  // namespace

std::string profileYaml(const Profile& p) {
  std::string out = "# Measured by gpuslice profile";
  out += fmt::format(" from {} to {} ({:.1f} days).\n", utc(p.windowStart), utc(p.windowEnd),
                     (p.windowEnd - p.windowStart) / 86400.0);
  out += "# Percentiles are nearest-rank: exact up to 1,024 samples, else at most 1% above (src/profile/sketch.h).\n";
  for (const std::string& s : p.skipped) out += "# left out: " + safe(s) + "\n";
  out += "apiVersion: gpuslice.dev/v1alpha1\nkind: WorkloadSet\nspec:\n  workloads:\n";
  for (const ProfiledWorkload& w : p.workloads) writeWorkload(out, w, p.memoryMarginPercent);
  return out;
}

}  // namespace gpuslice::io
