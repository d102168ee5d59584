// libFuzzer target for the GGUF reader (built with clang++ -fsanitize=fuzzer,address,undefined
// by tests/fuzz/CMakeLists.txt; ctest runs it for 20 s on tests/fuzz/corpus/gguf).
//
//   build/tests/fuzz/gguf_reader_fuzz -max_total_time=300 /tmp/work-corpus tests/fuzz/corpus/gguf
//
// Whatever parse() accepts is then used the way the engine uses it (gguf_use_everything.h):
// every metadata value is walked, every getter called, every tensor byte read, so ASan
// catches any view that reaches past the input. A crash input found goes to
// tests/fuzz/regressions/gguf/ and is replayed by tests/engine/gguf_hostile_test.cpp.
#include <cstddef>
#include <cstdint>

#include "engine/gguf/gguf_file.h"
#include "fuzz/gguf_use_everything.h"

namespace {
volatile uint64_t g_sink;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto r = pw::gguf::GgufFile::parse(std::span<const uint8_t>(data, size), "fuzz.gguf");
  if (!r) {
    if (r.error().subject() != "fuzz.gguf" || r.error().message().empty()) __builtin_trap();
    g_sink = g_sink + r.error().describe().size();
    return 0;
  }
  const pw::test::GgufUse use = pw::test::use_everything(*r);
  if (!use.consistent) __builtin_trap();
  g_sink = use.hash;
  return 0;
}
