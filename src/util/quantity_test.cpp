#include "util/quantity.h"

#include <doctest/doctest.h>

#include <optional>

using gpuslice::cpuQuantity;
using gpuslice::memoryQuantity;
using gpuslice::parseCpuMillis;
using gpuslice::parseMemoryBytes;

namespace {
constexpr std::optional<std::int64_t> kInvalid = std::nullopt;
}

TEST_CASE("cpu quantities in millicores") {
  CHECK(parseCpuMillis("1") == 1000);
  CHECK(parseCpuMillis("2") == 2000);
  CHECK(parseCpuMillis("100m") == 100);
  CHECK(parseCpuMillis("0.1") == 100);
  CHECK(parseCpuMillis("0.5") == 500);
  CHECK(parseCpuMillis("1.5") == 1500);
  CHECK(parseCpuMillis(".25") == 250);
  CHECK(parseCpuMillis("3.") == 3000);
  CHECK(parseCpuMillis("+2") == 2000);
  CHECK(parseCpuMillis("1e3") == 1000000);
  CHECK(parseCpuMillis("1E-3") == 1);
  CHECK(parseCpuMillis("1k") == 1000000);
  CHECK(parseCpuMillis("500000u") == 500);
  CHECK(parseCpuMillis("0") == 0);
  CHECK(parseCpuMillis("0m") == 0);
  CHECK(parseCpuMillis("000.000") == 0);
  CHECK(parseCpuMillis("-0") == 0);
}

TEST_CASE("cpu quantities round fractions of a millicore up") {
  CHECK(parseCpuMillis("0.0001") == 1);
  CHECK(parseCpuMillis("1.0001") == 1001);
  CHECK(parseCpuMillis("1n") == 1);
  CHECK(parseCpuMillis("1500u") == 2);
  CHECK(parseCpuMillis("1e-1000000") == 1);
  CHECK(parseCpuMillis("0.1000000000000000000000000000") == 100);
}

TEST_CASE("memory quantities in bytes") {
  CHECK(parseMemoryBytes("128974848") == 128974848);
  CHECK(parseMemoryBytes("129e6") == 129000000);
  CHECK(parseMemoryBytes("129M") == 129000000);
  CHECK(parseMemoryBytes("123Mi") == 128974848);
  CHECK(parseMemoryBytes("1Ki") == 1024);
  CHECK(parseMemoryBytes("8Gi") == 8589934592);
  CHECK(parseMemoryBytes("1.5Gi") == 1610612736);
  CHECK(parseMemoryBytes("0.5Ki") == 512);
  CHECK(parseMemoryBytes("1Ti") == 1099511627776);
  CHECK(parseMemoryBytes("1Pi") == 1125899906842624);
  CHECK(parseMemoryBytes("7Ei") == 8070450532247928832);
  CHECK(parseMemoryBytes("1k") == 1000);
  CHECK(parseMemoryBytes("1.5G") == 1500000000);
  CHECK(parseMemoryBytes("2T") == 2000000000000);
  CHECK(parseMemoryBytes("3P") == 3000000000000000);
  CHECK(parseMemoryBytes("1E") == 1000000000000000000);
  CHECK(parseMemoryBytes("1e9") == 1000000000);
  CHECK(parseMemoryBytes("1E+2") == 100);
  CHECK(parseMemoryBytes("9223372036854775807") == INT64_MAX);
}

TEST_CASE("memory quantities round fractions of a byte up") {
  CHECK(parseMemoryBytes("1500m") == 2);
  CHECK(parseMemoryBytes("1000m") == 1);
  CHECK(parseMemoryBytes("1m") == 1);
  CHECK(parseMemoryBytes("0.1") == 1);
  CHECK(parseMemoryBytes("1.001Ki") == 1026);  // 1025.024
  CHECK(parseMemoryBytes("1e-5") == 1);
}

TEST_CASE("invalid quantities") {
  for (const char* text : {"",      " ",    " 1",   "1 ",    "1 Gi", ".",   "+",  "-",    "m",    "Gi",
                           "1..5",  "1.5.", "1gi",  "1GI",   "1K",   "1Kb", "1b", "1e",   "1e+",  "1e1.5",
                           "1e3Gi", "1Gi2", "0x10", "1_000", "1,5",  "\t1", "-1", "-0.5", "-1Gi", "-1e-9"}) {
    CAPTURE(text);
    CHECK(parseCpuMillis(text) == kInvalid);
    CHECK(parseMemoryBytes(text) == kInvalid);
  }
}

TEST_CASE("quantities beyond int64 overflow") {
  CHECK(parseMemoryBytes("9223372036854775808") == kInvalid);
  CHECK(parseMemoryBytes("8Ei") == kInvalid);
  CHECK(parseMemoryBytes("10E") == kInvalid);
  CHECK(parseMemoryBytes("1e19") == kInvalid);
  CHECK(parseMemoryBytes("1e1000000000000000000000") == kInvalid);
  CHECK(parseMemoryBytes("99999999999999999999999999999") == kInvalid);
  CHECK(parseCpuMillis("9223372036854775807") == kInvalid);
  CHECK(parseCpuMillis("9223372036854775.807") == INT64_MAX);
  CHECK(parseCpuMillis("9223372036854775.8071") == kInvalid);  // rounds up past the maximum
  CHECK(parseMemoryBytes("0e1000000000000000000000") == 0);
}

TEST_CASE("quantities written back: the largest exact unit, read back to the same value") {
  CHECK(cpuQuantity(200) == "200m");
  CHECK(cpuQuantity(2000) == "2");
  CHECK(cpuQuantity(0) == "0");
  CHECK(memoryQuantity(std::int64_t{256} << 20) == "256Mi");
  CHECK(memoryQuantity(std::int64_t{1536} << 20) == "1536Mi");
  CHECK(memoryQuantity(std::int64_t{3} << 30) == "3Gi");
  CHECK(memoryQuantity(1000) == "1000");
  CHECK(memoryQuantity(0) == "0");
  for (std::int64_t v : {std::int64_t{0}, std::int64_t{1}, std::int64_t{1536}, std::int64_t{7} << 40}) {
    CHECK(parseMemoryBytes(memoryQuantity(v)) == v);
    CHECK(parseCpuMillis(cpuQuantity(v)) == v);
  }
}
