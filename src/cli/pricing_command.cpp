// gpuslice pricing import: a price table from the EC2 offer files AWS publishes.
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "io/catalog_reader.h"
#include "io/files.h"
#include "io/pricing_import.h"

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
    "pieces. The price of a type is its plain Linux one:\n"
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
  for (const std::string& f : a.files) {
    auto in = io::readPricingFile(f, options, *catalog);
    if (!in) return report(in.errors());
    inputs.push_back(std::move(*in));
  }
  auto text = io::priceTableYaml(inputs, *catalog);
  if (!text) return report(text.errors());
  if (auto e = io::writeFileAtomic(a.output, *text)) return report(*e);
  return 0;
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
  return [args] { return runImport(*args); };
}

}  // namespace gpuslice::cli
