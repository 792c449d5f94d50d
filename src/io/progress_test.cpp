#include "io/progress.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <string>

using namespace gpuslice;

namespace {

/// What a Progress wrote to a temporary file.
std::string written(std::FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string out;
  char buf[256];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  return out;
}

}  // namespace

TEST_CASE("progress: a bar redrawn in place at each whole percent, cleared at the end") {
  std::FILE* f = std::tmpfile();
  REQUIRE(f);
  {
    io::Progress p(f, true, "bytes");
    p.begin("fb.json", 4 * 1024 * 1024);
    p.advance(1024 * 1024);
    p.advance(1);  // still 25%: not redrawn
    p.advance(3 * 1024 * 1024);
  }
  CHECK(written(f) ==
        "\r\x1b[2Kfb.json [..............................]   0% 0 MiB of 4 MiB"
        "\r\x1b[2Kfb.json [#######.......................]  25% 1 MiB of 4 MiB"
        "\r\x1b[2Kfb.json [##############################] 100% 4 MiB of 4 MiB"
        "\r\x1b[2K");
  std::fclose(f);
}

TEST_CASE("progress: counts without a total, and nothing at all when not drawing") {
  std::FILE* f = std::tmpfile();
  REQUIRE(f);
  {
    io::Progress p(f, true, "requests");
    p.begin("DCGM_FI_DEV_FB_USED", 0);
    p.advance(2);
  }
  CHECK(written(f) == "\r\x1b[2KDCGM_FI_DEV_FB_USED 0 requests\r\x1b[2KDCGM_FI_DEV_FB_USED 2 requests\r\x1b[2K");
  std::fclose(f);
  std::FILE* quiet = std::tmpfile();
  REQUIRE(quiet);
  {
    io::Progress p(quiet, false, "bytes");
    p.begin("fb.json", 100);
    p.advance(100);
  }
  CHECK(written(quiet).empty());
  std::fclose(quiet);
}
