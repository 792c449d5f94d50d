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

Result<Node> parseDocument(std::string_view text, const std::string& file) {
  const std::string_view rest = detail::withoutBom(text);
  const std::size_t first = rest.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && (rest[first] == '{' || rest[first] == '[')) return parseJson(text, file);
  return parseYaml(text, file);
}

}  // namespace gpuslice::io
