// The main of a fuzz target in a build without libFuzzer (see README.md here): it passes each
// file named on the command line, and each file of each directory named (sorted by name; no
// subdirectories), to the target's LLVMFuzzerTestOneInput once, so `ctest` replays the corpus
// kept in the repository. Arguments starting with '-' (libFuzzer's options) are ignored, so
// one command line serves both builds. A failing input crashes, or aborts with a sanitizer's
// report, just after its name is printed. Exit status 1 when a path cannot be read or no
// input was found, so a wrong corpus path cannot pass as an empty corpus.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;

/// Appends the inputs `arg` names: itself, or the regular files of a directory by name.
bool collect(const fs::path& arg, std::vector<fs::path>& inputs) {
  std::error_code ec;
  if (fs::is_regular_file(arg, ec)) {
    inputs.push_back(arg);
    return true;
  }
  if (!fs::is_directory(arg, ec)) {
    std::fprintf(stderr, "replay: %s: no such file or directory\n", arg.c_str());
    return false;
  }
  std::vector<fs::path> found;
  for (fs::directory_iterator it(arg, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec)) found.push_back(it->path());
  }
  if (ec) {
    std::fprintf(stderr, "replay: %s: %s\n", arg.c_str(), ec.message().c_str());
    return false;
  }
  std::sort(found.begin(), found.end());
  inputs.insert(inputs.end(), found.begin(), found.end());
  return true;
}

/// Runs the target on the bytes of `file`, held in a heap block of exactly their size (as
/// libFuzzer holds them) so that AddressSanitizer catches a read one past the end.
bool replay(const fs::path& file) {
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(file, ec);
  std::ifstream in(file, std::ios::binary);
  const auto data = std::make_unique<std::uint8_t[]>(ec ? 0 : size);
  if (ec || !in || !in.read(reinterpret_cast<char*>(data.get()), static_cast<std::streamsize>(size))) {
    std::fprintf(stderr, "replay: %s: cannot read\n", file.c_str());
    return false;
  }
  std::fprintf(stderr, "replay: %s (%ju bytes)\n", file.c_str(), size);
  std::fflush(stderr);
  LLVMFuzzerTestOneInput(data.get(), size);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<fs::path> inputs;
  bool ok = true;
  for (int i = 1; i < argc; ++i) {
    if (argv[i][0] != '-') ok = collect(argv[i], inputs) && ok;
  }
  for (const fs::path& file : inputs) ok = replay(file) && ok;
  if (inputs.empty()) std::fprintf(stderr, "replay: no inputs (usage: %s FILE_OR_DIR...)\n", argv[0]);
  std::printf("replay: %zu inputs%s\n", inputs.size(), ok ? "" : ", some unreadable");
  return ok && !inputs.empty() ? 0 : 1;
}
