#include "io/pricing_fetch.h"

#include <doctest/doctest.h>

#include <string>

#include "io/http_client.h"
#include "io/price_cache.h"

using namespace gpuslice;
using namespace gpuslice::io;

namespace {

const std::string kIndexUrl = "https://mirror.example/aws/offers/v1.0/aws/AmazonEC2/current/region_index.json";
const std::string kEndpoint = "https://mirror.example/aws";

std::string index(const std::string& url) {
  return R"({"formatVersion": "v1.0", "regions": {
  "eu-west-1": {"regionCode": "eu-west-1", "currentVersionUrl": ")" +
         url + R"("},
  "us-west-2": {"regionCode": "us-west-2", "currentVersionUrl": "/x/us-west-2/index.json"}}})";
}

/// The URL offerUrlFromIndex gives for eu-west-1, or its error.
std::string offerUrl(const std::string& url, PricingFormat format = PricingFormat::OfferJson,
                     const std::string& region = "eu-west-1") {
  auto r = offerUrlFromIndex(index(url), kIndexUrl, kEndpoint, region, format);
  return r ? *r : r.error().describe();
}

}  // namespace

TEST_CASE("the offer URL of a region: a path joins the endpoint, keeping its own path") {
  CHECK(offerUrl("/offers/v1.0/aws/AmazonEC2/20261201000000/eu-west-1/index.json") ==
        "https://mirror.example/aws/offers/v1.0/aws/AmazonEC2/20261201000000/eu-west-1/index.json");
  CHECK(offerUrl("/offers/v1.0/aws/AmazonEC2/20261201000000/eu-west-1/index.json", PricingFormat::OfferCsv) ==
        "https://mirror.example/aws/offers/v1.0/aws/AmazonEC2/20261201000000/eu-west-1/index.csv");
  // Relative to the index's folder, and absolute (another host) as it is.
  CHECK(offerUrl("../20261201000000/eu-west-1/index.json") ==
        "https://mirror.example/aws/offers/v1.0/aws/AmazonEC2/20261201000000/eu-west-1/index.json");
  CHECK(offerUrl("http://other.example/eu-west-1/index.json?v=2", PricingFormat::OfferCsv) ==
        "http://other.example/eu-west-1/index.csv?v=2");
}

TEST_CASE("the offer URL of a region: what is wrong with an index, located") {
  // A NUL (\u0000 in the JSON) would end the URL where libcurl reads it.
  CHECK(offerUrl("https://mirror.example/a/ind\\u0000ex.json") ==
        kIndexUrl + ":2: regions.eu-west-1.currentVersionUrl: holds a space or a control character: not a URL");
  CHECK(offerUrl("/x/eu west/index.json") ==
        kIndexUrl + ":2: regions.eu-west-1.currentVersionUrl: holds a space or a control character: not a URL");
  CHECK(offerUrl("/x/eu-west-1/index.html") ==
        kIndexUrl +
            ":2: regions.eu-west-1.currentVersionUrl: \"/x/eu-west-1/index.html\" is not the URL of a JSON offer file");
  CHECK(offerUrl("ftp://other.example/index.json") ==
        kIndexUrl +
            ":2: regions.eu-west-1.currentVersionUrl: \"ftp://other.example/index.json\" is not an http or "
            "https URL");
  CHECK(offerUrl("/x/index.json", PricingFormat::OfferJson, "eu-west-9") ==
        kIndexUrl + ": no region eu-west-9 in the region index (it lists 2: eu-west-1, us-west-2)");
  auto noRegions = offerUrlFromIndex(R"({"regions": []})", kIndexUrl, kEndpoint, "eu-west-1", PricingFormat::OfferJson);
  REQUIRE(!noRegions);
  CHECK(noRegions.error().describe() ==
        kIndexUrl + ":1: regions: not an EC2 region index: it needs a mapping \"regions\"");
  auto notJson = offerUrlFromIndex("{\"regions\": {", kIndexUrl, kEndpoint, "eu-west-1", PricingFormat::OfferJson);
  REQUIRE(!notJson);
  CHECK(notJson.error().file == kIndexUrl);
}

TEST_CASE("region codes: what a cache file name may be made of") {
  CHECK(isRegionCode("eu-west-1"));
  CHECK(isRegionCode("us-gov-west-1"));
  CHECK_FALSE(isRegionCode(""));
  CHECK_FALSE(isRegionCode("../eu-west-1"));
  CHECK_FALSE(isRegionCode("EU-west-1"));
  CHECK_FALSE(isRegionCode("eu/west"));
  CHECK_FALSE(isRegionCode("-eu"));
}

TEST_CASE("the price cache folder follows the XDG base directory rule") {
  CHECK(priceCacheDir("/x/cache", "/home/u") == "/x/cache/gpuslice");
  CHECK(priceCacheDir(nullptr, "/home/u") == "/home/u/.cache/gpuslice");
  CHECK(priceCacheDir("", "/home/u") == "/home/u/.cache/gpuslice");
  CHECK(priceCacheDir("relative", "/home/u") == "/home/u/.cache/gpuslice");  // relative: ignored
  CHECK(priceCacheDir(nullptr, nullptr) == std::nullopt);
  CHECK(priceCacheDir(nullptr, "") == std::nullopt);
  CHECK(priceCacheFile("/x/gpuslice", "eu-west-1") == "/x/gpuslice/aws-eu-west-1.yaml");
}

TEST_CASE("resolveUrl: relative references against a base, http and https only") {
  CHECK(resolveUrl("http://h:8080/a/b/index.json", "c.json") == "http://h:8080/a/b/c.json");
  CHECK(resolveUrl("http://h:8080/a/b/index.json", "/c.json") == "http://h:8080/c.json");
  CHECK(resolveUrl("http://h/a/", "https://g/x") == "https://g/x");
  CHECK(resolveUrl("http://h/a/", "file:///etc/passwd") == std::nullopt);
}
