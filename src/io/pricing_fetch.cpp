#include "io/pricing_fetch.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "io/document.h"
#include "io/http_client.h"
#include "util/utf8.h"

namespace gpuslice::io {

namespace {

constexpr std::size_t kMaxIndexBytes = 8 * 1024 * 1024;  // AWS's EC2 region index is about 20 KB
constexpr std::size_t kRegionsNamed = 8;                 // in the error for a region not in the index
constexpr long kMaxRedirects = 5;                        // a mirror behind a CDN may redirect
constexpr long kBufferBytes = 512 * 1024;                // the offer in pieces of up to 512 KiB

/// Some of the region codes an index lists: those of the same area as `region` ("eu" of
/// "eu-west-9") first, then the others, at most kRegionsNamed, each group sorted.
std::string someRegions(std::vector<std::string> codes, const std::string& region) {
  const std::string area = region.substr(0, region.find('-') + 1);
  std::sort(codes.begin(), codes.end(), [&area](const std::string& a, const std::string& b) {
    const bool inA = a.starts_with(area), inB = b.starts_with(area);
    return inA != inB ? inA : a < b;
  });
  if (codes.size() > kRegionsNamed) {
    codes.resize(kRegionsNamed);
    codes.push_back("...");
  }
  return fmt::format("{}", fmt::join(codes, ", "));
}

/// `url` of the index resolved as offerUrlFromIndex says.
std::optional<std::string> joinOfferUrl(const std::string& url, const std::string& indexUrl,
                                        const std::string& endpoint) {
  if (url.starts_with("/") && !url.starts_with("//")) return resolveUrl(endpoint, endpoint + url);
  return resolveUrl(indexUrl, url);
}

/// "HTTP 404: "<start of the body>"" for an answer that is not 2xx, as prom_remote words it.
std::string httpStatusMessage(const HttpOutcome& out) {
  if (out.errorBodyStart.empty()) return fmt::format("HTTP {} with an empty body", out.status);
  return fmt::format("HTTP {}: \"{}\"", out.status, out.errorBodyStart);
}

/// The error of a request that did not end with a 2xx answer, naming `shownUrl`.
std::optional<Error> requestError(const std::string& shownUrl, const HttpOutcome& out) {
  if (!out.transportError.empty()) return badInput(shownUrl, 0, "", out.transportError);
  if (out.status < 200 || out.status > 299) return badInput(shownUrl, 0, "", httpStatusMessage(out));
  return std::nullopt;
}

HttpRequest request(const FetchOptions& o, const std::string& url) {
  HttpRequest r;
  r.url = url;
  r.idleTimeoutSeconds = o.idleTimeoutSeconds;
  r.maxRedirects = kMaxRedirects;
  r.bufferBytes = kBufferBytes;
  return r;
}

/// The region index, whole (it is small).
Result<std::string> getIndex(HttpClient& client, const FetchOptions& o, const std::string& url,
                             const std::string& shownUrl) {
  std::string text;
  bool tooLarge = false;
  const HttpOutcome out = client.perform(request(o, url), [&](std::string_view bytes) {
    tooLarge = text.size() + bytes.size() > kMaxIndexBytes;
    if (!tooLarge) text.append(bytes);
    return !tooLarge;
  });
  if (tooLarge)
    return badInput(shownUrl, 0, "", fmt::format("the region index is larger than {} MiB", kMaxIndexBytes >> 20));
  if (auto e = requestError(shownUrl, out)) return *e;
  const std::size_t bad = firstInvalidUtf8(text);
  if (bad != std::string_view::npos) {
    const int line =
        1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(bad), '\n'));
    return badInput(shownUrl, line, "", "not valid UTF-8");
  }
  return text;
}

/// Streams the offer at `url` into a reader of `o.format`.
Result<OfferTable> getOffer(HttpClient& client, const FetchOptions& o, const std::string& url,
                            const std::string& shownUrl, const Catalog& catalog, Progress* progress) {
  OfferStreamReader reader(o.format, shownUrl, catalog);
  std::optional<Error> readError;
  HttpRequest r = request(o, url);
  const std::string what = "fetching " + shownUrl;
  if (progress) {
    progress->begin(what, 0);
    r.onBodyStart = [&](std::int64_t length) {
      progress->begin(what, length > 0 ? static_cast<std::uint64_t>(length) : 0);
    };
  }
  const HttpOutcome out = client.perform(r, [&](std::string_view bytes) {
    readError = reader.feed(bytes);
    if (progress) progress->advance(bytes.size());
    return !readError;
  });
  if (progress) progress->clear();
  if (readError) return *readError;
  if (auto e = requestError(shownUrl, out)) return *e;
  return reader.finish();
}

}  // namespace

bool isRegionCode(std::string_view region) {
  return !region.empty() && region.size() <= 64 && region.front() >= 'a' && region.front() <= 'z' &&
         region.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string_view::npos;
}

Result<std::string> offerUrlFromIndex(std::string_view text, const std::string& indexUrl, const std::string& endpoint,
                                      const std::string& region, PricingFormat format) {
  auto doc = parseJson(text, indexUrl);
  if (!doc) return doc.error();
  const Node* regions = doc->isMapping() ? doc->find("regions") : nullptr;
  if (!regions || !regions->isMapping()) {
    return badInput(indexUrl, regions ? regions->line : doc->line, "regions",
                    "not an EC2 region index: it needs a mapping \"regions\"");
  }
  const Node* entry = regions->find(region);
  if (!entry) {
    std::vector<std::string> codes;
    for (const NodeMember& m : regions->members) codes.push_back(m.first);
    if (codes.empty()) return badInput(indexUrl, regions->line, "regions", "the region index lists no region");
    const std::size_t count = codes.size();
    return badInput(indexUrl, 0, "",
                    fmt::format("no region {} in the region index (it lists {}: {})", region, count,
                                someRegions(std::move(codes), region)));
  }
  const std::string field = fmt::format("regions.{}.currentVersionUrl", region);
  const Node* url = entry->isMapping() ? entry->find("currentVersionUrl") : nullptr;
  if (!url || !url->isScalar() || !url->quoted || url->text.empty()) {
    return badInput(indexUrl, url ? url->line : entry->line, field, "required: the URL of the region's offer file");
  }
  std::string path = url->text;
  if (std::any_of(path.begin(), path.end(), [](char c) { return static_cast<unsigned char>(c) <= ' ' || c == 0x7f; })) {
    return badInput(indexUrl, url->line, field, "holds a space or a control character: not a URL");
  }
  const std::size_t query = path.find_first_of("?#");
  if (!path.substr(0, query).ends_with(".json")) {
    return badInput(indexUrl, url->line, field, fmt::format("\"{}\" is not the URL of a JSON offer file", path));
  }
  if (format == PricingFormat::OfferCsv) {
    const std::size_t dot = (query == std::string::npos ? path.size() : query) - 5;
    path.replace(dot, 5, ".csv");
  }
  auto joined = joinOfferUrl(path, indexUrl, endpoint);
  if (!joined) return badInput(indexUrl, url->line, field, fmt::format("\"{}\" is not an http or https URL", path));
  return *joined;
}

Result<PricingInput> fetchOffer(const FetchOptions& o, const Catalog& catalog, Progress* progress) {
  std::string endpoint = o.endpoint;
  while (endpoint.ends_with("/")) endpoint.pop_back();
  const std::string indexUrl = endpoint + kRegionIndexPath;
  const std::string shownIndex = urlWithoutCredentials(indexUrl);
  HttpClient client;
  auto index = getIndex(client, o, indexUrl, shownIndex);
  if (!index) return index.error();
  auto offerUrl = offerUrlFromIndex(*index, shownIndex, endpoint, o.region, o.format);
  if (!offerUrl) return offerUrl.error();
  const std::string shownOffer = urlWithoutCredentials(*offerUrl);
  auto table = getOffer(client, o, *offerUrl, shownOffer, catalog, progress);
  if (!table) return table.error();
  if (table->region != o.region && !table->region.empty()) {
    return badInput(shownOffer, 0, "regionCode",
                    fmt::format("{}: the region index gave this offer file for {}", table->region, o.region));
  }
  return PricingInput{shownOffer, pricingInputWhat(o.format, SpotStatistic::Median), std::move(*table), std::nullopt,
                      std::nullopt};
}

}  // namespace gpuslice::io
