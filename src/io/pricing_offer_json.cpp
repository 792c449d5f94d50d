#include "io/pricing_offer_json.h"

#include <fmt/format.h>

#include <boost/json/basic_parser_impl.hpp>
#include <vector>

namespace gpuslice::io {

namespace {

/// What a JSON value is to the offer, from where it sits.
enum class Slot : std::uint8_t {
  Skip,       // not read
  Text,       // a string the offer needs (the handler's `target`)
  Root,       // the offer object
  Products,   // "products": {sku: product}
  Product,    // one product
  Attrs,      // its "attributes"
  Terms,      // "terms": {"OnDemand"|"Reserved": ...}
  TermSkus,   // terms.OnDemand: {sku: {code: term}}
  SkuTerms,   // the terms of one SKU
  Term,       // one term
  Dims,       // its "priceDimensions"
  Dim,        // one price dimension
  PerUnit,    // its "pricePerUnit"
  TermAttrs,  // the term's "termAttributes"
};

using boost::json::error_code;
using JsonView = boost::json::string_view;

using Dimension = OfferSelection::Dimension;

/// The basic_parser handler. Containers under a Skip slot only move `skipDepth`, so the terms
/// of SKUs that were not chosen cost the parser's time and nothing more.
struct Handler {
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = 64 * 1024;
  static constexpr std::size_t max_string_size = 1024 * 1024;

  OfferSelection* selection = nullptr;
  std::vector<Slot> stack;
  std::vector<std::string> keys;  // keys[i]: the key of the value at depth i + 1, for fields
  std::size_t skipDepth = 0;
  Slot next = Slot::Root;  // the slot of the next value
  std::string* target = nullptr;
  std::string part;  // a key or string split across pieces

  std::string publicationDate, offerCode;
  bool sawProducts = false, sawTerms = false;
  OfferProduct product;
  bool reserved = false;  // in terms.Reserved
  std::string termSku;
  std::vector<Dimension> dims;
  std::string unit, usd, lease, purchase, offeringClass;

  std::string problem, problemField;

  bool fail(std::string message, std::string field) {
    problemField = std::move(field);
    problem = std::move(message);
    return false;
  }
  bool fail(std::string message) { return fail(std::move(message), field()); }

  /// The path of the value being read, such as terms.OnDemand.H7NGEAC6UEHNTKSJ.
  std::string field() const { return field(stack.size()); }
  /// The path of the container at `depth` (1: the offer's own keys).
  std::string field(std::size_t depth) const {
    std::string f;
    for (std::size_t i = 0; i < depth && i < keys.size(); ++i) {
      if (!f.empty()) f += '.';
      f += keys[i];
    }
    return f;
  }

  void expect(Slot s, std::string* t = nullptr) {
    next = s;
    target = t;
  }

  bool key(std::string_view k) {
    const std::size_t depth = stack.size();
    if (keys.size() < depth) keys.resize(depth);
    keys[depth - 1].assign(k);
    expect(Slot::Skip);
    switch (stack.back()) {
      case Slot::Root: return rootKey(k);
      case Slot::Products: product.sku.assign(k); return expect(Slot::Product), true;
      case Slot::Product:
        if (k == "productFamily") expect(Slot::Text, &product[OfferAttr::Family]);
        if (k == "attributes") expect(Slot::Attrs);
        return true;
      case Slot::Attrs:
        if (auto a = offerAttrOfJsonKey(k); a && *a != OfferAttr::Family) expect(Slot::Text, &product[*a]);
        return true;
      case Slot::Terms:
        reserved = k == "Reserved";
        if (k == "OnDemand" || k == "Reserved") expect(Slot::TermSkus);
        return true;
      case Slot::TermSkus:
        termSku.assign(k);
        if (selection->wantsTerms(k)) expect(Slot::SkuTerms);
        return true;
      case Slot::SkuTerms: return expect(Slot::Term), true;
      case Slot::Term:
        if (k == "priceDimensions") expect(Slot::Dims);
        if (k == "termAttributes") expect(Slot::TermAttrs);
        return true;
      case Slot::Dims: return expect(Slot::Dim), true;
      case Slot::Dim:
        if (k == "unit") expect(Slot::Text, &unit);
        if (k == "pricePerUnit") expect(Slot::PerUnit);
        return true;
      case Slot::PerUnit:
        if (k == "USD") expect(Slot::Text, &usd);
        return true;
      case Slot::TermAttrs:
        if (k == "LeaseContractLength") expect(Slot::Text, &lease);
        if (k == "PurchaseOption") expect(Slot::Text, &purchase);
        if (k == "OfferingClass") expect(Slot::Text, &offeringClass);
        return true;
      default: return true;
    }
  }

  bool rootKey(std::string_view k) {
    if (k == "products") expect(Slot::Products);
    if (k == "terms") expect(Slot::Terms);
    if (k == "publicationDate") expect(Slot::Text, &publicationDate);
    if (k == "offerCode") expect(Slot::Text, &offerCode);
    return true;
  }

  bool open(bool object) {
    if (skipDepth > 0 || next == Slot::Skip) return ++skipDepth, true;
    if (next == Slot::Text)
      return fail(object ? "expected a string, got an object" : "expected a string, got an array");
    if (!object) {
      return fail(next == Slot::Root ? "not an EC2 offer file: expected a JSON object"
                                     : "expected an object, got an array");
    }
    if (next == Slot::Product) {
      for (std::string& a : product.attrs) a.clear();
    }
    if (next == Slot::Term) {
      dims.clear();
      lease.clear();
      purchase.clear();
      offeringClass.clear();
    }
    if (next == Slot::Dim) {
      unit.clear();
      usd.clear();
    }
    sawProducts = sawProducts || next == Slot::Products;
    sawTerms = sawTerms || next == Slot::Terms;
    stack.push_back(next);
    expect(Slot::Skip);
    return true;
  }

  bool close() {
    if (skipDepth > 0) return --skipDepth, true;
    const Slot done = stack.back();
    bool ok = true;
    if (done == Slot::Product) ok = productEnd();
    if (done == Slot::Dim) ok = dimEnd();
    if (done == Slot::Term) ok = termEnd();
    if (done == Slot::Products) selection->productsDone();
    stack.pop_back();
    expect(Slot::Skip);
    return ok;
  }

  bool productEnd() {
    std::string message;
    OfferAttr bad = OfferAttr::Family;
    selection->product(product, message, bad);
    if (message.empty()) return true;
    return fail(message, fmt::format("products.{}.attributes.{}", product.sku, offerAttrJsonKey(bad)));
  }

  bool dimEnd() {
    Dimension d;
    d.hourly = unit == "Hrs";
    if (!usd.empty()) {
      d.usd = parseOfferPrice(usd);
      if (!d.usd) {
        return fail(fmt::format("pricePerUnit.USD \"{}\" is not a decimal price", usd.substr(0, 40)),
                    field(stack.size() - 1));
      }
    }
    dims.push_back(d);
    return true;
  }

  bool termEnd() {
    if (auto e = selection->offerTerm(termSku, reserved, lease, purchase, offeringClass, dims)) {
      return fail(*e, field(stack.size() - 1));
    }
    return true;
  }

  /// A string, number, bool or null; `text` is the string (nullopt for the others).
  bool scalar(std::optional<std::string_view> text) {
    if (skipDepth > 0) return true;
    const Slot s = next;
    std::string* const into = target;
    expect(Slot::Skip);
    if (s == Slot::Skip) return true;
    if (s == Slot::Root) return fail("not an EC2 offer file: expected a JSON object");
    if (s != Slot::Text) return fail("expected an object, got a scalar");
    if (!text || !into) return fail("expected a string");
    into->assign(*text);
    return true;
  }

  template <class F>
  bool whole(JsonView last, F f) {
    if (part.empty()) return f(std::string_view(last.data(), last.size()));
    part.append(last.data(), last.size());
    const bool ok = f(std::string_view(part));
    part.clear();
    return ok;
  }

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_object_begin(error_code&) { return open(true); }
  bool on_object_end(std::size_t, error_code&) { return close(); }
  bool on_array_begin(error_code&) { return open(false); }
  bool on_array_end(std::size_t, error_code&) { return close(); }
  bool on_key_part(JsonView s, std::size_t, error_code&) {
    if (skipDepth == 0) part.append(s.data(), s.size());
    return true;
  }
  bool on_key(JsonView s, std::size_t, error_code&) {
    if (skipDepth > 0) return true;
    return whole(s, [&](std::string_view k) { return key(k); });
  }
  bool on_string_part(JsonView s, std::size_t, error_code&) {
    if (skipDepth == 0 && next == Slot::Text) part.append(s.data(), s.size());
    return true;
  }
  bool on_string(JsonView s, std::size_t, error_code&) {
    if (skipDepth > 0 || next == Slot::Skip) return part.clear(), expect(Slot::Skip), true;
    return whole(s, [&](std::string_view v) { return scalar(v); });
  }
  bool on_number_part(JsonView, error_code&) { return true; }
  bool on_int64(std::int64_t, JsonView, error_code&) { return scalar(std::nullopt); }
  bool on_uint64(std::uint64_t, JsonView, error_code&) { return scalar(std::nullopt); }
  bool on_double(double, JsonView, error_code&) { return scalar(std::nullopt); }
  bool on_bool(bool, error_code&) { return scalar(std::nullopt); }
  bool on_null(error_code&) { return scalar(std::nullopt); }
  bool on_comment_part(JsonView, error_code&) { return true; }
  bool on_comment(JsonView, error_code&) { return true; }
};

}  // namespace

struct OfferJsonReader::Impl {
  std::string file;
  OfferSelection selection;
  boost::json::basic_parser<Handler> parser{boost::json::parse_options{}};
  StreamPosition position;
  bool failed = false;

  Impl(std::string f, const Catalog& catalog) : file(std::move(f)), selection(catalog) {
    parser.handler().selection = &selection;
  }
};

OfferJsonReader::OfferJsonReader(std::string file, const Catalog& catalog)
    : impl_(std::make_unique<Impl>(std::move(file), catalog)) {}

OfferJsonReader::~OfferJsonReader() = default;

std::optional<Error> OfferJsonReader::feed(std::string_view bytes) {
  Impl& m = *impl_;
  if (m.failed) return std::nullopt;
  error_code ec;
  const std::size_t used = m.parser.done() ? 0 : m.parser.write_some(true, bytes.data(), bytes.size(), ec);
  const Handler& h = m.parser.handler();
  if (!h.problem.empty() || ec) {
    m.failed = true;
    if (!h.problem.empty()) return m.position.located(m.file, bytes, used, h.problemField, h.problem);
    return m.position.located(m.file, bytes, used, h.field(), "invalid JSON: " + ec.message());
  }
  // The parser stops at the end of the document: only white space may follow.
  const std::size_t extra = bytes.find_first_not_of(" \t\r\n", used);
  if (extra != std::string_view::npos) {
    m.failed = true;
    return m.position.located(m.file, bytes, extra, "", "invalid JSON: more after the offer's closing brace");
  }
  m.position.advance(bytes);
  return std::nullopt;
}

Result<OfferTable> OfferJsonReader::finish() {
  Impl& m = *impl_;
  if (m.failed) return badInput(m.file, 0, "", "the offer was not read whole");
  error_code ec;
  if (!m.parser.done()) m.parser.write_some(false, nullptr, 0, ec);
  const Handler& h = m.parser.handler();
  if (!h.problem.empty()) return m.position.located(m.file, {}, 0, h.problemField, h.problem);
  if (ec)
    return badInput(m.file, m.position.line, h.field(), "invalid JSON: " + ec.message() + " (the file ends early)");
  if (!h.offerCode.empty() && h.offerCode != "AmazonEC2") {
    return badInput(m.file, 0, "offerCode", fmt::format("\"{}\": an offer of AmazonEC2 is needed", h.offerCode));
  }
  if (!h.sawProducts || !h.sawTerms) {
    return badInput(m.file, 0, h.sawProducts ? "terms" : "products",
                    "not an EC2 offer file: it needs \"products\" and \"terms\"");
  }
  if (h.publicationDate.empty()) return badInput(m.file, 0, "publicationDate", "required");
  auto table = m.selection.finish(m.file);
  if (table) table->publicationDate = h.publicationDate;
  return table;
}

}  // namespace gpuslice::io
