// libFuzzer target: any bytes as a workload file must give a plan or one clean error,
// never a crash, a hang or undefined behaviour.
#include <cstddef>
#include <cstdint>
#include <string>

#include "io/catalog_reader.h"
#include "io/plan_report.h"
#include "io/workload_reader.h"
#include "planner/planner.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const gpuslice::Catalog catalog = *gpuslice::io::builtinCatalog();
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto set = gpuslice::io::readWorkloads({{"fuzz.yaml", text}});
  if (!set) return 0;
  gpuslice::PlanOptions options;
  options.estimateOtherModels = false;
  auto plan = gpuslice::makePlan(*set, catalog, options);
  if (!plan) return 0;
  const gpuslice::io::ReportInput in{*plan, *set, catalog, options};
  (void)gpuslice::io::planJsonText(in);
  (void)gpuslice::io::planYamlText(in);
  (void)gpuslice::io::planTable(in);
  return 0;
}
