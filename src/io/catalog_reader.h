// Reading the price table and the GPU-model table (built in, or the user's own).
#pragma once

#include <string>
#include <string_view>

#include "model/catalog.h"
#include "model/error.h"

namespace gpuslice::io {

/// Decodes a `kind: PriceTable` document (format: pricing/aws-us-east-1.yaml) into
/// `catalog`'s region, date, source and instance types, keeping its GPU models. A row without
/// `eni` or `status` takes them from `catalog`'s own row of the same name (the built-in table's,
/// as loadCatalog passes it), marked FactOrigin::BuiltIn; without such a row they stay
/// FactOrigin::Assumed (no ENI limits; current). `catalog`'s rows the document lacks become
/// the catalog's absentTypes, without prices.
Result<Catalog> readPriceTable(std::string_view text, const std::string& file, Catalog catalog);

/// Decodes a `kind: GpuCatalog` document (format: catalog/gpus.yaml).
Result<std::vector<GpuModel>> readGpuTable(std::string_view text, const std::string& file);

/// The catalog compiled into the binary: us-east-1 prices, the GPU-model table, the MIG
/// profiles and the driver table.
Result<Catalog> builtinCatalog();

/// The built-in catalog, or, when `pricingFile` is given, the built-in GPU-model table with
/// that file's price table in place of the built-in one.
Result<Catalog> loadCatalog(const std::string& pricingFile);

}  // namespace gpuslice::io
