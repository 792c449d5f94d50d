#include "io/price_cache.h"

#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "io/catalog_reader.h"
#include "io/pricing_fetch.h"

namespace gpuslice::io {

std::optional<std::string> priceCacheDir(const char* xdgCacheHome, const char* home) {
  if (xdgCacheHome && xdgCacheHome[0] == '/') return std::string(xdgCacheHome) + "/gpuslice";
  if (home && home[0] == '/') return std::string(home) + "/.cache/gpuslice";
  return std::nullopt;
}

std::optional<std::string> userPriceCacheDir() {
  return priceCacheDir(std::getenv("XDG_CACHE_HOME"), std::getenv("HOME"));
}

std::string priceCacheFile(const std::string& dir, const std::string& region) {
  return dir + "/aws-" + region + ".yaml";
}

Result<RegionCatalog> loadCatalogForRegion(const std::string& pricingFile, const std::string& region,
                                           const std::optional<std::string>& cacheDir) {
  std::string cached;
  if (pricingFile.empty() && cacheDir && isRegionCode(region)) {
    const std::string file = priceCacheFile(*cacheDir, region);
    std::error_code ec;
    if (std::filesystem::is_regular_file(file, ec)) cached = file;
  }
  auto catalog = loadCatalog(pricingFile.empty() ? cached : pricingFile);
  if (!catalog) return catalog.error();
  return RegionCatalog{std::move(*catalog), cached};
}

}  // namespace gpuslice::io
