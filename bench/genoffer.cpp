// Writes a synthetic EC2 offer file (the Price List bulk file of one region) in JSON or CSV,
// shaped like AWS's: many SKUs per instance type (operating systems, tenancies, capacity
// statuses, Capacity Blocks), non-instance products, an on-demand term per SKU and twelve
// reserved terms per instance SKU (two with an upfront fee). Prices are invented; the same
// arguments give the same bytes. Used by bench/pricing.sh and for tests/data/aws/.
//
//   gpuslice-genoffer [--format json|csv] [--filler N] [--terms-first] [--lean] [--gpu-types N]
//                     [--region eu-west-1|us-west-2] > FILE
//
// --filler N: non-GPU instance types' products (each with the SKU variants above) and as many
// storage and data-transfer products; about 50 KB of JSON each. --lean: reserved terms only for
// the plain Linux SKU of each type, and --gpu-types N: the first N GPU types only (for small
// test fixtures). --region us-west-2: that region's names and every price times 0.9.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "random.h"

namespace {

struct Type {
  std::string name;
  int vcpu;
  std::string memory;  // GiB, as the offer writes it
  std::string gpu;     // "NA" for no GPU
  double price;        // Linux on-demand, USD per hour
};

/// One product: its SKU, family and attributes in offer order (JSON key, CSV column, value).
struct Attr {
  const char* key;
  const char* column;
  std::string value;
};
struct Product {
  std::string sku;
  std::string family;
  std::vector<Attr> attrs;
  double price;  // on-demand; 0 for a Capacity Block
  bool reserved;
};

struct Options {
  bool csv = false;
  bool termsFirst = false;
  bool lean = false;
  std::size_t gpuTypes =
      99;  // the first N GPU types only  // reserved terms for the plain Linux SKUs only (small test fixtures)
  int filler = 0;
  std::string region = "eu-west-1";
  std::string location = "EU (Ireland)";
  std::string usagePrefix = "EU-";
  double priceFactor = 1.0;  // every price times this (another region's invented prices)
};

const char* const kReservedCodes[] = {"4NA7Y494T4", "6QCMYABX3D", "7NE97W5U4E", "BPH4J8HBKS",
                                      "CUZHX8X6JH", "HU7G6KETJZ", "MZU6U2429S", "NQ3QZPMQV9",
                                      "R5XV2EPZQZ", "VJWZNREJX2", "Z2E3P23VKM", "38NPMPTW36"};

std::string skuOf(std::uint64_t n) {
  static const char kChars[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
  std::uint64_t s = n * 0x9e3779b97f4a7c15ULL + 12345;
  std::string out;
  for (int i = 0; i < 16; ++i) out += kChars[gpuslice::bench::splitmix64(s) % (sizeof(kChars) - 1)];
  return out;
}

std::string money(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10f", v);
  return buf;
}

/// The SKU variants of one instance type, as EC2 lists them.
void addInstance(const Options& o, const Type& t, bool gpuFamily, std::vector<Product>& out, std::uint64_t& serial) {
  const bool metal = t.name.find(".metal") != std::string::npos;
  const bool capacityBlock = t.name.rfind("p4d", 0) == 0 || t.name.rfind("p5", 0) == 0;
  struct Variant {
    const char* os;
    const char* tenancy;
    const char* capacity;
    const char* market;
    const char* operation;
    const char* license;
    double factor;
  };
  std::vector<Variant> variants = {
      {"Linux", metal ? "Dedicated" : "Shared", "Used", "OnDemand", "RunInstances", "No License required", 1.0},
      {"Windows", "Shared", "Used", "OnDemand", "RunInstances:0002", "No License required", 1.35},
      {"RHEL", "Shared", "Used", "OnDemand", "RunInstances:0010", "No License required", 1.12},
      {"Linux", "Shared", "UnusedCapacityReservation", "OnDemand", "RunInstances", "No License required", 1.0},
  };
  if (!metal)
    variants.push_back({"Linux", "Dedicated", "Used", "OnDemand", "RunInstances", "No License required", 1.1});
  if (capacityBlock)
    variants.push_back({"Linux", "Shared", "Used", "CapacityBlock", "RunInstances:CB", "No License required", 0});
  for (const Variant& v : variants) {
    Product p;
    p.sku = skuOf(serial++);
    p.family = metal ? "Compute Instance (bare metal)" : "Compute Instance";
    const std::string usage =
        o.usagePrefix + (std::strcmp(v.tenancy, "Dedicated") == 0 ? "DedicatedUsage:" : "BoxUsage:") + t.name;
    p.attrs = {{"servicecode", "serviceCode", "AmazonEC2"},
               {"location", "Location", o.location},
               {"locationType", "Location Type", "AWS Region"},
               {"instanceType", "Instance Type", t.name},
               {"currentGeneration", "Current Generation", "Yes"},
               {"instanceFamily", "Instance Family", gpuFamily ? "GPU instance" : "General purpose"},
               {"vcpu", "vCPU", std::to_string(t.vcpu)},
               {"physicalProcessor", "Physical Processor", "Intel Xeon Platinum 8259 (Cascade Lake)"},
               {"clockSpeed", "Clock Speed", "2.5 GHz"},
               {"memory", "Memory", t.memory + " GiB"},
               {"storage", "Storage", "1 x 125 NVMe SSD"},
               {"networkPerformance", "Network Performance", "Up to 25 Gigabit"},
               {"processorArchitecture", "Processor Architecture", "64-bit"},
               {"tenancy", "Tenancy", v.tenancy},
               {"operatingSystem", "Operating System", v.os},
               {"licenseModel", "License Model", v.license},
               {"usagetype", "usageType", usage},
               {"operation", "operation", v.operation},
               {"availabilityzone", "AvailabilityZone", "NA"},
               {"capacitystatus", "CapacityStatus", v.capacity},
               {"ecu", "ECU", "NA"},
               {"gpu", "GPU", t.gpu},
               {"gpuMemory", "GPU Memory", "NA"},
               {"marketoption", "MarketOption", v.market},
               {"normalizationSizeFactor", "Normalization Size Factor", "8"},
               {"preInstalledSw", "Pre Installed S/W", "NA"},
               {"processorFeatures", "Processor Features", "Intel AVX, Intel AVX2, Intel AVX512, Intel Turbo"},
               {"regionCode", "Region Code", o.region},
               {"servicename", "serviceName", "Amazon Elastic Compute Cloud"}};
    p.price = t.price * v.factor * o.priceFactor;
    p.reserved = v.factor > 0 && std::strcmp(v.capacity, "Used") == 0 && (!o.lean || &v == &variants.front());
    out.push_back(std::move(p));
  }
}

void addOther(const Options& o, int i, std::vector<Product>& out, std::uint64_t& serial) {
  Product p;
  p.sku = skuOf(serial++);
  const bool storage = i % 2 == 0;
  p.family = storage ? "Storage" : "Data Transfer";
  p.attrs = {{"servicecode", "serviceCode", "AmazonEC2"},
             {"location", "Location", o.location},
             {"locationType", "Location Type", "AWS Region"},
             {"usagetype", "usageType",
              o.usagePrefix + (storage ? "EBS:VolumeUsage.gp" : "DataTransfer-Out-Bytes") + std::to_string(i)},
             {"operation", "operation", storage ? "CreateVolume-Gp3" : ""},
             {"regionCode", "Region Code", o.region},
             {"servicename", "serviceName", "Amazon Elastic Compute Cloud"}};
  p.price = 0.08 + (i % 17) * 0.001;
  p.reserved = false;
  out.push_back(std::move(p));
}

std::vector<Product> products(const Options& o) {
  // NVIDIA types the built-in catalog knows, a metal size, an ML type with Capacity Blocks, an
  // Arm type and an AMD GPU type (not NVIDIA: the importer leaves it out).
  const std::vector<Type> gpus = {
      {"g4dn.xlarge", 4, "16", "1", 0.587},       {"g4dn.12xlarge", 48, "192", "4", 4.362},
      {"g4dn.metal", 96, "384", "8", 8.724},      {"g5.xlarge", 4, "16", "1", 1.123},
      {"g5g.xlarge", 4, "8", "1", 0.469},         {"g6.xlarge", 4, "16", "1", 0.8977},
      {"p4d.24xlarge", 96, "1152", "8", 24.4662}, {"g4ad.xlarge", 4, "16", "1", 0.4059},
  };
  std::vector<Product> out;
  std::uint64_t serial = 1;
  for (std::size_t i = 0; i < gpus.size() && i < o.gpuTypes; ++i) addInstance(o, gpus[i], true, out, serial);
  gpuslice::bench::Random rng(20261207);
  const char* families[] = {"m5", "c5", "r5", "m6i", "c6i", "r6i", "m7i", "c7g", "t3", "x2idn"};
  const char* sizes[] = {"large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge"};
  for (int i = 0; i < o.filler; ++i) {
    const int s = static_cast<int>(rng.next() % 8);
    const int vcpu = s == 0 ? 2 : 4 << (s - 1);
    Type t{std::string(families[i % 10]) + "." + sizes[s] + (i >= 80 ? "-v" + std::to_string(i / 80) : ""), vcpu,
           std::to_string(vcpu * 4), "NA", 0.0213 * vcpu + static_cast<double>(rng.next() % 1000) / 1e5};
    addInstance(o, t, false, out, serial);
    addOther(o, i, out, serial);
  }
  return out;
}

/// The terms of a SKU: one on-demand, and twelve reserved for instance SKUs in use.
struct Term {
  bool reserved;
  const char* code;
  const char* length;
  const char* purchase;
  const char* offeringClass;
  double hourly;
  double upfront;  // < 0: no upfront dimension
};

std::vector<Term> termsOf(const Product& p) {
  std::vector<Term> out = {{false, "JRTCKXETXF", "", "", "", p.price, -1}};
  if (!p.reserved) return out;
  int k = 0;
  for (const char* length : {"1yr", "3yr"}) {
    const double years = length[0] == '1' ? 1 : 3;
    for (const char* cls : {"standard", "convertible"}) {
      const double discount = (years == 1 ? 0.63 : 0.43) * (cls[0] == 's' ? 1.0 : 1.12);
      out.push_back({true, kReservedCodes[k++], length, "No Upfront", cls, p.price * discount, -1});
      out.push_back({true, kReservedCodes[k++], length, "Partial Upfront", cls, p.price * discount * 0.5,
                     p.price * discount * 0.5 * 8760 * years});
      out.push_back(
          {true, kReservedCodes[k++], length, "All Upfront", cls, 0, p.price * discount * 0.98 * 8760 * years});
    }
  }
  return out;
}

void jsonProducts(std::FILE* f, const std::vector<Product>& ps) {
  std::fputs("  \"products\" : {\n", f);
  for (std::size_t i = 0; i < ps.size(); ++i) {
    const Product& p = ps[i];
    std::fprintf(
        f, "    \"%s\" : {\n      \"sku\" : \"%s\",\n      \"productFamily\" : \"%s\",\n      \"attributes\" : {\n",
        p.sku.c_str(), p.sku.c_str(), p.family.c_str());
    for (std::size_t a = 0; a < p.attrs.size(); ++a) {
      std::fprintf(f, "        \"%s\" : \"%s\"%s\n", p.attrs[a].key, p.attrs[a].value.c_str(),
                   a + 1 < p.attrs.size() ? "," : "");
    }
    std::fprintf(f, "      }\n    }%s\n", i + 1 < ps.size() ? "," : "");
  }
  std::fputs("  }", f);
}

void jsonDimension(std::FILE* f, const std::string& rate, const char* unit, double v, const char* what, bool last) {
  std::fprintf(
      f,
      "          \"%s\" : {\n            \"rateCode\" : \"%s\",\n            \"description\" : \"%s\",\n"
      "            \"beginRange\" : \"0\",\n            \"endRange\" : \"Inf\",\n            \"unit\" : \"%s\",\n"
      "            \"pricePerUnit\" : {\n              \"USD\" : \"%s\"\n            },\n            \"appliesTo\" : [ "
      "]\n"
      "          }%s\n",
      rate.c_str(), rate.c_str(), what, unit, money(v).c_str(), last ? "" : ",");
}

void jsonTerms(std::FILE* f, const std::vector<Product>& ps) {
  std::fputs("  \"terms\" : {\n", f);
  for (bool reserved : {false, true}) {
    std::fprintf(f, "    \"%s\" : {\n", reserved ? "Reserved" : "OnDemand");
    bool firstSku = true;
    for (const Product& p : ps) {
      std::vector<Term> ts;
      for (const Term& t : termsOf(p))
        if (t.reserved == reserved) ts.push_back(t);
      if (ts.empty()) continue;
      std::fprintf(f, "%s      \"%s\" : {\n", firstSku ? "" : ",\n", p.sku.c_str());
      firstSku = false;
      for (std::size_t i = 0; i < ts.size(); ++i) {
        const Term& t = ts[i];
        const std::string code = p.sku + "." + t.code;
        std::fprintf(f,
                     "        \"%s\" : {\n        \"offerTermCode\" : \"%s\",\n        \"sku\" : \"%s\",\n"
                     "        \"effectiveDate\" : \"2026-11-01T00:00:00Z\",\n        \"priceDimensions\" : {\n",
                     code.c_str(), t.code, p.sku.c_str());
        jsonDimension(f, code + ".6YS6EN2CT7", "Hrs", t.hourly, "per hour", t.upfront < 0);
        if (t.upfront >= 0) jsonDimension(f, code + ".2TG2D8R56U", "Quantity", t.upfront, "Upfront Fee", true);
        std::fputs("        },\n        \"termAttributes\" : {", f);
        if (reserved) {
          std::fprintf(f,
                       "\n          \"LeaseContractLength\" : \"%s\",\n          \"OfferingClass\" : \"%s\",\n"
                       "          \"PurchaseOption\" : \"%s\"\n        ",
                       t.length, t.offeringClass, t.purchase);
        }
        std::fprintf(f, "}\n        }%s\n", i + 1 < ts.size() ? "," : "");
      }
      std::fputs("      }", f);
    }
    std::fprintf(f, "\n    }%s\n", reserved ? "" : ",");
  }
  std::fputs("  }", f);
}

void writeJson(std::FILE* f, const Options& o, const std::vector<Product>& ps) {
  std::fputs(
      "{\n  \"formatVersion\" : \"v1.0\",\n  \"disclaimer\" : \"Synthetic offer written by gpuslice-genoffer; prices "
      "are invented.\",\n"
      "  \"offerCode\" : \"AmazonEC2\",\n  \"version\" : \"20261201000000\",\n"
      "  \"publicationDate\" : \"2026-12-01T00:00:00Z\",\n",
      f);
  if (o.termsFirst) {
    jsonTerms(f, ps);
    std::fputs(",\n", f);
    jsonProducts(f, ps);
  } else {
    jsonProducts(f, ps);
    std::fputs(",\n", f);
    jsonTerms(f, ps);
  }
  std::fputs(",\n  \"attributesList\" : { }\n}\n", f);
}

void writeCsv(std::FILE* f, const std::vector<Product>& ps) {
  std::fputs(
      "\"FormatVersion\",\"v1.0\"\n\"Disclaimer\",\"Synthetic offer written by gpuslice-genoffer; prices are "
      "invented.\"\n"
      "\"Publication Date\",\"2026-12-01T00:00:00Z\"\n\"Version\",\"20261201000000\"\n\"OfferCode\",\"AmazonEC2\"\n",
      f);
  const std::vector<Attr>& columns = ps.front().attrs;  // an instance product: every column
  std::fputs(
      "\"SKU\",\"OfferTermCode\",\"RateCode\",\"TermType\",\"PriceDescription\",\"EffectiveDate\",\"StartingRange\","
      "\"EndingRange\",\"Unit\",\"PricePerUnit\",\"Currency\",\"RelatedTo\",\"LeaseContractLength\",\"PurchaseOption\","
      "\"OfferingClass\",\"Product Family\"",
      f);
  for (const Attr& a : columns) std::fprintf(f, ",\"%s\"", a.column);
  std::fputs("\n", f);
  for (bool reserved : {false, true}) {
    for (const Product& p : ps) {
      for (const Term& t : termsOf(p)) {
        if (t.reserved != reserved) continue;
        for (int dim = 0; dim < (t.upfront < 0 ? 1 : 2); ++dim) {
          const std::string code = p.sku + "." + t.code + (dim == 0 ? ".6YS6EN2CT7" : ".2TG2D8R56U");
          std::fprintf(f,
                       "\"%s\",\"%s\",\"%s\",\"%s\",\"%s\",\"2026-11-01\",\"0\",\"Inf\",\"%s\",\"%s\",\"USD\",,\"%s\","
                       "\"%s\",\"%s\",\"%s\"",
                       p.sku.c_str(), t.code, code.c_str(), reserved ? "Reserved" : "OnDemand",
                       dim == 0 ? "per hour" : "Upfront Fee", dim == 0 ? "Hrs" : "Quantity",
                       money(dim == 0 ? t.hourly : t.upfront).c_str(), t.length, t.purchase, t.offeringClass,
                       p.family.c_str());
          for (const Attr& c : columns) {
            const Attr* have = nullptr;
            for (const Attr& a : p.attrs) {
              if (std::strcmp(a.key, c.key) == 0) have = &a;
            }
            if (have && !have->value.empty())
              std::fprintf(f, ",\"%s\"", have->value.c_str());
            else
              std::fputs(",", f);
          }
          std::fputs("\n", f);
        }
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--format" && i + 1 < argc) {
      o.csv = std::string(argv[++i]) == "csv";
    } else if (a == "--filler" && i + 1 < argc) {
      o.filler = std::stoi(argv[++i]);
    } else if (a == "--gpu-types" && i + 1 < argc) {
      o.gpuTypes = static_cast<std::size_t>(std::stoi(argv[++i]));
    } else if (a == "--region" && i + 1 < argc && std::strcmp(argv[i + 1], "eu-west-1") == 0) {
      ++i;  // the default
    } else if (a == "--region" && i + 1 < argc && std::strcmp(argv[i + 1], "us-west-2") == 0) {
      ++i;
      o.region = "us-west-2";
      o.location = "US West (Oregon)";
      o.usagePrefix = "USW2-";
      o.priceFactor = 0.9;
    } else if (a == "--lean") {
      o.lean = true;
    } else if (a == "--terms-first") {
      o.termsFirst = true;
    } else {
      std::fprintf(
          stderr,
          "usage: gpuslice-genoffer [--format json|csv] [--filler N] [--terms-first] [--lean] [--gpu-types N]\n"
          "       [--region eu-west-1|us-west-2]\n");
      return 2;
    }
  }
  const std::vector<Product> ps = products(o);
  static char buffer[1 << 20];
  std::setvbuf(stdout, buffer, _IOFBF, sizeof buffer);
  if (o.csv)
    writeCsv(stdout, ps);
  else
    writeJson(stdout, o, ps);
  return std::fflush(stdout) == 0 ? 0 : 1;
}
