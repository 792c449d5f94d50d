#include "io/pricing_import.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "io/catalog_reader.h"
#include "io/files.h"
#include "io/pricing_get_products.h"
#include "io/pricing_offerings.h"
#include "support/builtin.h"

using namespace gpuslice;
using namespace gpuslice::io;

namespace {

std::string data(const std::string& name) {
  auto text = readFile(std::string(GPUSLICE_TEST_DATA_DIR) + "/aws/" + name);
  REQUIRE(text.ok());
  return *text;
}

/// The table of `bytes` read as `format` in pieces of `piece` bytes, under the name "offer",
/// or the error.
std::string table(const std::string& bytes, PricingFormat format, std::size_t piece = 64 * 1024) {
  const Catalog& catalog = testing::builtinCatalog();
  auto t = readPricingBytes(bytes, format, "offer", catalog, piece);
  if (!t) return t.error().describe();
  t->what = "EC2 offer file";  // the same for every format: their tables are compared
  auto yaml = priceTableYaml({*t}, catalog);
  return yaml ? *yaml : yaml.error().describe();
}

std::string errorOf(const std::string& bytes, PricingFormat format, std::size_t piece = 64 * 1024) {
  auto t = readPricingBytes(bytes, format, "offer", testing::builtinCatalog(), piece);
  return t ? std::string("ok") : t.error().describe();
}

/// The row of `type` in a table, without the leading "  - ".
std::string row(const std::string& yaml, const std::string& type) {
  const std::string start = "  - {name: " + type + ",";
  const std::size_t at = yaml.find(start);
  if (at == std::string::npos) return "(none)";
  return yaml.substr(at + 4, yaml.find('\n', at) - at - 4);
}

void replaceOnce(std::string& s, const std::string& from, const std::string& to) {
  const std::size_t at = s.find(from);
  REQUIRE(at != std::string::npos);
  s.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("pricing: offer prices are exact decimals") {
  CHECK(parseOfferPrice("32.7726000000") == OfferPrice{327726000000});
  CHECK(parseOfferPrice("0.0000000001") == OfferPrice{1});
  CHECK(parseOfferPrice("7") == OfferPrice{70000000000});
  CHECK_FALSE(parseOfferPrice("0.00000000001"));
  CHECK_FALSE(parseOfferPrice("1,5"));
  CHECK_FALSE(parseOfferPrice("-1"));
  CHECK_FALSE(parseOfferPrice("1."));
  CHECK_FALSE(parseOfferPrice(""));
  CHECK(formatOfferPrice(327726000000) == "32.7726");
  CHECK(formatOfferPrice(70000000000) == "7");
  CHECK(formatOfferPrice(1) == "0.0000000001");
}

TEST_CASE("pricing: the Capacity Block SKU of p4d never wins (OpenCost's sample)") {
  std::string offer = data("opencost-p4d-ondemand-vs-capacityblock.json");
  const std::string p4d =
      "{name: p4d.24xlarge, gpu: {model: A100, count: 8, memoryGiB: 40}, vcpu: 96, memoryGiB: 1152, arch: amd64, "
      "onDemand: 32.7726}";
  CHECK(row(table(offer, PricingFormat::OfferJson), "p4d.24xlarge") == p4d);
  // One byte at a time: the same.
  CHECK(row(table(offer, PricingFormat::OfferJson, 1), "p4d.24xlarge") == p4d);
  // Not only because its price is 0: a priced Capacity Block SKU still loses.
  replaceOnce(offer, "\"USD\": \"0.0000000000\"", "\"USD\": \"1.5000000000\"");
  CHECK(row(table(offer, PricingFormat::OfferJson), "p4d.24xlarge") == p4d);
}

TEST_CASE("pricing: the generated offer, exact rows (metal, reserved, Arm, AMD left out)") {
  const std::string yaml = table(data("offer-eu-west-1.json"), PricingFormat::OfferJson);
  CHECK(row(yaml, "g4dn.metal") ==
        "{name: g4dn.metal, gpu: {model: T4, count: 8, memoryGiB: 16}, vcpu: 96, memoryGiB: 384, arch: amd64, "
        "onDemand: 8.724, reserved1y: 5.49612, reserved3y: 3.75132}");
  CHECK(row(yaml, "g4dn.xlarge") ==
        "{name: g4dn.xlarge, gpu: {model: T4, count: 1, memoryGiB: 16}, vcpu: 4, memoryGiB: 16, arch: amd64, "
        "onDemand: 0.587, reserved1y: 0.36981, reserved3y: 0.25241}");
  CHECK(row(yaml, "p4d.24xlarge") ==
        "{name: p4d.24xlarge, gpu: {model: A100, count: 8, memoryGiB: 40}, vcpu: 96, memoryGiB: 1152, arch: amd64, "
        "onDemand: 24.4662, reserved1y: 15.413706, reserved3y: 10.520466}");
  CHECK(row(yaml, "g5g.xlarge") ==
        "{name: g5g.xlarge, gpu: {model: T4G, count: 1, memoryGiB: 16}, vcpu: 4, memoryGiB: 8, arch: arm64, "
        "onDemand: 0.469, reserved1y: 0.29547, reserved3y: 0.20167}");
  CHECK(row(yaml, "g4ad.xlarge") == "(none)");
  CHECK(yaml.find("(left out): g4ad.xlarge\n") != std::string::npos);
  CHECK(yaml.find("  region: eu-west-1\n  currency: USD\n  date: \"2026-12-01\"\n") != std::string::npos);
}

TEST_CASE("pricing: terms before products, and CSV, give the same table byte for byte") {
  const std::string json = table(data("offer-eu-west-1.json"), PricingFormat::OfferJson);
  REQUIRE(json.starts_with("# gpuslice price table"));
  CHECK(table(data("offer-eu-west-1-terms-first.json"), PricingFormat::OfferJson) == json);
  CHECK(table(data("offer-eu-west-1.csv"), PricingFormat::OfferCsv) == json);
  CHECK(table(data("offer-eu-west-1.csv"), PricingFormat::OfferCsv, 7) == json);
}

TEST_CASE("pricing: the table loads as a price table with its reserved prices") {
  const std::string yaml = table(data("offer-eu-west-1.json"), PricingFormat::OfferJson);
  Catalog builtin = testing::builtinCatalog();
  auto c = readPriceTable(yaml, "t.yaml", builtin);
  REQUIRE(c.ok());
  CHECK(c->region == "eu-west-1");
  const InstanceType* t = c->findType("g4dn.metal");
  REQUIRE(t);
  CHECK(t->onDemand == Micros{8724000});
  CHECK(t->reserved1y == Micros{5496120});
  CHECK(t->reserved3y == Micros{3751320});
  CHECK(t->eniOrigin == FactOrigin::BuiltIn);
}

TEST_CASE("pricing: CSV cells with quoted commas and doubled quotes") {
  const std::string header =
      "\"FormatVersion\",\"v1.0\"\n\"Disclaimer\",\"x, y\"\n\"Publication Date\",\"2026-10-02T00:00:00Z\"\n"
      "\"Version\",\"1\"\n\"OfferCode\",\"AmazonEC2\"\n"
      "\"SKU\",\"TermType\",\"PriceDescription\",\"Unit\",\"PricePerUnit\",\"Currency\",\"LeaseContractLength\","
      "\"PurchaseOption\",\"OfferingClass\",\"Product Family\",\"Instance Type\",\"Operating System\",\"Tenancy\","
      "\"Pre Installed S/W\",\"CapacityStatus\",\"License Model\",\"MarketOption\",\"Region Code\",\"vCPU\",\"Memory\","
      "\"GPU\"\r\n";
  const std::string rowA =
      "\"AAAA\",\"OnDemand\",\"$1.5, \"\"per\"\" hour\",\"Hrs\",\"1.5000000000\",\"USD\",,,,\"Compute Instance\","
      "\"g5.xlarge\",\"Linux\",\"Shared\",\"NA\",\"Used\",\"No License required\",\"OnDemand\",\"ap-south-1\",\"4\","
      "\"16 GiB\",\"1\"\r\n";
  const std::string yaml = table(header + rowA, PricingFormat::OfferCsv);
  CHECK(row(yaml, "g5.xlarge") ==
        "{name: g5.xlarge, gpu: {model: A10G, count: 1, memoryGiB: 22.35}, vcpu: 4, memoryGiB: 16, arch: amd64, "
        "onDemand: 1.5}");
  // A newline inside a quoted cell: the next row's line is still right.
  std::string multiline = rowA;
  replaceOnce(multiline, "$1.5, ", "$1.5,\n");
  std::string bad = rowA;
  replaceOnce(bad, "\"4\"", "\"four\"");
  replaceOnce(bad, "AAAA", "BBBB");
  CHECK(errorOf(header + multiline + bad, PricingFormat::OfferCsv) ==
        "offer:9: vCPU: \"four\" is not a whole number of vCPUs from 1 to 4096");
}

TEST_CASE("pricing: malformed offers, each with a located error") {
  const std::string offer = data("opencost-p4d-ondemand-vs-capacityblock.json");
  auto json = [&](const std::string& from, const std::string& to) {
    std::string s = offer;
    replaceOnce(s, from, to);
    return errorOf(s, PricingFormat::OfferJson);
  };
  CHECK(json("\"vcpu\": \"96\"", "\"vcpu\": \"ninety\"") ==
        "offer:49: products.H7NGEAC6UEHNTKSJ.attributes.vcpu: \"ninety\" is not a whole number of vCPUs from 1 "
        "to 4096 (at byte offset 1959, near \"rt\": \"true\"       }     },     \"YSXJGN78QTXNVGDQ\")");
  CHECK(json("\"USD\": \"32.7726000000\"", "\"USD\": \"32,77\"") ==
        "offer:111: terms.OnDemand.H7NGEAC6UEHNTKSJ.H7NGEAC6UEHNTKSJ.JRTCKXETXF.priceDimensions.H7NGEAC6UEHNTKSJ."
        "JRTCKXETXF.6YS6EN2CT7: pricePerUnit.USD \"32,77\" is not a decimal price (at byte offset 4200, near "
        "\"liesTo\": []             }           },          \")");
  CHECK(json("\"productFamily\": \"Compute Instance\"", "\"productFamily\": 7") ==
        "offer:10: products.H7NGEAC6UEHNTKSJ.productFamily: expected a string (at byte offset 500, near "
        "\"      \"productFamily\": 7,       \"attributes\": { \")");
  CHECK(json("\"offerCode\": \"AmazonEC2\"", "\"offerCode\": \"AmazonS3\"") ==
        "offer: offerCode: \"AmazonS3\": an offer of AmazonEC2 is needed");
  CHECK(errorOf(offer.substr(0, 3000), PricingFormat::OfferJson) ==
        "offer:77: products.YSXJGN78QTXNVGDQ.attributes.ecu: invalid JSON: incomplete JSON (the file ends early)");
  CHECK(errorOf("[1, 2]", PricingFormat::OfferJson) ==
        "offer:1: not an EC2 offer file: expected a JSON object (at byte offset 0, near \"[1, 2]\")");
  CHECK(errorOf("{\"a\": 1} x", PricingFormat::OfferJson) ==
        "offer:1: invalid JSON: more after the offer's closing brace (at byte offset 9, near \"{\"a\": 1} x\")");
  CHECK(errorOf("{\"products\": {}}", PricingFormat::OfferJson) ==
        "offer: terms: not an EC2 offer file: it needs \"products\" and \"terms\"");

  const std::string csv = data("offer-eu-west-1.csv");
  auto csvError = [&](const std::string& from, const std::string& to) {
    std::string s = csv;
    replaceOnce(s, from, to);
    return errorOf(s, PricingFormat::OfferCsv);
  };
  CHECK(csvError("\"Instance Type\",", "\"Type\",") == "offer:6: Instance Type: no such column in the header");
  CHECK(csvError("\"2026-11-01\",\"0\"", "\"2026-11-01\",\"0\",\"extra\"") ==
        "offer:7: 46 cells, and the header has 45");
  CHECK(csvError("\"2026-11-01\",\"0\"", "\"2026-11-01\",0\"") ==
        "offer:7: a quote inside a cell that does not start with one (column 7)");
  CHECK(csvError("\"2026-11-01\",\"0\"", "\"2026-11-01\",\"0\"x") ==
        "offer:7: a quoted cell must end at a comma or the line's end (column 7)");
  const std::size_t row7 = csv.find("\n\"", csv.find("\"SKU\"")) + 1;
  CHECK(errorOf(csv.substr(0, row7) + "\"abc,\n", PricingFormat::OfferCsv) ==
        "offer:7: the file ends inside a quoted cell");
  CHECK(errorOf("\"a\",\"b\"\n", PricingFormat::OfferCsv) ==
        "offer: no header row (SKU,OfferTermCode,...): not an EC2 offer in CSV");
}

TEST_CASE("pricing: format detection") {
  CHECK(detectPricingFormat(data("offer-eu-west-1.json").substr(0, 200)) == PricingFormat::OfferJson);
  CHECK(detectPricingFormat(data("offer-eu-west-1.csv").substr(0, 200)) == PricingFormat::OfferCsv);
  CHECK(detectPricingFormat(data("spot-eu-west-1.json").substr(0, 200)) == PricingFormat::SpotHistory);
  CHECK(detectPricingFormat(data("get-products-page.json").substr(0, 200)) == PricingFormat::GetProducts);
  CHECK(detectPricingFormat("{\"Reservations\": []}") == std::nullopt);
  CHECK(detectPricingFormat("") == std::nullopt);
}

TEST_CASE("pricing: spot history, latest price per zone, min and median across zones") {
  // The real sample prices m5.large only: give the catalog an m5.large to keep.
  Catalog catalog = testing::builtinCatalog();
  InstanceType m5;
  m5.name = "m5.large";
  catalog.instanceTypes.insert(
      std::upper_bound(catalog.instanceTypes.begin(), catalog.instanceTypes.end(), m5,
                       [](const InstanceType& a, const InstanceType& b) { return a.name < b.name; }),
      m5);
  const std::string sample = data("spot-m5-large.instance-selector.json");
  auto spotOf = [&](SpotStatistic s) {
    auto t = readSpotHistory(sample, "spot.json", catalog, s);
    REQUIRE(t.ok());
    REQUIRE(t->rows.size() == 1);
    CHECK(t->region == "us-east-1");
    CHECK(t->publicationDate == "2021-02-09T01:40:10Z");
    return formatOfferPrice(*t->rows[0].prices[static_cast<std::size_t>(OfferTerm::Spot)]);
  };
  // Latest per zone: 1a 0.0423, 1b 0.0389, 1c 0.0381, 1d 0.0431, 1f 0.0437.
  CHECK(spotOf(SpotStatistic::Min) == "0.0381");
  CHECK(spotOf(SpotStatistic::Median) == "0.0423");
  CHECK(regionOfZone("us-west-2-lax-1a") == "us-west-2");
  CHECK(regionOfZone("us-gov-west-1a") == "us-gov-west-1");
  CHECK(regionOfZone("1a") == "");
}

TEST_CASE("pricing: spot history and offer in one table; Windows and other types left out") {
  const Catalog& catalog = testing::builtinCatalog();
  auto offer = readPricingBytes(data("offer-eu-west-1.json"), PricingFormat::OfferJson, "offer.json", catalog);
  REQUIRE(offer.ok());
  auto spotMedian = readSpotHistory(data("spot-eu-west-1.json"), "spot.json", catalog, SpotStatistic::Median);
  REQUIRE(spotMedian.ok());
  auto yaml = priceTableYaml({PricingInput{"spot.json", "spot", *spotMedian, std::nullopt, std::nullopt},
                              PricingInput{"offer.json", "offer", offer->table, std::nullopt, std::nullopt}},
                             catalog);
  REQUIRE(yaml.ok());
  // g4dn.xlarge: 1a 0.225 (the later of two), 1b 0.198 (the Windows price is not read), 1c 0.24.
  CHECK(row(*yaml, "g4dn.xlarge") ==
        "{name: g4dn.xlarge, gpu: {model: T4, count: 1, memoryGiB: 16}, vcpu: 4, memoryGiB: 16, arch: amd64, "
        "onDemand: 0.587, reserved1y: 0.36981, reserved3y: 0.25241, spot: 0.225}");
  // Two zones: the mean of 2.6172 and 2.7.
  CHECK(row(*yaml, "g4dn.metal") ==
        "{name: g4dn.metal, gpu: {model: T4, count: 8, memoryGiB: 16}, vcpu: 96, memoryGiB: 384, arch: amd64, "
        "onDemand: 8.724, reserved1y: 5.49612, reserved3y: 3.75132, spot: 2.6586}");
  CHECK(yaml->find("  date: \"2026-12-01\"\n  source: \"spot: spot.json; offer: offer.json\"\n") != std::string::npos);
  auto spotMin = readSpotHistory(data("spot-eu-west-1.json"), "spot.json", catalog, SpotStatistic::Min);
  REQUIRE(spotMin.ok());
  auto minTable = priceTableYaml({PricingInput{"spot.json", "spot", *spotMin, std::nullopt, std::nullopt}}, catalog);
  REQUIRE(minTable.ok());
  CHECK(row(*minTable, "g4dn.xlarge") ==
        "{name: g4dn.xlarge, gpu: {model: T4, count: 1, memoryGiB: 16}, vcpu: 4, memoryGiB: 16, arch: amd64, "
        "spot: 0.198}  # from the built-in catalog: gpu.count, vcpu, memoryGiB");
  CHECK(row(*minTable, "m5.large") == "(none)");
}

TEST_CASE("pricing: malformed spot histories") {
  const std::string spot = data("spot-eu-west-1.json");
  auto error = [&](const std::string& from, const std::string& to) {
    std::string s = spot;
    replaceOnce(s, from, to);
    auto t = readSpotHistory(s, "spot.json", testing::builtinCatalog(), SpotStatistic::Median);
    return t ? std::string("ok") : t.error().describe();
  };
  CHECK(error("\"0.198000\"", "\"cheap\"") ==
        "spot.json:21: SpotPriceHistory[2].SpotPrice: \"cheap\" is not a decimal price");
  CHECK(error("2026-12-04T23:59:59+00:00", "2026-12-04T23:59:59+01:00") ==
        "spot.json:36: SpotPriceHistory[4].Timestamp: \"2026-12-04T23:59:59+01:00\" is not an ISO 8601 time in UTC");
  CHECK(error("\"eu-west-1c\"", "\"us-east-1c\"") ==
        "spot.json:32: SpotPriceHistory[4].AvailabilityZone: us-east-1c is in us-east-1, and an earlier record is in "
        "eu-west-1");
  CHECK(error("\"SpotPriceHistory\"", "\"History\"") ==
        "spot.json:2: History: unknown field (allowed here: SpotPriceHistory, NextToken)");
}

TEST_CASE("pricing: get-products pages, items decoded twice") {
  const std::string page = data("get-products-page.json");
  // The built-in catalog: only g5.xlarge (synthetic) is an NVIDIA type; the storage item and
  // m5.large (real samples) are read and left out.
  const std::string yaml = table(page, PricingFormat::GetProducts);
  CHECK(row(yaml, "g5.xlarge") ==
        "{name: g5.xlarge, gpu: {model: A10G, count: 1, memoryGiB: 22.35}, vcpu: 4, memoryGiB: 16, arch: amd64, "
        "onDemand: 1.258, reserved1y: 0.7925, reserved3y: 0.5434}");
  CHECK(yaml.find("  region: eu-central-1\n  currency: USD\n  date: \"2026-12-03\"\n") != std::string::npos);
  // With m5.large in the catalog, the real m5.large item: on-demand 0.096, and of its twelve
  // reserved terms the standard no-upfront ones, 0.06 (1 year) and 0.041 (3 years).
  Catalog catalog = testing::builtinCatalog();
  InstanceType m5;
  m5.name = "m5.large";
  catalog.instanceTypes.insert(
      std::upper_bound(catalog.instanceTypes.begin(), catalog.instanceTypes.end(), m5,
                       [](const InstanceType& a, const InstanceType& b) { return a.name < b.name; }),
      m5);
  auto t = readGetProducts(page, "page.json", catalog);
  REQUIRE(t.ok());
  REQUIRE(t->rows.size() == 2);
  CHECK(t->rows[1].name == "m5.large");
  CHECK(formatOfferPrice(*t->rows[1].prices[0]) == "0.096");
  CHECK(formatOfferPrice(*t->rows[1].prices[1]) == "0.06");
  CHECK(formatOfferPrice(*t->rows[1].prices[2]) == "0.041");
}

TEST_CASE("pricing: malformed get-products pages") {
  auto error = [](const std::string& text) {
    auto t = readGetProducts(text, "page.json", testing::builtinCatalog());
    return t ? std::string("ok") : t.error().describe();
  };
  CHECK(error("{\"PriceList\": [{\"product\": {}}]}") ==
        "page.json:1: PriceList[0]: must be a string holding a product as JSON");
  CHECK(error("{\"PriceList\": [\n\"{\\\"product\\\": \"]}") ==
        "page.json:2: PriceList[0]: not JSON (line 1 of the decoded item): invalid JSON: unexpected end of input");
  CHECK(error("{\"PriceList\": [\"{}\"]}") == "page.json:1: PriceList[0].product: required (an object)");
  std::string page = data("get-products-page.json");
  replaceOnce(page, "1.2580000000", "1.258.0");
  CHECK(error(page) ==
        "page.json:7: PriceList[2].terms.OnDemand: G5SYNTHETIC0001X.JRTCKXETXF: pricePerUnit.USD \"1.258.0\" is not a "
        "decimal price");
}

TEST_CASE("pricing: instance-type offerings leave out the types a region does not offer") {
  const Catalog& catalog = testing::builtinCatalog();
  auto offer = readPricingBytes(data("offer-eu-west-1.json"), PricingFormat::OfferJson, "offer.json", catalog);
  REQUIRE(offer.ok());
  auto offerings = readPricingBytes(data("offerings-eu-west-1.json"), PricingFormat::Offerings, "o.json", catalog);
  REQUIRE(offerings.ok());
  auto yaml = priceTableYaml({*offerings, *offer}, catalog);
  REQUIRE(yaml.ok());
  CHECK(row(*yaml, "g4dn.xlarge") != "(none)");
  CHECK(row(*yaml, "p4d.24xlarge") != "(none)");
  CHECK(row(*yaml, "g4dn.metal") == "(none)");
  CHECK(yaml->find("# Priced, but not offered in eu-west-1 by the instance-type offerings (left out): g4dn.metal, "
                   "g5.xlarge, g5g.xlarge, g6.xlarge\n") != std::string::npos);
  // By zone: a zone counts for its region; a zone of another region, or a zone id, is refused.
  auto zones = [&](const std::string& entries) {
    auto o = readOfferings("{\"InstanceTypeOfferings\": [" + entries + "]}", "z.json");
    return o ? o->region + " " + std::to_string(o->types.size()) : o.error().describe();
  };
  const std::string a =
      R"({"InstanceType": "g5.xlarge", "LocationType": "availability-zone", "Location": "eu-west-1b"})";
  const std::string b =
      R"({"InstanceType": "g6.xlarge", "LocationType": "availability-zone", "Location": "eu-west-1c"})";
  const std::string c =
      R"({"InstanceType": "g6.xlarge", "LocationType": "availability-zone", "Location": "us-east-1a"})";
  const std::string d =
      R"({"InstanceType": "g6.xlarge", "LocationType": "availability-zone-id", "Location": "use1-az1"})";
  CHECK(zones(a + "," + b) == "eu-west-1 2");
  CHECK(
      zones(a + "," + c) ==
      "z.json:1: InstanceTypeOfferings[1].Location: us-east-1a is in us-east-1, and an earlier entry is in eu-west-1");
  CHECK(zones(d) ==
        "z.json:1: InstanceTypeOfferings[0].LocationType: \"availability-zone-id\": list offerings by region or "
        "availability-zone (a zone id names no region)");
  // Offerings of another region than the offer's.
  const std::string west =
      R"({"InstanceTypeOfferings": [{"InstanceType": "g5.xlarge", "LocationType": "region", "Location": "us-west-2"}]})";
  auto other = readPricingBytes(west, PricingFormat::Offerings, "w.json", catalog);
  REQUIRE(other.ok());
  auto mixed = priceTableYaml({*offer, *other}, catalog);
  CHECK(mixed.error().describe() == "w.json: regionCode: us-west-2: an earlier input is of eu-west-1");
}
