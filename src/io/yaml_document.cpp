// parseYaml: yaml-cpp's tree turned into Node, with line numbers and strict checks.
#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <optional>
#include <sstream>
#include <string>

#include "io/document.h"
#include "io/document_detail.h"

namespace gpuslice::io {

namespace {

using namespace detail;

bool isSpaceOrEnd(std::string_view s, std::size_t i) {
  return i >= s.size() || s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n';
}

bool isIndicator(std::string_view s, std::size_t i) {
  return i < s.size() && (s[i] == '-' || s[i] == '?' || s[i] == ':') && isSpaceOrEnd(s, i + 1);
}

/// The state of tooDeepLine's scan of YAML text, one line start or token at a time.
struct DepthScan {
  std::string_view s;
  std::vector<std::size_t> indents;  // columns of the open block levels
  int flow = 0, line = 1;
  std::optional<int> overLine;               // where the estimate last passed the limit
  std::size_t blockScalarParent = SIZE_MAX;  // indent of the line that opened a block scalar
  std::size_t lineIndent = 0, lastOpen = npos;
  bool lineStart = true;

  explicit DepthScan(std::string_view text) : s(text) {}

  /// Whether the estimate is more than one level past the limit; keeps overLine.
  bool tooDeep() {
    const int depth = static_cast<int>(indents.size()) + flow;
    if (depth <= kMaxDepth)
      overLine.reset();
    else if (!overLine)
      overLine = line;
    return depth > kMaxDepth + 1;
  }

  std::size_t endOfLine(std::size_t i) const { return std::min(s.find('\n', i), s.size()); }

  /// Opens the block levels of a line whose content starts at j: the indentation, and each
  /// "- ", "? " or ": " that is followed by another one ("- - x").
  void openBlockLevels(std::size_t i, std::size_t j) {
    for (std::size_t k = j;;) {
      while (!indents.empty() && indents.back() >= k - i) indents.pop_back();
      indents.push_back(k - i);
      if (!isIndicator(s, k)) break;
      k = std::min(s.find_first_not_of(' ', k + 1), s.size());
      if (!isIndicator(s, k)) break;
    }
  }

  /// Reads the start of the line at i; returns where to go on. `stop` when too deep.
  std::size_t startLine(std::size_t i, bool& stop) {
    lineStart = false;
    const std::size_t j = std::min(s.find_first_not_of(' ', i), s.size());
    if (isSpaceOrEnd(s, j) || s[j] == '#') return j;  // blank or comment line
    lineIndent = j - i;
    if (lineIndent > blockScalarParent) return endOfLine(j);
    blockScalarParent = SIZE_MAX;
    if (flow == 0) {
      openBlockLevels(i, j);
      stop = tooDeep();
    }
    return j;
  }

  /// Skips the quoted string that opens at i, counting its lines; returns the position after it.
  std::size_t skipQuoted(std::size_t i) {
    const char c = s[i];
    for (++i; i < s.size(); ++i) {
      if (s[i] == '\n') ++line;
      if (c == '"' && s[i] == '\\' && i + 1 < s.size()) {
        if (s[++i] == '\n') ++line;
      } else if (s[i] == c) {
        if (c == '"' || i + 1 == s.size() || s[i + 1] != '\'') break;
        ++i;  // '' inside a single-quoted string
      }
    }
    return i + 1;
  }

  /// Reads a block scalar's header ("|", ">-", "|2" ...) at i; when the line ends there, the
  /// lines indented deeper than this one are the scalar's.
  std::size_t blockScalarHeader(std::size_t i) {
    std::size_t k = i + 1;
    while (k < s.size() && (s[k] == '-' || s[k] == '+' || (s[k] >= '1' && s[k] <= '9'))) ++k;
    k = std::min(s.find_first_not_of(' ', k), s.size());
    if (isSpaceOrEnd(s, k) || s[k] == '#') blockScalarParent = lineIndent;
    return k;
  }

  /// Reads the character at i within a line; returns where to go on. `stop` when too deep.
  std::size_t token(std::size_t i, bool& stop) {
    const char c = s[i];
    const char prev = i == 0 ? '\n' : s[i - 1];
    const bool tokenStart =
        prev == ' ' || prev == '\t' || prev == '\n' || (prev == ',' && flow > 0) || (i > 0 && i - 1 == lastOpen);
    if (c == '\n') {
      ++line;
      lineStart = true;
      return i + 1;
    }
    if (c == '#' && (prev == ' ' || prev == '\t' || prev == '\n')) return endOfLine(i);
    if ((c == '"' || c == '\'') && tokenStart) return skipQuoted(i);
    if ((c == '[' || c == '{') && tokenStart) {
      ++flow;
      lastOpen = i;
      stop = tooDeep();
      return i + 1;
    }
    if (c == ']' || c == '}') {
      if (flow > 0) --flow;
      tooDeep();
      return i + 1;
    }
    if ((c == '|' || c == '>') && tokenStart && flow == 0) return blockScalarHeader(i);
    return i + 1;
  }
};

/// A cheap look at YAML text before yaml-cpp, whose parser recurses once per level.
/// Estimates the depth from open flow brackets plus open block indentation levels,
/// skipping quoted strings, comments and block scalars. A scalar alone on a line
/// counts as a level, so one level of slack is allowed before rejecting; the
/// conversion checks the exact depth. Returns the line where the estimate passed 256.
std::optional<int> tooDeepLine(std::string_view s) {
  DepthScan scan(s);
  for (std::size_t i = 0; i < s.size();) {
    bool stop = false;
    i = scan.lineStart ? scan.startLine(i, stop) : scan.token(i, stop);
    if (stop) return scan.overLine;
  }
  return std::nullopt;
}

/// Number of nodes in `n` once aliases are expanded, counting no further than `limit`.
/// Repeated aliases ("[*a, *a, *a]") are sized once per parent, which keeps the
/// usual alias bomb cheap to reject.
std::size_t expandedSize(const YAML::Node& n, int depth, std::size_t limit) {
  if ((!n.IsSequence() && !n.IsMap()) || depth > kMaxDepth) return 1;  // the conversion reports depth
  std::vector<std::pair<YAML::Node, std::size_t>> sized;               // up to 8 collection children
  std::size_t total = 1;
  for (auto it = n.begin(); it != n.end() && total <= limit; ++it) {
    const YAML::Node child = n.IsMap() ? it->second : *it;
    if (!child.IsSequence() && !child.IsMap()) {
      ++total;
      continue;
    }
    const auto known = std::find_if(sized.begin(), sized.end(), [&](const auto& c) { return c.first.is(child); });
    const std::size_t size = known != sized.end() ? known->second : expandedSize(child, depth + 1, limit - total);
    if (known == sized.end() && sized.size() < 8) sized.emplace_back(child, size);
    total += size;
  }
  return total;
}

/// Records where each document starts. yaml-cpp 0.7 stalls on a stray ',' at
/// document level, reporting the same empty document again and again (so
/// YAML::LoadAll never returns); documents are therefore counted one at a time.
class DocumentStarts : public YAML::EventHandler {
 public:
  using Style = YAML::EmitterStyle::value;
  std::vector<YAML::Mark> starts;

  void OnDocumentStart(const YAML::Mark& mark) override { starts.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, Style) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, Style) override {}
  void OnMapEnd() override {}
};

class YamlConverter {
 public:
  /// `text` without its byte order mark, as yaml-cpp's positions count from there.
  YamlConverter(std::string_view text, const std::string& file) : text_(text), file_(file) {}

  bool convert(const YAML::Node& in, Node& out, int depth) {
    out.line = lineOf(in);
    if (in.IsScalar()) {
      scalar(in, out);
      return true;
    }
    if (!in.IsSequence() && !in.IsMap()) {
      out.kind = Node::Kind::Null;
      out.text = "null";
      return true;
    }
    if (++depth > kMaxDepth) return fail(out.line, "nesting deeper than 256 levels");
    if (in.IsMap()) return mapping(in, out, depth);
    out.kind = Node::Kind::Sequence;
    out.items.reserve(in.size());
    for (auto it = in.begin(); it != in.end(); ++it)
      if (!convert(*it, out.items.emplace_back(), depth)) return false;
    return true;
  }

  Error error;

 private:
  /// The 1-based line of `n`. yaml-cpp marks an empty value ("key:" with nothing
  /// after it) at the next token, often lines later; such a value is placed on the
  /// last line with content before that token instead.
  int lineOf(const YAML::Node& n) const {
    const YAML::Mark m = n.Mark();
    if (m.line < 0) return 0;
    if (!n.IsNull() || m.pos < 0 || static_cast<std::size_t>(m.pos) > text_.size()) return m.line + 1;
    const auto pos = static_cast<std::size_t>(m.pos);
    const std::string_view rest = text_.substr(pos);
    for (std::string_view word : {"~", "null", "Null", "NULL"}) {
      const bool ends = isSpaceOrEnd(rest, word.size()) || std::string_view(":,]}#").find(rest[word.size()]) != npos;
      if (rest.substr(0, word.size()) == word && ends) return m.line + 1;
    }
    if (!rest.empty() && (rest[0] == '&' || rest[0] == '!')) return m.line + 1;
    int line = m.line + 1;
    // Walk back: first the part of the token's line before it, then whole earlier
    // lines, passing over blank and comment-only ones.
    for (std::size_t end = pos;;) {
      const std::size_t newline = end == 0 ? npos : text_.rfind('\n', end - 1);
      const std::size_t start = newline == npos ? 0 : newline + 1;
      const std::string_view part = text_.substr(start, end - start);
      const std::size_t first = part.find_first_not_of(" \t\r");
      if ((first != npos && part[first] != '#') || start == 0) return line;
      --line;
      end = newline;
    }
  }

  bool fail(int line, const std::string& message) {
    error = badInput(file_, line, "", "invalid YAML: " + message);
    return false;
  }

  static void scalar(const YAML::Node& in, Node& out) {
    const std::string& tag = in.Tag();
    const std::string& s = in.Scalar();
    const bool plain = tag == "?";
    const bool nullWord = s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
    if ((plain && nullWord) || tag == "tag:yaml.org,2002:null") {
      out.kind = Node::Kind::Null;
      out.text = "null";
      return;
    }
    out.kind = Node::Kind::Scalar;
    out.text = s;
    out.quoted = !plain;
  }

  bool mapping(const YAML::Node& in, Node& out, int depth) {
    out.kind = Node::Kind::Mapping;
    out.members.reserve(in.size());
    KeyTracker keys;
    for (auto it = in.begin(); it != in.end(); ++it) {
      const int keyLine = lineOf(it->first);
      if (!it->first.IsScalar())
        return fail(keyLine, it->first.IsNull() ? "empty or null mapping key" : "mapping keys must be scalars");
      const std::string& key = it->first.Scalar();
      if (keys.repeated(key, out.members)) return fail(keyLine, "duplicate key \"" + key + "\"");
      auto& member = out.members.emplace_back();
      member.first = key;
      member.keyLine = keyLine;
      if (!convert(it->second, member.second, depth)) return false;
    }
    return true;
  }

  std::string_view text_;
  const std::string& file_;
};

/// Finds where each document of `copy` starts, one document at a time (see DocumentStarts),
/// stopping after `limit` starts. Error: a stall (a document that consumed nothing).
std::optional<Error> findDocuments(const std::string& copy, std::string_view body, const std::string& file,
                                   std::size_t limit, std::vector<YAML::Mark>& starts) {
  DocumentStarts documents;
  std::istringstream in(copy);
  YAML::Parser parser(in);
  while (documents.starts.size() < limit && parser.HandleNextDocument(documents)) {
    const auto& s = documents.starts;
    if (s.size() < 2 || s[s.size() - 1].pos != s[s.size() - 2].pos) continue;
    const auto pos = static_cast<std::size_t>(std::max(0, s.back().pos));
    const char c = pos < body.size() ? body[pos] : '\0';
    const std::string what = c > ' ' && c < 0x7F ? fmt::format("'{}'", c) : "content";
    return badInput(file, s.back().line + 1, "", "invalid YAML: unexpected " + what);
  }
  starts = std::move(documents.starts);
  return std::nullopt;
}

/// The YAML documents of `text`; with `single`, more than one is an error.
Result<std::vector<Node>> parseYamlDocuments(std::string_view text, const std::string& file, bool single) {
  if (const auto line = tooDeepLine(text))
    return badInput(file, *line, "", "invalid YAML: nesting deeper than 256 levels");
  const std::string_view body = withoutBom(text);  // where yaml-cpp's positions count from
  const std::string copy(text);
  std::vector<YAML::Node> docs;
  try {
    std::vector<YAML::Mark> starts;
    if (auto e = findDocuments(copy, body, file, single ? 3 : SIZE_MAX, starts)) return *e;
    if (starts.empty()) return badInput(file, 0, "", "empty document");
    if (single && starts.size() > 1)
      return badInput(file, starts[1].line + 1, "", "invalid YAML: more than one document");
    if (single)
      docs.push_back(YAML::Load(copy));
    else
      docs = YAML::LoadAll(copy);
  } catch (const YAML::DeepRecursion& e) {  // yaml-cpp's own guard, should the estimate miss
    return badInput(file, e.mark.line + 1, "", "invalid YAML: nesting deeper than 256 levels");
  } catch (const YAML::Exception& e) {
    return badInput(file, e.mark.line + 1, "", "invalid YAML: " + e.msg);
  }
  // Without a '*' there is no alias, and the node count is bounded by the text.
  if (text.find('*') != npos) {
    std::size_t total = 0;
    for (const YAML::Node& doc : docs) {
      total += expandedSize(doc, 1, kMaxExpandedNodes - std::min(total, kMaxExpandedNodes));
      if (total > kMaxExpandedNodes)
        return badInput(file, 0, "", "invalid YAML: document too large after expanding aliases");
    }
  }
  YamlConverter converter(body, file);
  std::vector<Node> out(docs.size());
  for (std::size_t i = 0; i < docs.size(); ++i) {
    if (!converter.convert(docs[i], out[i], 0)) return converter.error;
  }
  return out;
}

}  // namespace

Result<Node> parseYaml(std::string_view text, const std::string& file) {
  auto docs = parseYamlDocuments(text, file, true);
  if (!docs) return docs.errors();
  return std::move(docs->front());
}

Result<std::vector<Node>> parseYamlStream(std::string_view text, const std::string& file) {
  return parseYamlDocuments(text, file, false);
}

}  // namespace gpuslice::io
