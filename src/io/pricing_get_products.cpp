#include "io/pricing_get_products.h"

#include <fmt/format.h>

#include "io/decode.h"

namespace gpuslice::io {

namespace {

/// The string member `key` of `n`, or "" when it is absent or not a string.
std::string_view text(const Node* n, std::string_view key) {
  const Node* v = n ? n->find(key) : nullptr;
  return v && v->isScalar() && v->quoted ? std::string_view(v->text) : std::string_view();
}

/// The product of a decoded item as OfferSelection takes it.
OfferProduct productOf(const Node& product) {
  OfferProduct p;
  p.sku = text(&product, "sku");
  p[OfferAttr::Family] = text(&product, "productFamily");
  if (const Node* attrs = product.find("attributes"); attrs && attrs->isMapping()) {
    for (const NodeMember& m : attrs->members) {
      const std::optional<OfferAttr> a = offerAttrOfJsonKey(m.first);
      if (a && *a != OfferAttr::Family && m.second.isScalar()) p[*a] = m.second.text;
    }
  }
  return p;
}

/// The terms of one kind (`terms.OnDemand` or `terms.Reserved`): {"<sku>.<code>": term}.
std::optional<std::string> readTerms(OfferSelection& selection, const std::string& sku, const Node* terms,
                                     bool reserved) {
  if (!terms || !terms->isMapping()) return std::nullopt;
  for (const NodeMember& t : terms->members) {
    const Node* dims = t.second.find("priceDimensions");
    if (!dims || !dims->isMapping()) continue;
    std::vector<OfferSelection::Dimension> dimensions;
    for (const NodeMember& d : dims->members) {
      OfferSelection::Dimension dim;
      dim.hourly = text(&d.second, "unit") == "Hrs";
      const std::string_view usd = text(d.second.find("pricePerUnit"), "USD");
      if (!usd.empty()) {
        dim.usd = parseOfferPrice(usd);
        if (!dim.usd)
          return fmt::format("{}: pricePerUnit.USD \"{}\" is not a decimal price", t.first, usd.substr(0, 40));
      }
      dimensions.push_back(dim);
    }
    const Node* attrs = t.second.find("termAttributes");
    if (auto e = selection.offerTerm(sku, reserved, text(attrs, "LeaseContractLength"), text(attrs, "PurchaseOption"),
                                     text(attrs, "OfferingClass"), dimensions)) {
      return fmt::format("{}: {}", t.first, *e);
    }
  }
  return std::nullopt;
}

/// One PriceList item, decoded.
std::optional<Error> readItem(const Decoder& d, const Node& item, const std::string& f, OfferSelection& selection,
                              std::string& publicationDate) {
  if (!item.isScalar() || !item.quoted) return d.error(item, f, "must be a string holding a product as JSON");
  auto decoded = parseJson(item.text, d.file());
  if (!decoded) {
    const Error& e = decoded.error();
    return d.error(item, f, fmt::format("not JSON (line {} of the decoded item): {}", e.line, e.message));
  }
  const Node* product = decoded->find("product");
  if (!product || !product->isMapping()) return d.error(item, join(f, "product"), "required (an object)");
  OfferProduct p = productOf(*product);
  if (p.sku.empty()) return d.error(item, join(f, "product.sku"), "required");
  std::string problem;
  OfferAttr bad = OfferAttr::Family;
  const bool chosen = selection.product(p, problem, bad);
  if (!problem.empty()) {
    return d.error(item, fmt::format("{}.product.attributes.{}", f, offerAttrJsonKey(bad)), problem);
  }
  const std::string_view date = text(&*decoded, "publicationDate");
  if (date > publicationDate) publicationDate = date;
  if (!chosen) return std::nullopt;
  const Node* terms = decoded->find("terms");
  for (bool reserved : {false, true}) {
    const Node* kind = terms ? terms->find(reserved ? "Reserved" : "OnDemand") : nullptr;
    if (auto e = readTerms(selection, p.sku, kind, reserved)) {
      return d.error(item, fmt::format("{}.terms.{}", f, reserved ? "Reserved" : "OnDemand"), *e);
    }
  }
  return std::nullopt;
}

}  // namespace

Result<OfferTable> readGetProducts(std::string_view text, const std::string& file, const Catalog& catalog) {
  auto doc = parseJson(text, file);
  if (!doc) return doc.error();
  Decoder d(file);
  GS_TRY(d.mapping(*doc, "", {"FormatVersion", "NextToken", "PriceList"}));
  const Node* list = doc->find("PriceList");
  if (!list) return d.error(*doc, "PriceList", "required");
  GS_TRY(d.sequence(*list, "PriceList"));
  OfferSelection selection(catalog);
  std::string publicationDate;
  for (std::size_t i = 0; i < list->items.size(); ++i) {
    GS_TRY(readItem(d, list->items[i], index("PriceList", i), selection, publicationDate));
  }
  auto table = selection.finish(file);
  if (table) table->publicationDate = publicationDate;
  return table;
}

}  // namespace gpuslice::io
