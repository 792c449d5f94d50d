// JsonStream (io/json_stream.h) against an independent JSON parser, Boost.JSON's basic_parser:
// both must accept the same texts with the same events, and refuse the same texts. Used by
// the unit tests and by the fuzz_profile target, which looks for a text they disagree on.
#pragma once

#include <boost/json/basic_parser_impl.hpp>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "io/json_stream.h"

namespace gpuslice::test {

/// The events of a JSON text as one string: { } [ ] k:key s:string n:number t f 0.
struct JsonEvents {
  std::string out;
  std::string part;  // Boost's pieces of a key or string
  bool beginObject() { return out += "{", true; }
  bool endObject() { return out += "}", true; }
  bool beginArray() { return out += "[", true; }
  bool endArray() { return out += "]", true; }
  bool key(std::string_view k) { return out.append("k:").append(k) += '|', true; }
  bool string(std::string_view s) { return out.append("s:").append(s) += '|', true; }
  bool number(double v) {
    // Boost 1.81 may round a long decimal one unit in the last place away from the nearest
    // double (its precise mode came later); 12 significant digits compare what both read.
    char text[40];
    std::snprintf(text, sizeof text, "n:%.12g|", v == 0 ? 0.0 : v);
    return out += text, true;
  }
  bool literal(io::JsonLiteral l) {
    return out += l == io::JsonLiteral::True ? "t" : l == io::JsonLiteral::False ? "f" : "0", true;
  }
};

/// The basic_parser handler that writes JsonEvents.
struct BoostEvents {
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);
  JsonEvents e;
  using ec = boost::json::error_code;
  using sv = boost::json::string_view;
  bool on_document_begin(ec&) { return true; }
  bool on_document_end(ec&) { return true; }
  bool on_object_begin(ec&) { return e.beginObject(); }
  bool on_object_end(std::size_t, ec&) { return e.endObject(); }
  bool on_array_begin(ec&) { return e.beginArray(); }
  bool on_array_end(std::size_t, ec&) { return e.endArray(); }
  bool on_key_part(sv s, std::size_t, ec&) { return e.part.append(s.data(), s.size()), true; }
  bool on_key(sv s, std::size_t, ec&) { return whole(s, true); }
  bool on_string_part(sv s, std::size_t, ec&) { return e.part.append(s.data(), s.size()), true; }
  bool on_string(sv s, std::size_t, ec&) { return whole(s, false); }
  bool on_number_part(sv, ec&) { return true; }
  bool on_int64(std::int64_t v, sv, ec&) { return e.number(static_cast<double>(v)); }
  bool on_uint64(std::uint64_t v, sv, ec&) { return e.number(static_cast<double>(v)); }
  bool on_double(double v, sv, ec&) { return e.number(v); }
  bool on_bool(bool b, ec&) { return e.literal(b ? io::JsonLiteral::True : io::JsonLiteral::False); }
  bool on_null(ec&) { return e.literal(io::JsonLiteral::Null); }
  bool on_comment_part(sv, ec&) { return true; }
  bool on_comment(sv, ec&) { return true; }
  bool whole(sv s, bool isKey) {
    e.part.append(s.data(), s.size());
    const std::string text = std::move(e.part);
    e.part.clear();
    return isKey ? e.key(text) : e.string(text);
  }
};

/// JsonStream's events for `text` fed in two pieces cut at `cut`, or nullopt when it refuses
/// the text.
inline std::optional<std::string> streamEvents(std::string_view text, std::size_t cut) {
  JsonEvents events;
  io::JsonStream<JsonEvents> stream(events);
  cut = std::min(cut, text.size());
  if (!stream.feed(text.substr(0, cut)) || !stream.feed(text.substr(cut)) || !stream.finish()) return std::nullopt;
  return events.out;
}

/// Boost's events for `text`, or nullopt when it refuses it. Spaces may follow the document,
/// nothing else.
inline std::optional<std::string> boostEvents(std::string_view text) {
  boost::json::parse_options options;
  options.max_depth = io::JsonStream<JsonEvents>::kMaxDepth;
  boost::json::basic_parser<BoostEvents> parser(options);
  boost::json::error_code ec;
  const std::size_t used = parser.write_some(false, text.data(), text.size(), ec);
  if (ec || !parser.done()) return std::nullopt;
  if (text.substr(used).find_first_not_of(" \t\r\n") != std::string_view::npos) return std::nullopt;
  return parser.handler().e.out;
}

/// Where the two disagree on `text`, in words; nullopt when they agree. Numbers too large
/// for a double are left out: Boost reads them as infinity, JsonStream refuses them.
inline std::optional<std::string> jsonDifference(std::string_view text, std::size_t cut) {
  const auto ours = streamEvents(text, cut);
  const auto boost = boostEvents(text);
  if (ours == boost) return std::nullopt;
  if (boost && boost->find("n:inf") != std::string::npos) return std::nullopt;
  if (boost && boost->find("n:-inf") != std::string::npos) return std::nullopt;
  return "JsonStream " + (ours ? "accepts: " + *ours : std::string("refuses")) + "\nBoost.JSON " +
         (boost ? "accepts: " + *boost : std::string("refuses"));
}

}  // namespace gpuslice::test
