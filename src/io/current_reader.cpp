#include "io/current_reader.h"

#include <fmt/format.h>

#include "io/decode.h"
#include "io/document.h"
#include "io/template_loader.h"

namespace gpuslice::io {

namespace {

/// A member of `n` that must be a non-empty string; `field` names it in errors.
Result<std::string> text(const Decoder& d, const Node& n, std::string_view key, const std::string& field) {
  const Node* v = n.find(key);
  if (!v) return d.error(n, field, "required");
  auto s = d.string(*v, field);
  if (!s) return s.error();
  if (s->empty()) return d.error(*v, field, "must not be empty");
  return s;
}

std::optional<Error> addObject(const Decoder& d, const Node& n, const std::string& where, CurrentObjects& into) {
  if (!n.isMapping()) return d.error(n, where, "an object must be a mapping");
  auto kind = text(d, n, "kind", join(where, "kind"));
  if (!kind) return kind.error();
  const Node* metadata = n.find("metadata");
  if (!metadata || !metadata->isMapping()) return d.error(n, join(where, "metadata"), "required (a mapping)");
  auto name = text(d, *metadata, "name", join(where, "metadata.name"));
  if (!name) return name.error();
  std::string ns = "default";
  if (metadata->find("namespace")) {
    auto v = text(d, *metadata, "namespace", join(where, "metadata.namespace"));
    if (!v) return v.error();
    ns = *v;
  }
  const std::string key = currentKey(*kind, ns, *name);
  auto [it, added] = into.try_emplace(key, CurrentObject{d.file(), toValue(n)});
  if (!added) {
    return d.error(n, where,
                   fmt::format("{} {}/{} appears twice (first at {}:{})", *kind, ns, *name, it->second.file,
                               it->second.object.line));
  }
  return std::nullopt;
}

}  // namespace

std::optional<Error> addCurrentObjects(const std::string& file, std::string_view text, CurrentObjects& into) {
  auto docs = parseDocuments(text, file);
  if (!docs) return docs.error();
  const Decoder d(file);
  for (const Node& doc : *docs) {
    const Node* kind = doc.isMapping() ? doc.find("kind") : nullptr;
    if (!kind || !kind->isScalar() || kind->text != "List") {
      GS_TRY(addObject(d, doc, "", into));
      continue;
    }
    const Node* items = doc.find("items");
    if (!items) continue;  // an empty list prints `items: []`, but nothing is nothing
    GS_TRY(d.sequence(*items, "items"));
    for (std::size_t i = 0; i < items->items.size(); ++i)
      GS_TRY(addObject(d, items->items[i], index("items", i), into));
  }
  return std::nullopt;
}

}  // namespace gpuslice::io
