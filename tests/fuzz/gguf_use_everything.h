// Uses every part of a parsed GgufFile the way the engine would: walks every metadata value
// (nested arrays included), calls every getter, reads every tensor byte. Shared by the fuzzer
// and the corruption tests so both check the same promises.
//
//   auto r = pw::gguf::GgufFile::parse(bytes, "x.gguf");
//   if (r) EXPECT_TRUE(pw::test::use_everything(*r).consistent);
#pragma once

#include <cstdint>

#include "engine/gguf/gguf_file.h"

namespace pw::test {

struct GgufUse {
  uint64_t hash = 0;       // depends on every byte read, so nothing is optimised away
  bool consistent = true;  // counts, lookups and bounds agree with what the parser promised
};

inline void use_value(const gguf::GgufValue& v, GgufUse& use) {
  use.hash += static_cast<uint64_t>(v.type()) + v.summary(2, 8).size();
  if (!v.is_array()) {
    use.hash += v.to_u64().value_or(0) + v.to_string().value_or("").size();
    return;
  }
  uint64_t n = 0;
  for (const gguf::GgufValue& e : v.elements()) {
    use_value(e, use);
    ++n;
  }
  if (n != v.size()) use.consistent = false;
  if (v.element_type() == gguf::GgufType::String) {
    uint64_t m = 0;
    for (std::string_view s : v.strings()) use.hash += s.size() + (++m);
    if (m != v.size()) use.consistent = false;
  }
  if (v.element_type() == gguf::GgufType::F32)
    for (float f : v.scalars<float>()) use.hash += static_cast<uint64_t>(f != 0);
}

inline GgufUse use_everything(const gguf::GgufFile& f) {
  GgufUse use;
  use.hash = f.version() + f.alignment() + f.data_offset();
  for (const auto& kv : f.metadata()) {
    use_value(kv.value, use);
    use.hash += kv.key.size();
    use.hash += f.get_u32(kv.key).ok() + f.get_i64(kv.key).ok() + f.get_f32(kv.key).ok() + f.get_string(kv.key).ok();
    if (auto a = f.get_string_array(kv.key)) use.hash += a->size();
    if (auto a = f.get_i32_array(kv.key)) use.hash += a->size();
    if (auto a = f.get_f32_array(kv.key)) use.hash += a->size();
    if (f.find(kv.key) != &kv.value) use.consistent = false;
  }
  for (const auto& t : f.tensors()) {
    if (f.find_tensor(t.name) != &t) use.consistent = false;
    if (t.file_offset + t.n_bytes > f.file_size() || t.file_offset % f.alignment() != 0) use.consistent = false;
    if (t.data != f.bytes().data() + t.file_offset) use.consistent = false;
    for (uint8_t b : t.bytes()) use.hash += b;
  }
  return use;
}

}  // namespace pw::test
