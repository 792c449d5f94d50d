#include "io/document.h"

#include "io/document_detail.h"

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

bool looksLikeJson(std::string_view text) {
  const std::string_view rest = detail::withoutBom(text);
  const std::size_t first = rest.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && (rest[first] == '{' || rest[first] == '[');
}

}  // namespace

Result<Node> parseDocument(std::string_view text, const std::string& file) {
  if (looksLikeJson(text)) return parseJson(text, file);
  return parseYaml(text, file);
}

Result<std::vector<Node>> parseDocuments(std::string_view text, const std::string& file) {
  if (looksLikeJson(text)) {
    auto doc = parseJson(text, file);
    if (!doc) return doc.errors();
    std::vector<Node> one;  // not {std::move(*doc)}: an initializer list copies the whole tree
    one.push_back(std::move(*doc));
    return one;
  }
  auto docs = parseYamlStream(text, file);
  if (!docs) return docs;
  std::vector<Node> kept;
  kept.reserve(docs->size());
  for (Node& n : *docs) {
    if (!n.isNull()) kept.push_back(std::move(n));
  }
  if (kept.empty()) return badInput(file, 0, "", "empty document");
  return kept;
}

}  // namespace gpuslice::io
