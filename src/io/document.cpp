#include "io/document.h"

#include "io/document_detail.h"

#include <algorithm>
#include <optional>

namespace gpuslice::io {

const Node* Node::find(std::string_view key) const {
  for (const auto& m : members)
    if (m.first == key) return &m.second;
  return nullptr;
}

std::vector<int> Node::keyLines() const {
  std::vector<int> lines;
  lines.reserve(members.size());
  for (const auto& m : members) lines.push_back(m.keyLine);
  return lines;
}

namespace {

/// Whether the line at `s` (up to its newline) is a document marker: `---` or `...` then a
/// blank or the end of the line.
bool documentMarker(std::string_view s) {
  if (s.size() < 3 || (s.substr(0, 3) != "---" && s.substr(0, 3) != "...")) return false;
  return s.size() == 3 || s[3] == ' ' || s[3] == '\t' || s[3] == '\r' || s[3] == '\n';
}

/// Whether `part` holds nothing but blank lines, comments and document markers.
bool blankPart(std::string_view part) {
  for (std::size_t at = 0; at < part.size();) {
    const std::size_t end = std::min(part.find('\n', at), part.size());
    const std::string_view line = part.substr(at, end - at);
    const std::size_t first = line.find_first_not_of(" \t\r");
    if (first != std::string_view::npos && line[first] != '#' && !(first == 0 && documentMarker(line))) return false;
    at = end + 1;
  }
  return true;
}

void shiftLines(Node& n, int by) {
  n.line += by;
  for (Node& item : n.items) shiftLines(item, by);
  for (NodeMember& m : n.members) {
    m.keyLine += by;
    shiftLines(m.second, by);
  }
}

}  // namespace

Result<std::vector<Node>> parseDocuments(std::string_view text, const std::string& file) {
  const std::string_view body = detail::withoutBom(text);
  const std::size_t first = body.find_first_not_of(" \t\r\n");
  std::vector<Node> out;
  if (first != std::string_view::npos && (body[first] == '{' || body[first] == '[')) {
    auto doc = parseJson(text, file);
    if (!doc) return doc.error();
    out.push_back(std::move(*doc));
    return out;
  }
  // Each part runs from a marker line (or the start) to the next marker line; `line` counts
  // the lines before the part starts.
  std::size_t partStart = 0;
  int partLine = 0;
  auto flush = [&](std::size_t end) -> std::optional<Error> {
    const std::string_view part = body.substr(partStart, end - partStart);
    if (blankPart(part)) return std::nullopt;
    auto doc = parseYaml(part, file);
    if (!doc) {
      Error e = doc.error();
      if (e.line > 0) e.line += partLine;
      return e;
    }
    if (doc->isNull()) return std::nullopt;
    shiftLines(*doc, partLine);
    out.push_back(std::move(*doc));
    return std::nullopt;
  };
  int line = 0;
  for (std::size_t at = 0; at < body.size(); ++line) {
    const std::size_t end = std::min(body.find('\n', at), body.size());
    if (at > 0 && documentMarker(body.substr(at, end - at + 1))) {
      if (auto e = flush(at)) return *e;
      partStart = at;
      partLine = line;
    }
    at = end + 1;
  }
  if (auto e = flush(body.size())) return *e;
  return out;
}

Result<Node> parseDocument(std::string_view text, const std::string& file) {
  const std::string_view rest = detail::withoutBom(text);
  const std::size_t first = rest.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && (rest[first] == '{' || rest[first] == '[')) return parseJson(text, file);
  return parseYaml(text, file);
}

}  // namespace gpuslice::io
