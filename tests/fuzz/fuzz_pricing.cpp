// libFuzzer target: any bytes as an EC2 offer file (JSON or CSV), a spot price history, a get-products page,
// instance-type offerings or describe-instance-types output (the first byte modulo 6 says which), read in pieces of as
// many bytes as the second byte says, must give a price table or one clean error, never a crash, a hang or undefined
// behaviour; and every table the importer writes must read back as a price table (plan --pricing reads it as is).
// describe-instance-types output prices nothing, so it is imported with a fixed spot history of the types it may
// describe.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "io/catalog_reader.h"
#include "io/pricing_import.h"

namespace {

/// Spot prices of a few types of every kind (a whole-GPU type, a fractional one, a metal one,
/// an arm64 one, one with several network cards), for describe-instance-types to describe.
constexpr const char* kSpot = R"({"SpotPriceHistory": [
{"AvailabilityZone": "eu-west-1a", "InstanceType": "g4dn.xlarge", "ProductDescription": "Linux/UNIX",
 "SpotPrice": "0.2", "Timestamp": "2026-12-01T00:00:00Z"},
{"AvailabilityZone": "eu-west-1a", "InstanceType": "g5.xlarge", "ProductDescription": "Linux/UNIX",
 "SpotPrice": "0.4", "Timestamp": "2026-12-01T00:00:00Z"},
{"AvailabilityZone": "eu-west-1a", "InstanceType": "g6f.large", "ProductDescription": "Linux/UNIX",
 "SpotPrice": "0.1", "Timestamp": "2026-12-01T00:00:00Z"},
{"AvailabilityZone": "eu-west-1a", "InstanceType": "g4dn.metal", "ProductDescription": "Linux/UNIX",
 "SpotPrice": "3.1", "Timestamp": "2026-12-01T00:00:00Z"},
{"AvailabilityZone": "eu-west-1a", "InstanceType": "g5g.xlarge", "ProductDescription": "Linux/UNIX",
 "SpotPrice": "0.2", "Timestamp": "2026-12-01T00:00:00Z"},
{"AvailabilityZone": "eu-west-1a", "InstanceType": "p4d.24xlarge", "ProductDescription": "Linux/UNIX",
 "SpotPrice": "9.5", "Timestamp": "2026-12-01T00:00:00Z"}]})";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gpuslice::io;
  if (size < 2) return 0;
  const auto format = static_cast<PricingFormat>(data[0] % 6);
  const std::string_view text(reinterpret_cast<const char*>(data + 2), size - 2);
  const std::size_t cut = data[1] % (text.size() + 1);
  static const auto catalog = loadCatalog("");
  if (!catalog) std::abort();
  auto table = readPricingBytes(text, format, "fuzz", *catalog, cut ? cut : text.size() + 1);
  if (!table) return 0;
  std::vector<PricingInput> inputs{*table};
  if (format == PricingFormat::InstanceTypes) {
    static const auto prices = readPricingBytes(kSpot, PricingFormat::SpotHistory, "spot", *catalog);
    if (!prices) std::abort();
    inputs.insert(inputs.begin(), *prices);
  }
  auto yaml = priceTableYaml(inputs, *catalog);
  if (!yaml) return 0;
  if (!readPriceTable(*yaml, "table.yaml", *catalog)) std::abort();
  return 0;
}
