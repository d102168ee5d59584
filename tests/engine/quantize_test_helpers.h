// Helpers for the quantizer tests: open a GGUF or fail the test, dequantize a tensor with the
// plain scalar kernels, root-mean-square error, the fixture pairs.
//
//   GgufFile f = open_gguf(path);                         // ADD_FAILURE + abort on error
//   std::vector<float> w = dequantize(*f.find_tensor("output.weight"));
//   double e = rmse(w, original);
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "engine/gguf/gguf_file.h"
#include "engine/quant/kernels.h"
#include "support/test_support.h"

namespace pw {
// gtest prints GgmlType values by name ("q4_K") instead of their bytes.
inline void PrintTo(GgmlType t, std::ostream* os) { *os << (is_known_type(static_cast<uint32_t>(t)) ? type_name(t) : "?"); }
}  // namespace pw

namespace pw::quantize::testing {

inline gguf::GgufFile open_gguf(const std::filesystem::path& path) {
  auto r = gguf::GgufFile::open(path);
  if (!r) {
    ADD_FAILURE() << r.error().describe();
    std::abort();  // every caller needs the file
  }
  return std::move(r).value();
}

inline std::filesystem::path fixture(const std::string& file) { return pw::test::shared_path("fixtures/models/" + file); }

// Every element of the tensor as float, through the scalar (reference) dequantizers.
inline std::vector<float> dequantize(const gguf::GgufTensor& t) {
  const quant::TypeKernels* k = quant::scalar_kernels_for(t.type);
  if (!k || !k->dequantize_row_scalar) {
    ADD_FAILURE() << "no dequantizer for " << type_name(t.type);
    return {};
  }
  std::vector<float> out(t.n_elements);
  for (uint64_t r = 0; r < t.n_rows(); ++r)
    k->dequantize_row_scalar(t.data + r * t.row_bytes, out.data() + r * t.ne[0], static_cast<int64_t>(t.ne[0]));
  return out;
}

inline double sum_squared_error(const std::vector<float>& a, const std::vector<float>& b) {
  double s = 0.0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    const double d = static_cast<double>(a[i]) - static_cast<double>(b[i]);
    s += d * d;
  }
  return s;
}

inline double rmse(const std::vector<float>& a, const std::vector<float>& b) {
  return a.empty() ? 0.0 : std::sqrt(sum_squared_error(a, b) / static_cast<double>(a.size()));
}

}  // namespace pw::quantize::testing
