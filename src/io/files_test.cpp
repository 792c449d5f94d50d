#include "io/files.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <sys/stat.h>
#include <unistd.h>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

using namespace gpuslice;

namespace {

std::string tempDir() {
  std::string dir = "/tmp/gpuslice-files-XXXXXX";
  REQUIRE(::mkdtemp(dir.data()) != nullptr);
  return dir;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool isSymlink(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode);
}

}  // namespace

TEST_CASE("atomic write: whole file, no temporary left, old content replaced") {
  const std::string dir = tempDir();
  const std::string file = dir + "/plan.json";
  REQUIRE_FALSE(io::writeFileAtomic(file, "first\n").has_value());
  REQUIRE_FALSE(io::writeFileAtomic(file, "second\n").has_value());
  CHECK(slurp(file) == "second\n");
  CHECK(std::system(("test $(ls " + dir + " | wc -l) -eq 1").c_str()) == 0);
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("atomic write through a symbolic link replaces the target, keeps the link") {
  const std::string dir = tempDir();
  const std::string target = dir + "/target.json", link = dir + "/link.json";
  REQUIRE(::symlink(target.c_str(), link.c_str()) == 0);  // dangling at first
  REQUIRE_FALSE(io::writeFileAtomic(link, "one\n").has_value());
  CHECK(isSymlink(link));
  CHECK(slurp(target) == "one\n");
  REQUIRE_FALSE(io::writeFileAtomic(link, "two\n").has_value());
  CHECK(isSymlink(link));
  CHECK(slurp(target) == "two\n");
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("a device is written to, never renamed over") {
  // Through a link, so that a regression would replace the link in the temp dir, not /dev/null.
  const std::string dir = tempDir();
  const std::string link = dir + "/sink";
  REQUIRE(::symlink("/dev/null", link.c_str()) == 0);
  REQUIRE_FALSE(io::writeFileAtomic(link, "discarded\n").has_value());
  CHECK(isSymlink(link));
  struct stat st {};
  REQUIRE(::stat("/dev/null", &st) == 0);
  CHECK(S_ISCHR(st.st_mode));
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("unwritable place: an error naming the file, nothing written") {
  auto e = io::writeFileAtomic("/nonexistent-dir/x.json", "x");
  REQUIRE(e.has_value());
  CHECK(e->describe() ==
        "/nonexistent-dir/x.json: cannot create a temporary file next to it: No such file or directory");
}

namespace {

/// Writes `content` to a new file in a new temporary directory; returns its path.
std::string fileWith(const std::string& content, const std::string& name = "in.yaml") {
  const std::string path = tempDir() + "/" + name;
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

std::string readError(const std::string& content) {
  const std::string path = fileWith(content);
  auto r = io::readFile(path);
  std::system(("rm -rf " + path.substr(0, path.rfind('/'))).c_str());
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::BadInput);
  CHECK(r.error().file == path);
  return fmt::format("{}: {}", r.error().line, r.error().message);
}

}  // namespace

TEST_CASE("readFile: well-formed UTF-8 comes back byte for byte, a byte order mark included") {
  for (const std::string& content : {std::string(), std::string("# 日本語のコメント\nname: a\n"),
                                     std::string("\xEF\xBB\xBF{\"a\": \"\xF0\x9F\x98\x80\"}\n")}) {
    const std::string path = fileWith(content);
    auto r = io::readFile(path);
    REQUIRE(r.ok());
    CHECK(*r == content);
    std::system(("rm -rf " + path.substr(0, path.rfind('/'))).c_str());
  }
}

TEST_CASE("readFile: text that is not UTF-8 is refused at the line of the first bad byte") {
  CHECK(readError("\xFF") == "1: not valid UTF-8");
  CHECK(readError("a: 1\nb: caf\xE9\nc: \xFF\n") == "2: not valid UTF-8");
  CHECK(readError("a: 1\n\n\xC0\x80\n") == "3: not valid UTF-8");      // overlong
  CHECK(readError("a: 1\n# \xED\xA0\x80\n") == "2: not valid UTF-8");  // surrogate
  CHECK(readError("a\nb\nc\nd: \xE2\x82") == "4: not valid UTF-8");    // truncated at the end
  CHECK(readError("a: \xE2\x82\nb: 2\n") == "1: not valid UTF-8");     // cut short by the newline
  CHECK(readError(std::string(100000, 'x') + "\n\x80") == "2: not valid UTF-8");
  // UTF-16, with its byte order mark: yaml-cpp would decode it, but inputs are UTF-8.
  CHECK(readError(std::string("\xFF\xFE"
                              "a\0:\0 \0"
                              "1\0",
                              10)) == "1: not valid UTF-8");
}

TEST_CASE("a file name that is not UTF-8 is escaped in the message") {
  auto r = io::readFile("/nonexistent-dir/caf\xE9\x1B.yaml");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().describe() == "/nonexistent-dir/caf\\xe9\\x1b.yaml: cannot open: No such file or directory");
}

TEST_CASE("standard input is checked too, under the name <stdin>") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const std::string text = "a: 1\nb: \xF4\x90\x80\x80\n";  // past U+10FFFF on line 2
  REQUIRE(::write(fds[1], text.data(), text.size()) == static_cast<ssize_t>(text.size()));
  ::close(fds[1]);
  const int saved = ::dup(STDIN_FILENO);
  REQUIRE(::dup2(fds[0], STDIN_FILENO) == STDIN_FILENO);
  auto r = io::readFile("-");
  ::dup2(saved, STDIN_FILENO);
  ::close(saved);
  ::close(fds[0]);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().describe() == "<stdin>:2: not valid UTF-8");
}
