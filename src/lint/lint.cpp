#include "lint/lint.h"

#include <algorithm>

#include "lint/checks.h"
#include "lint/cluster.h"
#include "lint/manifests.h"

namespace gpuslice::lint {

Result<std::vector<Finding>> lintSources(const std::vector<Source>& sources, const Catalog& catalog) {
  auto read = readManifests(sources);
  if (!read) return read.errors();
  const Manifests& m = *read;
  const Cluster cl = buildCluster(m, catalog);
  std::vector<Finding> out = m.findings;
  checkKarpenterApis(m, out);
  checkMigRequests(cl, catalog, out);
  checkDevicePlugin(m, cl, out);
  checkMigParted(m, cl, catalog, out);
  checkPlacement(m, cl, catalog, out);
  auto fileIndex = [&](const std::string& f) {
    return std::find_if(sources.begin(), sources.end(), [&](const Source& s) { return s.file == f; }) - sources.begin();
  };
  std::stable_sort(out.begin(), out.end(), [&](const Finding& a, const Finding& b) {
    const auto fa = fileIndex(a.file), fb = fileIndex(b.file);
    if (fa != fb) return fa < fb;
    if (a.line != b.line) return a.line < b.line;
    return a.code < b.code;
  });
  // One mistake found twice (a Helm strategy against two MPS configs) is one finding.
  out.erase(std::unique(out.begin(), out.end(),
                        [](const Finding& a, const Finding& b) {
                          return a.file == b.file && a.line == b.line && a.code == b.code && a.message == b.message;
                        }),
            out.end());
  return out;
}

}  // namespace gpuslice::lint
