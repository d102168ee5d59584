// Small valid GGUF files made with our writer: the fuzzer's seed corpus (tests/fuzz/corpus/gguf,
// made by tests/fuzz/make_gguf_seeds.cpp) and the inputs of the truncation/flip tests.
//
//   for (const pw::test::GgufSeed& seed : pw::test::gguf_seeds()) {
//     PW_TRY(seed.writer->write(dir / seed.name));
//   }
//
// Each seed stays a few KB so the fuzzer's mutations reach every part of the format quickly.
// Changing these changes the committed corpus: regenerate it (see make_gguf_seeds.cpp).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/gguf/gguf_writer.h"

namespace pw::test {

struct GgufSeed {
  std::string name;
  std::shared_ptr<gguf::GgufWriter> writer;
  std::shared_ptr<std::vector<std::vector<uint8_t>>> tensor_data;  // kept alive for the writer's spans
};

inline std::vector<uint8_t> seed_bytes(size_t n, uint32_t seed) {
  std::vector<uint8_t> v(n);
  uint32_t x = seed * 2654435761u + 1;
  for (auto& b : v) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    b = static_cast<uint8_t>(x);
  }
  return v;
}

inline std::vector<GgufSeed> gguf_seeds() {
  using gguf::GgufArrayBuilder;
  using gguf::GgufType;
  std::vector<GgufSeed> seeds;
  auto add = [&](std::string name) -> GgufSeed& {
    seeds.push_back(GgufSeed{std::move(name), std::make_shared<gguf::GgufWriter>(), std::make_shared<std::vector<std::vector<uint8_t>>>()});
    seeds.back().tensor_data->reserve(16);
    return seeds.back();
  };
  auto tensor = [](GgufSeed& s, const std::string& name, GgmlType type, std::vector<uint64_t> ne, uint32_t seed) {
    uint64_t rows = 1;
    for (size_t d = 1; d < ne.size(); ++d) rows *= ne[d];
    s.tensor_data->push_back(seed_bytes(*row_size_bytes(type, ne[0]) * rows, seed));
    (void)s.writer->add_tensor(name, type, ne, s.tensor_data->back());
  };

  add("empty.gguf");

  {
    GgufSeed& s = add("scalars.gguf");
    auto& w = *s.writer;
    w.set_u8("s.u8", 200);
    w.set_i8("s.i8", -3);
    w.set_u16("s.u16", 60000);
    w.set_i16("s.i16", -300);
    w.set_u32("s.u32", 4000000000u);
    w.set_i32("s.i32", -70000);
    w.set_f32("s.f32", 1e-5f);
    w.set_bool("s.bool", true);
    w.set_string("s.string", "llama");
    w.set_u64("s.u64", uint64_t{1} << 50);
    w.set_i64("s.i64", -(int64_t{1} << 50));
    w.set_f64("s.f64", 10000.0);
  }

  {
    GgufSeed& s = add("arrays.gguf");
    auto& w = *s.writer;
    const std::vector<uint8_t> u8s = {1, 2, 3};
    const std::vector<int8_t> i8s = {-1, 2};
    const std::vector<uint16_t> u16s = {7, 8};
    const std::vector<int16_t> i16s = {-7};
    const std::vector<uint32_t> u32s = {1, 4294967295u};
    const std::vector<int32_t> i32s = {1, 2, 3, 6};
    const std::vector<float> f32s = {0.0f, -1.5f};
    const bool bools[] = {true, false};
    const std::vector<uint64_t> u64s = {9};
    const std::vector<int64_t> i64s = {-9};
    const std::vector<double> f64s = {0.5};
    const std::vector<std::string> strings = {"<unk>", "<s>", "</s>", "\xe2\x96\x81the"};
    w.set_array("a.u8", std::span<const uint8_t>(u8s));
    w.set_array("a.i8", std::span<const int8_t>(i8s));
    w.set_array("a.u16", std::span<const uint16_t>(u16s));
    w.set_array("a.i16", std::span<const int16_t>(i16s));
    w.set_array("a.u32", std::span<const uint32_t>(u32s));
    w.set_array("a.i32", std::span<const int32_t>(i32s));
    w.set_array("a.f32", std::span<const float>(f32s));
    w.set_array("a.bool", std::span<const bool>(bools));
    w.set_array("a.u64", std::span<const uint64_t>(u64s));
    w.set_array("a.i64", std::span<const int64_t>(i64s));
    w.set_array("a.f64", std::span<const double>(f64s));
    w.set_string_array("a.string", strings);
    w.set_array("a.empty", GgufArrayBuilder::empty(GgufType::String));
    const std::vector<GgufArrayBuilder> inner = {GgufArrayBuilder::of(i32s), GgufArrayBuilder::of_strings(strings)};
    const std::vector<GgufArrayBuilder> outer = {GgufArrayBuilder::of_arrays(inner), GgufArrayBuilder::of(f32s)};
    w.set_array("a.nested", GgufArrayBuilder::of_arrays(outer));
  }

  {
    GgufSeed& s = add("tensors.gguf");
    s.writer->set_string("general.architecture", "llama");
    s.writer->set_u32("llama.block_count", 1);
    tensor(s, "token_embd.weight", GgmlType::Q4_0, {32, 4}, 1);
    tensor(s, "output_norm.weight", GgmlType::F32, {32}, 2);
    tensor(s, "blk.0.attn_q.weight", GgmlType::Q8_0, {32, 2}, 3);
    tensor(s, "blk.0.ffn_up.weight", GgmlType::F16, {8, 2, 2}, 4);
    tensor(s, "blk.0.ffn_down.weight", GgmlType::Q4_K, {256}, 5);
    tensor(s, "blk.0.scalar", GgmlType::F32, {1, 1, 1, 1}, 6);
  }

  {
    GgufSeed& s = add("align64.gguf");
    s.writer->set_alignment(64);
    tensor(s, "a", GgmlType::BF16, {3}, 7);
    tensor(s, "b", GgmlType::I8, {5, 3}, 8);
  }

  {
    GgufSeed& s = add("align1.gguf");
    s.writer->set_alignment(1);
    tensor(s, "a", GgmlType::F32, {3}, 9);
    tensor(s, "b", GgmlType::Q5_1, {32}, 10);
  }

  {
    GgufSeed& s = add("tokenizer.gguf");
    auto& w = *s.writer;
    std::vector<std::string> tokens, merges;
    std::vector<float> scores;
    std::vector<int32_t> types;
    for (int i = 0; i < 40; ++i) {
      tokens.push_back(i < 3 ? std::string(i == 0 ? "<unk>" : i == 1 ? "<s>" : "</s>") : "t" + std::to_string(i));
      scores.push_back(-static_cast<float>(i));
      types.push_back(i < 3 ? 3 : 1);
      if (i > 4) merges.push_back("t" + std::to_string(i - 1) + " t" + std::to_string(i));
    }
    w.set_string("tokenizer.ggml.model", "gpt2");
    w.set_string_array("tokenizer.ggml.tokens", tokens);
    w.set_array("tokenizer.ggml.scores", std::span<const float>(scores));
    w.set_array("tokenizer.ggml.token_type", std::span<const int32_t>(types));
    w.set_string_array("tokenizer.ggml.merges", merges);
    w.set_u32("tokenizer.ggml.bos_token_id", 1);
    w.set_bool("tokenizer.ggml.add_bos_token", false);
  }

  {
    GgufSeed& s = add("v2.gguf");
    (void)s.writer->set_version(2);
    s.writer->set_string("general.name", "v2");
    tensor(s, "w", GgmlType::Q2_K, {256, 1}, 11);
  }
  return seeds;
}

}  // namespace pw::test
