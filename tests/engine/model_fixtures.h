// Shared helpers for the decoder model tests: golden logits files and their JSON descriptions
// (fixtures/models, README sections 2 and 4).
//
//   auto golden = pw::test::load_decoder_golden("tiny-llama-Q4_0");
//   golden.input_ids;  golden.native;  golden.deqref;   // [32][512] floats each (deqref empty for F32)
//   float d = pw::test::max_abs_diff(a, b);
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "support/test_support.h"

namespace pw::test {

inline std::vector<float> read_f32(const std::filesystem::path& path) {
  const std::vector<uint8_t> bytes = read_file(path);
  std::vector<float> out(bytes.size() / sizeof(float));
  std::memcpy(out.data(), bytes.data(), out.size() * sizeof(float));
  return out;
}

inline std::filesystem::path model_fixture(const std::string& file) { return shared_path("fixtures/models/" + file); }

struct DecoderGolden {
  std::string name;
  std::vector<int32_t> input_ids;
  std::vector<float> native;  // *.logits.f32
  std::vector<float> deqref;  // *.deqref.logits.f32 (empty for F32 models)
  int n_vocab = 0;
};

inline DecoderGolden load_decoder_golden(const std::string& name) {
  DecoderGolden g;
  g.name = name;
  const auto json = nlohmann::json::parse(read_text(model_fixture(name + ".golden.json")));
  g.input_ids = json.at("input_token_ids").get<std::vector<int32_t>>();
  g.n_vocab = json.at("shape").at(1).get<int>();
  g.native = read_f32(model_fixture(name + ".logits.f32"));
  if (json.contains("dequant_f32_reference")) g.deqref = read_f32(model_fixture(name + ".deqref.logits.f32"));
  return g;
}

// Largest |a[i] - b[i]|; infinity when sizes differ or a value is not finite.
inline float max_abs_diff(std::span<const float> a, std::span<const float> b) {
  if (a.size() != b.size()) return INFINITY;
  float m = 0.0f;
  for (size_t i = 0; i < a.size(); ++i) {
    const float d = std::fabs(a[i] - b[i]);
    if (!std::isfinite(d)) return INFINITY;
    m = std::max(m, d);
  }
  return m;
}

inline int argmax(std::span<const float> row) {
  return static_cast<int>(std::max_element(row.begin(), row.end()) - row.begin());
}

}  // namespace pw::test
