#include "io/prom_response.h"

#include <fmt/format.h>

#include <sys/stat.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>

#include "io/json_stream.h"
#include "io/progress.h"
#include "io/stream_position.h"

namespace gpuslice::io {

const std::string* findLabel(const Labels& labels, std::string_view name) {
  for (const Label& l : labels) {
    if (l.name == name) return &l.value;
  }
  return nullptr;
}

std::optional<double> parseSampleValue(std::string_view s) {
  // Most DCGM values are small integers: read those without from_chars (a fifth of the time).
  if (!s.empty() && s.size() <= 15 && s.front() >= '0' && s.front() <= '9') {
    std::int64_t v = 0;
    std::size_t i = 0;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) v = v * 10 + (s[i] - '0');
    if (i == s.size()) return static_cast<double>(v);
    // A short decimal ("0.4231", the ratios): at most 15 digits, so the digits and the power of
    // ten are exact doubles and one division rounds correctly, as from_chars would.
    if (s[i] == '.' && i + 1 < s.size()) {
      const std::size_t point = i++;
      for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) v = v * 10 + (s[i] - '0');
      if (i == s.size() && s.size() <= 16) {
        static constexpr double kTens[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                           1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
        return static_cast<double>(v) / kTens[s.size() - point - 1];
      }
    }
  }
  if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (s == "+Inf" || s == "Inf") return std::numeric_limits<double>::infinity();
  if (s == "-Inf") return -std::numeric_limits<double>::infinity();
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

namespace {

constexpr double kLatestTime = 1e11;  ///< unix seconds: the year 5138

/// What a JSON value is to the response, from where it sits.
enum class Slot : std::uint8_t {
  Skip,        // not read: warnings, infos, unknown keys
  Root,        // the response object
  Status,      // "status"
  ErrorType,   // "errorType"
  ErrorText,   // "error"
  Data,        // "data"
  ResultType,  // "data.resultType"
  Result,      // "data.result"
  Series,      // one item of the result
  Metric,      // its "metric" (labels)
  Label,       // one label value
  Values,      // its "values" (matrix)
  Pair,        // one sample [time, "value"], or a vector's "value"
};

struct Frame {
  Slot slot;
  bool object;
  std::uint64_t items = 0;  // values read so far in this container
};

/// The JsonStream handler: follows where each value sits and passes series and samples on.
/// A problem stops the reading with `problem` set.
struct Handler {
  SeriesSink* sink = nullptr;
  std::vector<Frame> stack;
  Slot keySlot = Slot::Skip;  // the slot of the value after the last key
  std::string labelName;
  Labels labels;
  bool sawMetric = false;
  std::vector<std::pair<double, double>> early;  // samples before their series' "metric"
  double time = 0;
  std::optional<std::string> status, errorType, errorText, resultType;
  bool sawResult = false;
  std::string problem;
  std::string problemField;

  bool fail(std::string message) {
    problemField = field();
    problem = std::move(message);
    return false;
  }

  /// The path of the value being read, such as data.result[3].values[17].
  std::string field() const {
    std::string f;
    for (const Frame& fr : stack) {
      if (fr.slot == Slot::Data) f += "data";
      if (fr.slot == Slot::Result) f += fmt::format(".result[{}]", fr.items);
      if (fr.slot == Slot::Metric) f += ".metric";
      if (fr.slot == Slot::Values) f += fmt::format(".values[{}]", fr.items);
    }
    return f;
  }

  Slot slotOfNext() const {
    if (stack.empty()) return Slot::Root;
    const Frame& top = stack.back();
    if (top.object) return keySlot;
    if (top.slot == Slot::Result) return Slot::Series;
    if (top.slot == Slot::Values) return Slot::Pair;
    if (top.slot == Slot::Pair) return Slot::Pair;  // an element of a sample: checked by the caller
    return Slot::Skip;
  }

  bool open(bool object) {
    const Slot s = slotOfNext();
    if (!stack.empty() && stack.back().slot == Slot::Pair && !stack.back().object) {
      return fail("a sample is [unix seconds, \"value\"], got a nested " + std::string(object ? "object" : "array"));
    }
    if (!shapeFits(s, object)) return false;
    if (s == Slot::Series) {
      labels.clear();
      early.clear();
      sawMetric = false;
    }
    if (s == Slot::Result) sawResult = true;
    stack.push_back(Frame{s, object});
    keySlot = Slot::Skip;
    return true;
  }

  bool shapeFits(Slot s, bool object) {
    switch (s) {
      case Slot::Skip: return true;
      case Slot::Root: return object || fail("not a Prometheus API response: expected a JSON object");
      case Slot::Data:
      case Slot::Series:
      case Slot::Metric: return object || fail("expected a JSON object, got an array");
      case Slot::Result:
      case Slot::Values:
      case Slot::Pair: return !object || fail("expected a JSON array, got an object");
      default: return fail("expected a string, got " + std::string(object ? "an object" : "an array"));
    }
  }

  bool close() {
    const Frame done = stack.back();
    if (done.slot == Slot::Pair && done.items != 2) {
      return fail(fmt::format("a sample is [unix seconds, \"value\"], got {} item(s)", done.items));
    }
    if (done.slot == Slot::Metric) startSeries();
    if (done.slot == Slot::Series && !sawMetric) startSeries();
    stack.pop_back();
    if (!stack.empty()) ++stack.back().items;
    return true;
  }

  void startSeries() {
    sawMetric = true;
    sink->series(labels);
    for (const auto& [t, v] : early) sink->sample(t, v);
    early.clear();
  }

  bool key(std::string_view k) {
    const Slot at = stack.back().slot;
    keySlot = Slot::Skip;
    if (at == Slot::Root) {
      if (k == "status") keySlot = Slot::Status;
      if (k == "errorType") keySlot = Slot::ErrorType;
      if (k == "error") keySlot = Slot::ErrorText;
      if (k == "data") keySlot = Slot::Data;
    } else if (at == Slot::Data) {
      if (k == "resultType") keySlot = Slot::ResultType;
      if (k == "result") keySlot = Slot::Result;
    } else if (at == Slot::Series) {
      if (k == "metric") keySlot = Slot::Metric;
      if (k == "values") keySlot = Slot::Values;
      if (k == "value") keySlot = Slot::Pair;
    } else if (at == Slot::Metric) {
      keySlot = Slot::Label;
      labelName.assign(k);
    }
    return true;
  }

  /// A string, number, bool or null; `text` is the string (nullopt for the others).
  bool scalar(std::optional<std::string_view> text, std::optional<double> number) {
    const Slot s = slotOfNext();
    if (s == Slot::Root) return fail("not a Prometheus API response: expected a JSON object");
    if (s == Slot::Pair && stack.back().slot != Slot::Pair)
      return fail("a sample is [unix seconds, \"value\"], got a scalar");
    const bool ok = s == Slot::Pair ? sampleItem(text, number) : named(s, text);
    if (ok && !stack.empty()) ++stack.back().items;
    return ok;
  }

  bool named(Slot s, std::optional<std::string_view> text) {
    if (s == Slot::Skip) return true;
    if (!text) return fail(s == Slot::Label ? "label " + labelName + ": expected a string" : "expected a string");
    switch (s) {
      case Slot::Status: status.emplace(*text); return true;
      case Slot::ErrorType: errorType.emplace(*text); return true;
      case Slot::ErrorText: errorText.emplace(*text); return true;
      case Slot::ResultType:
        resultType.emplace(*text);
        return *text == "matrix" || *text == "vector" ||
               fail(fmt::format("resultType \"{}\": a range query (matrix) or an instant query (vector) is needed",
                                *text));
      case Slot::Label: labels.push_back(Label{labelName, std::string(*text)}); return true;
      default: return fail("expected a JSON object or array, got a scalar");
    }
  }

  bool sampleItem(std::optional<std::string_view> text, std::optional<double> number) {
    const std::uint64_t index = stack.back().items;
    if (index == 0) {
      if (!number) return fail("a sample's time must be a number (unix seconds)");
      // Unix seconds of this era or a later one: a time far outside (1e300, a negative one)
      // is no Prometheus sample, and would overflow the millisecond times profile keeps.
      if (!(*number >= 0 && *number < kLatestTime)) {
        return fail(fmt::format("a sample's time must be unix seconds from 0 to 1e11, got {}", *number));
      }
      time = *number;
      return true;
    }
    if (index != 1) return fail("a sample is [unix seconds, \"value\"], got more items");
    if (!text) return fail("a sample's value must be a string such as \"37\" or \"NaN\"");
    const std::optional<double> v = parseSampleValue(*text);
    if (!v) return fail(fmt::format("sample value \"{}\" is not a number", text->substr(0, 40)));
    if (sawMetric)
      sink->sample(time, *v);
    else
      early.emplace_back(time, *v);
    return true;
  }

  bool beginObject() { return open(true); }
  bool endObject() { return close(); }
  bool beginArray() { return open(false); }
  bool endArray() { return close(); }
  bool string(std::string_view text) {
    // The usual case first: the value of a sample.
    if (!stack.empty() && stack.back().slot == Slot::Pair && stack.back().items == 1 && sawMetric) {
      if (const std::optional<double> v = parseSampleValue(text)) {
        sink->sample(time, *v);
        ++stack.back().items;
        return true;
      }
    }
    return scalar(text, std::nullopt);
  }
  bool number(double v) { return scalar(std::nullopt, v); }
  /// A sample [time, "value"] read whole; false declines it (then it comes as events, which
  /// say what is wrong with it).
  bool pair(double t, std::string_view value) {
    if (stack.empty() || stack.back().slot != Slot::Values || !sawMetric || !(t >= 0 && t < kLatestTime)) return false;
    const std::optional<double> v = parseSampleValue(value);
    if (!v) return false;
    sink->sample(t, *v);
    ++stack.back().items;
    return true;
  }
  bool literal(JsonLiteral) { return scalar(std::nullopt, std::nullopt); }
};

}  // namespace

struct PromResponseReader::Impl {
  std::string file;
  Handler handler;
  JsonStream<Handler> stream{handler};
  bool failed = false;

  Error error() {
    failed = true;
    if (!handler.problem.empty()) return stream.locate(file, handler.problemField, handler.problem);
    return stream.locate(file, handler.field(), "invalid JSON: " + stream.syntaxError());
  }
};

PromResponseReader::PromResponseReader(std::string file, SeriesSink& sink) : impl_(std::make_unique<Impl>()) {
  impl_->file = std::move(file);
  impl_->handler.sink = &sink;
}

PromResponseReader::~PromResponseReader() = default;

std::optional<Error> PromResponseReader::feed(std::string_view bytes) {
  Impl& m = *impl_;
  if (m.failed) return std::nullopt;
  if (!m.stream.feed(bytes)) return m.error();
  return std::nullopt;
}

std::optional<Error> PromResponseReader::finish() {
  Impl& m = *impl_;
  if (m.failed) return std::nullopt;
  if (!m.stream.finish()) {
    Error e = m.error();
    if (m.stream.syntaxError() == "unexpected end of input") e.message += " (the response ends early)";
    return e;
  }
  const Handler& h = m.handler;
  if (!h.status) return badInput(m.file, 0, "status", "not a Prometheus API response: no \"status\"");
  if (*h.status == "error") {
    return badInput(m.file, 0, "status",
                    fmt::format("Prometheus answered \"error\" ({}): {}", h.errorType.value_or("no errorType"),
                                h.errorText.value_or("no error text")));
  }
  if (*h.status != "success") return badInput(m.file, 0, "status", "must be \"success\" or \"error\"");
  if (!h.resultType || !h.sawResult) return badInput(m.file, 0, "data", "no data.resultType and data.result");
  return std::nullopt;
}

std::optional<Error> readPromResponse(const std::string& path, SeriesSink& sink, Progress* progress) {
  std::FILE* in = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (!in) return badInput(path, 0, "", "cannot open");
  if (progress) {
    struct stat st {};
    const bool sized = in != stdin && fstat(fileno(in), &st) == 0 && S_ISREG(st.st_mode);
    progress->begin(path, sized ? static_cast<std::uint64_t>(st.st_size) : 0);
  }
  PromResponseReader reader(path, sink);
  std::vector<char> buf(64 * 1024);
  std::optional<Error> e;
  while (!e) {
    const std::size_t n = std::fread(buf.data(), 1, buf.size(), in);
    if (n == 0) break;
    e = reader.feed(std::string_view(buf.data(), n));
    if (progress) progress->advance(n);
  }
  const bool readError = std::ferror(in) != 0;
  if (in != stdin) std::fclose(in);
  if (e) return e;
  if (readError) return badInput(path, 0, "", "read error");
  return reader.finish();
}

}  // namespace gpuslice::io
