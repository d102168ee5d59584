// matvec / matmul partitioning, threading and paths, checked with two small test-local kernel
// tables (plain F32, and F16 via the project's exact fp16 conversion). They are test doubles for
// the split logic only; the real per-format kernels are covered in compute_formats_test.cpp.
#include "engine/compute/matmul.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "engine/tensor/fp16.h"

namespace pw::compute {
namespace {

using quant::DequantizeRowFn;
using quant::QuantizeRowFn;
using quant::TypeKernels;
using quant::VecDotFn;

void f32_copy(const void* src, float* dst, int64_t n) { std::memcpy(dst, src, static_cast<size_t>(n) * 4); }
void f32_store(const float* src, void* dst, int64_t n) { std::memcpy(dst, src, static_cast<size_t>(n) * 4); }
float f32_dot(int64_t n, const void* w, const void* a) {
  const auto* x = static_cast<const float*>(w);
  const auto* y = static_cast<const float*>(a);
  float s = 0;
  for (int64_t i = 0; i < n; ++i) s += x[i] * y[i];
  return s;
}
void f16_to_f32_row(const void* src, float* dst, int64_t n) {
  const auto* h = static_cast<const uint16_t*>(src);
  for (int64_t i = 0; i < n; ++i) dst[i] = fp16_to_fp32(h[i]);
}
void f32_to_f16_row(const float* src, void* dst, int64_t n) {
  auto* h = static_cast<uint16_t*>(dst);
  for (int64_t i = 0; i < n; ++i) h[i] = fp32_to_fp16(src[i]);
}
float f16_dot(int64_t n, const void* w, const void* a) {
  const auto* x = static_cast<const uint16_t*>(w);
  const auto* y = static_cast<const uint16_t*>(a);
  float s = 0;
  for (int64_t i = 0; i < n; ++i) s += fp16_to_fp32(x[i]) * fp16_to_fp32(y[i]);
  return s;
}

// Built member by member: members this test does not need stay null (and new members of
// TypeKernels do not break this file).
TypeKernels make_kernels(GgmlType type, DequantizeRowFn deq, QuantizeRowFn quant, VecDotFn dot) {
  TypeKernels k{};
  k.type = type;
  k.vec_dot_type = type;
  k.dequantize_row = k.dequantize_row_scalar = deq;
  k.quantize_row = quant;
  k.vec_dot = k.vec_dot_scalar = dot;
  return k;
}
const TypeKernels kF32 = make_kernels(GgmlType::F32, f32_copy, f32_store, f32_dot);
const TypeKernels kF16 = make_kernels(GgmlType::F16, f16_to_f32_row, f32_to_f16_row, f16_dot);
const MatmulKernels kF32Pair{&kF32, &kF32};  // activations used as they are
const MatmulKernels kF16Pair{&kF16, &kF16};  // activations converted, weights dequantized for sgemm

struct Problem {
  int64_t rows, cols, tokens;
  std::vector<uint8_t> w;  // rows x cols in the kernel's layout
  std::vector<float> wf;   // the same weights as floats
  std::vector<float> x;    // tokens x cols
};

Problem make_problem(const TypeKernels& k, int64_t rows, int64_t cols, int64_t tokens, uint32_t seed) {
  Problem p{rows, cols, tokens, {}, {}, {}};
  std::mt19937 rng(seed);
  std::normal_distribution<float> nd(0.f, 1.f);
  p.wf.resize(static_cast<size_t>(rows * cols));
  for (auto& v : p.wf) v = nd(rng);
  const size_t row_bytes = *row_size_bytes(k.type, static_cast<uint64_t>(cols));
  p.w.resize(row_bytes * static_cast<size_t>(rows));
  for (int64_t r = 0; r < rows; ++r) {
    k.quantize_row(p.wf.data() + r * cols, p.w.data() + r * row_bytes, cols);
    k.dequantize_row(p.w.data() + r * row_bytes, p.wf.data() + r * cols, cols);  // exact stored values
  }
  p.x.resize(static_cast<size_t>(tokens * cols));
  for (auto& v : p.x) v = nd(rng);
  return p;
}

// Double-precision reference; `act` rounds activations the way the kernel's vec_dot_type does.
std::vector<double> reference(const Problem& p, bool f16_activations) {
  std::vector<double> y(static_cast<size_t>(p.tokens * p.rows));
  for (int64_t t = 0; t < p.tokens; ++t)
    for (int64_t r = 0; r < p.rows; ++r) {
      double s = 0;
      for (int64_t i = 0; i < p.cols; ++i) {
        float a = p.x[static_cast<size_t>(t * p.cols + i)];
        if (f16_activations) a = fp16_to_fp32(fp32_to_fp16(a));
        s += static_cast<double>(p.wf[static_cast<size_t>(r * p.cols + i)]) * a;
      }
      y[static_cast<size_t>(t * p.rows + r)] = s;
    }
  return y;
}

// Float accumulation over `cols` products of N(0,1) values: a few ulps of sqrt(cols).
void expect_near_reference(const std::vector<float>& y, const std::vector<double>& ref, int64_t cols,
                           const std::string& what) {
  ASSERT_EQ(y.size(), ref.size());
  const double tol = 1e-5 * static_cast<double>(cols);
  for (size_t i = 0; i < y.size(); ++i) ASSERT_NEAR(y[i], ref[i], tol) << what << " output " << i;
}

std::vector<float> run_matmul(const MatmulKernels& mk, const Problem& p, int threads, BatchPath path) {
  ThreadPool pool({.threads = threads});
  Workspace ws;
  std::vector<float> y(static_cast<size_t>(p.tokens * p.rows), NAN);
  Status s = p.tokens == 1 && path == BatchPath::VecDot
                 ? matvec(mk, p.w.data(), p.rows, p.cols, p.x.data(), y.data(), pool, ws)
                 : matmul(mk, p.w.data(), p.rows, p.cols, p.x.data(), p.tokens, y.data(), pool, ws, path);
  EXPECT_TRUE(s.ok()) << s.error().describe();
  return y;
}

const char* path_name(BatchPath p) {
  return p == BatchPath::Auto ? "auto" : p == BatchPath::VecDot ? "vec_dot" : "sgemm";
}

// The path BatchPath::Auto takes for a batch (sgemm multiplies F32 activations, not rounded ones).
bool uses_sgemm(BatchPath path, int64_t tokens) {
  return path == BatchPath::Sgemm || (path == BatchPath::Auto && have_sgemm() && tokens >= sgemm_min_tokens());
}

std::vector<BatchPath> paths() {
  std::vector<BatchPath> v{BatchPath::VecDot, BatchPath::Auto};
  if (have_sgemm()) v.push_back(BatchPath::Sgemm);
  return v;
}

TEST(ComputeMatmul, OddShapesMatchTheReferenceOnEveryPathAndThreadCount) {
  struct Shape { int64_t rows, cols, tokens; };
  const Shape shapes[] = {{1, 1, 1}, {3, 5, 1}, {17, 33, 2}, {65, 64, 5}, {130, 40, 33}, {200, 7, 70}, {129, 96, 3}};
  for (const MatmulKernels* mk : {&kF32Pair, &kF16Pair}) {
    const bool f16 = mk == &kF16Pair;
    uint32_t seed = 1;
    for (const Shape& sh : shapes) {
      const Problem p = make_problem(*mk->weights, sh.rows, sh.cols, sh.tokens, seed++);
      const auto ref = reference(p, f16);
      for (BatchPath path : paths()) {
        std::vector<float> first;
        for (int threads = 1; threads <= 4; ++threads) {
          const std::string what = std::string(f16 ? "f16" : "f32") + " " + std::to_string(sh.rows) + "x" +
                                   std::to_string(sh.cols) + "x" + std::to_string(sh.tokens) + " path " +
                                   path_name(path) + " threads " + std::to_string(threads);
          const auto y = run_matmul(*mk, p, threads, path);
          // sgemm uses the F32 activations, not their F16 rounding.
          expect_near_reference(y, uses_sgemm(path, sh.tokens) ? reference(p, false) : ref, sh.cols, what);
          if (threads == 1) {
            first = y;
          } else {
            ASSERT_EQ(0, std::memcmp(first.data(), y.data(), y.size() * sizeof(float)))
                << what << ": results differ from 1 thread";
          }
        }
      }
    }
  }
}

TEST(ComputeMatmul, VecDotPathEqualsOneVecDotPerOutputExactly) {
  // Each output must be exactly one vec_dot of the row with the converted activations: no
  // partial sums across threads, no reordering that changes rounding.
  const Problem p = make_problem(kF16, 77, 48, 9, 11);
  const auto y = run_matmul(kF16Pair, p, 3, BatchPath::VecDot);
  std::vector<uint16_t> act(static_cast<size_t>(p.cols));
  for (int64_t t = 0; t < p.tokens; ++t) {
    f32_to_f16_row(p.x.data() + t * p.cols, act.data(), p.cols);
    for (int64_t r = 0; r < p.rows; ++r) {
      const float want = f16_dot(p.cols, p.w.data() + static_cast<size_t>(r * p.cols) * 2, act.data());
      ASSERT_EQ(y[static_cast<size_t>(t * p.rows + r)], want) << t << "," << r;
    }
  }
}

TEST(ComputeMatmul, WorkspaceIsReusedAcrossCalls) {
  const Problem big = make_problem(kF16, 130, 64, 40, 5);
  ThreadPool pool({.threads = 2});
  Workspace ws;
  std::vector<float> y(static_cast<size_t>(big.rows * big.tokens));
  for (BatchPath path : paths())
    ASSERT_TRUE(matmul(kF16Pair, big.w.data(), big.rows, big.cols, big.x.data(), big.tokens, y.data(), pool, ws, path).ok());
  const size_t grown = ws.capacity_bytes();
  EXPECT_GT(grown, 0u);
  for (int i = 0; i < 5; ++i)
    for (BatchPath path : paths())
      ASSERT_TRUE(matmul(kF16Pair, big.w.data(), big.rows, big.cols, big.x.data(), big.tokens - i, y.data(), pool, ws, path).ok());
  EXPECT_EQ(ws.capacity_bytes(), grown) << "smaller or equal calls must not reallocate";
}

TEST(ComputeMatmul, BadArgumentsAreErrorsNotCrashes) {
  ThreadPool pool({.threads = 2});
  Workspace ws;
  std::vector<float> w(64), x(64), y(64);
  auto code = [](const Status& s) { return s.ok() ? ErrorCode::Unknown : s.error().code(); };
  EXPECT_EQ(code(matvec(MatmulKernels{}, w.data(), 2, 8, x.data(), y.data(), pool, ws)), ErrorCode::InvalidArgument);
  EXPECT_EQ(code(matvec(MatmulKernels{&kF32, &kF16}, w.data(), 2, 8, x.data(), y.data(), pool, ws)),
            ErrorCode::InvalidArgument);  // activation kernels of the wrong type
  EXPECT_EQ(code(matvec(kF32Pair, w.data(), -1, 8, x.data(), y.data(), pool, ws)), ErrorCode::InvalidArgument);
  EXPECT_EQ(code(matvec(kF32Pair, w.data(), 2, 0, x.data(), y.data(), pool, ws)), ErrorCode::InvalidArgument);
  EXPECT_EQ(code(matvec(kF32Pair, nullptr, 2, 8, x.data(), y.data(), pool, ws)), ErrorCode::InvalidArgument);
  EXPECT_EQ(code(matmul(kF32Pair, w.data(), 2, 8, x.data(), -3, y.data(), pool, ws)), ErrorCode::InvalidArgument);
  TypeKernels no_dot = kF32;
  no_dot.vec_dot = nullptr;
  EXPECT_EQ(code(matvec(MatmulKernels{&no_dot, &kF32}, w.data(), 2, 8, x.data(), y.data(), pool, ws)),
            ErrorCode::Unsupported);
  TypeKernels no_quant = kF16;
  no_quant.quantize_row = nullptr;
  EXPECT_EQ(code(matvec(MatmulKernels{&kF16, &no_quant}, w.data(), 2, 8, x.data(), y.data(), pool, ws)),
            ErrorCode::Unsupported);
  // Empty products are fine and touch nothing.
  EXPECT_TRUE(matvec(kF32Pair, nullptr, 0, 8, x.data(), nullptr, pool, ws).ok());
  EXPECT_TRUE(matmul(kF32Pair, w.data(), 2, 8, nullptr, 0, nullptr, pool, ws).ok());
  // A workspace limit is an error, not an allocation of whatever was asked.
  Workspace tiny(16);
  std::vector<float> wx(4096 * 40), wy(40 * 1);
  std::vector<uint16_t> wh(4096);
  EXPECT_EQ(code(matmul(kF16Pair, wh.data(), 1, 4096, wx.data(), 40, wy.data(), pool, tiny, BatchPath::VecDot)),
            ErrorCode::ResourceLimit);
}

}  // namespace
}  // namespace pw::compute
