// JsonStream: a JSON document read in pieces of any size, as events (object and array begin and
// end, keys, strings, numbers, literals) to a handler, never held whole or as a tree. Errors
// say where: the line, the byte offset and the bytes around it (io/stream_position.h).
//
// Each token reaches the handler whole: a token cut by the end of a piece waits, with the rest
// of its bytes, for the next piece. Strings are checked as parseJson checks them (escapes,
// UTF-8), numbers against JSON's rule, nesting to 256 levels.
#pragma once

#include <array>
#include <bit>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "io/json_text.h"
#include "io/stream_position.h"
#include "model/error.h"

namespace gpuslice::io {

enum class JsonLiteral : std::uint8_t { True, False, Null };

/// `Handler` has bool beginObject(), endObject(), beginArray(), endArray(),
/// key(std::string_view), string(std::string_view), number(double), literal(JsonLiteral);
/// false stops the reading (the handler keeps why).
template <class Handler>
class JsonStream {
 public:
  static constexpr std::size_t kMaxDepth = 256;

  explicit JsonStream(Handler& handler) : h_(handler) {}

  /// Reads the next bytes. False on a syntax error or when the handler stopped; then
  /// syntaxError() says which (empty: the handler) and locate() where.
  bool feed(std::string_view bytes) {
    if (failed_) return false;
    while (!carry_.empty() && !bytes.empty()) {
      // The token cut by the last piece's end: take enough bytes to finish it (twice what
      // is waiting, so a long string is copied a bounded number of times).
      const std::size_t waiting = carry_.size();
      const std::size_t take = std::min(bytes.size(), std::max<std::size_t>(2 * waiting, 64));
      carry_.append(bytes.data(), take);
      std::size_t used = 0;
      if (!run(carry_, true, used)) return false;
      position_.advance(std::string_view(carry_).substr(0, used));
      if (used >= waiting) {  // finished: go on in `bytes`, from where the run stopped
        bytes.remove_prefix(used - waiting);
        carry_.clear();
        break;
      }
      carry_.erase(0, used);
      bytes.remove_prefix(take);
    }
    if (!carry_.empty()) return true;  // all of `bytes` went to the waiting token
    std::size_t used = 0;
    if (!run(bytes, true, used)) return false;
    position_.advance(bytes.substr(0, used));
    carry_.assign(bytes.substr(used));
    return true;
  }

  /// The input ended: reads the last token and checks that the document was whole.
  bool finish() {
    if (failed_) return false;
    std::size_t used = 0;
    if (!run(carry_, false, used)) return false;
    position_.advance(std::string_view(carry_).substr(0, used));
    carry_.clear();
    if (expect_ != Expect::End) {
      failed_ = true;
      error_ = "unexpected end of input";
      errorBuffer_ = {};
      errorAt_ = 0;
      return false;
    }
    return true;
  }

  /// What was wrong with the JSON, or empty when the handler stopped the reading.
  const std::string& syntaxError() const { return error_; }
  /// Whether the whole document has been read.
  bool done() const { return expect_ == Expect::End; }
  /// An error at the failing byte (a syntax error) or at the last byte of the token the
  /// handler refused, with its line and, when the input did not end, its byte offset and the bytes
  /// around it.
  Error locate(const std::string& file, std::string field, const std::string& message) const {
    if (errorBuffer_.empty()) return badInput(file, position_.line, std::move(field), message);
    return position_.located(file, errorBuffer_, errorAt_, std::move(field), message);
  }

 private:
  enum class Expect : std::uint8_t { Value, FirstValueOrEnd, Key, FirstKeyOrEnd, Colon, CommaOrEnd, End };

  static bool isSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

  /// Reads the tokens of `in` that are whole (with `more`, one cut by the end waits); `used`:
  /// the bytes read. False on an error.
  bool run(std::string_view in, bool more, std::size_t& used) {
    const char* const begin = in.data();
    const char* const end = begin + in.size();
    const char* p = begin;
    for (;;) {
      while (p != end && isSpace(*p)) ++p;
      used = static_cast<std::size_t>(p - begin);
      if (p == end) return true;
      const char* next = p;
      const Step step = token(p, end, more, next);
      if (step == Step::Wait) return true;
      // A syntax error is at the byte that is wrong; a token the handler refused, at its last byte.
      if (step == Step::Fail) return fail(in, static_cast<std::size_t>((error_.empty() ? next - 1 : p) - begin));
      p = next;
    }
  }

  enum class Step : std::uint8_t { Done, Wait, Fail };

  Step syntax(std::string message) {
    error_ = std::move(message);
    return Step::Fail;
  }

  /// The token at `p` (not a space): read, handed on, `next` set past it.
  Step token(const char* p, const char* end, bool more, const char*& next) {
    const char c = *p;
    switch (expect_) {
      case Expect::Value:
      case Expect::FirstValueOrEnd:
        if (c == ']' && expect_ == Expect::FirstValueOrEnd) return close(p, next, false);
        return value(p, end, more, next);
      case Expect::Key:
      case Expect::FirstKeyOrEnd:
        if (c == '}' && expect_ == Expect::FirstKeyOrEnd) return close(p, next, true);
        if (c != '"')
          return syntax(expect_ == Expect::Key ? "expected a string key after ','" : "expected a string key or '}'");
        return string(p, end, more, next, true);
      case Expect::Colon:
        if (c != ':') return syntax("expected ':' after object key");
        next = p + 1;
        expect_ = Expect::Value;
        return Step::Done;
      case Expect::CommaOrEnd: {
        const bool object = stack_[depth_ - 1];
        if (c == ',') {
          next = p + 1;
          expect_ = object ? Expect::Key : Expect::Value;
          return Step::Done;
        }
        if (c == (object ? '}' : ']')) return close(p, next, object);
        return syntax(object ? "expected ',' or '}' after object member" : "expected ',' or ']' after array element");
      }
      case Expect::End: break;
    }
    return syntax("unexpected content after the document");
  }

  Step value(const char* p, const char* end, bool more, const char*& next) {
    const char c = *p;
    if (c == '"') return string(p, end, more, next, false);
    if (c == '{' || c == '[') {
      if (depth_ == kMaxDepth) return syntax("nesting deeper than 256 levels");
      const bool object = c == '{';
      if (!object && pairs(p, end, next)) return Step::Done;
      stack_[depth_++] = object;
      expect_ = object ? Expect::FirstKeyOrEnd : Expect::FirstValueOrEnd;
      next = p + 1;
      return handled(object ? h_.beginObject() : h_.beginArray());
    }
    if (c == '-' || (c >= '0' && c <= '9')) return number(p, end, more, next);
    if (c >= 'a' && c <= 'z') return literal(p, end, more, next);
    if (c > ' ' && c < 0x7F) return syntax(std::string("expected a value but found '") + c + "'");
    return syntax("expected a value");
  }

  Step close(const char* p, const char*& next, bool object) {
    --depth_;
    next = p + 1;
    afterValue();
    return handled(object ? h_.endObject() : h_.endArray());
  }

  void afterValue() { expect_ = depth_ == 0 ? Expect::End : Expect::CommaOrEnd; }

  Step handled(bool ok) { return ok ? Step::Done : Step::Fail; }

  Step string(const char* p, const char* end, bool more, const char*& next, bool isKey) {
    bool plain = true;
    const char* close = jsonStringEnd(p + 1, end, plain);
    if (close == end && more) return Step::Wait;
    std::string_view text(p + 1, static_cast<std::size_t>(close - p - 1));
    if (!plain) {
      if (auto e = decodeJsonString(text, decoded_)) return syntax(std::move(*e));
      text = decoded_;
    }
    if (close == end) return syntax("unterminated string");
    next = close + 1;
    if (isKey) {
      expect_ = Expect::Colon;
      return handled(h_.key(text));
    }
    afterValue();
    return handled(h_.string(text));
  }

  Step number(const char* p, const char* end, bool more, const char*& next) {
    double v = 0;
    const Step step = numberAt(p, end, more, v, next);
    if (step != Step::Done) return step;
    afterValue();
    return handled(h_.number(v));
  }

  /// The number at `p` into `v`, `next` past it; Wait when the end may cut it.
  Step numberAt(const char* p, const char* end, bool more, double& v, const char*& next) {
    const char* q = p;
    std::uint64_t digits = 0;  // the value, while it is all digits (wraps past 19: not used then)
    for (std::uint64_t eight = 0; end - q >= 8 && eightDigits(q, eight); q += 8) digits = digits * 100000000 + eight;
    for (; q != end && *q >= '0' && *q <= '9'; ++q) digits = digits * 10 + static_cast<std::uint64_t>(*q - '0');
    const char* const digitsEnd = q;
    while (q != end && isNumberByte(*q)) ++q;
    if (q == end && more) return Step::Wait;
    const auto n = digitsEnd - p;
    if (q == digitsEnd && n <= 18 && (n == 1 || *p != '0')) {
      v = static_cast<double>(digits);  // an integer of up to 18 digits: exact, then one rounding
    } else {
      const std::string_view text(p, static_cast<std::size_t>(q - p));
      if (!isJsonNumber(text)) return syntax("invalid number \"" + excerpt(text) + "\"");
      const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
      if (r.ec == std::errc::result_out_of_range) {
        // Too small to tell from zero is zero; too large is no number a reader can use.
        const bool tiny = text.find("e-") != std::string_view::npos || text.find("E-") != std::string_view::npos;
        if (!tiny) return syntax("number \"" + excerpt(text) + "\" is out of range");
        v = text.front() == '-' ? -0.0 : 0.0;
      }
    }
    next = q;
    return Step::Done;
  }

  /// A whole number of 1 to 16 digits at `p` (a sample's time in seconds, usually) followed by
  /// ',': read into `t`, `p` moved past it. False, with nothing read, for any other number.
  static bool wholeTime(const char*& p, const char* end, double& t) {
    const char* q = p;
    std::uint64_t digits = 0, eight = 0;
    if (end - q >= 9 && eightDigits(q, eight)) {
      digits = eight;
      q += 8;
    }
    for (; q != end && *q >= '0' && *q <= '9' && q - p < 16; ++q)
      digits = digits * 10 + static_cast<std::uint64_t>(*q - '0');
    if (q == p || q == end || *q != ',' || (*p == '0' && q - p > 1)) return false;
    t = static_cast<double>(digits);
    p = q;
    return true;
  }

  /// An array [number, "plain string"] at `p`, whole before `end`, handed to a handler that
  /// has pair(double, std::string_view) in one call (Prometheus samples: most of a response).
  /// False, with nothing read, when the array is not of that shape or the handler declines:
  /// it is then read token by token.
  bool pairs(const char* p, const char* end, const char*& next) {
    if constexpr (!requires(Handler & h) { h.pair(0.0, std::string_view()); }) {
      return false;
    } else {
      const char* q = p + 1;
      auto skip = [&] {
        while (q != end && isSpace(*q)) ++q;
        return q != end;
      };
      double t = 0;
      if (!skip()) return false;
      if (!wholeTime(q, end, t) &&
          ((*q != '-' && (*q < '0' || *q > '9')) || numberAt(q, end, true, t, q) != Step::Done)) {
        error_.clear();
        return false;
      }
      if (!skip() || *q != ',' || (++q, !skip()) || *q != '"') return false;
      bool plain = true;
      const char* close = jsonStringEnd(q + 1, end, plain);
      if (!plain || close == end) return false;
      const std::string_view text(q + 1, static_cast<std::size_t>(close - q - 1));
      q = close + 1;
      if (!skip() || *q != ']' || !h_.pair(t, text)) return false;
      next = q + 1;
      afterValue();
      return true;
    }
  }

  /// Whether the 8 bytes at `p` are all digits; if so, `value` is what they write. (Each byte
  /// less '0' is a digit's value; pairs, then fours, then the eight are combined by multiplies.)
  static bool eightDigits(const char* p, std::uint64_t& value) {
    if constexpr (std::endian::native != std::endian::little) return false;
    std::uint64_t v = 0;
    std::memcpy(&v, p, 8);
    constexpr std::uint64_t kHigh = 0xF0F0F0F0F0F0F0F0, kZeros = 0x3030303030303030;
    if ((v & kHigh) != kZeros || ((v + 0x0606060606060606) & kHigh) != kZeros) return false;
    v -= kZeros;                                                    // bytes d0..d7, d0 first (lowest)
    v = (v * 10) + (v >> 8);                                        // byte 2i: 10 d(2i) + d(2i+1)
    v = (((v & 0x000000FF000000FF) * (100 + (1000000ULL << 32))) +  // pairs to fours, fours to eight
         (((v >> 16) & 0x000000FF000000FF) * (1 + (10000ULL << 32)))) >>
        32;
    value = v;
    return true;
  }

  /// The bytes a number may hold: digits, signs, the point and the exponent's e.
  static bool isNumberByte(char c) {
    static constexpr auto kTable = [] {
      std::array<bool, 256> t{};
      for (const char b : std::string_view("0123456789+-.eE")) t[static_cast<unsigned char>(b)] = true;
      return t;
    }();
    return kTable[static_cast<unsigned char>(c)];
  }

  Step literal(const char* p, const char* end, bool more, const char*& next) {
    const char* q = p;
    while (q != end && ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9'))) ++q;
    if (q == end && more) return Step::Wait;
    const std::string_view word(p, static_cast<std::size_t>(q - p));
    JsonLiteral l{};
    if (word == "true")
      l = JsonLiteral::True;
    else if (word == "false")
      l = JsonLiteral::False;
    else if (word == "null")
      l = JsonLiteral::Null;
    else
      return syntax("invalid literal \"" + excerpt(word) + "\"");
    next = q;
    afterValue();
    return handled(h_.literal(l));
  }

  static std::string excerpt(std::string_view s) {
    return s.size() > 32 ? std::string(s.substr(0, 32)) + "..." : std::string(s);
  }

  bool fail(std::string_view buffer, std::size_t at) {
    failed_ = true;
    errorBuffer_ = buffer;
    errorAt_ = at;
    return false;
  }

  Handler& h_;
  std::array<bool, kMaxDepth> stack_{};  ///< the open containers, true for an object: [0, depth_)
  std::size_t depth_ = 0;
  Expect expect_ = Expect::Value;
  std::string carry_;        ///< a token cut by the end of the last piece
  std::string decoded_;      ///< a string with escapes, decoded
  StreamPosition position_;  ///< of the first byte not yet read (carry_'s first)
  bool failed_ = false;
  std::string error_;
  std::string_view errorBuffer_;  ///< valid until the next call
  std::size_t errorAt_ = 0;
};

}  // namespace gpuslice::io
