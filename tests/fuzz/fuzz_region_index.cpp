// libFuzzer target: any bytes as an EC2 region index (what `pricing fetch` reads before the offer
// file), asked for eu-west-1 as JSON or CSV (the first byte's low bit), must give an http(s) URL
// or one clean error naming the index, never a crash, a hang or undefined behaviour.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "io/pricing_fetch.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gpuslice::io;
  if (size < 1) return 0;
  const PricingFormat format = data[0] % 2 ? PricingFormat::OfferCsv : PricingFormat::OfferJson;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::string index = "http://127.0.0.1:9/offers/v1.0/aws/AmazonEC2/current/region_index.json";
  auto url = offerUrlFromIndex(text, index, "http://127.0.0.1:9", "eu-west-1", format);
  if (!url) {
    if (url.error().file != index) std::abort();
    return 0;
  }
  if (!url->starts_with("http://") && !url->starts_with("https://")) std::abort();
  const std::string suffix = format == PricingFormat::OfferCsv ? ".csv" : ".json";
  if (url->find(suffix) == std::string::npos) std::abort();
  return 0;
}
