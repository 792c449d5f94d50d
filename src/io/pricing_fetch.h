// `gpuslice pricing fetch`: one region's EC2 offer from the AWS Price List bulk API, read
// from the network straight into the offer reader (never whole, in memory or on disk).
#pragma once

#include <string>
#include <string_view>

#include "io/pricing_import.h"
#include "io/progress.h"
#include "model/catalog.h"
#include "model/error.h"

namespace gpuslice::io {

/// Where AWS publishes the Price List bulk files (no credentials needed).
inline constexpr const char* kPriceListEndpoint = "https://pricing.us-east-1.amazonaws.com";
/// The EC2 region index under an endpoint: regions.<code>.currentVersionUrl per region.
inline constexpr const char* kRegionIndexPath = "/offers/v1.0/aws/AmazonEC2/current/region_index.json";

/// What `pricing fetch` asks for.
struct FetchOptions {
  std::string region;
  std::string endpoint = kPriceListEndpoint;        ///< http:// or https://, without a query
  PricingFormat format = PricingFormat::OfferJson;  ///< OfferJson or OfferCsv
  long idleTimeoutSeconds = 30;                     ///< give up when connecting, or no byte arriving, takes this long
};

/// Whether `region` is written like an AWS region code (lower-case letters, digits and '-',
/// starting with a letter): cache file names are made from it.
bool isRegionCode(std::string_view region);

/// The URL of `region`'s current offer file from the region index `text` read from `indexUrl`:
/// regions.<region>.currentVersionUrl, a path starting with '/' appended to `endpoint`, another
/// relative one resolved against `indexUrl`, an absolute http(s) one as it is; for CSV its
/// ".json" becomes ".csv". Errors name `indexUrl`: malformed JSON, no such region (naming some
/// that are), a URL that is not of an offer file.
Result<std::string> offerUrlFromIndex(std::string_view text, const std::string& indexUrl, const std::string& endpoint,
                                      const std::string& region, PricingFormat format);

/// Fetches the region index, then streams `options.region`'s offer file into the offer reader
/// (progress, when given, in bytes of the offer). The input is named by the offer's URL. Each
/// failure is one error naming the URL: the network (refused, timed out), an HTTP status that
/// is not 2xx, the index, the offer's content, or a download cut short.
Result<PricingInput> fetchOffer(const FetchOptions& options, const Catalog& catalog, Progress* progress);

}  // namespace gpuslice::io
