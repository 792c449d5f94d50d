// parseJson: a recursive-descent JSON parser that keeps line numbers. A large array (a
// WorkloadSet's workloads) is parsed in two parts on two threads.
#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <future>
#include <optional>
#include <string>

#include "io/document.h"
#include "io/document_detail.h"
#include "io/json_text.h"

namespace gpuslice::io {

namespace {

using namespace detail;

bool isAsciiAlnum(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/// A bad token for a message, cut after 32 characters.
std::string excerpt(std::string_view s) {
  return s.size() > 32 ? std::string(s.substr(0, 32)) + "..." : std::string(s);
}

/// In the array whose first element starts at `from`, the position just after the first
/// comma between two of its elements at or past `target`; nullptr if the array ends first.
/// Only strings and brackets are looked at: the parsers check everything else, and on
/// malformed text the answer may be wrong, which the parsers then notice.
const char* elementBoundary(const char* from, const char* end, const char* target) {
  int depth = 0;
  for (const char* p = from; p < end; ++p) {
    switch (*p) {
      case '"':
        for (++p; p < end && *p != '"'; ++p)
          if (*p == '\\') ++p;  // the escaped character cannot end the string
        break;
      case '[':
      case '{': ++depth; break;
      case ']':
      case '}':
        if (--depth < 0) return nullptr;
        break;
      case ',':
        if (depth == 0 && p >= target) return p + 1;
        break;
      default: break;
    }
  }
  return nullptr;
}

class JsonParser {
 public:
  /// `split`: the first array opened with at least kSplitBytes of text left is parsed in
  /// two parts on two threads. Errors then are not reliable (parseJson parses again).
  JsonParser(std::string_view text, const std::string& file, bool split)
      : p_(text.data()), end_(text.data() + text.size()), file_(file), mayPart_(split), sizeHints_(2 * kMaxDepth + 4) {}

  Result<Node> run() {
    skipSpace();
    if (p_ == end_) return badInput(file_, 0, "", "empty document");
    Node root;
    if (!value(root, 0)) return *error_;
    skipSpace();
    if (p_ != end_) return badInput(file_, line_, "", "invalid JSON: unexpected content after the document");
    return root;
  }

 private:
  bool fail(const std::string& message) {
    error_ = badInput(file_, line_, "", "invalid JSON: " + message);
    return false;
  }
  /// Fails with `message`, or with "unexpected end of input" when that is the cause.
  bool expected(const std::string& message) { return fail(p_ == end_ ? "unexpected end of input" : message); }

  void skipSpace() {
    for (; p_ != end_; ++p_) {
      if (*p_ == '\n')
        ++line_;
      else if (*p_ != ' ' && *p_ != '\t' && *p_ != '\r')
        return;
    }
  }

  bool value(Node& out, int depth) {
    if (p_ == end_) return fail("unexpected end of input");
    out.line = line_;
    const char c = *p_;
    if (c == '{') return object(out, depth + 1);
    if (c == '[') return array(out, depth + 1);
    out.kind = Node::Kind::Scalar;
    if (c == '"') {
      out.quoted = true;
      return string(out.text);
    }
    if (c == '-' || isAsciiAlnum(c)) return bare(out);
    if (c > ' ' && c < 0x7F) return fail(std::string("expected a value but found '") + c + "'");
    return fail("expected a value");
  }

  /// A number, true, false or null, kept verbatim once checked.
  bool bare(Node& out) {
    const char* q = p_;
    while (q != end_ && (isAsciiAlnum(*q) || *q == '-' || *q == '+' || *q == '.' || *q == '_')) ++q;
    const std::string_view word(p_, static_cast<std::size_t>(q - p_));
    const bool number = word[0] == '-' || (word[0] >= '0' && word[0] <= '9');
    if (number ? !isJsonNumber(word) : word != "true" && word != "false" && word != "null")
      return fail(fmt::format("invalid {} \"{}\"", number ? "number" : "literal", excerpt(word)));
    if (word == "null") out.kind = Node::Kind::Null;
    out.text.assign(word);
    p_ = q;
    return true;
  }

  bool string(std::string& out) {
    ++p_;
    bool plain = true;
    const char* close = jsonStringEnd(p_, end_, plain);
    if (plain) {
      out.assign(p_, close);
    } else if (auto e = decodeJsonString(std::string_view(p_, static_cast<std::size_t>(close - p_)), out)) {
      return fail(*e);  // the first problem from the left, as a reader would find it
    }
    if (close == end_) return fail("unterminated string");
    p_ = close + 1;
    return true;
  }

  /// Consumes the opening bracket; false if the container is empty (or on error).
  bool open(Node& out, Node::Kind kind, char close, int depth) {
    out.kind = kind;
    if (depth > kMaxDepth) return fail("nesting deeper than 256 levels");
    ++p_;
    skipSpace();
    if (p_ == end_ || *p_ != close) return true;
    ++p_;
    return false;
  }

  /// The size of the last array (objects: [1]) at `depth`. Documents repeat shapes,
  /// so reserving that much makes most containers allocate exactly once.
  std::size_t& sizeHint(int depth, bool object) { return sizeHints_[2 * static_cast<std::size_t>(depth) + object]; }
  template <class T>
  void fitted(std::vector<T>& v, std::size_t& hint) {
    hint = v.size();
    if (v.capacity() > 2 * v.size() + 8) v.shrink_to_fit();
  }

  bool array(Node& out, int depth) {
    if (!open(out, Node::Kind::Sequence, ']', depth)) return !error_;
    std::size_t& hint = sizeHint(depth, false);
    if (mayPart_ && end_ - p_ >= kSplitBytes) {
      mayPart_ = false;
      if (const char* mid = elementBoundary(p_, end_, p_ + (end_ - p_) / 2)) {
        if (!arrayInParts(out.items, depth, mid)) return false;
        fitted(out.items, hint);
        return true;
      }
    }
    out.items.reserve(std::min<std::size_t>(hint, 1024));
    if (!elements(out.items, depth, nullptr)) return false;
    fitted(out.items, hint);
    return true;
  }

  /// Array elements, appended to `items`, and the closing bracket. With `stop` (just after a
  /// comma between elements), only the elements before it.
  bool elements(std::vector<Node>& items, int depth, const char* stop) {
    for (;;) {
      if (!value(items.emplace_back(), depth)) return false;
      skipSpace();
      if (p_ == end_ || (*p_ != ',' && *p_ != ']')) return expected("expected ',' or ']' after array element");
      if (*p_++ == ']') return stop == nullptr || fail("the array ended before its split point");
      if (p_ == stop) return true;
      skipSpace();
    }
  }

  /// The elements of the array at `p_`: those before `mid` here, the rest (and the closing
  /// bracket) meanwhile on a second thread by a parser that starts at `mid` on the line
  /// `mid` is on. This parser then goes on where that one stopped.
  bool arrayInParts(std::vector<Node>& items, int depth, const char* mid) {
    JsonParser rest(std::string_view(mid, static_cast<std::size_t>(end_ - mid)), file_, false);
    rest.line_ = line_ + static_cast<int>(std::count(p_, mid, '\n'));
    rest.sizeHints_ = sizeHints_;
    std::vector<Node> restItems;
    auto restDone = std::async(std::launch::async, [&] {
      rest.skipSpace();
      return rest.elements(restItems, depth, nullptr);
    });
    const bool firstOk = elements(items, depth, mid);
    if (!restDone.get()) {
      error_ = rest.error_;
      return false;
    }
    if (!firstOk) return false;
    items.reserve(items.size() + restItems.size());
    std::move(restItems.begin(), restItems.end(), std::back_inserter(items));
    p_ = rest.p_;
    line_ = rest.line_;
    return true;
  }

  bool object(Node& out, int depth) {
    if (!open(out, Node::Kind::Mapping, '}', depth)) return !error_;
    std::size_t& hint = sizeHint(depth, true);
    out.members.reserve(std::min<std::size_t>(hint, 1024));
    KeyTracker keys;
    std::string key;
    for (;;) {
      if (p_ == end_ || *p_ != '"')
        return expected(out.members.empty() ? "expected a string key or '}'" : "expected a string key after ','");
      const int keyLine = line_;
      if (!string(key)) return false;
      if (keys.repeated(key, out.members)) return fail("duplicate key \"" + key + "\"");
      skipSpace();
      if (p_ == end_ || *p_ != ':') return expected("expected ':' after object key");
      ++p_;
      skipSpace();
      auto& member = out.members.emplace_back();
      member.first = std::move(key);
      member.keyLine = keyLine;
      if (!value(member.second, depth)) return false;
      skipSpace();
      if (p_ == end_ || (*p_ != ',' && *p_ != '}')) return expected("expected ',' or '}' after object member");
      if (*p_++ == '}') break;
      skipSpace();
    }
    fitted(out.members, hint);
    return true;
  }

  const char* p_;
  const char* end_;
  const std::string& file_;
  int line_ = 1;
  std::optional<Error> error_;
  bool mayPart_;
  std::vector<std::size_t> sizeHints_;
};

}  // namespace

Result<Node> parseJson(std::string_view text, const std::string& file) {
  text = withoutBom(text);
  auto root = JsonParser(text, file, true).run();
  // Errors come from a parse in one part, so that they name the first problem in the
  // document, as they would without the split.
  if (!root) return JsonParser(text, file, false).run();
  return root;
}

}  // namespace gpuslice::io
