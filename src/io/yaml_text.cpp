#include <string>

#include "io/plan_report.h"

namespace gpuslice::io {

namespace {

using nlohmann::json;

// Plain YAML scalars that a reader would take for something other than a string.
bool looksSpecial(const std::string& s) {
  static const char* const words[] = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"};
  std::string lower;
  for (char c : s) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  for (const char* w : words) {
    if (lower == w) return true;
  }
  // Anything a YAML 1.1 or 1.2 reader could parse as a number.
  bool digit = false;
  for (char c : s) {
    if (c >= '0' && c <= '9') digit = true;
    else if (!(c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E' || c == '_' || c == ':' || c == 'x' || c == 'o')) return false;
  }
  return digit || s == "." ;
}

bool plainSafe(const std::string& s) {
  if (s.empty() || looksSpecial(s)) return false;
  const char first = s.front();
  if (!((first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z') || (first >= '0' && first <= '9') || first == '/' || first == '<' || first == '_')) return false;
  if (s.back() == ' ') return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
                    c == '_' || c == '/' || c == ' ' || c == '(' || c == ')' || c == '<' || c == '>' || c == '+' || c == ';' || c == ',' || c == '=' || c == '%';
    if (!ok) return false;
  }
  return true;
}

std::string scalar(const json& v) {
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    return plainSafe(s) ? s : json(s).dump();  // a JSON string is a valid YAML double-quoted scalar
  }
  return v.dump();
}

bool inlineValue(const json& v) { return !v.is_structured() || v.empty(); }

void emit(const json& v, int indent, std::string& out);

void emitMember(const std::string& key, const json& v, int indent, std::string& out) {
  out.append(static_cast<std::size_t>(indent), ' ');
  out += plainSafe(key) ? key : json(key).dump();
  out += ':';
  if (inlineValue(v)) {
    out += ' ';
    out += v.is_structured() ? (v.is_array() ? "[]" : "{}") : scalar(v);
    out += '\n';
  } else {
    out += '\n';
    emit(v, v.is_array() ? indent : indent + 2, out);
  }
}

void emit(const json& v, int indent, std::string& out) {
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) emitMember(it.key(), it.value(), indent, out);
  } else if (v.is_array()) {
    for (const json& item : v) {
      out.append(static_cast<std::size_t>(indent), ' ');
      out += "- ";
      if (inlineValue(item)) {
        out += item.is_structured() ? (item.is_array() ? "[]" : "{}") : scalar(item);
        out += '\n';
      } else if (item.is_object()) {
        // First member on the dash line, the rest aligned under it.
        std::string nested;
        emit(item, indent + 2, nested);
        out += nested.substr(static_cast<std::size_t>(indent) + 2);
      } else {
        out += '\n';
        emit(item, indent + 2, out);
      }
    }
  } else {
    out.append(static_cast<std::size_t>(indent), ' ');
    out += scalar(v);
    out += '\n';
  }
}

}  // namespace

std::string yamlText(const nlohmann::json& j) {
  std::string out;
  emit(j, 0, out);
  return out;
}

}  // namespace gpuslice::io
