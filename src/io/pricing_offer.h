// Choosing the prices of NVIDIA GPU instance types out of an EC2 offer (the Price List bulk
// file, JSON or CSV): the rule of which SKU and which term is the plain price lives here, once;
// the readers of each format only hand over products and terms.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "io/stream_position.h"
#include "model/catalog.h"
#include "model/error.h"

namespace gpuslice::io {

/// A price in units of 1e-10 USD: the offer writes prices with 10 decimals, kept exactly.
using OfferPrice = std::int64_t;

/// "32.7726000000" as an OfferPrice; nullopt for anything but digits with at most one '.',
/// at most 8 before it and at most 10 after it.
std::optional<OfferPrice> parseOfferPrice(std::string_view s);

/// An OfferPrice as the shortest decimal: 327726000000 -> "32.7726".
std::string formatOfferPrice(OfferPrice p);

/// The product attributes the selection reads, by their JSON key and their CSV column name.
enum class OfferAttr : std::uint8_t {
  Family,  // JSON: the product's productFamily, not an attribute
  InstanceType,
  OperatingSystem,
  Tenancy,
  PreInstalledSw,
  CapacityStatus,
  LicenseModel,
  MarketOption,
  Operation,
  RegionCode,
  Vcpu,
  Memory,
  Gpu,
  GpuMemory,
  Count
};
constexpr std::size_t kOfferAttrs = static_cast<std::size_t>(OfferAttr::Count);

/// The attribute an offer JSON attributes key names, or nullopt.
std::optional<OfferAttr> offerAttrOfJsonKey(std::string_view key);
/// The attribute an offer CSV header names, or nullopt.
std::optional<OfferAttr> offerAttrOfCsvColumn(std::string_view column);
/// The JSON key of an attribute ("productFamily" for Family), for error fields.
const char* offerAttrJsonKey(OfferAttr a);
/// The CSV column of an attribute, for error fields.
const char* offerAttrCsvColumn(OfferAttr a);

/// One product as the offer describes it; absent attributes are empty.
struct OfferProduct {
  std::string sku;
  std::array<std::string, kOfferAttrs> attrs;
  const std::string& operator[](OfferAttr a) const { return attrs[static_cast<std::size_t>(a)]; }
  std::string& operator[](OfferAttr a) { return attrs[static_cast<std::size_t>(a)]; }
};

/// Which price of a type a row holds: on-demand, a standard reserved instance of 1 or 3 years
/// paid with no upfront fee (from an offer's terms), or spot (from the spot price history);
/// all per hour.
enum class OfferTerm : std::uint8_t { OnDemand, Reserved1y, Reserved3y, Spot };
constexpr std::size_t kOfferTerms = 4;

/// The reserved term a term's attributes describe, or nullopt when gpuslice does not keep it
/// (another length, an upfront payment, the convertible class).
std::optional<OfferTerm> reservedTerm(std::string_view leaseContractLength, std::string_view purchaseOption,
                                      std::string_view offeringClass);

/// The prices of one instance type, chosen from an offer (or a spot history: spot only), and
/// the hardware facts the offer gave.
struct OfferRow {
  std::string name;
  std::string sku;  ///< the SKU the prices are of
  std::array<std::optional<OfferPrice>, kOfferTerms> prices;
  std::optional<int> vcpu;         ///< the offer's "vcpu"
  std::string memoryGiB;           ///< the offer's "memory" without " GiB" (as written), or empty
  std::optional<double> gpuCount;  ///< the offer's "gpu"
};

/// What one offer gave: its rows (sorted by name), region and publication date.
struct OfferTable {
  std::string region;
  std::string publicationDate;  ///< as the offer writes it, e.g. 2024-05-28T20:35:22Z
  std::vector<OfferRow> rows;
  std::vector<std::string> otherGpuTypes;  ///< GPU types the offer prices that the catalog does not know
};

/// Collects products and terms in any order and chooses the plain price of each NVIDIA GPU
/// instance type `catalog` knows:
/// - the SKU: Linux, preInstalledSw NA, capacitystatus Used, licence "No License required",
///   marketoption OnDemand and operation RunInstances where the offer states them (a Capacity
///   Block SKU, RunInstances:CB, never wins), and productFamily "Compute Instance" with Shared
///   tenancy, except metal sizes (".metal" in the name), which EC2 sells as "Compute Instance
///   (bare metal)" with Dedicated tenancy;
/// - its terms: per hour in USD, non-zero (a $0 term is no price), on-demand and the standard
///   no-upfront 1- and 3-year reserved terms.
/// Two matching SKUs of one type with different prices are an error: the offer is then not
/// what this rule expects, and no price is better than a guessed one.
/// Memory: while no product has been seen, every term is kept (terms may come first); after
/// that, only those of chosen SKUs.
class OfferSelection {
 public:
  explicit OfferSelection(const Catalog& catalog) : catalog_(catalog) {}

  /// A product. Returns whether its SKU is chosen; an error message when a chosen SKU's
  /// attribute is malformed (`badAttr` then names the attribute).
  bool product(OfferProduct& p, std::string& problem, OfferAttr& badAttr);
  /// The products section ended: terms of SKUs not chosen by now are not needed.
  void productsDone() {
    productsDone_ = true;
    terms_.clear();
  }
  /// Whether a term of `sku` may matter (cheap: readers skip the rest).
  bool wantsTerms(std::string_view sku) const;
  /// A price of `sku` (per hour, USD, non-zero: the reader checks). An error message when the
  /// SKU already has a different price of that kind.
  std::optional<std::string> term(std::string_view sku, OfferTerm kind, OfferPrice price);

  /// One term of `sku` as the offer states it: its kind (on-demand, or reserved with its term
  /// attributes) and its price dimensions (per hour or not, the USD price when there is one).
  /// Passes the prices gpuslice keeps to term(): per hour, non-zero, on-demand or a reserved
  /// term reservedTerm() names. The readers of every format call this, so the rule is here once.
  struct Dimension {
    bool hourly = false;
    std::optional<OfferPrice> usd;
  };
  std::optional<std::string> offerTerm(std::string_view sku, bool reserved, std::string_view leaseContractLength,
                                       std::string_view purchaseOption, std::string_view offeringClass,
                                       const std::vector<Dimension>& dimensions);

  /// The chosen rows (an error for an hourly price of 100000 or more, past the price table's
  /// bound). `publicationDate` is left for the reader to fill.
  Result<OfferTable> finish(const std::string& file);

 private:
  using Prices = std::array<std::optional<OfferPrice>, kOfferTerms>;
  const Catalog& catalog_;
  bool productsDone_ = false;
  std::unordered_map<std::string, Prices> terms_;  // by SKU
  std::map<std::string, OfferRow> chosen_;         // by SKU
  std::string region_;
  std::set<std::string> otherGpuTypes_;
};

}  // namespace gpuslice::io
