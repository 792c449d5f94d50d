// Reading an EC2 offer file (the Price List bulk file of one region) in CSV, streaming.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "io/pricing_offer.h"
#include "model/error.h"

namespace gpuslice::io {

/// Reads the CSV form of an offer in pieces of any size, a row at a time: metadata rows
/// (`"Publication Date","2024-05-28T20:35:22Z"`, ...), then a header row starting with SKU,
/// then one row per SKU, term and price dimension. Columns are found by their header name
/// (their set and order change between offers); fields may be quoted, with commas, newlines
/// and doubled quotes inside. Only the columns the selection reads are kept. Errors give the
/// line and the column.
class OfferCsvReader {
 public:
  OfferCsvReader(std::string file, const Catalog& catalog);

  /// Parses the next bytes.
  std::optional<Error> feed(std::string_view bytes);
  /// The input ended: checks it was a whole offer and returns what it chose.
  Result<OfferTable> finish();

 private:
  std::string file_;
  OfferSelection selection_;
  StreamPosition position_;  // line of the byte being read
  int rowLine_ = 1;          // line the current row starts on
  // The cell being read.
  bool quoted_ = false, afterQuote_ = false, cellStarted_ = false;
  std::string cell_;
  std::size_t column_ = 0;
  std::vector<std::string> cells_;  // the kept cells of the current row
  // What the rows so far said.
  bool headerSeen_ = false;
  int metadataRows_ = 0;
  static constexpr std::size_t kNone = std::size_t(-1);
  std::array<std::size_t, 8> at_;                // the term columns (SKU, TermType, ...: see the .cpp)
  std::array<std::size_t, kOfferAttrs> attrAt_;  // the product attributes' columns
  std::vector<bool> kept_;                       // by column: read, or skipped
  OfferProduct product_;
  std::string publicationDate_, offerCode_;
  std::optional<Error> failed_;

  std::optional<Error> byte(char c);
  void endCell();
  std::optional<Error> endRow();
  std::optional<Error> metadataRow();
  std::optional<Error> headerRow();
  std::optional<Error> dataRow();
  bool keeps(std::size_t column) const { return !headerSeen_ || (column < kept_.size() && kept_[column]); }
  const std::string& cell(int termColumn) const;
  Error error(std::string field, std::string message) const;
};

}  // namespace gpuslice::io
