// libFuzzer target for the GGUF reader (built with clang++ -fsanitize=fuzzer,address,undefined
// by tests/fuzz/CMakeLists.txt; ctest runs it for 20 s on tests/fuzz/corpus/gguf).
//
//   build/tests/fuzz/gguf_reader_fuzz -max_total_time=300 /tmp/work-corpus tests/fuzz/corpus/gguf
//
// Whatever parse() accepts is then used the way the engine uses it: every metadata value is
// walked (nested arrays included), every getter is called, and every tensor byte is read, so
// ASan catches any view that reaches past the input. A crash input found goes to
// tests/fuzz/regressions/gguf/ and is replayed by tests/engine/gguf_hostile_test.cpp.
#include <cstddef>
#include <cstdint>

#include "engine/gguf/gguf_file.h"

namespace {

volatile uint64_t g_sink;

uint64_t walk(const pw::gguf::GgufValue& v) {
  uint64_t h = static_cast<uint64_t>(v.type()) + v.summary(2, 8).size();
  if (!v.is_array()) {
    h += v.to_u64().value_or(0) + v.to_string().value_or("").size();
    return h;
  }
  uint64_t n = 0;
  for (const pw::gguf::GgufValue& e : v.elements()) {
    h += walk(e);
    ++n;
  }
  if (n != v.size()) __builtin_trap();  // the element count the parser checked must be exact
  if (v.element_type() == pw::gguf::GgufType::String)
    for (std::string_view s : v.strings()) h += s.size();
  if (v.element_type() == pw::gguf::GgufType::F32)
    for (float f : v.scalars<float>()) h += static_cast<uint64_t>(f != 0);
  return h;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto r = pw::gguf::GgufFile::parse(std::span<const uint8_t>(data, size), "fuzz.gguf");
  if (!r) {
    g_sink = g_sink + r.error().describe().size();
    return 0;
  }
  const pw::gguf::GgufFile& f = *r;
  uint64_t h = f.version() + f.alignment() + f.data_offset();
  for (const auto& kv : f.metadata()) {
    h += walk(kv.value) + kv.key.size();
    h += f.get_u32(kv.key).ok() + f.get_i64(kv.key).ok() + f.get_f32(kv.key).ok() + f.get_string(kv.key).ok();
    if (auto a = f.get_string_array(kv.key)) h += a->size();
    if (auto a = f.get_i32_array(kv.key)) h += a->size();
    if (auto a = f.get_f32_array(kv.key)) h += a->size();
    if (f.find(kv.key) != &kv.value) __builtin_trap();
  }
  for (const auto& t : f.tensors()) {
    if (f.find_tensor(t.name) != &t) __builtin_trap();
    if (t.file_offset + t.n_bytes > f.file_size() || t.file_offset % f.alignment() != 0) __builtin_trap();
    for (uint8_t b : t.bytes()) h += b;
  }
  g_sink = h;
  return 0;
}
