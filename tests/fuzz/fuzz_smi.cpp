// libFuzzer target: any bytes as an nvidia-smi --format=csv log must give rows or one clean
// error, never a crash, a hang or undefined behaviour.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "io/smi_csv.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  gpuslice::io::SmiCsvReader reader("fuzz.csv", [](const gpuslice::io::SmiRow&) {});
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    if (reader.line(text.substr(0, nl))) return 0;
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
  }
  (void)reader.finish();
  return 0;
}
