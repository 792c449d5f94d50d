// Where `gpuslice pricing fetch` keeps the price tables it fetched, and which table a region
// is planned with.
#pragma once

#include <optional>
#include <string>

#include "model/catalog.h"
#include "model/error.h"

namespace gpuslice::io {

/// The folder of cached price tables: $XDG_CACHE_HOME/gpuslice, or $HOME/.cache/gpuslice when
/// XDG_CACHE_HOME is unset, empty or not an absolute path (the XDG base directory rule);
/// nullopt when HOME is not usable either. The arguments are the variables' values (nullptr:
/// unset).
std::optional<std::string> priceCacheDir(const char* xdgCacheHome, const char* home);

/// priceCacheDir of this process's environment.
std::optional<std::string> userPriceCacheDir();

/// The cached table of `region` in `dir`: <dir>/aws-<region>.yaml.
std::string priceCacheFile(const std::string& dir, const std::string& region);

/// A catalog, and the cached table its prices came from (empty when they did not).
struct RegionCatalog {
  Catalog catalog;
  std::string cachedFile;
};

/// The catalog to price `region` with: `pricingFile`'s table when one is given; else the table
/// cached for `region` in `cacheDir` when that file exists (and `region` is a region code);
/// else the built-in one. The caller checks that the table covers `region`.
Result<RegionCatalog> loadCatalogForRegion(const std::string& pricingFile, const std::string& region,
                                           const std::optional<std::string>& cacheDir);

}  // namespace gpuslice::io
