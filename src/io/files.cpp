#include "io/files.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace gpuslice::io {

namespace {
Error fileError(const std::string& path, const std::string& what) {
  return Error{ErrorKind::BadInput, path, 0, "", what + ": " + std::strerror(errno)};
}
}  // namespace

Result<std::string> readFile(const std::string& path) {
  if (path == "-") {
    std::ostringstream ss;
    ss << std::cin.rdbuf();
    return ss.str();
  }
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return fileError(path, "cannot open");
  std::string out;
  char buf[1 << 16];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  const bool failed = std::ferror(f);
  std::fclose(f);
  if (failed) return fileError(path, "cannot read");
  return out;
}

std::optional<Error> writeFileAtomic(const std::string& path, const std::string& content) {
  if (path == "-") {
    std::cout << content << std::flush;
    return std::nullopt;
  }
  std::string tmp = path + ".tmp-XXXXXX";
  const int fd = mkstemp(tmp.data());
  if (fd < 0) return fileError(path, "cannot create a temporary file next to it");
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t w = ::write(fd, content.data() + done, content.size() - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      Error e = fileError(path, "cannot write");
      ::close(fd);
      std::remove(tmp.c_str());
      return e;
    }
    done += static_cast<std::size_t>(w);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    Error e = fileError(path, "cannot write");
    std::remove(tmp.c_str());
    return e;
  }
  ::chmod(tmp.c_str(), 0644);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    Error e = fileError(path, "cannot replace");
    std::remove(tmp.c_str());
    return e;
  }
  return std::nullopt;
}

}  // namespace gpuslice::io
