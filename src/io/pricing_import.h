// `gpuslice pricing import`: price tables from the files AWS publishes or its CLI prints.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "io/pricing_offer.h"
#include "model/catalog.h"
#include "model/error.h"

namespace gpuslice::io {

/// The input formats `pricing import` reads.
enum class PricingFormat { OfferJson, OfferCsv };

/// "offer-json", "offer-csv": the names --input-format takes.
const char* pricingFormatName(PricingFormat f);
std::optional<PricingFormat> pricingFormatOfName(std::string_view name);

/// The format of a file from its first bytes: a JSON object with "offerCode" or "products"
/// near the start is an offer file; a first cell FormatVersion, a CSV offer. nullopt: unknown.
std::optional<PricingFormat> detectPricingFormat(std::string_view head);

/// One input read: the name it is known by (the file name) and what it chose.
struct PricingInput {
  std::string name;
  PricingFormat format = PricingFormat::OfferJson;
  OfferTable table;
};

/// Reads `path` ("-": standard input) 64 KiB at a time, in `format` or the one detected from
/// its start. Types and their GPU facts come from `catalog` (the built-in one).
Result<PricingInput> readPricingFile(const std::string& path, std::optional<PricingFormat> format,
                                     const Catalog& catalog);

/// Feeds `bytes` (a whole file, in pieces of `piece` bytes) through the reader of `format`:
/// what readPricingFile does, for tests and fuzzing.
Result<OfferTable> readPricingBytes(std::string_view bytes, PricingFormat format, const std::string& name,
                                    const Catalog& catalog, std::size_t piece = 64 * 1024);

/// The inputs as one `kind: PriceTable` document (format: pricing/aws-us-east-1.yaml, with
/// reserved1y and reserved3y). Inputs must be of one region; a type two inputs price
/// differently is an error. Facts the offer gives (vCPU, memory, GPU count) are the table's;
/// the GPU model, per-GPU memory and architecture, and any fact the offer lacks, are
/// `catalog`'s, and the table's comments say so.
Result<std::string> priceTableYaml(const std::vector<PricingInput>& inputs, const Catalog& catalog);

}  // namespace gpuslice::io
