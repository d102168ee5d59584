// matvec / matmul with the real kernel table (quant::kernels_for) for every weight format this
// build computes with: results equal a double-precision reference from the dequantized weights
// within the error that quantizing the activations can cause, equal one vec_dot per output bit
// for bit, and do not depend on the thread count.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "engine/compute/matmul.h"
#include "engine/quant/gemm_kernels.h"

namespace pw::compute {
namespace {

std::vector<GgmlType> computable_formats() {
  std::vector<GgmlType> v;
  for (uint32_t id = 0; id < kGgmlTypeCount; ++id) {
    if (!is_known_type(id)) continue;
    const auto t = static_cast<GgmlType>(id);
    auto mk = matmul_kernels_for(t);
    if (mk && mk->weights->quantize_row && mk->weights->dequantize_row_scalar) v.push_back(t);
  }
  return v;
}

std::string names(const std::vector<GgmlType>& types) {
  std::string s;
  for (GgmlType t : types) s += std::string(type_name(t)) + " ";
  return s;
}

TEST(ComputeFormats, EveryWeightFormatOfTheDesignIsComputable) {
  const auto have = computable_formats();
  for (GgmlType t : {GgmlType::F32, GgmlType::F16, GgmlType::BF16, GgmlType::Q4_0, GgmlType::Q4_1, GgmlType::Q5_0,
                     GgmlType::Q5_1, GgmlType::Q8_0, GgmlType::Q2_K, GgmlType::Q3_K, GgmlType::Q4_K, GgmlType::Q5_K,
                     GgmlType::Q6_K})
    EXPECT_NE(std::find(have.begin(), have.end(), t), have.end())
        << type_name(t) << " is missing from kernels_for(); computable: " << names(have);
}

TEST(ComputeFormats, UnknownOrActivationOnlyTypesAreUnsupported) {
  auto removed = matmul_kernels_for(static_cast<GgmlType>(4));  // Q4_2, removed from ggml
  ASSERT_FALSE(removed.ok());
  EXPECT_EQ(removed.error().code(), ErrorCode::Unsupported);
  auto q8k = matmul_kernels_for(GgmlType::Q8_K);  // activations only: no vec_dot of its own
  ASSERT_FALSE(q8k.ok());
  EXPECT_EQ(q8k.error().code(), ErrorCode::Unsupported);
}

// Largest error one activation value can get from conversion to `t`, as a function of the value
// and of its block's largest magnitude. 8-bit formats: half a step of amax/127, plus the F16
// rounding of the block scale (127 * 2^-11 of a step), so 0.6 steps; float formats: their
// rounding, doubled for safety.
double activation_error(GgmlType t, float x, float block_amax) {
  switch (t) {
    case GgmlType::F32: return 0;
    case GgmlType::F16: return std::fabs(x) * std::ldexp(1.0, -10);
    case GgmlType::BF16: return std::fabs(x) * std::ldexp(1.0, -7);
    default: return 0.6 * block_amax / 127.0;  // Q8_0, Q8_1 (32 values), Q8_K (256)
  }
}

// Rounding step of that conversion: the error is roughly uniform over one step, so its variance
// is step^2 / 12. Used for a statistical check much tighter than the worst case above.
double activation_step(GgmlType t, float x, float block_amax) {
  switch (t) {
    case GgmlType::F32: return 0;
    case GgmlType::F16: return std::fabs(x) * std::ldexp(1.0, -10);
    case GgmlType::BF16: return std::fabs(x) * std::ldexp(1.0, -7);
    default: return block_amax / 127.0;
  }
}

struct Case {
  GgmlType type;
  MatmulKernels mk;
  int64_t rows, cols, tokens;
  std::vector<uint8_t> w;
  std::vector<float> wf;  // dequantized weights (scalar reference dequantizer)
  std::vector<float> x;
  size_t row_bytes = 0;
};

Case make_case(GgmlType type, int64_t rows, int64_t cols, int64_t tokens, uint32_t seed) {
  Case c{type, *matmul_kernels_for(type), rows, cols, tokens, {}, {}, {}};
  std::mt19937 rng(seed);
  std::normal_distribution<float> nd(0.f, 1.f);
  c.row_bytes = *row_size_bytes(type, static_cast<uint64_t>(cols));
  c.w.resize(c.row_bytes * static_cast<size_t>(rows));
  c.wf.resize(static_cast<size_t>(rows * cols));
  std::vector<float> row(static_cast<size_t>(cols));
  for (int64_t r = 0; r < rows; ++r) {
    for (auto& v : row) v = nd(rng);
    c.mk.weights->quantize_row(row.data(), c.w.data() + static_cast<size_t>(r) * c.row_bytes, cols);
    c.mk.weights->dequantize_row_scalar(c.w.data() + static_cast<size_t>(r) * c.row_bytes, c.wf.data() + r * cols, cols);
  }
  c.x.resize(static_cast<size_t>(tokens * cols));
  for (auto& v : c.x) v = nd(rng);
  return c;
}

// Checks y against the double reference in two ways:
// - every output: |y - ref| <= sum |w_i| err(x_i) + 2e-4 sum |w_i x_i| (worst case of the
//   activation conversion, plus float accumulation and F16 block sums);
// - all outputs together: the RMS error is at most twice the RMS predicted by uniform rounding
//   (variance sum w_i^2 step_i^2 / 12), which catches a systematic error the loose worst case
//   would let through (a wrong scale, a dropped block).
// sgemm multiplies the F32 activations, so only the accumulation term applies there.
void expect_within_reference(const Case& c, const std::vector<float>& y, bool converted, const std::string& what) {
  const GgmlType at = c.mk.weights->vec_dot_type;
  const int64_t ablock = type_info(at).block_size;
  double sum_sq_err = 0, sum_predicted_var = 0;
  for (int64_t t = 0; t < c.tokens; ++t) {
    const float* x = c.x.data() + t * c.cols;
    std::vector<double> err(static_cast<size_t>(c.cols), 0.0), step(static_cast<size_t>(c.cols), 0.0);
    if (converted)
      for (int64_t b = 0; b < c.cols; b += ablock) {
        float amax = 0;
        for (int64_t i = b; i < b + ablock; ++i) amax = std::max(amax, std::fabs(x[i]));
        for (int64_t i = b; i < b + ablock; ++i) {
          err[static_cast<size_t>(i)] = activation_error(at, x[i], amax);
          step[static_cast<size_t>(i)] = activation_step(at, x[i], amax);
        }
      }
    for (int64_t r = 0; r < c.rows; ++r) {
      const float* w = c.wf.data() + r * c.cols;
      double ref = 0, bound = 1e-5, mag = 0, var = 0;
      for (int64_t i = 0; i < c.cols; ++i) {
        ref += static_cast<double>(w[i]) * x[i];
        mag += std::fabs(static_cast<double>(w[i]) * x[i]);
        bound += std::fabs(w[i]) * err[static_cast<size_t>(i)];
        var += static_cast<double>(w[i]) * w[i] * step[static_cast<size_t>(i)] * step[static_cast<size_t>(i)] / 12;
      }
      bound += 2e-4 * mag;
      const float got = y[static_cast<size_t>(t * c.rows + r)];
      ASSERT_TRUE(std::isfinite(got)) << what << " token " << t << " row " << r;
      ASSERT_LE(std::fabs(got - ref), bound) << what << " token " << t << " row " << r << " got " << got << " ref " << ref;
      sum_sq_err += (got - ref) * (got - ref);
      sum_predicted_var += var + (1e-6 * mag) * (1e-6 * mag);
    }
  }
  const double n = static_cast<double>(c.rows * c.tokens);
  EXPECT_LE(std::sqrt(sum_sq_err / n), 2 * std::sqrt(sum_predicted_var / n) + 1e-6)
      << what << ": errors larger than activation rounding explains";
}

// y must be exactly the format's dot product of (row, activations converted by the activation
// kernels): its tile kernel (any tile shape gives the same bits, quant_tile_test.cpp) when it
// has one, else vec_dot.
void expect_one_vec_dot_per_output(const Case& c, const std::vector<float>& y, const std::string& what) {
  const GgmlType at = c.mk.weights->vec_dot_type;
  const size_t abytes = *row_size_bytes(at, static_cast<uint64_t>(c.cols));
  std::vector<uint8_t> act(abytes);
  for (int64_t t = 0; t < c.tokens; ++t) {
    const float* x = c.x.data() + t * c.cols;
    const void* a = x;
    if (at != GgmlType::F32) {
      c.mk.activations->quantize_row(x, act.data(), c.cols);
      a = act.data();
    }
    for (int64_t r = 0; r < c.rows; ++r) {
      const uint8_t* row = c.w.data() + static_cast<size_t>(r) * c.row_bytes;
      float want = 0;
      if (c.mk.weights->vec_dot_tile) {
        c.mk.weights->vec_dot_tile(c.cols, row, c.row_bytes, 1, a, 0, 1, &want, 1);
      } else {
        want = c.mk.weights->vec_dot(c.cols, row, a);
      }
      ASSERT_EQ(y[static_cast<size_t>(t * c.rows + r)], want) << what << " token " << t << " row " << r;
    }
  }
}

std::vector<float> run(const Case& c, int threads, BatchPath path) {
  ThreadPool pool({.threads = threads});
  Workspace ws;
  std::vector<float> y(static_cast<size_t>(c.tokens * c.rows), NAN);
  Status s = c.tokens == 1 ? matvec(c.mk, c.w.data(), c.rows, c.cols, c.x.data(), y.data(), pool, ws)
                           : matmul(c.mk, c.w.data(), c.rows, c.cols, c.x.data(), c.tokens, y.data(), pool, ws, path);
  EXPECT_TRUE(s.ok()) << s.error().describe();
  return y;
}

TEST(ComputeFormats, ProductsMatchTheReferenceForEveryFormatPathAndThreadCount) {
  const auto formats = computable_formats();
  ASSERT_FALSE(formats.empty()) << "kernels_for() offers no weight format";
  struct Shape { int64_t rows, tokens; BatchPath path; };
  // Odd row counts, not multiples of any chunk, row block or tile size (150 spans two sgemm
  // tiles and, for 4-bit rows, three vec_dot row blocks). 1 token: matvec; 6: the vec_dot batch
  // path; 40: sgemm (forced, so it is covered even if the crossover constant moves).
  // Gemm: the panels (AVX2: K-quants, bit-identical to the tiles; AVX-512 VNNI: K-quants and
  // Q4_0/Q5_0/Q8_0; formats without panels fall back to the tiles);
  // 300 tokens span two token blocks, 21 rows end in a partial panel.
  std::vector<Shape> shapes{{37, 1, BatchPath::VecDot}, {150, 6, BatchPath::VecDot}, {150, 40, BatchPath::Gemm},
                            {21, 300, BatchPath::Gemm}};
  if (have_sgemm()) shapes.push_back({150, 40, BatchPath::Sgemm});
  uint32_t seed = 100;
  for (GgmlType type : formats) {
    const int64_t cols = 512;  // 2 K-quant super-blocks, 16 legacy blocks
    for (const Shape& sh : shapes) {
      const Case c = make_case(type, sh.rows, cols, sh.tokens, seed++);
      const bool sgemm = sh.path == BatchPath::Sgemm;
      std::vector<float> first;
      for (int threads = 1; threads <= 4; ++threads) {
        const std::string what = std::string(type_name(type)) + " " + std::to_string(sh.rows) + "x" +
                                 std::to_string(cols) + " tokens " + std::to_string(sh.tokens) +
                                 (sgemm ? " sgemm" : sh.path == BatchPath::Gemm ? " gemm" : " vec_dot") + " threads " + std::to_string(threads);
        const auto y = run(c, threads, sh.path);
        if (threads == 1) {
          expect_within_reference(c, y, !sgemm && c.mk.weights->vec_dot_type != GgmlType::F32, what);
          // The VNNI panels scale the same integer block sums in another order: within the
          // reference above, not bit-identical to the tiles (quant_gemm_test.cpp compares them
          // with the scalar twin).
          const bool vnni = sh.path == BatchPath::Gemm && c.mk.weights->gemm &&
                            c.mk.weights->gemm->tier == quant::GemmTier::Avx512Vnni;
          if (!sgemm && !vnni) expect_one_vec_dot_per_output(c, y, what);
          first = y;
        } else {
          ASSERT_EQ(0, std::memcmp(first.data(), y.data(), y.size() * sizeof(float))) << what << " differs from 1 thread";
        }
      }
    }
  }
  std::cout << "formats checked: " << names(formats) << "\n";
}

}  // namespace
}  // namespace pw::compute
