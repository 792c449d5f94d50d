#include "io/pricing_spot.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "io/decode.h"

namespace gpuslice::io {

namespace {

/// The latest price of one type in one zone.
struct ZonePrice {
  std::string time;  // YYYY-MM-DDTHH:MM:SS, UTC
  OfferPrice price = 0;
};

/// "2021-02-09T01:40:10+00:00", "2014-01-06T04:32:53.000Z" as YYYY-MM-DDTHH:MM:SS; nullopt
/// unless it is UTC.
std::optional<std::string> utcTime(std::string_view t) {
  if (t.size() < 19 || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' || t[16] != ':') return std::nullopt;
  std::string_view rest = t.substr(19);
  if (rest.starts_with('.')) {
    const std::size_t end = rest.find_first_not_of("0123456789", 1);
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
  }
  if (rest != "Z" && rest != "+00:00" && !rest.empty()) return std::nullopt;
  return std::string(t.substr(0, 19));
}

/// The statistic of a type's zone prices (not empty).
OfferPrice across(std::vector<OfferPrice> prices, SpotStatistic statistic) {
  std::sort(prices.begin(), prices.end());
  if (statistic == SpotStatistic::Min) return prices.front();
  const std::size_t n = prices.size();
  if (n % 2 == 1) return prices[n / 2];
  return (prices[n / 2 - 1] + prices[n / 2] + 1) / 2;  // the mean, half a unit up
}

/// One record of SpotPriceHistory: kept in `latest` when it is a Linux price of a known type.
std::optional<Error> readRecord(const Decoder& d, const Node& n, const std::string& f, const Catalog& catalog,
                                std::map<std::string, std::map<std::string, ZonePrice>>& latest, std::string& region) {
  GS_TRY(d.mapping(n, f, {"AvailabilityZone", "InstanceType", "ProductDescription", "SpotPrice", "Timestamp"}));
  auto type = requiredString(d, n, "InstanceType", f);
  if (!type) return type.error();
  auto product = requiredString(d, n, "ProductDescription", f);
  if (!product) return product.error();
  auto zone = requiredString(d, n, "AvailabilityZone", f);
  if (!zone) return zone.error();
  auto priceText = requiredString(d, n, "SpotPrice", f);
  if (!priceText) return priceText.error();
  auto timeText = requiredString(d, n, "Timestamp", f);
  if (!timeText) return timeText.error();
  const std::string zoneRegion = regionOfZone(*zone);
  if (zoneRegion.empty()) {
    return d.error(*n.find("AvailabilityZone"), join(f, "AvailabilityZone"),
                   fmt::format("\"{}\" is not a zone", *zone));
  }
  if (!region.empty() && zoneRegion != region) {
    return d.error(*n.find("AvailabilityZone"), join(f, "AvailabilityZone"),
                   fmt::format("{} is in {}, and an earlier record is in {}", *zone, zoneRegion, region));
  }
  region = zoneRegion;
  const std::optional<OfferPrice> price = parseOfferPrice(*priceText);
  if (!price) {
    return d.error(*n.find("SpotPrice"), join(f, "SpotPrice"),
                   fmt::format("\"{}\" is not a decimal price", *priceText));
  }
  const std::optional<std::string> time = utcTime(*timeText);
  if (!time) {
    return d.error(*n.find("Timestamp"), join(f, "Timestamp"),
                   fmt::format("\"{}\" is not an ISO 8601 time in UTC", *timeText));
  }
  if (*product != "Linux/UNIX" && *product != "Linux/UNIX (Amazon VPC)") return std::nullopt;
  if (!catalog.findType(*type)) return std::nullopt;
  ZonePrice& at = latest[*type][*zone];
  if (*time > at.time && *price > 0) at = ZonePrice{*time, *price};
  return std::nullopt;
}

}  // namespace

const char* spotStatisticName(SpotStatistic s) { return s == SpotStatistic::Min ? "min" : "median"; }

std::string regionOfZone(std::string_view zone) {
  std::string region;
  std::size_t start = 0;
  while (start < zone.size()) {
    const std::size_t dash = zone.find('-', start);
    const std::string_view part = zone.substr(start, dash == std::string_view::npos ? zone.npos : dash - start);
    if (part.empty()) return "";
    if (part.front() >= '0' && part.front() <= '9') {
      const std::size_t digits = part.find_first_not_of("0123456789");
      if (region.empty()) return "";
      return region + "-" + std::string(part.substr(0, digits));
    }
    for (char c : part) {
      if (c < 'a' || c > 'z') return "";
    }
    region += region.empty() ? std::string(part) : "-" + std::string(part);
    if (dash == std::string_view::npos) break;
    start = dash + 1;
  }
  return "";
}

Result<OfferTable> readSpotHistory(std::string_view text, const std::string& file, const Catalog& catalog,
                                   SpotStatistic statistic) {
  auto doc = parseJson(text, file);
  if (!doc) return doc.error();
  Decoder d(file);
  GS_TRY(d.mapping(*doc, "", {"SpotPriceHistory", "NextToken"}));
  const Node* list = doc->find("SpotPriceHistory");
  if (!list) return d.error(*doc, "SpotPriceHistory", "required");
  GS_TRY(d.sequence(*list, "SpotPriceHistory"));
  std::map<std::string, std::map<std::string, ZonePrice>> latest;  // type -> zone -> price
  std::string region;
  for (std::size_t i = 0; i < list->items.size(); ++i) {
    GS_TRY(readRecord(d, list->items[i], index("SpotPriceHistory", i), catalog, latest, region));
  }
  OfferTable table;
  table.region = region;
  for (const auto& [type, zones] : latest) {
    std::vector<OfferPrice> prices;
    for (const auto& [zone, p] : zones) {
      prices.push_back(p.price);
      table.publicationDate = std::max(table.publicationDate, p.time + "Z");
    }
    OfferRow row;
    row.name = type;
    row.prices[static_cast<std::size_t>(OfferTerm::Spot)] = across(std::move(prices), statistic);
    table.rows.push_back(std::move(row));
  }
  return table;
}

}  // namespace gpuslice::io
