#include "util/utf8.h"

#include <cstdint>
#include <cstring>

namespace gpuslice {

namespace {

constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;

/// The second byte's range after lead byte `lead`, which is what rules out overlong
/// forms (E0, F0), surrogates (ED) and code points past U+10FFFF (F4).
bool secondByteOk(unsigned lead, unsigned b) {
  switch (lead) {
    case 0xE0: return b >= 0xA0 && b <= 0xBF;
    case 0xED: return b >= 0x80 && b <= 0x9F;
    case 0xF0: return b >= 0x90 && b <= 0xBF;
    case 0xF4: return b >= 0x80 && b <= 0x8F;
    default: return b >= 0x80 && b <= 0xBF;
  }
}

bool continuation(unsigned b) { return (b & 0xC0) == 0x80; }

void appendHex(std::string& out, unsigned char b) {
  static constexpr char kDigits[] = "0123456789abcdef";
  out += "\\x";
  out += kDigits[b >> 4];
  out += kDigits[b & 0xF];
}

bool isControl(std::string_view sequence) {
  const auto b0 = static_cast<unsigned char>(sequence[0]);
  if (sequence.size() == 1) return b0 < 0x20 || b0 == 0x7F;
  return sequence.size() == 2 && b0 == 0xC2 && static_cast<unsigned char>(sequence[1]) < 0xA0;  // U+0080..U+009F
}

/// utf8SequenceLength for the `n` > 0 bytes at `p`.
std::size_t sequenceLength(const unsigned char* p, std::size_t n) {
  const unsigned lead = p[0];
  std::size_t length;
  if (lead < 0x80)
    return 1;
  else if (lead >= 0xC2 && lead <= 0xDF)  // C0 and C1 would only start overlong forms
    length = 2;
  else if (lead >= 0xE0 && lead <= 0xEF)
    length = 3;
  else if (lead >= 0xF0 && lead <= 0xF4)  // F5 and up would start code points past U+10FFFF
    length = 4;
  else
    return 0;
  if (n < length || !secondByteOk(lead, p[1])) return 0;
  for (std::size_t i = 2; i < length; ++i) {
    if (!continuation(p[i])) return 0;
  }
  return length;
}

}  // namespace

std::size_t utf8SequenceLength(std::string_view s) {
  return s.empty() ? 0 : sequenceLength(reinterpret_cast<const unsigned char*>(s.data()), s.size());
}

std::size_t firstInvalidUtf8(std::string_view s) {
  const auto* data = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    // ASCII, the bulk of any input, sixteen bytes per step.
    for (; i + 16 <= n; i += 16) {
      std::uint64_t a, b;
      std::memcpy(&a, data + i, 8);
      std::memcpy(&b, data + i + 8, 8);
      if ((a | b) & kHighBits) break;
    }
    const std::size_t end = i + 16 <= n ? i + 16 : n;
    while (i < end) {
      if (data[i] < 0x80) {
        ++i;
        continue;
      }
      const std::size_t length = sequenceLength(data + i, n - i);
      if (length == 0) return i;
      i += length;
    }
  }
  return std::string_view::npos;
}

std::string_view utf8Prefix(std::string_view s, std::size_t maxBytes) {
  if (s.size() <= maxBytes) return s;
  std::size_t cut = maxBytes;
  while (cut > 0 && continuation(static_cast<unsigned char>(s[cut]))) --cut;
  return s.substr(0, cut);
}

std::string escapeBytes(std::string_view s, EscapeAlso also) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t length = utf8SequenceLength(s.substr(i));
    const std::string_view sequence = s.substr(i, length);
    if (length == 0) {
      appendHex(out, static_cast<unsigned char>(s[i]));
      ++i;
      continue;
    }
    if (also == EscapeAlso::Controls && isControl(sequence)) {
      for (char c : sequence) appendHex(out, static_cast<unsigned char>(c));
    } else {
      out += sequence;
    }
    i += length;
  }
  return out;
}

}  // namespace gpuslice
