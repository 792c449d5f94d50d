#include "render/value.h"

#include <utility>

namespace gpuslice {

Value Value::string(std::string s) {
  Value v;
  v.kind = Kind::String;
  v.text = std::move(s);
  return v;
}

Value Value::integer(std::int64_t i) {
  Value v;
  v.kind = Kind::Integer;
  v.text = std::to_string(i);
  return v;
}

Value Value::boolean(bool b) {
  Value v;
  v.kind = Kind::Boolean;
  v.text = b ? "true" : "false";
  return v;
}

Value Value::list() {
  Value v;
  v.kind = Kind::Sequence;
  return v;
}

Value Value::map() {
  Value v;
  v.kind = Kind::Mapping;
  return v;
}

const Value* Value::find(std::string_view key) const {
  for (const ValueMember& m : members) {
    if (m.key == key) return &m.value;
  }
  return nullptr;
}

Value* Value::find(std::string_view key) {
  for (ValueMember& m : members) {
    if (m.key == key) return &m.value;
  }
  return nullptr;
}

Value& Value::set(std::string_view key, Value v) {
  if (Value* existing = find(key)) {
    *existing = std::move(v);
    return *existing;
  }
  kind = Kind::Mapping;
  members.push_back({std::string(key), std::move(v), 0});
  return members.back().value;
}

Value& Value::push(Value v) {
  kind = Kind::Sequence;
  items.push_back(std::move(v));
  return items.back();
}

const Value* Value::at(std::initializer_list<std::string_view> path) const {
  const Value* v = this;
  for (std::string_view key : path) {
    if (!v->isMapping()) return nullptr;
    v = v->find(key);
    if (!v) return nullptr;
  }
  return v;
}

bool operator==(const Value& a, const Value& b) {
  return a.kind == b.kind && a.text == b.text && a.items == b.items && a.members == b.members;
}

bool operator==(const ValueMember& a, const ValueMember& b) { return a.key == b.key && a.value == b.value; }

}  // namespace gpuslice
