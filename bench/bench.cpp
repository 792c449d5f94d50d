// gpuslice-bench: times the real `gpuslice plan` on generated fleets and reports wall
// time, peak memory and plan quality (cost against the plan's own lower bound).
//
// For each fleet size: gpuslice-genfleet writes the fleet to a temporary file (not
// timed), then `gpuslice plan FILE --format json -o OUT` runs --repeat times as a child
// process. Reported: the best wall time (steady_clock around fork..wait4), the largest
// peak RSS (wait4's ru_maxrss of that child), and plan.hourlyCost / plan.lowerBound read
// from OUT. See bench/README.md for the targets.

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

namespace fs = std::filesystem;

namespace {

constexpr double kWallTargetSeconds = 2.0;
constexpr double kRssTargetMiB = 1024.0;
constexpr double kGapTargetPercent = 2.0;
constexpr double kOutDirRatio = 3.0;  ///< render --out-dir against render to stdout
/// The out-dir target is the issue's: 10,000 workloads. Below that the directory's one syncfs, a
/// fixed cost (it also flushes whatever else is dirty), outweighs a render of well under a second,
/// so smaller sizes print their ratio without a verdict.
constexpr long kOutDirCheckFrom = 10000;
constexpr long kRenderMaxWorkloads = 10000;  ///< larger fleets are not rendered

constexpr const char* kUsage =
    "usage: gpuslice-bench --gpuslice PATH [--genfleet PATH] [--sizes 1000,10000,100000]\n"
    "                      [--repeat 3] [--seed S] [--extra-args \"...\"] [--mig-eligible]\n"
    "                      [--check] [--keep]\n"
    "\n"
    "Runs `gpuslice plan FLEET --format json -o OUT` on generated fleets and prints, per size:\n"
    "  plan workloads=N wall_s=.. peak_rss_mib=.. hourly=.. lower_bound=.. gap_pct=..\n"
    "then whether the targets (wall<2s rss<1024MiB gap<=2%) are met.\n"
    "\n"
    "  --gpuslice PATH    the gpuslice binary (required)\n"
    "  --genfleet PATH    the fleet generator (default: gpuslice-genfleet next to this program)\n"
    "  --sizes LIST       comma-separated workload counts (default 1000,10000,100000)\n"
    "  --repeat N         runs per size; best wall time and largest RSS are kept (default 3)\n"
    "  --seed S           seed passed to the generator (default 1)\n"
    "  --extra-args STR   more arguments for `gpuslice plan`, split on whitespace\n"
    "  --mig-eligible     generate MIG-eligible fleets (A100/H100/H200, 1g..3g shapes)\n"
    "  --check            exit 1 when a target is missed (default: figures only, exit 0)\n"
    "  --keep             keep the temporary fleet and plan files and print their directory\n";

struct Options {
  std::string gpuslice;
  std::string genfleet;
  std::vector<long> sizes{1000, 10000, 100000};
  int repeat = 3;
  std::string seed = "1";
  std::vector<std::string> extraArgs;
  bool migEligible = false;
  bool check = false;
  bool keep = false;
};

/// Thrown for anything that ends the benchmark early; carries the exit code.
struct Failure {
  int exitCode;
  std::string message;
  bool keepFiles = false;  ///< keep the temporary files so the failure can be reproduced
};

[[noreturn]] void usageError(const std::string& message) { throw Failure{2, message + "\n" + kUsage}; }

bool parseLong(std::string_view text, long& value) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  return !text.empty() && ec == std::errc() && ptr == end;
}

std::vector<std::string> splitWhitespace(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> words;
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

std::vector<long> parseSizes(const std::string& text) {
  std::vector<long> sizes;
  std::string_view rest = text;
  while (true) {
    const auto comma = rest.find(',');
    long size = 0;
    if (!parseLong(rest.substr(0, comma), size) || size <= 0)
      usageError("--sizes needs a comma-separated list of positive integers");
    sizes.push_back(size);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return sizes;
}

/// gpuslice-genfleet in the directory of this executable.
std::string siblingGenerator() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "gpuslice-genfleet";
  return (self.parent_path() / "gpuslice-genfleet").string();
}

Options parseOptions(int argc, char** argv) {
  Options opt;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usageError(std::string(arg) + " needs a value");
      return argv[++i];
    };
    if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    } else if (arg == "--gpuslice") {
      opt.gpuslice = value();
    } else if (arg == "--genfleet") {
      opt.genfleet = value();
    } else if (arg == "--sizes") {
      opt.sizes = parseSizes(value());
    } else if (arg == "--repeat") {
      long n = 0;
      if (!parseLong(value(), n) || n < 1 || n > 1000) usageError("--repeat needs an integer from 1 to 1000");
      opt.repeat = static_cast<int>(n);
    } else if (arg == "--seed") {
      opt.seed = value();
    } else if (arg == "--extra-args") {
      opt.extraArgs = splitWhitespace(value());
    } else if (arg == "--mig-eligible") {
      opt.migEligible = true;
    } else if (arg == "--check") {
      opt.check = true;
    } else if (arg == "--keep") {
      opt.keep = true;
    } else {
      usageError("unknown argument '" + std::string(arg) + "'");
    }
  }
  if (opt.gpuslice.empty()) usageError("--gpuslice is required");
  if (opt.genfleet.empty()) opt.genfleet = siblingGenerator();
  for (const std::string* exe : {&opt.gpuslice, &opt.genfleet})
    if (::access(exe->c_str(), X_OK) != 0)
      throw Failure{2, fmt::format("cannot execute {}: {}", *exe, std::strerror(errno))};
  return opt;
}

// ---------------------------------------------------------------------------
// Child processes

struct ChildRun {
  int status = 0;  ///< as returned by wait4
  double wallSeconds = 0;
  long maxRssKiB = 0;
};

/// Runs argv[0] with stdout to /dev/null and stderr to `stderrPath`, and waits for it.
ChildRun runChild(const std::vector<std::string>& args, const std::string& stderrPath) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);

  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = ::fork();
  if (pid < 0) throw Failure{1, fmt::format("fork: {}", std::strerror(errno))};
  if (pid == 0) {
    const int out = ::open("/dev/null", O_WRONLY);
    const int err = ::open(stderrPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out >= 0) ::dup2(out, STDOUT_FILENO);
    if (err >= 0) ::dup2(err, STDERR_FILENO);
    ::execv(argv[0], argv.data());
    const std::string msg = fmt::format("exec {}: {}\n", argv[0], std::strerror(errno));
    [[maybe_unused]] auto n = ::write(STDERR_FILENO, msg.data(), msg.size());
    ::_exit(127);
  }

  ChildRun run;
  struct rusage usage {};
  while (::wait4(pid, &run.status, 0, &usage) < 0) {
    if (errno != EINTR) throw Failure{1, fmt::format("wait4: {}", std::strerror(errno))};
  }
  run.wallSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  run.maxRssKiB = usage.ru_maxrss;  // Linux reports KiB
  return run;
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string describeStatus(int status) {
  if (WIFEXITED(status)) return fmt::format("exited with status {}", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return fmt::format("was killed by signal {}", WTERMSIG(status));
  return "stopped";
}

/// Ends the benchmark when a child failed, passing on what it wrote to stderr.
void requireSuccess(const ChildRun& run, const std::string& what, const std::string& stderrPath, bool keepFiles) {
  if (WIFEXITED(run.status) && WEXITSTATUS(run.status) == 0) return;
  std::string message = fmt::format("{} {}", what, describeStatus(run.status));
  const std::string err = readFile(stderrPath);
  if (!err.empty()) message += ":\n" + err;
  while (!message.empty() && message.back() == '\n') message.pop_back();
  throw Failure{1, message, keepFiles};
}

// ---------------------------------------------------------------------------
// Reading the plan

/// Streams the plan JSON and keeps the numbers at /plan/hourlyCost and
/// /plan/lowerBound, without building a document (plans for 100k workloads are large).
class PlanFigures : public nlohmann::json_sax<nlohmann::json> {
 public:
  std::optional<double> hourlyCost;
  std::optional<double> lowerBound;
  std::string error;

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t v) override { return number(static_cast<double>(v)); }
  bool number_unsigned(number_unsigned_t v) override { return number(static_cast<double>(v)); }
  bool number_float(number_float_t v, const string_t&) override { return number(v); }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool key(string_t& k) override {
    key_ = k;
    return true;
  }
  bool start_object(std::size_t) override {
    if (depth() == 1 && containerIsObject_[0] && key_ == "plan") inPlan_ = true;
    containerIsObject_.push_back(true);
    return true;
  }
  bool end_object() override { return endContainer(); }
  bool start_array(std::size_t) override {
    containerIsObject_.push_back(false);
    return true;
  }
  bool end_array() override { return endContainer(); }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) override {
    error = fmt::format("at byte {}: {}", position, e.what());
    return false;
  }

 private:
  /// 1 inside the top-level value, 2 inside "plan".
  std::size_t depth() const { return containerIsObject_.size(); }
  bool number(double v) {
    if (inPlan_ && depth() == 2) {
      if (key_ == "hourlyCost") hourlyCost = v;
      if (key_ == "lowerBound") lowerBound = v;
    }
    return true;
  }
  bool endContainer() {
    if (depth() == 2) inPlan_ = false;
    containerIsObject_.pop_back();
    return true;
  }

  bool inPlan_ = false;
  std::vector<bool> containerIsObject_;
  std::string key_;
};

struct Quality {
  double hourlyCost;
  double lowerBound;
};

Quality readQuality(const std::string& planPath) {
  const std::string text = readFile(planPath);
  if (text.empty()) throw Failure{1, fmt::format("gpuslice wrote no plan to {}", planPath), true};
  PlanFigures figures;
  const bool ok = nlohmann::json::sax_parse(text, &figures);
  if (!ok) throw Failure{1, fmt::format("{}: not valid JSON {}", planPath, figures.error), true};
  if (!figures.hourlyCost || !figures.lowerBound)
    throw Failure{1, fmt::format("{}: no numeric plan.{}", planPath, figures.hourlyCost ? "lowerBound" : "hourlyCost"),
                  true};
  return {*figures.hourlyCost, *figures.lowerBound};
}

// ---------------------------------------------------------------------------
// The benchmark

/// `gap` is infinite when the lower bound is zero but the cost is not.
double gapPercent(const Quality& q) {
  if (q.lowerBound > 0) return (q.hourlyCost - q.lowerBound) / q.lowerBound * 100;
  return q.hourlyCost <= 0 ? 0.0 : INFINITY;
}

/// Best wall time of `cmd` over opt.repeat runs; `fresh`, if set, is emptied before each run.
double bestOf(const Options& opt, const std::vector<std::string>& cmd, const std::string& what,
              const std::string& errPath, const std::string& fresh = "") {
  double best = INFINITY;
  for (int r = 0; r < opt.repeat; ++r) {
    if (!fresh.empty()) {
      std::error_code ec;
      fs::remove_all(fresh, ec);
    }
    const ChildRun run = runChild(cmd, errPath);
    requireSuccess(run, what, errPath, true);
    best = std::min(best, run.wallSeconds);
  }
  return best;
}

/// Times `gpuslice render` of the saved plan, every part, to stdout and into a fresh --out-dir
/// (one file per manifest, synced once): the directory may take at most kOutDirRatio times as
/// long as stdout from kOutDirCheckFrom workloads on. Sizes above kRenderMaxWorkloads are not
/// rendered (a file per workload).
void timeRender(const Options& opt, const fs::path& dir, long size, const std::string& plan, const std::string& errPath,
                std::vector<std::string>& missed) {
  if (size > kRenderMaxWorkloads) return;
  const std::string outDir = (dir / fmt::format("render-{}", size)).string();
  std::vector<std::string> cmd{opt.gpuslice, "render", "--plan", plan, "--cluster", "bench", "--node-role", "R"};
  std::vector<std::string> toStdout = cmd;
  toStdout.insert(toStdout.end(), {"--only", "configmaps,karpenter,helm-values,patches"});
  cmd.insert(cmd.end(), {"--out-dir", outDir});
  const double stdoutWall = bestOf(opt, toStdout, fmt::format("gpuslice render ({} workloads)", size), errPath);
  const double dirWall =
      bestOf(opt, cmd, fmt::format("gpuslice render --out-dir ({} workloads)", size), errPath, outDir);
  const double ratio = stdoutWall > 0 ? dirWall / stdoutWall : 0;
  fmt::print("render workloads={} stdout_s={:.2f} out_dir_s={:.2f} ratio={:.1f}\n", size, stdoutWall, dirWall, ratio);
  std::fflush(stdout);
  if (size >= kOutDirCheckFrom && !(ratio <= kOutDirRatio))
    missed.push_back(fmt::format("out-dir {:.1f}x stdout at {}", ratio, size));
}

/// Runs every size; returns the missed targets (empty when all are met).
std::vector<std::string> runBenchmark(const Options& opt, const fs::path& dir) {
  std::vector<std::string> missed;
  for (long size : opt.sizes) {
    const std::string fleet = (dir / fmt::format("fleet-{}.json", size)).string();
    const std::string plan = (dir / fmt::format("plan-{}.json", size)).string();
    const std::string errPath = (dir / fmt::format("stderr-{}.txt", size)).string();

    std::vector<std::string> gen{opt.genfleet, "--workloads", std::to_string(size), "--seed", opt.seed, "-o", fleet};
    if (opt.migEligible) gen.push_back("--mig-eligible");
    requireSuccess(runChild(gen, errPath), opt.genfleet, errPath, false);

    std::vector<std::string> cmd{opt.gpuslice, "plan", fleet, "--format", "json", "-o", plan};
    cmd.insert(cmd.end(), opt.extraArgs.begin(), opt.extraArgs.end());
    double bestWall = INFINITY;
    long maxRssKiB = 0;
    for (int r = 0; r < opt.repeat; ++r) {
      const ChildRun run = runChild(cmd, errPath);
      requireSuccess(run, fmt::format("gpuslice plan ({} workloads)", size), errPath, true);
      bestWall = std::min(bestWall, run.wallSeconds);
      maxRssKiB = std::max(maxRssKiB, run.maxRssKiB);
    }

    const Quality q = readQuality(plan);
    const double rssMiB = static_cast<double>(maxRssKiB) / 1024.0;
    const double gap = gapPercent(q);
    fmt::print(
        "plan workloads={} wall_s={:.2f} peak_rss_mib={:.1f} hourly={:.2f} "
        "lower_bound={:.2f} gap_pct={:.2f}\n",
        size, bestWall, rssMiB, q.hourlyCost, q.lowerBound, gap);
    std::fflush(stdout);

    if (!(bestWall < kWallTargetSeconds)) missed.push_back(fmt::format("wall {:.2f}s at {}", bestWall, size));
    if (!(rssMiB < kRssTargetMiB)) missed.push_back(fmt::format("rss {:.1f}MiB at {}", rssMiB, size));
    if (!(gap <= kGapTargetPercent + 1e-9)) missed.push_back(fmt::format("gap {:.2f}% at {}", gap, size));
    timeRender(opt, dir, size, plan, errPath, missed);
  }
  return missed;
}

fs::path makeTempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = fmt::format("{}/gpuslice-bench.XXXXXX", base && *base ? base : "/tmp");
  if (::mkdtemp(pattern.data()) == nullptr)
    throw Failure{1, fmt::format("mkdtemp {}: {}", pattern, std::strerror(errno))};
  return pattern;
}

}  // namespace

int main(int argc, char** argv) {
  std::optional<fs::path> dir;
  bool keep = false;
  int exitCode = 0;
  try {
    const Options opt = parseOptions(argc, argv);
    keep = opt.keep;
    dir = makeTempDir();
    const std::vector<std::string> missed = runBenchmark(opt, *dir);
    std::string verdict = "PASS";
    if (!missed.empty()) {
      verdict = "FAIL (";
      for (std::size_t i = 0; i < missed.size(); ++i) verdict += (i ? "; " : "") + missed[i];
      verdict += ")";
      if (opt.check) exitCode = 1;
    }
    fmt::print("targets: wall<2s rss<1024MiB gap<=2% out-dir<=3x stdout at 10k: {}\n", verdict);
  } catch (const Failure& f) {
    std::fflush(stdout);
    fmt::print(stderr, "gpuslice-bench: {}\n", f.message);
    exitCode = f.exitCode;
    keep = keep || f.keepFiles;
  }
  if (dir) {
    if (keep) {
      fmt::print(stderr, "gpuslice-bench: files kept in {}\n", dir->string());
    } else {
      std::error_code ec;
      fs::remove_all(*dir, ec);
    }
  }
  return exitCode;
}
