// Streaming writers for JSON and YAML: the report describes its tree once, through these
// calls, and either format comes out without building a document in memory.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace gpuslice::io {

/// Receives a tree depth-first. Keys of a map must come in strictly increasing byte
/// order (output is sorted, hence deterministic); a key out of order throws
/// std::logic_error, which the tests turn into a failure.
class TreeWriter {
 public:
  virtual ~TreeWriter() = default;
  virtual void beginMap() = 0;
  virtual void endMap() = 0;
  virtual void beginList() = 0;
  virtual void endList() = 0;
  virtual void key(std::string_view k) = 0;
  virtual void string(std::string_view s) = 0;
  /// Shortest text that reads back as the same double.
  virtual void number(double v) = 0;
  virtual void integer(std::int64_t v) = 0;
  virtual void boolean(bool v) = 0;

  void field(std::string_view k, std::string_view v) {
    key(k);
    string(v);
  }
  void field(std::string_view k, const char* v) {
    key(k);
    string(v);
  }
  void field(std::string_view k, double v) {
    key(k);
    number(v);
  }
  void field(std::string_view k, std::int64_t v) {
    key(k);
    integer(v);
  }
  void field(std::string_view k, int v) {
    key(k);
    integer(v);
  }
  void field(std::string_view k, bool v) {
    key(k);
    boolean(v);
  }

  /// For writing the items of the list now open in pieces, in parallel: a writer into
  /// `out` that writes items exactly as this one would at this point (`continuing`: after
  /// some items already written). Append the pieces, in order, with appendItems.
  virtual std::unique_ptr<TreeWriter> itemWriter(std::string& out, bool continuing) const = 0;
  /// Appends `count` items written by itemWriter writers to the open list.
  virtual void appendItems(std::string_view text, int count) = 0;
  void field(std::string_view k, const std::vector<std::string>& list) {
    key(k);
    beginList();
    for (const std::string& s : list) string(s);
    endList();
  }
};

/// JSON, two-space indented, one member or item per line; empty containers as {} and [].
class JsonWriter final : public TreeWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}
  void beginMap() override { open('{', false); }
  void endMap() override { close('}'); }
  void beginList() override { open('[', true); }
  void endList() override { close(']'); }
  void key(std::string_view k) override;
  void string(std::string_view s) override;
  void number(double v) override;
  void integer(std::int64_t v) override;
  void boolean(bool v) override;
  std::unique_ptr<TreeWriter> itemWriter(std::string& out, bool continuing) const override;
  void appendItems(std::string_view text, int count) override;

 private:
  struct Frame {
    bool list;
    int count;
    std::string lastKey;
  };
  void beforeValue();
  void open(char c, bool list);
  void close(char c);
  void newline(std::size_t depth);
  std::string& out_;
  std::vector<Frame> stack_;
  bool afterKey_ = false;
};

/// YAML block style; strings and keys as util/yaml_scalar.h writes them (plain where every
/// reader takes them back as the same string, double-quoted otherwise); empty containers as
/// {} and [].
class YamlWriter final : public TreeWriter {
 public:
  explicit YamlWriter(std::string& out) : out_(out) {}
  void beginMap() override { open(false); }
  void endMap() override { close(); }
  void beginList() override { open(true); }
  void endList() override { close(); }
  void key(std::string_view k) override;
  void string(std::string_view s) override;
  void number(double v) override;
  void integer(std::int64_t v) override;
  void boolean(bool v) override;
  std::unique_ptr<TreeWriter> itemWriter(std::string& out, bool continuing) const override;
  void appendItems(std::string_view text, int count) override;

 private:
  struct Frame {
    bool list;
    int indent;          // column of this container's keys or dashes
    std::string header;  // text that introduces it, written with its first child
    bool inlineFirst;    // first child continues the header's line ("- key: v")
    int count;
    std::string lastKey;
  };
  void scalar(const std::string& text);
  void open(bool list);
  void close();
  std::string prefix();  // header and indentation for the next child line
  std::string& out_;
  std::vector<Frame> stack_;
  std::string pendingKey_;
  bool haveKey_ = false;
};

}  // namespace gpuslice::io
