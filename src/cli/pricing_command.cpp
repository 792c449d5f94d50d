// gpuslice pricing import: a price table from the EC2 offer files AWS publishes.
#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "io/catalog_reader.h"
#include "io/files.h"
#include "io/price_cache.h"
#include "io/pricing_fetch.h"
#include "io/pricing_import.h"
#include "io/progress.h"

namespace gpuslice::cli {

namespace {

constexpr const char* kImportDescription =
    "Writes a price table (the format plan --pricing reads) from EC2 offer files: the Price List bulk\n"
    "file of one region, JSON or CSV, as AWS publishes it (see README \"Prices for other regions\"),\n"
    "from pages of `aws pricing get-products --service-code AmazonEC2` (the same products and terms),\n"
    "and from the output of `aws ec2 describe-spot-price-history` (spot prices: the latest price in\n"
    "each zone, then --spot-statistic across zones); the output of `aws ec2\n"
    "describe-instance-type-offerings` leaves out the types a region does not offer, and that of\n"
    "`aws ec2 describe-instance-types` gives the types' hardware facts (GPU model, count and memory,\n"
    "vCPU, memory, architecture, ENI limits: max pods per node), which override the offer's and the\n"
    "built-in catalog's (each row's comment says where its facts came from). Each offer file\n"
    "is read as a stream, in 64 KiB\n"
    "pieces, with a progress bar on stderr when it is a terminal. The price of a type is its plain\n"
    "Linux one:\n"
    "shared tenancy (metal sizes: dedicated), no pre-installed software, no licence, capacity status\n"
    "Used, on-demand market (never a Capacity Block), per hour, non-zero USD; the standard 1- and\n"
    "3-year reserved terms with no upfront fee are kept too. Only NVIDIA GPU types the built-in\n"
    "catalog knows are kept (their GPU model and memory come from it). Several files combine into\n"
    "one table; they must be of one region. Nothing is written when an input is bad.";

struct ImportArgs {
  std::vector<std::string> files;
  std::string format;
  std::string spotStatistic = "median";
  std::string output = "-";
};

int runImport(const ImportArgs& a) {
  io::PricingOptions options;
  if (!a.format.empty()) options.format = io::pricingFormatOfName(a.format);
  options.spotStatistic = a.spotStatistic == "min" ? io::SpotStatistic::Min : io::SpotStatistic::Median;
  auto catalog = io::builtinCatalog();
  if (!catalog) return report(catalog.errors());
  std::vector<io::PricingInput> inputs;
  io::Progress progress(stderr, io::Progress::isTerminal(stderr), "bytes");
  for (const std::string& f : a.files) {
    auto in = io::readPricingFile(f, options, *catalog, &progress);
    if (!in) return report(in.errors());
    inputs.push_back(std::move(*in));
  }
  auto text = io::priceTableYaml(inputs, *catalog);
  if (!text) return report(text.errors());
  if (auto e = io::writeFileAtomic(a.output, *text)) return report(*e);
  return 0;
}

constexpr const char* kFetchDescription =
    "Downloads the EC2 offer file of --region from the AWS Price List bulk API (public, no\n"
    "credentials): first the region index, <endpoint>/offers/v1.0/aws/AmazonEC2/current/\n"
    "region_index.json, then the current offer file it names, read as a stream (never held whole,\n"
    "in memory or on disk) and turned into a price table as `gpuslice pricing import` does. The\n"
    "table goes to -o FILE, or by default to the cache, $XDG_CACHE_HOME/gpuslice/aws-<region>.yaml\n"
    "($HOME/.cache when XDG_CACHE_HOME is unset), which plan, render (of workload files) and\n"
    "catalog instances --region then use for that region when no --pricing is given. Nothing is\n"
    "written when anything fails. Proxies: libcurl's environment variables apply (https_proxy,\n"
    "http_proxy, all_proxy, no_proxy). A progress bar is drawn on stderr when it is a terminal.";

struct FetchArgs {
  io::FetchOptions options;
  std::string format = "json";
  std::string output;
};

/// Where the table goes: -o, else the cache (its folder made when missing).
Result<std::string> fetchOutput(const FetchArgs& a) {
  if (!a.output.empty()) return a.output;
  auto dir = io::userPriceCacheDir();
  if (!dir) {
    return Error{ErrorKind::Usage, "", 0, "-o",
                 "neither XDG_CACHE_HOME nor HOME is an absolute path: say where the table goes"};
  }
  std::error_code ec;
  std::filesystem::create_directories(*dir, ec);
  if (ec) return badInput(*dir, 0, "", "cannot create the cache folder: " + ec.message());
  return io::priceCacheFile(*dir, a.options.region);
}

int runFetch(FetchArgs a) {
  if (!io::isRegionCode(a.options.region)) {
    return report(Error{ErrorKind::Usage, "", 0, "--region",
                        fmt::format("\"{}\" is not an AWS region code (us-west-2)", a.options.region)});
  }
  const std::string& e = a.options.endpoint;
  if ((!e.starts_with("http://") && !e.starts_with("https://")) || e.find_first_of("?# \r\n") != std::string::npos) {
    return report(
        Error{ErrorKind::Usage, "", 0, "--endpoint", "must be an http:// or https:// URL without a query or fragment"});
  }
  a.options.format = a.format == "csv" ? io::PricingFormat::OfferCsv : io::PricingFormat::OfferJson;
  auto output = fetchOutput(a);  // before the download: a cache that cannot be made fails at once
  if (!output) return report(output.errors());
  auto catalog = io::builtinCatalog();
  if (!catalog) return report(catalog.errors());
  io::Progress progress(stderr, io::Progress::isTerminal(stderr), "bytes");
  auto input = io::fetchOffer(a.options, *catalog, &progress);
  if (!input) return report(input.errors());
  auto text = io::priceTableYaml({*input}, *catalog, "gpuslice pricing fetch");
  if (!text) return report(text.errors());
  if (auto err = io::writeFileAtomic(*output, *text)) return report(*err);
  if (*output != "-") {
    std::cout << fmt::format("{}: {} prices of {} for {} NVIDIA GPU instance types\n", *output, a.options.region,
                             input->table.publicationDate.substr(0, 10), input->table.rows.size());
  }
  return 0;
}

void addFetch(CLI::App& app, std::vector<std::pair<CLI::App*, Runner>>& runners) {
  CLI::App* fetch = app.add_subcommand(
      "fetch", "Download a region's EC2 offer file from the AWS Price List and cache its price table");
  fetch->footer(kFetchDescription);
  auto args = std::make_shared<FetchArgs>();
  fetch->add_option("--region", args->options.region, "The AWS region whose prices to fetch (us-west-2)")->required();
  fetch->add_option("--endpoint", args->options.endpoint, "The Price List bulk API, or a mirror of it")
      ->capture_default_str();
  fetch->add_option("--format", args->format, "Download the offer file as JSON or CSV (the same prices)")
      ->check(CLI::IsMember({"json", "csv"}))
      ->capture_default_str();
  fetch->add_option("-o,--output", args->output,
                    "Write the table here (\"-\": stdout) instead of the cache, whole or not at all");
  fetch
      ->add_option("--timeout", args->options.idleTimeoutSeconds,
                   "Give up when connecting, or waiting for the next byte, takes this many seconds")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  runners.emplace_back(fetch, [args] { return runFetch(*args); });
}

}  // namespace

Runner registerPricing(CLI::App& app) {
  app.require_subcommand(1);
  CLI::App* import =
      app.add_subcommand("import", "Build a price table from EC2 offer files (JSON or CSV) and spot price histories");
  import->footer(kImportDescription);
  auto args = std::make_shared<ImportArgs>();
  import->add_option("files", args->files, "Offer files and spot price histories (\"-\": standard input)")->required();
  import->add_option("--input-format", args->format, "Read every file as this format instead of detecting it")
      ->check(CLI::IsMember({"offer-json", "offer-csv", "spot-history", "get-products", "instance-type-offerings",
                             "describe-instance-types"}));
  import
      ->add_option("--spot-statistic", args->spotStatistic,
                   "A type's spot price across zones: median (default; of an even count, the mean of the middle "
                   "two) or min")
      ->check(CLI::IsMember({"min", "median"}));
  import->add_option("-o,--output", args->output, "Write the table here, whole or not at all (default: stdout)");
  std::vector<std::pair<CLI::App*, Runner>> runners{{import, [args] { return runImport(*args); }}};
  addFetch(app, runners);
  return [runners] {
    for (const auto& [sub, run] : runners) {
      if (sub->parsed()) return run();
    }
    return 2;
  };
}

}  // namespace gpuslice::cli
