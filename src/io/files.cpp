#include "io/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>

#include "util/utf8.h"

namespace gpuslice::io {

namespace {
Error fileError(const std::string& path, const std::string& what) {
  return Error{ErrorKind::BadInput, path, 0, "", what + ": " + std::strerror(errno)};
}

/// Writes all of `content` to `fd`; false on failure (errno tells why).
bool writeAll(int fd, const std::string& content) {
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t w = ::write(fd, content.data() + done, content.size() - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<std::size_t>(w);
  }
  return true;
}

/// The bytes of `path` (stdin for "-"), unchecked.
Result<std::string> readBytes(const std::string& path) {
  if (path == "-") {
    std::string out;
    char buf[1 << 16];
    for (;;) {
      const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
      if (n == 0) break;
      if (n < 0) {
        if (errno == EINTR) continue;
        return fileError("<stdin>", "cannot read");
      }
      out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
  }
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return fileError(path, "cannot open");
  std::string out;
  // A regular file is read in one go into a string of its size, which spares a large
  // input the copies and page faults of a growing string; the loop reads what is left
  // (all of a pipe or device, or whatever a file gained meanwhile).
  if (struct stat st{}; ::fstat(::fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    out.resize(static_cast<std::size_t>(st.st_size));
    out.resize(std::fread(out.data(), 1, out.size(), f));
  }
  char buf[1 << 16];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  const bool failed = std::ferror(f);
  std::fclose(f);
  if (failed) return fileError(path, "cannot read");
  return out;
}

}  // namespace

Result<std::string> readFile(const std::string& path) {
  auto text = readBytes(path);
  if (!text) return text;
  const std::size_t bad = firstInvalidUtf8(*text);
  if (bad == std::string::npos) return text;
  const auto line = 1 + std::count(text->begin(), text->begin() + static_cast<std::ptrdiff_t>(bad), '\n');
  return badInput(path == "-" ? "<stdin>" : path, static_cast<int>(line), "", "not valid UTF-8");
}

std::optional<Error> writeFileAtomic(const std::string& requested, const std::string& content) {
  if (requested == "-") {
    std::cout << content << std::flush;
    return std::nullopt;
  }
  // Through a symbolic link, replace the file it points to, not the link.
  std::string path = requested;
  if (char* real = ::realpath(requested.c_str(), nullptr)) {
    path = real;
    std::free(real);
  } else if (struct stat ls{}; ::lstat(requested.c_str(), &ls) == 0 && S_ISLNK(ls.st_mode)) {
    // A link to a file not there yet: create that file.
    char target[4096];
    const ssize_t n = ::readlink(requested.c_str(), target, sizeof target - 1);
    if (n > 0) {
      path.assign(target, static_cast<std::size_t>(n));
      const auto slash = requested.rfind('/');
      if (path.front() != '/' && slash != std::string::npos) path = requested.substr(0, slash + 1) + path;
    }
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    // A device, FIFO or the like (/dev/stdout, /dev/null): write to it; renaming over it
    // would replace the device node with a regular file.
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return fileError(requested, "cannot open");
    const bool ok = writeAll(fd, content);
    Error e = fileError(requested, "cannot write");
    ::close(fd);
    if (!ok) return e;
    return std::nullopt;
  }
  std::string tmp = path + ".tmp-XXXXXX";
  const int fd = mkstemp(tmp.data());
  if (fd < 0) return fileError(requested, "cannot create a temporary file next to it");
  if (!writeAll(fd, content)) {
    Error e = fileError(requested, "cannot write");
    ::close(fd);
    std::remove(tmp.c_str());
    return e;
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    Error e = fileError(requested, "cannot write");
    std::remove(tmp.c_str());
    return e;
  }
  ::chmod(tmp.c_str(), 0644);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    Error e = fileError(requested, "cannot replace");
    std::remove(tmp.c_str());
    return e;
  }
  return std::nullopt;
}

namespace {

void removeAll(const std::vector<std::string>& paths, std::size_t from = 0) {
  for (std::size_t i = from; i < paths.size(); ++i) ::unlink(paths[i].c_str());
}

/// `content` in a new temporary file beside `path` (not synced): its name, or an error naming
/// `path`.
Result<std::string> writeTemporary(const std::string& path, const std::string& content) {
  std::string tmp = path + ".tmp-XXXXXX";
  const int fd = mkstemp(tmp.data());
  if (fd < 0) return fileError(path, "cannot create a temporary file next to it");
  const bool ok = writeAll(fd, content);
  Error e = fileError(path, "cannot write");
  if (::close(fd) != 0 || !ok) {
    ::unlink(tmp.c_str());
    return e;
  }
  ::chmod(tmp.c_str(), 0644);
  return tmp;
}

/// The temporaries of `files` in `dir`, or an error after removing those already written.
Result<std::vector<std::string>> writeTemporaries(const std::string& dir, const std::vector<NamedContent>& files) {
  std::vector<std::string> temps;
  for (const NamedContent& f : files) {
    const std::string path = dir + "/" + f.name;
    if (struct stat st{}; ::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
      removeAll(temps);
      return Error{ErrorKind::BadInput, path, 0, "", "is there and is not a regular file; nothing was written"};
    }
    auto tmp = writeTemporary(path, f.content);
    if (!tmp) {
      removeAll(temps);
      return tmp.error();
    }
    temps.push_back(std::move(*tmp));
  }
  return temps;
}

}  // namespace

std::optional<Error> writeFilesAtomic(const std::string& dir, const std::vector<NamedContent>& files) {
  auto temps = writeTemporaries(dir, files);
  if (!temps) return temps.error();
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0 || ::syncfs(dfd) != 0) {
    Error e = fileError(dir, "cannot sync");
    if (dfd >= 0) ::close(dfd);
    removeAll(*temps);
    return e;
  }
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (std::rename((*temps)[i].c_str(), (dir + "/" + files[i].name).c_str()) != 0) {
      Error e = fileError(dir + "/" + files[i].name, "cannot replace");
      removeAll(*temps, i);
      ::close(dfd);
      return e;
    }
  }
  // The renames themselves: one sync of the directory.
  const bool synced = ::fsync(dfd) == 0;
  Error e = fileError(dir, "cannot sync");
  ::close(dfd);
  if (!synced) return e;
  return std::nullopt;
}

}  // namespace gpuslice::io
