// The operations of an encoder forward pass over a packed batch (encoder.h).
#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>
#include <new>
#include <string>

#include "engine/model/blocks.h"
#include "engine/model/encoder.h"
#include "engine/model/softmax_kernels.h"
#include "engine/quant/kernels.h"

#ifdef PAGEWISE_HAVE_OPENBLAS
#include <cblas.h>
#endif

namespace pw::model {
namespace {

size_t sz(int64_t a, int64_t b) { return static_cast<size_t>(a) * static_cast<size_t>(b); }

constexpr int kParallelRows = 8;

// y = (x - mean) / sqrt(var + eps) as ggml_compute_forward_norm_f32: sums in double.
void layer_norm_row(const float* x, int n, float eps, float* y) {
  double sum = 0.0;
  for (int i = 0; i < n; ++i) sum += static_cast<double>(x[i]);
  const float mean = static_cast<float>(sum / n);
  double sum2 = 0.0;
  for (int i = 0; i < n; ++i) {
    const float d = x[i] - mean;
    y[i] = d;
    sum2 += static_cast<double>(d * d);
  }
  const float variance = static_cast<float>(sum2 / n);
  const float scale = 1.0f / std::sqrt(variance + eps);
  for (int i = 0; i < n; ++i) y[i] *= scale;
}

#ifdef PAGEWISE_HAVE_OPENBLAS
void single_threaded_blas() {
  // Our pool runs one sgemm per task; OpenBLAS' own threads would oversubscribe the cores.
  static std::once_flag once;
  std::call_once(once, [] { openblas_set_num_threads(1); });
}
#endif

}  // namespace

const char* pooling_name(Pooling p) {
  switch (p) {
    case Pooling::None: return "none";
    case Pooling::Mean: return "mean";
    case Pooling::Cls: return "cls";
    case Pooling::Last: return "last";
  }
  return "?";
}

Result<EncoderBuffers> EncoderBuffers::create(const EncoderHParams& hp, int max_tokens, int max_seq, int threads) {
  EncoderBuffers b;
  b.max_tokens = max_tokens;
  b.max_seq = max_seq;
  b.threads = threads;
  const int64_t nt = max_tokens;
  try {
    b.x.resize(sz(nt, hp.n_embd));
    b.h.resize(sz(nt, hp.n_embd));
    b.q.resize(sz(nt, hp.n_embd));
    b.k.resize(sz(nt, hp.n_embd));
    b.v.resize(sz(nt, hp.n_embd));
    b.qkv.resize(sz(nt, 3 * int64_t{hp.n_embd}));
    b.att.resize(sz(nt, hp.n_embd));
    b.ff_a.resize(sz(nt, hp.n_ff));
    b.ff_b.resize(sz(nt, hp.n_ff));
    b.scores.resize(sz(threads, sz(max_seq, max_seq)));
  } catch (const std::bad_alloc&) {
    return Error(ErrorCode::ResourceLimit, "embedder",
                 "cannot allocate activation buffers for a batch of " + std::to_string(max_tokens) + " tokens");
  } catch (const std::length_error&) {
    return Error(ErrorCode::ResourceLimit, "embedder", "activation buffers too large");
  }
  return b;
}

EncoderForward::EncoderForward(const Context& ctx, const EncoderBatch& batch)
    : hp(ctx.hp),
      w(ctx.w),
      n(static_cast<int>(batch.tokens.size())),
      x(ctx.buf.x.data()),
      h(ctx.buf.h.data()),
      q(ctx.buf.q.data()),
      k(ctx.buf.k.data()),
      v(ctx.buf.v.data()),
      qkv(ctx.buf.qkv.data()),
      att(ctx.buf.att.data()),
      ff_a(ctx.buf.ff_a.data()),
      ff_b(ctx.buf.ff_b.data()),
      ctx_(ctx),
      batch_(batch) {
  pos_.resize(static_cast<size_t>(n));
  for (int s = 0; s < batch.n_seq(); ++s)
    for (int t = batch.seq_start[static_cast<size_t>(s)]; t < batch.seq_start[static_cast<size_t>(s) + 1]; ++t)
      pos_[static_cast<size_t>(t)] = t - batch.seq_start[static_cast<size_t>(s)];
}

template <typename Fn>
void EncoderForward::for_each_row(int rows, Fn&& fn) {
  if (rows < kParallelRows) {
    for (int t = 0; t < rows; ++t) fn(t);
    return;
  }
  // Plain arithmetic on preallocated rows: cannot throw, so the pool's status is always ok.
  static_cast<void>(ctx_.pool.parallel_for_range(rows, 8, [&](int64_t begin, int64_t end, int) {
    for (int64_t t = begin; t < end; ++t) fn(static_cast<int>(t));
  }));
}

void EncoderForward::embed() {
  const int e = hp.n_embd;
  const quant::DequantizeRowFn tok_row = w.token_embd.kernels.weights->dequantize_row;
  const bool has_pos = w.position_embd.present();
  for_each_row(n, [&](int t) {
    float* row = x + sz(t, e);
    tok_row(w.token_embd.row(batch_.tokens[static_cast<size_t>(t)]), row, e);
    if (!w.token_type0.empty()) add_rows(row, w.token_type0.data(), e);
    if (has_pos) {
      // Thread-local scratch: one embedding row.
      thread_local std::vector<float> pos_row;
      pos_row.resize(static_cast<size_t>(e));
      w.position_embd.kernels.weights->dequantize_row(w.position_embd.row(pos_[static_cast<size_t>(t)]),
                                                      pos_row.data(), e);
      add_rows(row, pos_row.data(), e);
    }
  });
}

void EncoderForward::layer_norm(const float* X, const Vector& weight, const Vector& bias, float* Y) {
  const int e = hp.n_embd;
  for_each_row(n, [&](int t) {
    float* y = Y + sz(t, e);
    layer_norm_row(X + sz(t, e), e, hp.norm_eps, y);
    if (!weight.empty())
      for (int i = 0; i < e; ++i) y[i] *= weight[static_cast<size_t>(i)];
    if (!bias.empty()) add_rows(y, bias.data(), e);
  });
}

Status EncoderForward::linear(const Matrix& W, const float* X, float* Y, const Vector* bias) {
  PW_TRY(compute::matmul(W.kernels, W.data, W.rows, W.cols, X, n, Y, ctx_.pool, ctx_.ws, ctx_.path));
  if (bias && !bias->empty()) {
    const int rows = static_cast<int>(W.rows);
    for_each_row(n, [&](int t) { add_rows(Y + sz(t, rows), bias->data(), rows); });
  }
  return ok_status();
}

void EncoderForward::split_columns(const float* src, int src_width, int col, int width, float* dst) {
  for_each_row(n, [&](int t) {
    std::copy_n(src + sz(t, src_width) + col, width, dst + sz(t, width));
  });
}

void EncoderForward::rope(float* X) {
  RopeParams p;
  p.type = RopeType::Neox;
  p.n_rot = hp.n_rot;
  p.freq_base = hp.rope_freq_base;
  for_each_row(n, [&](int t) {
    thread_local std::vector<float> cs;
    cs.resize(static_cast<size_t>(hp.n_rot));
    rope_cos_sin(pos_[static_cast<size_t>(t)], p, cs.data());
    rope_apply(X + sz(t, hp.n_embd), hp.n_head, hp.head_dim, p, cs.data());
  });
}

Status EncoderForward::attention() {
  const int e = hp.n_embd, hd = hp.head_dim, n_head = hp.n_head;
  const float scale = 1.0f / std::sqrt(static_cast<float>(hd));
  const int n_seq = batch_.n_seq();
  const size_t scores_per_thread = sz(ctx_.buf.max_seq, ctx_.buf.max_seq);
  const quant::TypeKernels* f32 = quant::kernels_for(GgmlType::F32);
#ifdef PAGEWISE_HAVE_OPENBLAS
  single_threaded_blas();
#endif
  // One task per (text, head): its L x L score matrix, softmax, and L x hd output.
  return ctx_.pool.parallel_for(int64_t{n_seq} * n_head, [&](int64_t task, int thread) {
    const int s = static_cast<int>(task / n_head), head = static_cast<int>(task % n_head);
    const int t0 = batch_.seq_start[static_cast<size_t>(s)];
    const int L = batch_.seq_len(s);
    const float* Q = q + sz(t0, e) + sz(head, hd);
    const float* K = k + sz(t0, e) + sz(head, hd);
    const float* V = v + sz(t0, e) + sz(head, hd);
    float* O = att + sz(t0, e) + sz(head, hd);
    float* S = ctx_.buf.scores.data() + sz(thread, 1) * scores_per_thread;  // [L][L]
#ifdef PAGEWISE_HAVE_OPENBLAS
    // S = Q K^T  ([L x hd] . [hd x L]), rows of Q and K are e floats apart.
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, L, L, hd, scale, Q, e, K, e, 0.0f, S, L);
#else
    for (int i = 0; i < L; ++i)
      for (int j = 0; j < L; ++j) {
        const float d = f32->vec_dot(hd, Q + sz(i, e), K + sz(j, e));
        S[sz(i, L) + static_cast<size_t>(j)] = d * scale;
      }
#endif
    for (int i = 0; i < L; ++i) {
      float* row = S + sz(i, L);
      if (hp.causal)
        for (int j = i + 1; j < L; ++j) row[j] = -std::numeric_limits<float>::infinity();
      softmax_row(row, L);  // softmax_kernels.h (AVX2 when available)
    }
#ifdef PAGEWISE_HAVE_OPENBLAS
    // O = S V  ([L x L] . [L x hd]), written into the head's columns of att.
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, L, hd, L, 1.0f, S, L, V, e, 0.0f, O, e);
#else
    for (int i = 0; i < L; ++i) {
      float* o = O + sz(i, e);
      std::fill_n(o, hd, 0.0f);
      const float* p = S + sz(i, L);
      for (int j = 0; j < L; ++j) {
        const float* vj = V + sz(j, e);
        for (int d = 0; d < hd; ++d) o[d] += p[j] * vj[d];
      }
    }
#endif
    static_cast<void>(f32);
  });
}

void EncoderForward::add(float* X, const float* Y) {
  const int e = hp.n_embd;
  for_each_row(n, [&](int t) { add_rows(X + sz(t, e), Y + sz(t, e), e); });
}

void EncoderForward::gelu(float* X) {
  const int f = hp.n_ff;
  for_each_row(n, [&](int t) { model::gelu(X + sz(t, f), f); });
}

void EncoderForward::swiglu(const float* gate, const float* up, float* out) {
  const int f = hp.n_ff;
  for_each_row(n, [&](int t) { model::swiglu(gate + sz(t, f), up + sz(t, f), f, out + sz(t, f)); });
}

void pool_hidden(const float* hidden, const EncoderBatch& batch, int n_embd, Pooling pooling, bool normalize,
                 float* out) {
  for (int s = 0; s < batch.n_seq(); ++s) {
    const int t0 = batch.seq_start[static_cast<size_t>(s)];
    const int L = batch.seq_len(s);
    float* o = out + sz(s, n_embd);
    if (pooling == Pooling::Cls) {
      std::copy_n(hidden + sz(t0, n_embd), n_embd, o);
    } else if (pooling == Pooling::Last) {
      std::copy_n(hidden + sz(t0 + L - 1, n_embd), n_embd, o);
    } else {  // mean (also for None: a text needs one vector)
      std::fill_n(o, n_embd, 0.0f);
      for (int t = t0; t < t0 + L; ++t) add_rows(o, hidden + sz(t, n_embd), n_embd);
      const float inv = 1.0f / static_cast<float>(std::max(L, 1));
      for (int i = 0; i < n_embd; ++i) o[i] *= inv;
    }
    if (normalize) {
      double sum = 0.0;
      for (int i = 0; i < n_embd; ++i) sum += static_cast<double>(o[i]) * o[i];
      const float norm = static_cast<float>(std::sqrt(sum));
      if (norm > 0.0f) {
        const float inv = 1.0f / norm;
        for (int i = 0; i < n_embd; ++i) o[i] *= inv;
      }
    }
  }
}

}  // namespace pw::model
