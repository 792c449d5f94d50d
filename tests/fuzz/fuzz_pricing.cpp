// libFuzzer target: any bytes as an EC2 offer file (JSON or CSV), a spot price history or a
// get-products page or instance-type offerings (the first byte modulo 5 says which), read in pieces of as many bytes as
// the second byte says, must give a price table or one clean error, never a crash, a hang or undefined behaviour; and
// every table the importer writes must read back as a price table (plan --pricing reads it as is).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "io/catalog_reader.h"
#include "io/pricing_import.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gpuslice::io;
  if (size < 2) return 0;
  const auto format = static_cast<PricingFormat>(data[0] % 5);
  const std::string_view text(reinterpret_cast<const char*>(data + 2), size - 2);
  const std::size_t cut = data[1] % (text.size() + 1);
  static const auto catalog = loadCatalog("");
  if (!catalog) std::abort();
  auto table = readPricingBytes(text, format, "fuzz", *catalog, cut ? cut : text.size() + 1);
  if (!table) return 0;
  auto yaml = priceTableYaml({*table}, *catalog);
  if (!yaml) return 0;
  if (!readPriceTable(*yaml, "table.yaml", *catalog)) std::abort();
  return 0;
}
