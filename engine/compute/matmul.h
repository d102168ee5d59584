// Products of a quantized weight matrix with activations, split over the thread pool.
// Knows formats only through pw::quant::TypeKernels; knows nothing about models.
//
//   auto mk = pw::compute::matmul_kernels_for(pw::GgmlType::Q4_K);   // once, at model load
//   if (!mk) return mk.error();
//   pw::compute::ThreadPool pool;  pw::compute::Workspace ws;
//   // decode: y[rows] = W[rows x cols] . x[cols]
//   PW_TRY(pw::compute::matvec(*mk, W, rows, cols, x, y, pool, ws));
//   // prefill: Y[n_tokens x rows] = X[n_tokens x cols] . W^T
//   PW_TRY(pw::compute::matmul(*mk, W, rows, cols, X, n_tokens, Y, pool, ws));
//
// Layout: W is `rows` rows of `cols` values in the weight format, row r at
// W + r * row_size_bytes(type, cols) (ggml's layout for a [cols, rows] tensor). X and Y are
// row-major F32, one row per token, and must not overlap. One Workspace per concurrent caller.
//
// What must not change:
// - Activations are converted to the weights' vec_dot_type once per call (Q8_0/Q8_1/Q8_K: 8-bit;
//   F32/F16/BF16 weights: the same float type), then each output is one vec_dot call. Each output
//   value depends only on its row and token, never on the thread count or the split, so results
//   are bit-identical for any pool size (tested).
// - The sgemm path (large batches) dequantizes fixed 128-row tiles of W to F32 and multiplies with
//   full-precision F32 activations via OpenBLAS, one single-threaded sgemm per tile on each pool
//   thread (OpenBLAS' own threads are set to 1 so the two pools never oversubscribe the cores).
//   Tile boundaries do not depend on the thread count, so that path is deterministic too.
// - No allocation in the hot path once the Workspace has grown; bad shapes are errors, not UB.
#pragma once

#include <cstdint>

#include "engine/compute/thread_pool.h"
#include "engine/compute/workspace.h"
#include "engine/quant/kernels.h"
#include "engine/util/status.h"

namespace pw::compute {

// The kernels one weight matrix needs: its own format's and those of the format its
// activations are converted to (`weights->vec_dot_type`).
struct MatmulKernels {
  const quant::TypeKernels* weights = nullptr;
  const quant::TypeKernels* activations = nullptr;
};

// Looks both up with quant::kernels_for; Unsupported when this build cannot compute with `type`.
Result<MatmulKernels> matmul_kernels_for(GgmlType type);

// How matmul computes a batch. Auto picks by format and batch size (see choose_path in
// matmul.cpp); the others exist for tests and pagewise-bench. Gemm: quantized activations times
// unpacked weight panels (quant::GemmKernels); formats without a fast panel fall back to VecDot.
enum class BatchPath { Auto, VecDot, Sgemm, Gemm };

// True when this build has OpenBLAS (BatchPath::Sgemm is available).
bool have_sgemm();

// Smallest batch for which BatchPath::Auto uses sgemm (for reports).
int64_t sgemm_min_tokens();

// The path BatchPath::Auto takes for `n_tokens` rows of a matrix of this format.
BatchPath auto_path(const MatmulKernels& k, int64_t n_tokens);

// y[r] = dot(W row r, x) for r in [0, rows).
Status matvec(const MatmulKernels& k, const void* W, int64_t rows, int64_t cols, const float* x, float* y,
              ThreadPool& pool, Workspace& ws);

// Y[t * rows + r] = dot(W row r, X row t) for t in [0, n_tokens), r in [0, rows).
Status matmul(const MatmulKernels& k, const void* W, int64_t rows, int64_t cols, const float* X, int64_t n_tokens,
              float* Y, ThreadPool& pool, Workspace& ws, BatchPath path = BatchPath::Auto);

}  // namespace pw::compute
