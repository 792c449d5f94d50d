#include "io/tree_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <stdexcept>

#include "util/yaml_scalar.h"

namespace gpuslice::io {

namespace {

void checkOrder(std::string& last, int count, std::string_view k) {
  if (count > 0 && !(last < k)) {
    throw std::logic_error(fmt::format("report key \"{}\" after \"{}\": keys must be sorted", k, last));
  }
  last.assign(k);
}

void appendNumber(std::string& out, double v) {
  if (!std::isfinite(v))
    out += "null";
  else if (v == 0)
    out += '0';
  else
    fmt::format_to(std::back_inserter(out), "{}", v);
}

std::string numberText(double v) {
  std::string out;
  appendNumber(out, v);
  return out;
}

}  // namespace

void appendJsonQuoted(std::string& out, std::string_view s) {
  out += '"';
  const auto special = [](char c) { return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20; };
  if (std::none_of(s.begin(), s.end(), special)) {
    out.append(s);
    out += '"';
    return;
  }
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20)
          fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned>(c));
        else
          out += c;
    }
  }
  out += '"';
}

// ---- JSON ----

void JsonWriter::newline(std::size_t depth) {
  out_ += '\n';
  out_.append(depth * 2, ' ');
}

void JsonWriter::beforeValue() {
  if (afterKey_) {
    afterKey_ = false;
    return;
  }
  if (stack_.empty()) return;
  Frame& f = stack_.back();
  if (!f.list) throw std::logic_error("report value in a map without a key");
  if (f.count++ > 0) out_ += ',';
  newline(stack_.size());
}

void JsonWriter::key(std::string_view k) {
  Frame& f = stack_.back();
  checkOrder(f.lastKey, f.count, k);
  if (f.count++ > 0) out_ += ',';
  newline(stack_.size());
  appendJsonQuoted(out_, k);
  out_ += ": ";
  afterKey_ = true;
}

void JsonWriter::open(char c, bool list) {
  beforeValue();
  out_ += c;
  stack_.push_back(Frame{list, 0, {}});
}

void JsonWriter::close(char c) {
  const bool empty = stack_.back().count == 0;
  stack_.pop_back();
  if (!empty) newline(stack_.size());
  out_ += c;
  if (stack_.empty()) out_ += '\n';
}

void JsonWriter::string(std::string_view s) {
  beforeValue();
  appendJsonQuoted(out_, s);
}

void JsonWriter::number(double v) {
  beforeValue();
  appendNumber(out_, v);
}

void JsonWriter::integer(std::int64_t v) {
  beforeValue();
  fmt::format_to(std::back_inserter(out_), "{}", v);
}

void JsonWriter::boolean(bool v) {
  beforeValue();
  out_ += v ? "true" : "false";
}

std::unique_ptr<TreeWriter> JsonWriter::itemWriter(std::string& out, bool continuing) const {
  auto w = std::make_unique<JsonWriter>(out);
  w->stack_ = stack_;
  w->stack_.back().count = continuing ? 1 : 0;
  return w;
}

void JsonWriter::appendItems(std::string_view text, int count) {
  out_ += text;
  stack_.back().count += count;
}

// ---- YAML ----

std::string YamlWriter::prefix() {
  if (stack_.empty()) return {};
  Frame& f = stack_.back();
  std::string p;
  if (f.count == 0 && !f.header.empty()) {
    p = f.header;
    if (!f.inlineFirst) {
      p += '\n';
      p.append(static_cast<std::size_t>(f.indent), ' ');
    }
    f.header.clear();
  } else {
    p.append(static_cast<std::size_t>(f.indent), ' ');
  }
  ++f.count;
  return p;
}

void YamlWriter::key(std::string_view k) {
  Frame& f = stack_.back();
  checkOrder(f.lastKey, f.count, k);
  pendingKey_ = yamlScalar(k);
  haveKey_ = true;
}

void YamlWriter::scalar(const std::string& text) {
  if (stack_.empty()) {
    out_ += text + "\n";
    return;
  }
  if (stack_.back().list) {
    out_ += prefix() + "- " + text + "\n";
  } else {
    if (!haveKey_) throw std::logic_error("report value in a map without a key");
    out_ += prefix() + pendingKey_ + ": " + text + "\n";
    haveKey_ = false;
  }
}

void YamlWriter::open(bool list) {
  Frame child{list, 0, {}, false, 0, {}};
  if (stack_.empty()) {
    child.indent = 0;
  } else if (stack_.back().list) {
    // "- " then the child: a map's first key on the same line, a list on the next.
    child.header = prefix() + "- ";
    child.indent = stack_.back().indent + 2;
    child.inlineFirst = !list;
    if (list) child.header.pop_back();  // "-" alone, then a newline
  } else {
    child.header = prefix() + pendingKey_ + ":";
    haveKey_ = false;
    child.indent = list ? stack_.back().indent : stack_.back().indent + 2;
  }
  stack_.push_back(std::move(child));
}

void YamlWriter::close() {
  Frame f = std::move(stack_.back());
  stack_.pop_back();
  if (f.count == 0) {
    if (f.header.empty())
      out_ += f.list ? "[]\n" : "{}\n";
    else
      out_ += f.header + (f.header.back() == ' ' ? "" : " ") + (f.list ? "[]\n" : "{}\n");
  }
}

std::unique_ptr<TreeWriter> YamlWriter::itemWriter(std::string& out, bool continuing) const {
  auto w = std::make_unique<YamlWriter>(out);
  w->stack_ = stack_;
  if (continuing) {
    w->stack_.back().count = 1;
    w->stack_.back().header.clear();
  }
  return w;
}

void YamlWriter::appendItems(std::string_view text, int count) {
  out_ += text;
  if (count > 0) {
    stack_.back().count += count;
    stack_.back().header.clear();
  }
}

void YamlWriter::string(std::string_view s) { scalar(yamlScalar(s)); }

void YamlWriter::number(double v) { scalar(numberText(v)); }

void YamlWriter::integer(std::int64_t v) { scalar(std::to_string(v)); }

void YamlWriter::boolean(bool v) { scalar(v ? "true" : "false"); }

}  // namespace gpuslice::io
