// Reading an EC2 offer file (the Price List bulk file of one region) in JSON, streaming.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "io/pricing_offer.h"
#include "model/error.h"

namespace gpuslice::io {

/// Reads an offer file in pieces of any size through Boost.JSON's basic_parser (bench/README.md
/// says why that parser), never holding a tree of it or the whole file: each product is read,
/// judged by OfferSelection and dropped; the terms of SKUs it did not choose are skipped without
/// being decoded. `products` may come before or after `terms`. Errors give the line, the byte
/// offset and the bytes around it (offer files are often one line) and the field, such as
/// products.H7NGEAC6UEHNTKSJ.attributes.vcpu.
class OfferJsonReader {
 public:
  OfferJsonReader(std::string file, const Catalog& catalog);
  ~OfferJsonReader();
  OfferJsonReader(const OfferJsonReader&) = delete;
  OfferJsonReader& operator=(const OfferJsonReader&) = delete;

  /// Parses the next bytes.
  std::optional<Error> feed(std::string_view bytes);
  /// The input ended: checks it was a whole offer and returns what it chose.
  Result<OfferTable> finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gpuslice::io
