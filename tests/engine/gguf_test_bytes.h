// Hand-made GGUF bytes for tests of hostile and odd files (the writer refuses to make them).
//
//   GgufBytes b;
//   b.header(3, /*tensors=*/1, /*kvs=*/1).str("general.alignment").u32(4).u32(3);   // u32 type tag 4
//   b.str("w").u32(1).u64(32).u32(0).u64(0).pad_to(32).zeros(128);
//   auto r = pw::gguf::GgufFile::parse(b.span(), "hand.gguf");
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <vector>

namespace pw::test {

struct GgufBytes {
  std::vector<uint8_t> bytes;

  GgufBytes& raw(const void* p, size_t n) {
    const auto* b = static_cast<const uint8_t*>(p);
    bytes.insert(bytes.end(), b, b + n);
    return *this;
  }
  GgufBytes& u8(uint8_t v) { return raw(&v, 1); }
  GgufBytes& u32(uint32_t v) { return raw(&v, 4); }
  GgufBytes& u64(uint64_t v) { return raw(&v, 8); }
  GgufBytes& f32(float v) { return raw(&v, 4); }
  GgufBytes& str(std::string_view s) { return u64(s.size()).raw(s.data(), s.size()); }
  GgufBytes& header(uint32_t version, uint64_t tensors, uint64_t kvs) { return raw("GGUF", 4).u32(version).u64(tensors).u64(kvs); }
  GgufBytes& zeros(size_t n) { bytes.resize(bytes.size() + n, 0); return *this; }
  GgufBytes& pad_to(size_t alignment) { bytes.resize((bytes.size() + alignment - 1) / alignment * alignment, 0); return *this; }
  // A tensor info: name, dims, ggml type id, data offset.
  GgufBytes& tensor(std::string_view name, std::vector<uint64_t> ne, uint32_t type, uint64_t offset) {
    str(name).u32(static_cast<uint32_t>(ne.size()));
    for (uint64_t d : ne) u64(d);
    return u32(type).u64(offset);
  }
  std::span<const uint8_t> span() const { return bytes; }
};

}  // namespace pw::test
