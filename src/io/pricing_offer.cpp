#include "io/pricing_offer.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace gpuslice::io {

namespace {

constexpr OfferPrice kPriceScale = 10'000'000'000;  // 1e10
constexpr int kPriceDecimals = 10;
constexpr OfferPrice kMaxHourly = 100000 * kPriceScale;  // the price table's bound

/// Each attribute's JSON key and CSV column (the CSV uses readable names).
struct AttrNames {
  OfferAttr attr;
  const char* json;
  const char* csv;
};
constexpr AttrNames kAttrNames[] = {
    {OfferAttr::Family, "productFamily", "Product Family"},
    {OfferAttr::InstanceType, "instanceType", "Instance Type"},
    {OfferAttr::OperatingSystem, "operatingSystem", "Operating System"},
    {OfferAttr::Tenancy, "tenancy", "Tenancy"},
    {OfferAttr::PreInstalledSw, "preInstalledSw", "Pre Installed S/W"},
    {OfferAttr::CapacityStatus, "capacitystatus", "CapacityStatus"},
    {OfferAttr::LicenseModel, "licenseModel", "License Model"},
    {OfferAttr::MarketOption, "marketoption", "MarketOption"},
    {OfferAttr::Operation, "operation", "operation"},
    {OfferAttr::RegionCode, "regionCode", "Region Code"},
    {OfferAttr::Vcpu, "vcpu", "vCPU"},
    {OfferAttr::Memory, "memory", "Memory"},
    {OfferAttr::Gpu, "gpu", "GPU"},
    {OfferAttr::GpuMemory, "gpuMemory", "GPU Memory"},
};

bool isMetal(std::string_view type) { return type.find(".metal") != std::string_view::npos; }

/// Whether `p` is the plain Linux SKU of its type (see OfferSelection).
bool plainLinux(const OfferProduct& p) {
  const bool metal = isMetal(p[OfferAttr::InstanceType]);
  const std::string_view family = metal ? "Compute Instance (bare metal)" : "Compute Instance";
  const std::string_view tenancy = metal ? "Dedicated" : "Shared";
  const std::string& market = p[OfferAttr::MarketOption];
  const std::string& operation = p[OfferAttr::Operation];
  return p[OfferAttr::Family] == family && p[OfferAttr::Tenancy] == tenancy &&
         p[OfferAttr::OperatingSystem] == "Linux" && p[OfferAttr::PreInstalledSw] == "NA" &&
         p[OfferAttr::CapacityStatus] == "Used" && p[OfferAttr::LicenseModel] == "No License required" &&
         (market.empty() || market == "OnDemand") && (operation.empty() || operation == "RunInstances");
}

/// The bounds the price table reader (io/catalog_reader.cpp) puts on these facts: a table the
/// importer writes must read back.
constexpr double kMaxVcpu = 4096, kMaxMemoryGiB = 65536, kMaxGpus = 64;

/// A number in (0, max] the offer wrote as text ("96", "0.125"), or nullopt.
std::optional<double> positiveNumber(std::string_view s, double max) {
  double v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size() || !(v > 0 && v <= max)) return std::nullopt;
  return v;
}

/// The offer's facts of a chosen product; a message when one it states is malformed.
std::optional<std::string> readFacts(const OfferProduct& p, OfferRow& row, OfferAttr& badAttr) {
  const std::string& vcpu = p[OfferAttr::Vcpu];
  if (!vcpu.empty() && vcpu != "NA") {
    const std::optional<double> v = positiveNumber(vcpu, kMaxVcpu);
    badAttr = OfferAttr::Vcpu;
    if (!v || *v != static_cast<int>(*v)) {
      return fmt::format("\"{}\" is not a whole number of vCPUs from 1 to {}", vcpu, kMaxVcpu);
    }
    row.vcpu = static_cast<int>(*v);
  }
  const std::string& memory = p[OfferAttr::Memory];
  if (!memory.empty() && memory != "NA") {
    constexpr std::string_view unit = " GiB";
    const std::string_view number =
        std::string_view(memory).substr(0, memory.size() - std::min(memory.size(), unit.size()));
    badAttr = OfferAttr::Memory;
    if (!memory.ends_with(unit) || !positiveNumber(number, kMaxMemoryGiB))
      return fmt::format("\"{}\" is not a size such as \"16 GiB\" (at most {} GiB)", memory, kMaxMemoryGiB);
    row.memoryGiB = std::string(number);
  }
  const std::string& gpu = p[OfferAttr::Gpu];
  if (!gpu.empty() && gpu != "NA") {
    row.gpuCount = positiveNumber(gpu, kMaxGpus);
    badAttr = OfferAttr::Gpu;
    if (!row.gpuCount || (*row.gpuCount > 1 && *row.gpuCount != static_cast<int>(*row.gpuCount))) {
      return fmt::format("\"{}\" is not a number of GPUs (whole, from 1 to {}, or a fraction below 1)", gpu, kMaxGpus);
    }
  }
  return std::nullopt;
}

/// A GPU instance type of the offer: it states GPUs, or EC2 files it under GPU instances.
bool statesGpus(const OfferProduct& p) {
  const std::string& gpu = p[OfferAttr::Gpu];
  return !gpu.empty() && gpu != "NA" && gpu != "0";
}

}  // namespace

std::optional<OfferPrice> parseOfferPrice(std::string_view s) {
  const std::size_t dot = s.find('.');
  const std::string_view whole = s.substr(0, dot);
  const std::string_view frac = dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1);
  if (whole.empty() || whole.size() > 8 || frac.size() > kPriceDecimals) return std::nullopt;
  if (dot != std::string_view::npos && frac.empty()) return std::nullopt;
  OfferPrice v = 0;
  for (char c : whole) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  for (int i = 0; i < kPriceDecimals; ++i) {
    const char c = i < static_cast<int>(frac.size()) ? frac[static_cast<std::size_t>(i)] : '0';
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

std::string formatOfferPrice(OfferPrice p) {
  std::string frac = fmt::format("{:010d}", p % kPriceScale);
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  return frac.empty() ? fmt::format("{}", p / kPriceScale) : fmt::format("{}.{}", p / kPriceScale, frac);
}

std::optional<OfferAttr> offerAttrOfJsonKey(std::string_view key) {
  for (const AttrNames& n : kAttrNames) {
    if (key == n.json) return n.attr;
  }
  return std::nullopt;
}

std::optional<OfferAttr> offerAttrOfCsvColumn(std::string_view column) {
  for (const AttrNames& n : kAttrNames) {
    if (column == n.csv) return n.attr;
  }
  return std::nullopt;
}

const char* offerAttrJsonKey(OfferAttr a) { return kAttrNames[static_cast<std::size_t>(a)].json; }

const char* offerAttrCsvColumn(OfferAttr a) { return kAttrNames[static_cast<std::size_t>(a)].csv; }

std::optional<OfferTerm> reservedTerm(std::string_view leaseContractLength, std::string_view purchaseOption,
                                      std::string_view offeringClass) {
  if (purchaseOption != "No Upfront" || offeringClass != "standard") return std::nullopt;
  if (leaseContractLength == "1yr") return OfferTerm::Reserved1y;
  if (leaseContractLength == "3yr") return OfferTerm::Reserved3y;
  return std::nullopt;
}

bool OfferSelection::product(OfferProduct& p, std::string& problem, OfferAttr& badAttr) {
  const std::string& family = p[OfferAttr::Family];
  if (family != "Compute Instance" && family != "Compute Instance (bare metal)") return false;
  if (chosen_.count(p.sku)) return true;
  const std::string& type = p[OfferAttr::InstanceType];
  if (!catalog_.findType(type)) {
    if (statesGpus(p) && plainLinux(p)) otherGpuTypes_.insert(type);
    return false;
  }
  if (!plainLinux(p)) return false;
  OfferRow row;
  row.name = type;
  row.sku = p.sku;
  if (auto e = readFacts(p, row, badAttr)) {
    problem = std::move(*e);
    return false;
  }
  const std::string& region = p[OfferAttr::RegionCode];
  if (!region.empty() && !region_.empty() && region != region_) {
    badAttr = OfferAttr::RegionCode;
    problem = fmt::format("\"{}\": an offer of one region is needed, and an earlier product is in {}", region, region_);
    return false;
  }
  if (!region.empty()) region_ = region;
  if (auto it = terms_.find(p.sku); it != terms_.end()) row.prices = it->second;
  chosen_.emplace(p.sku, std::move(row));
  return true;
}

bool OfferSelection::wantsTerms(std::string_view sku) const {
  return !productsDone_ || chosen_.find(std::string(sku)) != chosen_.end();
}

std::optional<std::string> OfferSelection::term(std::string_view sku, OfferTerm kind, OfferPrice price) {
  const std::string key(sku);
  auto it = chosen_.find(key);
  std::optional<OfferPrice>* slot = nullptr;
  if (it != chosen_.end()) {
    slot = &it->second.prices[static_cast<std::size_t>(kind)];
  } else if (!productsDone_) {
    slot = &terms_[key][static_cast<std::size_t>(kind)];
  } else {
    return std::nullopt;
  }
  if (*slot && **slot != price) {
    return fmt::format("SKU {} has two hourly prices of one kind ({} and {})", key, formatOfferPrice(**slot),
                       formatOfferPrice(price));
  }
  *slot = price;
  return std::nullopt;
}

std::optional<std::string> OfferSelection::offerTerm(std::string_view sku, bool reserved,
                                                     std::string_view leaseContractLength,
                                                     std::string_view purchaseOption, std::string_view offeringClass,
                                                     const std::vector<Dimension>& dimensions) {
  std::optional<OfferTerm> kind = OfferTerm::OnDemand;
  if (reserved) kind = reservedTerm(leaseContractLength, purchaseOption, offeringClass);
  if (!kind) return std::nullopt;
  for (const Dimension& d : dimensions) {
    if (!d.hourly || !d.usd || *d.usd == 0) continue;
    if (auto e = term(sku, *kind, *d.usd)) return e;
  }
  return std::nullopt;
}

Result<OfferTable> OfferSelection::finish(const std::string& file) {
  std::map<std::string, OfferRow> byType;
  for (auto& [sku, row] : chosen_) {
    for (const std::optional<OfferPrice>& p : row.prices) {
      if (p && *p >= kMaxHourly) {
        return badInput(
            file, 0, "terms",
            fmt::format("{}: {} per hour (SKU {}) is past any EC2 price", row.name, formatOfferPrice(*p), row.sku));
      }
    }
    auto [it, fresh] = byType.emplace(row.name, row);
    if (fresh) continue;
    OfferRow& earlier = it->second;
    if (earlier.prices != row.prices) {
      return badInput(file, 0, "products",
                      fmt::format("{}: SKUs {} and {} both match the plain Linux price and their prices differ",
                                  row.name, earlier.sku, row.sku));
    }
  }
  OfferTable table;
  table.region = region_;
  for (auto& [name, row] : byType) table.rows.push_back(std::move(row));
  table.otherGpuTypes.assign(otherGpuTypes_.begin(), otherGpuTypes_.end());
  return table;
}

}  // namespace gpuslice::io
