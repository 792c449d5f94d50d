#include "io/pricing_offer_csv.h"

#include <fmt/format.h>

#include <cstring>

namespace gpuslice::io {

namespace {

/// The term columns the reader needs, by header name; the product's come from OfferAttr.
struct TermColumn {
  const char* name;
  int index;  // into OfferCsvReader's at_
};
constexpr TermColumn kTermColumns[] = {
    {"SKU", 0},
    {"TermType", 1},
    {"Unit", 2},
    {"PricePerUnit", 3},
    {"Currency", 4},
    {"LeaseContractLength", 5},
    {"PurchaseOption", 6},
    {"OfferingClass", 7},
};

/// A metadata row sits before the header; an offer has five.
constexpr int kMaxMetadataRows = 10;

}  // namespace

OfferCsvReader::OfferCsvReader(std::string file, const Catalog& catalog) : file_(std::move(file)), selection_(catalog) {
  at_.fill(kNone);
  attrAt_.fill(kNone);
}

Error OfferCsvReader::error(std::string field, std::string message) const {
  return badInput(file_, rowLine_, std::move(field), std::move(message));
}

void OfferCsvReader::endCell() {
  if (column_ < cells_.size()) {
    cells_[column_].swap(cell_);
  } else if (!headerSeen_) {
    cells_.push_back(cell_);
  }
  cell_.clear();
  cellStarted_ = false;
  ++column_;
}

std::optional<Error> OfferCsvReader::feed(std::string_view bytes) {
  if (failed_) return std::nullopt;
  const char* p = bytes.data();
  const std::size_t n = bytes.size();
  std::size_t i = 0;
  while (i < n) {
    if (quoted_) {
      const void* q = std::memchr(p + i, '"', n - i);
      const std::size_t end = q ? static_cast<std::size_t>(static_cast<const char*>(q) - p) : n;
      if (keeps(column_)) cell_.append(p + i, end - i);
      position_.line += countNewlines(std::string_view(p + i, end - i));
      i = end;
      if (!q) break;
      ++i;
      quoted_ = false;
      afterQuote_ = true;
      continue;
    }
    const char c = p[i];
    if (afterQuote_) {
      afterQuote_ = false;
      if (c == '"') {  // a doubled quote inside a quoted cell
        if (keeps(column_)) cell_ += '"';
        quoted_ = true;
        ++i;
        continue;
      }
      if (c != ',' && c != '\n' && c != '\r') {
        failed_ =
            error("", fmt::format("a quoted cell must end at a comma or the line's end (column {})", column_ + 1));
        return failed_;
      }
    }
    if (c == ',' || c == '\n' || c == '\r' || c == '"') {
      if (auto e = byte(c)) return failed_ = e;
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < n && p[j] != ',' && p[j] != '\n' && p[j] != '\r' && p[j] != '"') ++j;
    if (keeps(column_)) cell_.append(p + i, j - i);
    cellStarted_ = true;
    i = j;
  }
  return std::nullopt;
}

/// One of , \n \r " outside a quoted cell.
std::optional<Error> OfferCsvReader::byte(char c) {
  switch (c) {
    case ',': endCell(); return std::nullopt;
    case '\r': return std::nullopt;  // a CRLF line end
    case '"':
      if (cellStarted_) {
        return error("", fmt::format("a quote inside a cell that does not start with one (column {})", column_ + 1));
      }
      quoted_ = true;
      cellStarted_ = true;
      return std::nullopt;
    default: {
      const bool blank = column_ == 0 && !cellStarted_;
      std::optional<Error> e;
      if (!blank) {
        endCell();
        e = endRow();
      }
      column_ = 0;
      position_.line += 1;
      rowLine_ = position_.line;
      if (!headerSeen_) cells_.clear();
      return e;
    }
  }
}

std::optional<Error> OfferCsvReader::endRow() {
  if (!headerSeen_) {
    if (!cells_.empty() && cells_[0] == "SKU") return headerRow();
    return metadataRow();
  }
  if (column_ != cells_.size()) {
    return error("", fmt::format("{} cells, and the header has {}", column_, cells_.size()));
  }
  return dataRow();
}

std::optional<Error> OfferCsvReader::metadataRow() {
  if (++metadataRows_ > kMaxMetadataRows) {
    return error("", "no header row (SKU,OfferTermCode,...) in the first rows: not an EC2 offer in CSV");
  }
  if (cells_.size() < 2) return std::nullopt;
  if (cells_[0] == "Publication Date") publicationDate_ = cells_[1];
  if (cells_[0] == "OfferCode") offerCode_ = cells_[1];
  return std::nullopt;
}

std::optional<Error> OfferCsvReader::headerRow() {
  for (std::size_t i = 0; i < cells_.size(); ++i) {
    for (const TermColumn& t : kTermColumns) {
      if (cells_[i] == t.name && at_[static_cast<std::size_t>(t.index)] == kNone)
        at_[static_cast<std::size_t>(t.index)] = i;
    }
    if (auto a = offerAttrOfCsvColumn(cells_[i]); a && attrAt_[static_cast<std::size_t>(*a)] == kNone) {
      attrAt_[static_cast<std::size_t>(*a)] = i;
    }
  }
  for (const TermColumn& t : kTermColumns) {
    if (at_[static_cast<std::size_t>(t.index)] == kNone) return error(t.name, "no such column in the header");
  }
  for (OfferAttr a : {OfferAttr::Family, OfferAttr::InstanceType}) {
    if (attrAt_[static_cast<std::size_t>(a)] == kNone) {
      return error(a == OfferAttr::Family ? "Product Family" : "Instance Type", "no such column in the header");
    }
  }
  kept_.assign(cells_.size(), false);
  for (std::size_t i : at_) kept_[i] = true;
  for (std::size_t i : attrAt_) {
    if (i != kNone) kept_[i] = true;
  }
  cells_.assign(cells_.size(), std::string());
  headerSeen_ = true;
  return std::nullopt;
}

const std::string& OfferCsvReader::cell(int termColumn) const {
  return cells_[at_[static_cast<std::size_t>(termColumn)]];
}

std::optional<Error> OfferCsvReader::dataRow() {
  product_.sku = cell(0);
  for (std::size_t a = 0; a < kOfferAttrs; ++a) {
    if (attrAt_[a] != kNone) product_.attrs[a] = cells_[attrAt_[a]];
  }
  std::string problem;
  OfferAttr bad = OfferAttr::Family;
  const bool chosen = selection_.product(product_, problem, bad);
  if (!problem.empty()) return error(cells_.size() > 0 ? std::string(offerAttrCsvColumn(bad)) : "", problem);
  if (!chosen || (cell(1) != "OnDemand" && cell(1) != "Reserved") || cell(4) != "USD") return std::nullopt;
  OfferSelection::Dimension dim;
  dim.hourly = cell(2) == "Hrs";
  dim.usd = parseOfferPrice(cell(3));
  if (!dim.usd) return error("PricePerUnit", fmt::format("\"{}\" is not a decimal price", cell(3).substr(0, 40)));
  if (auto e = selection_.offerTerm(product_.sku, cell(1) == "Reserved", cell(5), cell(6), cell(7), {dim})) {
    return error("PricePerUnit", *e);
  }
  return std::nullopt;
}

Result<OfferTable> OfferCsvReader::finish() {
  if (failed_) return badInput(file_, 0, "", "the offer was not read whole");
  if (quoted_) return error("", "the file ends inside a quoted cell");
  if (column_ > 0 || cellStarted_) {
    endCell();
    if (auto e = endRow()) return *e;
  }
  if (!headerSeen_) return badInput(file_, 0, "", "no header row (SKU,OfferTermCode,...): not an EC2 offer in CSV");
  if (!offerCode_.empty() && offerCode_ != "AmazonEC2") {
    return badInput(file_, 0, "OfferCode", fmt::format("\"{}\": an offer of AmazonEC2 is needed", offerCode_));
  }
  if (publicationDate_.empty()) return badInput(file_, 0, "Publication Date", "required (a metadata row)");
  auto table = selection_.finish(file_);
  if (table) table->publicationDate = publicationDate_;
  return table;
}

}  // namespace gpuslice::io
