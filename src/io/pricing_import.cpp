#include "io/pricing_import.h"

#include <fmt/format.h>

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "io/files.h"
#include "io/pricing_get_products.h"
#include "io/pricing_offer_csv.h"
#include "io/pricing_offer_json.h"
#include "io/progress.h"
#include "util/yaml_scalar.h"

namespace gpuslice::io {

namespace {

constexpr std::size_t kPiece = 64 * 1024;

/// `mib` as GiB in the fewest decimals that read back (tableMiB) as the same MiB.
std::string gibText(std::int64_t mib) {
  for (int decimals = 0; decimals < 8; ++decimals) {
    std::string s = fmt::format("{:.{}f}", static_cast<double>(mib) / 1024.0, decimals);
    if (tableMiB(std::stod(s)) == mib) return s;
  }
  return fmt::format("{}", static_cast<double>(mib) / 1024.0);
}

/// Where a row's facts came from, by fact name (gpu.model, vcpu, ...), for its comment.
struct FactSources {
  std::vector<std::string> facts;    ///< describe-instance-types'
  std::vector<std::string> catalog;  ///< the built-in catalog's
  std::string problem;               ///< what the row's comment adds (a GPU name the table lacks)
  /// `fact` is describe-instance-types' when `given`, else the built-in catalog's when
  /// `builtin` (else the offer's, which the header names).
  void note(const char* fact, bool given, bool builtin = true) {
    if (given)
      facts.push_back(fact);
    else if (builtin)
      catalog.push_back(fact);
  }
};

/// The row's comment: without facts inputs, only what came from the built-in catalog (as
/// tables made before describe-instance-types was read say it).
std::string rowComment(const FactSources& s, bool factsGiven) {
  if (!factsGiven) {
    return s.catalog.empty() ? "" : fmt::format("  # from the built-in catalog: {}", fmt::join(s.catalog, ", "));
  }
  std::vector<std::string> parts;
  if (!s.facts.empty()) parts.push_back(fmt::format("from describe-instance-types: {}", fmt::join(s.facts, ", ")));
  if (!s.catalog.empty()) parts.push_back(fmt::format("from the built-in catalog: {}", fmt::join(s.catalog, ", ")));
  if (!s.problem.empty()) parts.push_back(s.problem);
  return parts.empty() ? "" : fmt::format("  # {}", fmt::join(parts, "; "));
}

/// The per-GPU memory of a row whose facts give `mib`: the GPU table's figure for `model` when
/// it is that variant (so the planner finds NVML's figure), else `mib` itself.
std::string gpuMemoryText(const Catalog& catalog, const std::string& model, std::int64_t mib) {
  const GpuModel* gpu = catalog.findGpu(model);
  const GpuMemory* variant = gpu ? ec2MemoryVariant(*gpu, mib) : nullptr;
  return gibText(variant ? variant->ec2MiB : mib);
}

/// One row of the table, as a flow mapping, with a comment naming where its facts came from:
/// `f` (describe-instance-types' facts of the type; nullptr: none), else the offer's, else
/// `builtin`'s. `factsGiven`: some input is describe-instance-types.
std::string rowYaml(const OfferRow& r, const InstanceType& builtin, const Catalog& catalog, const TypeFacts* f,
                    bool factsGiven) {
  FactSources from;
  const bool factModel = f && !f->gpuModel.empty();
  const std::string model = factModel ? f->gpuModel : builtin.gpuModel;
  from.note("gpu.model", factModel, factsGiven);
  if (f && !factModel) from.problem = fmt::format("its GPU \"{}\" is not in gpuslice's GPU table", f->gpuName);
  const bool factCount = f && f->gpuCount > 0 && !builtin.fractional();
  const bool offerCount = !factCount && r.gpuCount && !builtin.fractional();
  std::string count = fmt::format("{}", builtin.gpuCount);
  if (factCount) count = fmt::format("{}", f->gpuCount);
  if (offerCount) count = fmt::format("{}", *r.gpuCount);
  from.note("gpu.count", factCount, !offerCount);
  from.note("gpu.memoryGiB", f != nullptr, factsGiven);
  const std::string gpuMemory = f ? gpuMemoryText(catalog, model, f->gpuMemoryMiB) : gibText(builtin.gpuMemoryMiB);
  from.note("vcpu", f != nullptr, !r.vcpu);
  const int vcpu = f ? f->vcpu : r.vcpu.value_or(builtin.vcpu);
  from.note("memoryGiB", f != nullptr, r.memoryGiB.empty());
  std::string memory = r.memoryGiB.empty() ? gibText(builtin.memoryMiB) : r.memoryGiB;
  if (f) memory = gibText(f->memoryMiB);
  const bool factArch = f && f->arch;
  from.note("arch", factArch, factsGiven);
  const Arch arch = factArch ? *f->arch : builtin.arch;
  std::string out = fmt::format(
      "  - {{name: {}, gpu: {{model: {}, count: {}, memoryGiB: {}}}, vcpu: {}, memoryGiB: {}, arch: {}",
      yamlScalar(r.name), yamlScalar(model), count, gpuMemory, vcpu, memory, arch == Arch::Arm64 ? "arm64" : "amd64");
  const char* names[kOfferTerms] = {"onDemand", "reserved1y", "reserved3y", "spot"};
  for (std::size_t k = 0; k < kOfferTerms; ++k) {
    if (r.prices[k]) out += fmt::format(", {}: {}", names[k], formatOfferPrice(*r.prices[k]));
  }
  const bool factEni = f && f->eni;
  if (factEni)
    out += fmt::format(", eni: {{interfaces: {}, ipv4PerInterface: {}}}", f->eni->interfaces, f->eni->ipv4PerInterface);
  from.note("eni", factEni, factsGiven && builtin.eni);
  return out + "}" + rowComment(from, factsGiven) + "\n";
}

/// Adds `row` to `rows`; a type already there must have the same prices where both have one.
std::optional<Error> mergeRow(std::map<std::string, OfferRow>& rows, const OfferRow& row, const std::string& file) {
  auto [it, fresh] = rows.emplace(row.name, row);
  if (fresh) return std::nullopt;
  for (std::size_t k = 0; k < kOfferTerms; ++k) {
    std::optional<OfferPrice>& have = it->second.prices[k];
    if (have && row.prices[k] && *have != *row.prices[k]) {
      return badInput(file, 0, "",
                      fmt::format("{} costs {} here and {} in an earlier input", row.name,
                                  formatOfferPrice(*row.prices[k]), formatOfferPrice(*have)));
    }
    if (!have) have = row.prices[k];
  }
  OfferRow& kept = it->second;  // facts: the first input's that has them (a spot history has none)
  if (!kept.vcpu) kept.vcpu = row.vcpu;
  if (kept.memoryGiB.empty()) kept.memoryGiB = row.memoryGiB;
  if (!kept.gpuCount) kept.gpuCount = row.gpuCount;
  return std::nullopt;
}

/// Adds the facts of one input to `all` (made on the first); a type an earlier input describes
/// otherwise is an error.
std::optional<Error> mergeFacts(std::optional<std::map<std::string, TypeFacts>>& all, const InstanceFacts& in,
                                const std::string& file) {
  if (!all) all.emplace();
  for (const auto& [name, f] : in.types) {
    auto [it, fresh] = all->emplace(name, f);
    if (!fresh && !sameFacts(it->second, f)) {
      return badInput(file, 0, "InstanceTypes", fmt::format("{} is described otherwise in an earlier input", name));
    }
  }
  return std::nullopt;
}

void sortUnique(std::vector<std::string>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

/// A spot history, a get-products page, offerings or descriptions, read whole (they are small).
Result<PricingInput> readWhole(std::string_view text, PricingFormat format, const std::string& name,
                               const Catalog& catalog, SpotStatistic statistic) {
  PricingInput in{name, pricingInputWhat(format, statistic), {}, std::nullopt, std::nullopt};
  if (format == PricingFormat::InstanceTypes) {
    auto facts = readInstanceTypes(text, name, catalog);
    if (!facts) return facts.error();
    in.facts = std::move(*facts);
    return in;
  }
  if (format == PricingFormat::Offerings) {
    auto offerings = readOfferings(text, name);
    if (!offerings) return offerings.error();
    in.offerings = std::move(*offerings);
    return in;
  }
  auto table = format == PricingFormat::SpotHistory ? readSpotHistory(text, name, catalog, statistic)
                                                    : readGetProducts(text, name, catalog);
  if (!table) return table.error();
  in.table = std::move(*table);
  return in;
}

/// What the header says of where the rows' hardware facts came from.
std::string factsHeader(bool factsGiven) {
  if (!factsGiven) {
    return "# vcpu, memoryGiB and gpu.count are the offer's; gpu.model, gpu.memoryGiB and arch are\n"
           "# gpuslice's built-in catalog's (the offer names no GPU model; its gpuMemory is not read).\n"
           "# A row's comment names any other fact taken from the built-in catalog.\n";
  }
  return "# Hardware facts are describe-instance-types' where it describes the type (gpu.memoryGiB: the\n"
         "# GPU table's figure when it is the same to 0.01 GiB; eni: the default network card's, from\n"
         "# which max pods per node follow), else the offer's (vcpu, memoryGiB, gpu.count), else\n"
         "# gpuslice's built-in catalog's. Each row's comment says which facts came from where.\n";
}

std::string header(const std::string& region, std::string_view command, const std::vector<PricingInput>& inputs,
                   bool factsGiven, const std::vector<std::string>& others, const std::vector<std::string>& notOffered,
                   const std::vector<std::string>& undescribed) {
  std::string out = fmt::format(
      "# gpuslice price table: NVIDIA GPU instance types in {}, made by `{}`\n"
      "# from the AWS files listed below.\n"
      "# Prices: Linux, USD per hour, shared tenancy (metal sizes: dedicated, as EC2 sells them);\n"
      "# onDemand, and reserved1y/reserved3y: standard reserved instances paid with no upfront fee;\n"
      "# spot: from the spot price history, the latest price in each zone, across zones as below.\n"
      "{}",
      region, command, factsHeader(factsGiven));
  for (const PricingInput& in : inputs) {
    if (in.offerings || in.facts)
      out += fmt::format("# {}: {}\n", in.name, in.what);
    else
      out += fmt::format("# {}: {} of {}\n", in.name, in.what, in.table.publicationDate);
  }
  if (!others.empty()) {
    out += fmt::format("# GPU instance types the offer prices that the built-in catalog does not know (left out): {}\n",
                       fmt::join(others, ", "));
  }
  if (!notOffered.empty()) {
    out += fmt::format("# Priced, but not offered in {} by the instance-type offerings (left out): {}\n", region,
                       fmt::join(notOffered, ", "));
  }
  if (!undescribed.empty()) {
    out += fmt::format(
        "# NVIDIA GPU instance types describe-instance-types describes that the built-in catalog does not know "
        "(left out): {}\n",
        fmt::join(undescribed, ", "));
  }
  return out;
}

}  // namespace

struct OfferStreamReader::Impl {
  std::optional<OfferJsonReader> json;
  std::optional<OfferCsvReader> csv;
};

OfferStreamReader::OfferStreamReader(PricingFormat format, const std::string& file, const Catalog& catalog)
    : impl_(std::make_unique<Impl>()) {
  if (format == PricingFormat::OfferJson)
    impl_->json.emplace(file, catalog);
  else
    impl_->csv.emplace(file, catalog);
}

OfferStreamReader::~OfferStreamReader() = default;

std::optional<Error> OfferStreamReader::feed(std::string_view bytes) {
  return impl_->json ? impl_->json->feed(bytes) : impl_->csv->feed(bytes);
}

Result<OfferTable> OfferStreamReader::finish() { return impl_->json ? impl_->json->finish() : impl_->csv->finish(); }

const char* pricingFormatName(PricingFormat f) {
  switch (f) {
    case PricingFormat::OfferJson: return "offer-json";
    case PricingFormat::OfferCsv: return "offer-csv";
    case PricingFormat::SpotHistory: return "spot-history";
    case PricingFormat::GetProducts: return "get-products";
    case PricingFormat::InstanceTypes: return "describe-instance-types";
    default: return "instance-type-offerings";
  }
}

std::optional<PricingFormat> pricingFormatOfName(std::string_view name) {
  for (PricingFormat f : {PricingFormat::OfferJson, PricingFormat::OfferCsv, PricingFormat::SpotHistory,
                          PricingFormat::GetProducts, PricingFormat::Offerings, PricingFormat::InstanceTypes}) {
    if (name == pricingFormatName(f)) return f;
  }
  return std::nullopt;
}

std::string pricingInputWhat(PricingFormat format, SpotStatistic statistic) {
  if (format == PricingFormat::SpotHistory)
    return fmt::format("EC2 spot price history ({} across zones)", spotStatisticName(statistic));
  if (format == PricingFormat::GetProducts) return "AWS Price List API get-products page (AmazonEC2)";
  if (format == PricingFormat::Offerings) return "EC2 instance-type offerings";
  if (format == PricingFormat::InstanceTypes) return "EC2 describe-instance-types";
  return "AWS Price List offer file (AmazonEC2)";
}

std::optional<PricingFormat> detectPricingFormat(std::string_view head) {
  if (head.starts_with("\xEF\xBB\xBF")) head.remove_prefix(3);
  const std::size_t first = head.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return std::nullopt;
  head.remove_prefix(first);
  if (head.starts_with("\"FormatVersion\"") || head.starts_with("FormatVersion,")) return PricingFormat::OfferCsv;
  if (head.front() != '{') return std::nullopt;
  if (head.find("\"SpotPriceHistory\"") != std::string_view::npos) return PricingFormat::SpotHistory;
  if (head.find("\"PriceList\"") != std::string_view::npos) return PricingFormat::GetProducts;
  if (head.find("\"InstanceTypeOfferings\"") != std::string_view::npos) return PricingFormat::Offerings;
  if (head.find("\"InstanceTypes\"") != std::string_view::npos) return PricingFormat::InstanceTypes;
  if (head.find("\"offerCode\"") != std::string_view::npos || head.find("\"products\"") != std::string_view::npos)
    return PricingFormat::OfferJson;
  return std::nullopt;
}

Result<PricingInput> readPricingBytes(std::string_view bytes, PricingFormat format, const std::string& name,
                                      const Catalog& catalog, std::size_t piece) {
  if (format != PricingFormat::OfferJson && format != PricingFormat::OfferCsv) {
    return readWhole(bytes, format, name, catalog, SpotStatistic::Median);
  }
  OfferStreamReader reader(format, name, catalog);
  for (std::size_t at = 0; at < bytes.size(); at += piece) {
    if (auto e = reader.feed(bytes.substr(at, piece))) return *e;
  }
  auto table = reader.finish();
  if (!table) return table.error();
  return PricingInput{name, pricingInputWhat(format, SpotStatistic::Median), std::move(*table), std::nullopt,
                      std::nullopt};
}

Result<PricingInput> readPricingFile(const std::string& path, const PricingOptions& options, const Catalog& catalog,
                                     Progress* progress) {
  std::FILE* in = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (!in) return badInput(path, 0, "", "cannot open");
  std::vector<char> buf(kPiece);
  std::size_t n = std::fread(buf.data(), 1, buf.size(), in);
  const std::optional<PricingFormat> format = options.format ? options.format : detectPricingFormat({buf.data(), n});
  if (!format || (*format != PricingFormat::OfferJson && *format != PricingFormat::OfferCsv)) {
    if (in != stdin) std::fclose(in);
    if (!format) {
      return badInput(path, 1, "",
                      "not a file gpuslice prices from (an EC2 offer in JSON or CSV, a get-products page, a spot "
                      "price history, instance-type offerings or descriptions); --input-format forces one");
    }
    auto text = readFile(path);  // small files, read whole; stdin: what is left
    if (!text) return text.error();
    return readWhole(path == "-" ? std::string(buf.data(), n) + *text : *text, *format, path, catalog,
                     options.spotStatistic);
  }
  OfferStreamReader reader(*format, path, catalog);
  if (progress) {
    struct stat st {};
    const bool sized = in != stdin && fstat(fileno(in), &st) == 0 && S_ISREG(st.st_mode);
    progress->begin(path, sized ? static_cast<std::uint64_t>(st.st_size) : 0);
  }
  std::optional<Error> e;
  while (n > 0 && !e) {
    e = reader.feed(std::string_view(buf.data(), n));
    if (progress) progress->advance(n);
    n = std::fread(buf.data(), 1, buf.size(), in);
  }
  if (progress) progress->clear();
  const bool readError = std::ferror(in) != 0;
  if (in != stdin) std::fclose(in);
  if (e) return *e;
  if (readError) return badInput(path, 0, "", "read error");
  auto table = reader.finish();
  if (!table) return table.error();
  return PricingInput{path, pricingInputWhat(*format, options.spotStatistic), std::move(*table), std::nullopt,
                      std::nullopt};
}

Result<std::string> priceTableYaml(const std::vector<PricingInput>& inputs, const Catalog& catalog,
                                   std::string_view command) {
  std::map<std::string, OfferRow> rows;
  std::string region, date;
  std::vector<std::string> others, names;
  std::optional<std::set<std::string>> offered;
  std::optional<std::map<std::string, TypeFacts>> facts;
  std::vector<std::string> undescribed;
  for (const PricingInput& in : inputs) {
    if (in.facts) {
      names.push_back(fmt::format("{}: {}", in.what, in.name));
      if (auto e = mergeFacts(facts, *in.facts, in.name)) return *e;
      undescribed.insert(undescribed.end(), in.facts->otherGpuTypes.begin(), in.facts->otherGpuTypes.end());
      continue;
    }
    const OfferTable& t = in.offerings ? OfferTable{in.offerings->region, "", {}, {}} : in.table;
    if (t.region.empty() && t.rows.empty()) continue;  // nothing of a known GPU type
    if (t.region.empty()) return badInput(in.name, 0, "regionCode", "no product of the offer names its region");
    if (!region.empty() && t.region != region) {
      return badInput(in.name, 0, "regionCode", fmt::format("{}: an earlier input is of {}", t.region, region));
    }
    region = t.region;
    names.push_back(fmt::format("{}: {}", in.what, in.name));
    if (in.offerings) {
      if (!offered) offered.emplace();
      offered->insert(in.offerings->types.begin(), in.offerings->types.end());
      continue;
    }
    const std::string day = t.publicationDate.substr(0, 10);
    if (date.empty() || day < date) date = day;
    for (const OfferRow& r : t.rows) {
      if (auto e = mergeRow(rows, r, in.name)) return *e;
    }
    others.insert(others.end(), t.otherGpuTypes.begin(), t.otherGpuTypes.end());
  }
  std::vector<std::string> notOffered;
  for (auto it = rows.begin(); offered && it != rows.end();) {
    if (offered->count(it->first)) {
      ++it;
      continue;
    }
    notOffered.push_back(it->first);
    it = rows.erase(it);
  }
  if (rows.empty()) {
    return badInput(inputs.empty() ? "" : inputs.front().name, 0, "",
                    "no NVIDIA GPU instance type that gpuslice knows has a Linux price here");
  }
  sortUnique(others);
  sortUnique(undescribed);
  std::string out = header(region, command, inputs, facts.has_value(), others, notOffered, undescribed);
  out += fmt::format(
      "kind: PriceTable\napiVersion: gpuslice.dev/v1alpha1\nmetadata:\n  region: {}\n  currency: USD\n  date: {}\n"
      "  source: {}\ninstanceTypes:\n",
      yamlScalar(region), yamlDoubleQuoted(date), yamlDoubleQuoted(fmt::format("{}", fmt::join(names, "; "))));
  for (const auto& [name, r] : rows) {
    const TypeFacts* f = nullptr;
    if (facts) {
      auto it = facts->find(name);
      f = it == facts->end() ? nullptr : &it->second;
    }
    out += rowYaml(r, *catalog.findType(name), catalog, f, facts.has_value());
  }
  return out;
}

}  // namespace gpuslice::io
