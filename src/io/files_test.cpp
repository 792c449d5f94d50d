#include "io/files.h"

#include <doctest/doctest.h>

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

TEST_CASE("a file name that is not UTF-8 is escaped in the message") {
  auto r = io::readFile("/nonexistent-dir/caf\xE9\x1B.yaml");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().describe() == "/nonexistent-dir/caf\\xe9\\x1b.yaml: cannot open: No such file or directory");
}
