// gpuslice-genfleet: writes a synthetic but realistic fleet of GPU workloads as a
// gpuslice WorkloadSet (JSON), for benchmarks and load tests of `gpuslice plan`.
//
// The output depends only on the arguments: the random generator is our own (random.h),
// every random value is derived with integer or exact IEEE arithmetic, and numbers are
// printed from integers (thousandths), so two machines and two standard libraries write
// the same bytes for the same seed.

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "random.h"

namespace {

using gpuslice::bench::Random;

// ---------------------------------------------------------------------------
// Facts about the GPUs the fleet runs on

/// A GPU model with the largest per-pod figures that still fit its usual instance.
struct GpuModel {
  const char* name;
  std::int64_t maxMemoryMilliGiB;  ///< usable framebuffer minus margin, thousandths of GiB
  const char* instanceType;        ///< smallest common EC2 type with this GPU
  std::int64_t maxCpuMillis;       ///< CPU request a pod may have on that type
  std::int64_t maxMemoryMiB;       ///< memory request a pod may have on that type
  bool mig;
};

enum ModelId { V100, T4, A10G, L4, L40S, A100, H100, H200, kModelCount };

constexpr std::array<GpuModel, kModelCount> kModels{{
    {"V100", 14000, "p3.2xlarge", 4000, 16384, false},
    {"T4", 14000, "g4dn.xlarge", 2000, 8192, false},
    {"A10G", 20000, "g5.xlarge", 2000, 8192, false},
    {"L4", 20000, "g6.xlarge", 2000, 8192, false},
    {"L40S", 42000, "g6e.xlarge", 2000, 12288, false},
    {"A100", 38000, "p4d.24xlarge", 8000, 65536, true},
    {"H100", 76000, "p5.48xlarge", 8000, 65536, true},
    {"H200", 135000, "p5en.48xlarge", 8000, 65536, true},
}};

/// Largest memory (thousandths of GiB) a pod may use to fit a 1g, 2g or 3g MIG profile
/// on each MIG model, a little under the profile's usable memory. A100 uses the 40 GB
/// card's profiles (1g.5gb, 2g.10gb, 3g.20gb) so the pod fits on p4d and p4de alike.
std::int64_t migMemoryCap(ModelId model, int computeSlices) {
  static constexpr std::array<std::int64_t, 3> a100{4500, 9000, 18500};
  static constexpr std::array<std::int64_t, 3> h100{9000, 18500, 37000};
  static constexpr std::array<std::int64_t, 3> h200{17000, 33000, 68000};
  const auto& caps = model == A100 ? a100 : model == H100 ? h100 : h200;
  return caps[static_cast<std::size_t>(computeSlices == 3 ? 2 : computeSlices - 1)];
}

// ---------------------------------------------------------------------------
// One workload

enum Sharing : unsigned { kDedicated = 1, kTimeSlicing = 2, kMps = 4, kMig = 8 };

struct Workload {
  const char* prefix = "";
  const char* word = "";
  const char* ns = "";
  std::int64_t replicas = 1;
  ModelId model = T4;
  std::int64_t memoryMilliGiB = 0;
  std::int64_t computeMilli = 0;
  std::int64_t cpuMillis = 0;  ///< 0: no request
  std::int64_t memoryMiB = 0;  ///< 0: no request
  const char* isolation = "none";
  unsigned sharing = 0;  ///< 0: field left out (all modes allowed)
  const char* currentType = nullptr;
};

constexpr std::array<const char*, 8> kNamespaces{"team-a", "team-b", "team-c", "team-d",
                                                 "team-e", "team-f", "team-g", "team-h"};
constexpr std::array<int, 8> kNamespaceWeights{25, 20, 15, 12, 10, 8, 6, 4};

constexpr std::array<const char*, 16> kInferenceWords{
    "ranker", "embedder", "classifier", "detector", "translator", "summarizer", "asr",        "tts",
    "ocr",    "recsys",   "search",     "chat",     "vision",     "fraud",      "moderation", "forecast"};
constexpr std::array<const char*, 6> kNotebookWords{"jupyter", "notebook", "sandbox", "dev", "explore", "lab"};
constexpr std::array<const char*, 6> kTrainingWords{"finetune", "pretrain", "train", "distill", "lora", "sweep"};

constexpr std::array<std::int64_t, 7> kCpuChoices{250, 500, 1000, 1500, 2000, 4000, 8000};
constexpr std::array<std::int64_t, 11> kMemoryChoices{512,   1024,  2048,  4096,  6144, 8192,
                                                      12288, 16384, 32768, 49152, 65536};

/// A value from `choices` within [lo, hi], uniformly (choices are sorted).
template <std::size_t N>
std::int64_t pickWithin(Random& rng, const std::array<std::int64_t, N>& choices, std::int64_t lo, std::int64_t hi) {
  std::size_t first = 0;
  while (first + 1 < N && choices[first] < lo) ++first;
  std::size_t last = first;
  while (last + 1 < N && choices[last + 1] <= hi) ++last;
  return choices[first + rng.below(last - first + 1)];
}

/// CPU and memory requests (90% of pods state them), bounded by the GPU's instance.
void drawHostRequests(Random& rng, Workload& w, std::int64_t cpuLo, std::int64_t cpuHi, std::int64_t memLo,
                      std::int64_t memHi) {
  if (!rng.chance(90)) return;
  const GpuModel& m = kModels[w.model];
  w.cpuMillis = pickWithin(rng, kCpuChoices, cpuLo, std::min(cpuHi, m.maxCpuMillis));
  w.memoryMiB = pickWithin(rng, kMemoryChoices, memLo, std::min(memHi, m.maxMemoryMiB));
}

const char* drawIsolation(Random& rng, int memoryPercent, int fullPercent) {
  const auto r = static_cast<int>(rng.below(100));
  if (r < fullPercent) return "full";
  if (r < fullPercent + memoryPercent) return "memory";
  return "none";
}

/// Allowed modes for a general fleet: a third of the workloads restrict them, always
/// keeping `dedicated` (so the workload stays placeable) and what its isolation permits.
unsigned drawSharing(Random& rng, const Workload& w) {
  if (!rng.chance(35)) return 0;
  const bool mig = kModels[w.model].mig;
  unsigned modes = kDedicated;
  if (std::strcmp(w.isolation, "full") == 0) {
    if (mig && rng.chance(60)) modes |= kMig;
    return modes;
  }
  if (std::strcmp(w.isolation, "none") == 0 && rng.chance(60)) modes |= kTimeSlicing;
  if (rng.chance(60)) modes |= kMps;
  if (mig && rng.chance(50)) modes |= kMig;
  return modes;
}

enum Category { kInference, kNotebook, kTraining };
constexpr std::array<int, 3> kCategoryWeights{70, 20, 10};

Workload drawGeneral(Random& rng, Category category) {
  Workload w;
  switch (category) {
    case kInference: {
      static constexpr std::array<ModelId, 5> models{T4, A10G, L4, A100, H100};
      static constexpr std::array<int, 5> weights{28, 25, 27, 10, 10};
      static constexpr std::array<int, 8> replicaWeights{30, 25, 15, 12, 6, 5, 4, 3};
      w.prefix = "inf";
      w.word = kInferenceWords[rng.below(kInferenceWords.size())];
      w.model = models[rng.weighted(weights)];
      w.replicas = static_cast<std::int64_t>(rng.weighted(replicaWeights)) + 1;
      w.memoryMilliGiB = rng.skewedLow(1000, 12000);
      w.computeMilli = rng.skewedLow(50, 400);
      w.isolation = drawIsolation(rng, 20, 5);
      drawHostRequests(rng, w, 250, 2000, 1024, 8192);
      break;
    }
    case kNotebook: {
      static constexpr std::array<ModelId, 3> models{V100, T4, A10G};
      static constexpr std::array<int, 3> weights{30, 40, 30};
      w.prefix = "nb";
      w.word = kNotebookWords[rng.below(kNotebookWords.size())];
      w.model = models[rng.weighted(weights)];
      w.memoryMilliGiB = rng.skewedLow(500, 8000);
      w.computeMilli = rng.skewedLow(20, 200);
      w.isolation = drawIsolation(rng, 10, 0);
      drawHostRequests(rng, w, 500, 4000, 2048, 16384);
      break;
    }
    case kTraining: {
      static constexpr std::array<ModelId, 4> models{A100, H100, H200, L40S};
      static constexpr std::array<int, 4> weights{35, 30, 15, 20};
      w.prefix = "train";
      w.word = kTrainingWords[rng.below(kTrainingWords.size())];
      w.model = models[rng.weighted(weights)];
      w.replicas = rng.between(1, 4);
      w.memoryMilliGiB = rng.between(20000, std::min<std::int64_t>(70000, kModels[w.model].maxMemoryMilliGiB));
      w.computeMilli = rng.between(500, 1000);
      w.isolation = drawIsolation(rng, 25, 30);
      if (w.model == L40S)
        drawHostRequests(rng, w, 1000, 2000, 4096, 12288);
      else
        drawHostRequests(rng, w, 4000, 8000, 16384, 65536);
      break;
    }
  }
  w.sharing = drawSharing(rng, w);
  if (rng.chance(60)) w.currentType = kModels[w.model].instanceType;
  return w;
}

/// A workload for a MIG-only fleet: A100/H100/H200, shaped to fit a 1g, 2g or 3g profile.
Workload drawMigEligible(Random& rng, Category category) {
  static constexpr std::array<ModelId, 3> models{A100, H100, H200};
  static constexpr std::array<int, 3> modelWeights{40, 40, 20};
  Workload w;
  w.model = models[rng.weighted(modelWeights)];
  int slices = 1;
  switch (category) {
    case kInference: {
      static constexpr std::array<int, 3> sliceWeights{50, 30, 20};
      static constexpr std::array<int, 8> replicaWeights{30, 25, 15, 12, 6, 5, 4, 3};
      w.prefix = "inf";
      w.word = kInferenceWords[rng.below(kInferenceWords.size())];
      w.replicas = static_cast<std::int64_t>(rng.weighted(replicaWeights)) + 1;
      slices = static_cast<int>(rng.weighted(sliceWeights)) + 1;
      w.isolation = drawIsolation(rng, 20, 10);
      break;
    }
    case kNotebook:
      w.prefix = "nb";
      w.word = kNotebookWords[rng.below(kNotebookWords.size())];
      w.isolation = drawIsolation(rng, 10, 0);
      break;
    case kTraining:
      w.prefix = "train";
      w.word = kTrainingWords[rng.below(kTrainingWords.size())];
      w.replicas = rng.between(1, 4);
      slices = rng.chance(60) ? 3 : 2;
      w.isolation = drawIsolation(rng, 25, 30);
      break;
  }
  const std::int64_t memCap = migMemoryCap(w.model, slices);
  const std::int64_t memLo = slices == 1 ? 500 : memCap / 3;
  w.memoryMilliGiB = rng.skewedLow(memLo, memCap);
  const std::int64_t computeCap = slices * 1000 * 95 / 100 / 7;  // g/7 of the GPU, less 5%
  w.computeMilli = rng.skewedLow(slices == 1 ? 20 : computeCap / 3, computeCap);
  // Up to 56 MIG pods share one 8-GPU node (96 vCPU on p4d): keep host requests small.
  drawHostRequests(rng, w, 250, category == kTraining ? 1500 : 1000, 1024, 8192);

  static constexpr std::array<unsigned, 3> sharingChoices{kMig, kDedicated | kMig,
                                                          kDedicated | kTimeSlicing | kMps | kMig};
  static constexpr std::array<int, 3> sharingWeights{40, 30, 30};
  w.sharing = sharingChoices[rng.weighted(sharingWeights)];

  if (rng.chance(60)) {
    if (w.model == A100)
      w.currentType = rng.chance(70) ? "p4d.24xlarge" : "p4de.24xlarge";
    else
      w.currentType = kModels[w.model].instanceType;
  }
  return w;
}

// ---------------------------------------------------------------------------
// JSON output

void appendInt(std::string& out, std::int64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

/// Prints thousandths as a decimal with at most 3 decimals and no trailing zeros.
void appendMilli(std::string& out, std::int64_t milli) {
  appendInt(out, milli / 1000);
  std::int64_t frac = milli % 1000;
  if (frac == 0) return;
  char digits[4] = {static_cast<char>('0' + frac / 100), static_cast<char>('0' + frac / 10 % 10),
                    static_cast<char>('0' + frac % 10), 0};
  std::size_t len = 3;
  while (digits[len - 1] == '0') --len;
  out += '.';
  out.append(digits, len);
}

void appendCpu(std::string& out, std::int64_t millis) {
  out += '"';
  if (millis % 1000 == 0) {
    appendInt(out, millis / 1000);
  } else {
    appendInt(out, millis);
    out += 'm';
  }
  out += '"';
}

void appendMemory(std::string& out, std::int64_t mib) {
  out += '"';
  if (mib % 1024 == 0) {
    appendInt(out, mib / 1024);
    out += "Gi";
  } else {
    appendInt(out, mib);
    out += "Mi";
  }
  out += '"';
}

void appendSharing(std::string& out, unsigned modes) {
  static constexpr std::array<std::pair<unsigned, const char*>, 4> names{
      {{kDedicated, "dedicated"}, {kTimeSlicing, "time-slicing"}, {kMps, "mps"}, {kMig, "mig"}}};
  out += "[";
  bool first = true;
  for (const auto& [bit, name] : names) {
    if (!(modes & bit)) continue;
    if (!first) out += ',';
    first = false;
    out += '"';
    out += name;
    out += '"';
  }
  out += "]";
}

/// `index` is zero-padded to `width` digits so names sort in generation order.
void appendWorkload(std::string& out, const Workload& w, std::uint64_t index, int width) {
  out += R"({"name":")";
  out += w.prefix;
  out += '-';
  out += w.word;
  out += '-';
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, index);
  for (auto pad = width - static_cast<int>(end - buf); pad > 0; --pad) out += '0';
  out.append(buf, end);
  out += R"(","namespace":")";
  out += w.ns;
  out += R"(","replicas":)";
  appendInt(out, w.replicas);
  out += R"(,"gpu":{"model":")";
  out += kModels[w.model].name;
  out += R"(","memoryGiB":)";
  appendMilli(out, w.memoryMilliGiB);
  out += R"(,"compute":)";
  appendMilli(out, w.computeMilli);
  out += '}';
  if (w.cpuMillis > 0) {
    out += R"(,"cpu":)";
    appendCpu(out, w.cpuMillis);
  }
  if (w.memoryMiB > 0) {
    out += R"(,"memory":)";
    appendMemory(out, w.memoryMiB);
  }
  out += R"(,"isolation":")";
  out += w.isolation;
  out += '"';
  if (w.sharing != 0) {
    out += R"(,"sharing":)";
    appendSharing(out, w.sharing);
  }
  if (w.currentType != nullptr) {
    out += R"(,"current":{"instanceType":")";
    out += w.currentType;
    out += "\"}";
  }
  out += '}';
}

std::string generateFleet(std::uint64_t count, std::uint64_t seed, bool migEligible) {
  Random rng(seed);
  int width = 1;
  for (std::uint64_t n = count > 0 ? count - 1 : 0; n >= 10; n /= 10) ++width;

  std::string out;
  out.reserve(count * 320 + 256);
  out += R"({"apiVersion":"gpuslice.dev/v1alpha1","kind":"WorkloadSet",)";
  out += R"("spec":{"region":"us-east-1","workloads":[)";
  for (std::uint64_t i = 0; i < count; ++i) {
    const auto category = static_cast<Category>(rng.weighted(kCategoryWeights));
    Workload w = migEligible ? drawMigEligible(rng, category) : drawGeneral(rng, category);
    w.ns = kNamespaces[rng.weighted(kNamespaceWeights)];
    out += i == 0 ? "\n" : ",\n";
    appendWorkload(out, w, i, width);
  }
  out += "\n]}}\n";
  return out;
}

// ---------------------------------------------------------------------------
// Command line

constexpr const char* kUsage =
    "usage: gpuslice-genfleet --workloads N [--seed S] [--mig-eligible] [-o FILE]\n"
    "\n"
    "Writes a synthetic WorkloadSet (JSON) of N workloads: ~70% inference, ~20% notebooks,\n"
    "~10% training, on V100/T4/A10G/L4/L40S/A100/H100/H200. The same seed gives the same bytes.\n"
    "\n"
    "  --workloads N    number of workloads (required, >= 1)\n"
    "  --seed S         random seed, an unsigned 64-bit integer (default 1)\n"
    "  --mig-eligible   only A100/H100/H200 workloads that fit 1g..3g MIG profiles and allow mig\n"
    "  -o FILE          write to FILE instead of stdout\n";

int usageError(const std::string& message) {
  std::fprintf(stderr, "gpuslice-genfleet: %s\n%s", message.c_str(), kUsage);
  return 2;
}

bool parseUnsigned(std::string_view text, std::uint64_t& value) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  return ec == std::errc() && ptr == end && !text.empty();
}

bool writeAll(const std::string& path, const std::string& data) {
  FILE* f = path.empty() ? stdout : std::fopen(path.c_str(), "wb");
  if (f == nullptr) return false;
  bool ok = std::fwrite(data.data(), 1, data.size(), f) == data.size();
  ok = (f == stdout ? std::fflush(f) : std::fclose(f)) == 0 && ok;
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t count = 0;
  std::uint64_t seed = 1;
  bool haveCount = false;
  bool migEligible = false;
  std::string outPath;

  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (arg == "--workloads") {
      const char* v = value();
      if (v == nullptr || !parseUnsigned(v, count) || count == 0)
        return usageError("--workloads needs a positive integer");
      haveCount = true;
    } else if (arg == "--seed") {
      const char* v = value();
      if (v == nullptr || !parseUnsigned(v, seed)) return usageError("--seed needs an unsigned integer");
    } else if (arg == "--mig-eligible") {
      migEligible = true;
    } else if (arg == "-o" || arg == "--output") {
      const char* v = value();
      if (v == nullptr || *v == '\0') return usageError("-o needs a file name");
      outPath = v;
    } else {
      return usageError("unknown argument '" + std::string(arg) + "'");
    }
  }
  if (!haveCount) return usageError("--workloads is required");

  const std::string fleet = generateFleet(count, seed, migEligible);
  if (!writeAll(outPath, fleet)) {
    std::fprintf(stderr, "gpuslice-genfleet: cannot write %s: %s\n", outPath.empty() ? "stdout" : outPath.c_str(),
                 std::strerror(errno));
    return 1;
  }
  return 0;
}
