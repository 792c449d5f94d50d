#include "io/pricing_offerings.h"

#include <fmt/format.h>

#include "io/decode.h"
#include "io/pricing_spot.h"

namespace gpuslice::io {

namespace {

/// One entry: {InstanceType, LocationType, Location}.
std::optional<Error> readOffering(const Decoder& d, const Node& n, const std::string& f, Offerings& out) {
  GS_TRY(d.mapping(n, f, {"InstanceType", "LocationType", "Location"}));
  auto type = requiredString(d, n, "InstanceType", f);
  if (!type) return type.error();
  auto kind = requiredString(d, n, "LocationType", f);
  if (!kind) return kind.error();
  auto location = requiredString(d, n, "Location", f);
  if (!location) return location.error();
  std::string region;
  if (*kind == "region") {
    region = *location;
  } else if (*kind == "availability-zone") {
    region = regionOfZone(*location);
  } else {
    return d.error(
        *n.find("LocationType"), join(f, "LocationType"),
        fmt::format("\"{}\": list offerings by region or availability-zone (a zone id names no region)", *kind));
  }
  if (region.empty()) {
    return d.error(*n.find("Location"), join(f, "Location"), fmt::format("\"{}\" is not a zone", *location));
  }
  if (!out.region.empty() && region != out.region) {
    return d.error(*n.find("Location"), join(f, "Location"),
                   fmt::format("{} is in {}, and an earlier entry is in {}", *location, region, out.region));
  }
  out.region = region;
  out.types.insert(*type);
  return std::nullopt;
}

}  // namespace

Result<Offerings> readOfferings(std::string_view text, const std::string& file) {
  auto doc = parseJson(text, file);
  if (!doc) return doc.error();
  Decoder d(file);
  GS_TRY(d.mapping(*doc, "", {"InstanceTypeOfferings", "NextToken"}));
  const Node* list = doc->find("InstanceTypeOfferings");
  if (!list) return d.error(*doc, "InstanceTypeOfferings", "required");
  GS_TRY(d.sequence(*list, "InstanceTypeOfferings"));
  Offerings out;
  for (std::size_t i = 0; i < list->items.size(); ++i) {
    GS_TRY(readOffering(d, list->items[i], index("InstanceTypeOfferings", i), out));
  }
  return out;
}

}  // namespace gpuslice::io
