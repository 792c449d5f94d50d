// `gpuslice pricing import`: price tables from the files AWS publishes or its CLI prints.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "io/pricing_facts.h"
#include "io/pricing_offer.h"
#include "io/pricing_offerings.h"
#include "io/pricing_spot.h"
#include "model/catalog.h"
#include "model/error.h"

namespace gpuslice::io {

class Progress;

/// The input formats `pricing import` reads.
enum class PricingFormat { OfferJson, OfferCsv, SpotHistory, GetProducts, Offerings, InstanceTypes };

/// "offer-json", "offer-csv", "spot-history", "get-products", "instance-type-offerings",
/// "describe-instance-types": the names --input-format takes.
const char* pricingFormatName(PricingFormat f);
std::optional<PricingFormat> pricingFormatOfName(std::string_view name);

/// The format of a file from its first bytes: a JSON object with "SpotPriceHistory" near the
/// start is a spot price history, with "PriceList" a get-products page, with
/// "InstanceTypeOfferings" offerings, with "InstanceTypes" instance-type facts, with "offerCode" or
/// "products" an offer file; a first cell FormatVersion is a CSV offer. nullopt: unknown.
std::optional<PricingFormat> detectPricingFormat(std::string_view head);

/// How `pricing import` reads its inputs.
struct PricingOptions {
  std::optional<PricingFormat> format;  ///< nullopt: detect each file's
  SpotStatistic spotStatistic = SpotStatistic::Median;
};

/// One input read: the name it is known by (the file name), what it is, as the table's source
/// says it (pricingInputWhat), and its rows, or for instance-type offerings the types offered,
/// or for describe-instance-types the types' hardware facts.
struct PricingInput {
  std::string name;
  std::string what;
  OfferTable table;
  std::optional<Offerings> offerings;
  std::optional<InstanceFacts> facts;
};

/// What an input of `format` is, for PricingInput::what.
std::string pricingInputWhat(PricingFormat format, SpotStatistic statistic);

/// An offer file (JSON or CSV) read as a stream: bytes in pieces of any size, then finish().
/// Holds only what the selection keeps, never the whole offer.
class OfferStreamReader {
 public:
  /// `format` is OfferJson or OfferCsv; errors name `file`.
  OfferStreamReader(PricingFormat format, const std::string& file, const Catalog& catalog);
  ~OfferStreamReader();
  OfferStreamReader(const OfferStreamReader&) = delete;
  OfferStreamReader& operator=(const OfferStreamReader&) = delete;
  std::optional<Error> feed(std::string_view bytes);
  /// The table; an error when the offer ended early or chose nothing readable.
  Result<OfferTable> finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Reads `path` ("-": standard input) in the format `options` force or the one detected from its
/// start: offers 64 KiB at a time, the other formats whole (they are small). Types and their
/// GPU facts come from `catalog` (the built-in one).
/// `progress` (when given) is told how many bytes of an offer are read.
Result<PricingInput> readPricingFile(const std::string& path, const PricingOptions& options, const Catalog& catalog,
                                     Progress* progress = nullptr);

/// Feeds `bytes` (a whole file; an offer's in pieces of `piece` bytes) through the reader of
/// `format` (spot: the median): what readPricingFile does, for tests and fuzzing.
Result<PricingInput> readPricingBytes(std::string_view bytes, PricingFormat format, const std::string& name,
                                      const Catalog& catalog, std::size_t piece = 64 * 1024);

/// The inputs as one `kind: PriceTable` document (format: pricing/aws-us-east-1.yaml, with
/// reserved1y and reserved3y). Inputs must be of one region; a type two inputs price
/// differently is an error. The table's date is the earliest input's. With offerings among the
/// inputs, types they do not list are left out (the table's comments name them). Facts the
/// offer gives (vCPU, memory, GPU count) are the table's; the GPU model, per-GPU memory and
/// architecture, and any fact the offer lacks, are `catalog`'s, and the table's comments say so.
/// With describe-instance-types among the inputs, the facts it gives of a type (GPU model,
/// count and memory, vCPU, memory, architecture, ENI limits) override both, and each row's
/// comment names the facts taken from it and from the built-in catalog; a type it describes
/// twice with different facts is an error. `command` is what the header says made the table.
Result<std::string> priceTableYaml(const std::vector<PricingInput>& inputs, const Catalog& catalog,
                                   std::string_view command = "gpuslice pricing import");

}  // namespace gpuslice::io
