#include "planner/classes.h"

#include <fmt/format.h>
#include <map>
#include <string>

#include "planner/diagnostics.h"
#include "planner/fit.h"

namespace gpuslice::detail {

std::vector<WorkloadClass> formClasses(const PlanContext& ctx, const std::vector<Workload>& ws,
                                       std::vector<Misfit>& misfits) {
  std::vector<WorkloadClass> classes;  // in order of first appearance
  std::map<std::vector<int>, std::size_t> classOf;
  std::map<std::string, std::size_t> classOfKey;
  for (std::size_t wi = 0; wi < ws.size(); ++wi) {
    const Workload& w = ws[wi];
    std::string key = w.gpuModel;
    key += static_cast<char>('0' + w.arch);
    if (w.gpuVariantMiB) key += fmt::format("@{}", *w.gpuVariantMiB);
    for (const std::string& g : w.instanceTypes) key += '\0' + g;
    auto cached = classOfKey.find(key);
    if (cached == classOfKey.end()) {
      std::vector<int> admitted;
      for (std::size_t k = 0; k < ctx.candidates.size(); ++k) {
        if (admits(ctx, w, ctx.candidates[k])) admitted.push_back(static_cast<int>(k));
      }
      auto [it, inserted] = classOf.emplace(admitted, classes.size());
      if (inserted) classes.push_back({std::move(admitted), {}});
      cached = classOfKey.emplace(std::move(key), it->second).first;
    }
    WorkloadClass& c = classes[cached->second];
    if (auto why = whyInfeasible(ctx, w, c.candidates)) {
      misfits.push_back({wi, std::move(*why)});
      continue;
    }
    c.members.push_back(wi);
  }
  std::vector<WorkloadClass> sorted;
  sorted.reserve(classes.size());
  for (const auto& [candidates, index] : classOf) {
    if (!classes[index].members.empty()) sorted.push_back(std::move(classes[index]));
  }
  return sorted;
}

ErrorList misfitErrors(const std::vector<Workload>& ws, const std::vector<Misfit>& misfits,
                       const std::string& qualifier) {
  ErrorList errors;
  errors.reserve(misfits.size());
  for (const Misfit& m : misfits) {
    const Workload& w = ws[m.workload];
    errors.push_back(workloadError(w, ErrorKind::Infeasible, "",
                                   fmt::format("{} fits nowhere{}: {}", w.qualifiedName(), qualifier, m.why)));
  }
  return errors;
}

}  // namespace gpuslice::detail
