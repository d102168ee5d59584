#include "engine/compute/sgemm.h"

#include <algorithm>
#include <mutex>

#ifdef PAGEWISE_HAVE_OPENBLAS
#include <cblas.h>
#endif

namespace pw::compute {

#ifdef PAGEWISE_HAVE_OPENBLAS
namespace {
void openblas_single_threaded() {
  static std::once_flag once;
  std::call_once(once, [] { openblas_set_num_threads(1); });
}
}  // namespace

void sgemm(Trans trans, int M, int N, int K, const float* A, int lda, const float* B, int ldb, float* C, int ldc) {
  if (M <= 0 || N <= 0) return;
  openblas_single_threaded();
  cblas_sgemm(CblasRowMajor, CblasNoTrans, trans == Trans::B ? CblasTrans : CblasNoTrans, M, N, K, 1.0f, A, lda, B,
              ldb, 0.0f, C, ldc);
}
#else
void sgemm(Trans trans, int M, int N, int K, const float* A, int lda, const float* B, int ldb, float* C, int ldc) {
  for (int i = 0; i < M; ++i) {
    float* c = C + static_cast<long>(i) * ldc;
    const float* a = A + static_cast<long>(i) * lda;
    if (trans == Trans::B) {
      for (int j = 0; j < N; ++j) {
        const float* b = B + static_cast<long>(j) * ldb;
        float s = 0.0f;
        for (int k = 0; k < K; ++k) s += a[k] * b[k];
        c[j] = s;
      }
    } else {
      std::fill(c, c + N, 0.0f);
      for (int k = 0; k < K; ++k) {
        const float av = a[k];
        const float* b = B + static_cast<long>(k) * ldb;
        for (int j = 0; j < N; ++j) c[j] += av * b[j];
      }
    }
  }
}
#endif

}  // namespace pw::compute
