#include "io/render_output.h"

#include <filesystem>
#include <system_error>

#include "io/files.h"

namespace gpuslice::io {

std::string manifestStream(const std::vector<Manifest>& manifests) {
  std::string out;
  for (const Manifest& m : manifests) out += "---\n" + manifestText(m);
  return out;
}

std::optional<Error> writeManifests(const std::string& dir, const std::vector<Manifest>& manifests) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) {
    return Error{ErrorKind::BadInput, dir, 0, "--out-dir",
                 "cannot create the directory" + (ec ? ": " + ec.message() : std::string())};
  }
  for (const Manifest& m : manifests) {
    if (auto e = writeFileAtomic((fs::path(dir) / m.file).string(), manifestText(m))) return e;
  }
  return std::nullopt;
}

}  // namespace gpuslice::io
