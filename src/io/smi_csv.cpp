#include "io/smi_csv.h"

#include <fmt/format.h>

#include <charconv>
#include <cstdio>
#include <ctime>
#include <vector>

namespace gpuslice::io {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> cells(std::string_view line) {
  std::vector<std::string_view> out;
  for (;;) {
    const std::size_t comma = line.find(',');
    out.push_back(trim(line.substr(0, comma)));
    if (comma == std::string_view::npos) return out;
    line.remove_prefix(comma + 1);
  }
}

bool missing(std::string_view cell) { return cell.empty() || cell == "[N/A]" || cell == "[Not Supported]"; }

/// "52 %" or "30994 MiB" or "52" as a number; nullopt when it is none.
std::optional<double> number(std::string_view cell, std::string_view unit) {
  if (!unit.empty() && cell.size() > unit.size() && cell.substr(cell.size() - unit.size()) == unit) {
    cell = trim(cell.substr(0, cell.size() - unit.size()));
  }
  double v = 0;
  const auto r = std::from_chars(cell.data(), cell.data() + cell.size(), v);
  if (cell.empty() || r.ec != std::errc() || r.ptr != cell.data() + cell.size() || !(v >= 0)) return std::nullopt;
  return v;
}

/// "2020/11/12 13:48:11.412" as unix seconds, read as UTC.
std::optional<double> timestamp(std::string_view cell) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0;
  double s = 0;
  const std::string text(cell);
  if (std::sscanf(text.c_str(), "%d/%d/%d %d:%d:%lf", &y, &mo, &d, &h, &mi, &s) != 6) return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || !(s >= 0 && s < 61)) return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  return static_cast<double>(timegm(&tm)) + s;
}

}  // namespace

SmiCsvReader::SmiCsvReader(std::string file, std::function<void(const SmiRow&)> take)
    : file_(std::move(file)), take_(std::move(take)) {}

std::optional<Error> SmiCsvReader::header(std::string_view text) {
  const std::vector<std::string_view> names = cells(text);
  columns_ = names.size();
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string_view n = names[i].substr(0, names[i].find(" ["));
    const int at = static_cast<int>(i);
    if (n == "timestamp") timestamp_ = at;
    if (n == "index") index_ = at;
    if (n == "uuid" || n == "gpu_uuid") uuid_ = at;
    if (n == "name" || n == "gpu_name") name_ = at;
    if (n == "memory.used") memory_ = at;
    if (n == "utilization.gpu") util_ = at;
  }
  if (memory_ < 0 && util_ < 0) {
    return badInput(file_, lineNo_, "header",
                    "not an nvidia-smi --query-gpu --format=csv header: it names neither memory.used nor "
                    "utilization.gpu (a noheader log cannot be read)");
  }
  return std::nullopt;
}

std::optional<Error> SmiCsvReader::line(std::string_view text) {
  ++lineNo_;
  if (trim(text).empty()) return std::nullopt;
  if (columns_ == 0) return header(text);
  const std::vector<std::string_view> c = cells(text);
  if (c.size() != columns_) {
    return badInput(file_, lineNo_, "", fmt::format("{} fields, the header has {}", c.size(), columns_));
  }
  SmiRow row;
  auto cell = [&](int at) { return at < 0 ? std::string_view() : c[static_cast<std::size_t>(at)]; };
  const struct {
    int at;
    const char* unit;
    std::optional<double>* into;
    const char* field;
  } numbers[] = {{memory_, "MiB", &row.memoryUsedMiB, "memory.used"},
                 {util_, "%", &row.utilizationPercent, "utilization.gpu"}};
  for (const auto& n : numbers) {
    if (missing(cell(n.at))) continue;
    *n.into = number(cell(n.at), n.unit);
    if (!*n.into)
      return badInput(file_, lineNo_, n.field, fmt::format("\"{}\" is not a number", cell(n.at).substr(0, 40)));
  }
  if (!missing(cell(timestamp_))) {
    row.unixSeconds = timestamp(cell(timestamp_));
    if (!row.unixSeconds) {
      return badInput(file_, lineNo_, "timestamp",
                      fmt::format("\"{}\" is not YYYY/MM/DD HH:MM:SS.mmm", cell(timestamp_).substr(0, 40)));
    }
  }
  row.device = std::string(!missing(cell(uuid_)) ? cell(uuid_) : !missing(cell(index_)) ? cell(index_) : "0");
  row.name = std::string(missing(cell(name_)) ? "" : cell(name_));
  take_(row);
  return std::nullopt;
}

std::optional<Error> SmiCsvReader::finish() const {
  if (columns_ == 0) return badInput(file_, 0, "", "empty: no nvidia-smi header line");
  return std::nullopt;
}

std::optional<Error> readSmiCsv(const std::string& path, std::function<void(const SmiRow&)> take) {
  std::FILE* in = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (!in) return badInput(path, 0, "", "cannot open");
  SmiCsvReader reader(path, std::move(take));
  std::string line;
  std::optional<Error> e;
  int c = 0;
  while (!e && (c = std::fgetc(in)) != EOF) {
    if (c != '\n') {
      line += static_cast<char>(c);
      continue;
    }
    e = reader.line(line);
    line.clear();
  }
  if (!e && !line.empty()) e = reader.line(line);
  if (in != stdin) std::fclose(in);
  return e ? e : reader.finish();
}

}  // namespace gpuslice::io
