// Single-threaded F32 matrix products on row-major matrices: OpenBLAS when the build has it,
// else a plain loop. For callers that already split work over the engine's ThreadPool (each
// task calls this on its own slice), e.g. the sgemm path of compute::matmul and the batched
// attention of prompt processing.
//
//   // C[M x N] = A[M x K] . B^T, B stored N x K (rows of B are the "weight rows")
//   pw::compute::sgemm(pw::compute::Trans::B, M, N, K, A, lda, B, ldb, C, ldc);
//   // C[M x N] = A[M x K] . B,   B stored K x N
//   pw::compute::sgemm(pw::compute::Trans::None, M, N, K, A, lda, B, ldb, C, ldc);
//
// Rules: C is overwritten (beta = 0) and must not overlap A or B. OpenBLAS' own thread pool is
// set to one thread on first use, so it never competes with ours for the cores (two pools
// spinning on two cores each were what made long prompts spend most of their time off-CPU).
#pragma once

namespace pw::compute {

enum class Trans { None, B };

void sgemm(Trans trans, int M, int N, int K, const float* A, int lda, const float* B, int ldb, float* C, int ldc);

}  // namespace pw::compute
