#include "engine/model/forward.h"

#include <algorithm>
#include <chrono>
#include <new>
#include <string>

#include "engine/model/batch_attention.h"
#include "engine/quant/kernels.h"

namespace pw::model {
namespace {

size_t sz(int64_t a, int64_t b) { return static_cast<size_t>(a) * static_cast<size_t>(b); }

// Below this many rows an element-wise operation runs on the calling thread: dispatching costs
// more than it saves (decode has one row).
constexpr int kParallelRows = 8;

}  // namespace

Result<ForwardBuffers> ForwardBuffers::create(const HParams& hp, int n_batch, int n_ctx, int threads) {
  ForwardBuffers b;
  b.n_batch = n_batch;
  b.threads = threads;
  const int64_t nb = n_batch;
  try {
    b.x.resize(sz(nb, hp.n_embd));
    b.h.resize(sz(nb, hp.n_embd));
    b.q.resize(sz(nb, hp.q_width()));
    b.k.resize(sz(nb, hp.kv_width_k()));
    b.v.resize(sz(nb, hp.kv_width_v()));
    b.att.resize(sz(nb, hp.attn_width()));
    b.qkv.resize(sz(nb, int64_t{hp.q_width()} + hp.kv_width_k() + hp.kv_width_v()));
    b.ff_a.resize(sz(nb, 2 * int64_t{hp.n_ff}));
    b.ff_b.resize(sz(nb, hp.n_ff));
    b.rope_cs.resize(sz(nb, hp.n_rot));
    b.rope_cs_swa.resize(sz(nb, hp.n_rot));
    const int group = hp.n_head / hp.n_head_kv;
    b.attn_scores.resize(sz(threads, group) * static_cast<size_t>(n_ctx));
    b.attn_q.resize(sz(threads, group) * static_cast<size_t>(hp.head_dim_k));
    if (n_batch >= kBatchAttentionMinTokens) {
      b.attn_batch_stride = batch_attention_scratch_floats(n_ctx, hp.head_dim_k, hp.head_dim_v, group);
      b.attn_batch = std::make_unique_for_overwrite<float[]>(sz(threads, 1) * b.attn_batch_stride);
    }
  } catch (const std::bad_alloc&) {
    return Error(ErrorCode::ResourceLimit, "session",
                 "cannot allocate activation buffers for a batch of " + std::to_string(n_batch) + " tokens");
  } catch (const std::length_error&) {
    return Error(ErrorCode::ResourceLimit, "session", "activation buffers too large");
  }
  return b;
}

Forward::Forward(const Context& ctx, std::span<const int32_t> tokens, int pos0, int out_first, float* logits)
    : hp(ctx.hp),
      w(ctx.w),
      n(static_cast<int>(tokens.size())),
      pos0(pos0),
      x(ctx.buf.x.data()),
      h(ctx.buf.h.data()),
      q(ctx.buf.q.data()),
      k(ctx.buf.k.data()),
      v(ctx.buf.v.data()),
      att(ctx.buf.att.data()),
      qkv(ctx.buf.qkv.data()),
      ff_a(ctx.buf.ff_a.data()),
      ff_b(ctx.buf.ff_b.data()),
      ctx_(ctx),
      tokens_(tokens),
      out_first_(out_first),
      logits_(logits),
      rows_(static_cast<int>(tokens.size())) {}

namespace {
int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

Forward::Timed::Timed(const Forward& f, ForwardProfile::Op op) : profile_(f.ctx_.profile), op_(op) {
  if (profile_) start_ns_ = now_ns();
}

Forward::Timed::~Timed() {
  if (profile_) profile_->seconds[op_] += static_cast<double>(now_ns() - start_ns_) * 1e-9;
}

template <typename Fn>
void Forward::for_each_row(int rows, Fn&& fn) {
  if (rows < kParallelRows) {
    for (int t = 0; t < rows; ++t) fn(t);
    return;
  }
  // The tasks are plain arithmetic on preallocated rows and cannot throw, so the pool's status
  // (which only reports a throwing task) is always ok.
  static_cast<void>(ctx_.pool.parallel_for_range(rows, 4, [&](int64_t begin, int64_t end, int) {
    for (int64_t t = begin; t < end; ++t) fn(static_cast<int>(t));
  }));
}

void Forward::embed(float scale_by) {
  const Timed timed(*this, ForwardProfile::Embed);
  const Matrix& e = w.token_embd;
  const quant::DequantizeRowFn dequantize = e.kernels.weights->dequantize_row;
  for (int t = 0; t < n; ++t) {
    float* row = x + sz(t, hp.n_embd);
    dequantize(e.row(tokens_[static_cast<size_t>(t)]), row, hp.n_embd);
    if (scale_by != 1.0f)
      for (int i = 0; i < hp.n_embd; ++i) row[i] *= scale_by;
  }
}

void Forward::rms_norm(const float* X, const Vector& weight, float* Y, int width) {
  const Timed timed(*this, ForwardProfile::Norm);
  if (width == 0) width = hp.n_embd;
  const float* w8 = weight.empty() ? nullptr : weight.data();
  for_each_row(rows_, [&](int t) { model::rms_norm(X + sz(t, width), w8, width, hp.rms_eps, Y + sz(t, width)); });
}

void Forward::rms_norm_heads(float* X, int n_heads, int head_dim, const Vector& weight) {
  const Timed timed(*this, ForwardProfile::Norm);
  for_each_row(n, [&](int t) {
    for (int head = 0; head < n_heads; ++head) {
      float* row = X + sz(int64_t{t} * n_heads + head, head_dim);
      model::rms_norm(row, weight.data(), head_dim, hp.rms_eps, row);
    }
  });
}

Status Forward::linear(const Matrix& W, const float* X, float* Y, const Vector* bias) {
  const Timed timed(*this, ForwardProfile::Matmul);
  PW_TRY(compute::matmul(W.kernels, W.data, W.rows, W.cols, X, rows_, Y, ctx_.pool, ctx_.ws, ctx_.path));
  if (bias && !bias->empty())
    for (int t = 0; t < rows_; ++t) add_rows(Y + sz(t, W.rows), bias->data(), static_cast<int>(W.rows));
  return ok_status();
}

const float* Forward::rope_table(int layer) {
  const bool swa = hp.is_swa(layer) &&
                   (hp.rope_freq_base_swa != hp.rope_freq_base || hp.rope_freq_scale_swa != hp.rope_freq_scale);
  std::vector<float>& table = swa ? ctx_.buf.rope_cs_swa : ctx_.buf.rope_cs;
  bool& ready = swa ? rope_swa_ready_ : rope_ready_;
  if (!ready) {
    RopeParams p;
    p.type = hp.rope_type;
    p.n_rot = hp.n_rot;
    p.freq_base = swa ? hp.rope_freq_base_swa : hp.rope_freq_base;
    p.freq_scale = swa ? hp.rope_freq_scale_swa : hp.rope_freq_scale;
    p.attn_factor = hp.rope_attn_factor;
    // Phi-3 long-context models carry two factor sets; llama.cpp uses the long one when the
    // session's context exceeds the original training context.
    const Vector& factors =
        !w.rope_freqs_long.empty() && ctx_.kv.n_ctx() > hp.n_ctx_orig ? w.rope_freqs_long : w.rope_freqs;
    p.freq_factors = factors.empty() ? nullptr : factors.data();
    for (int t = 0; t < n; ++t) rope_cos_sin(pos0 + t, p, table.data() + sz(t, hp.n_rot));
    ready = true;
  }
  return table.data();
}

void Forward::rope(float* X, int n_heads, int head_dim, int layer) {
  const Timed timed(*this, ForwardProfile::Rope);
  const float* table = rope_table(layer);
  RopeParams p;
  p.type = hp.rope_type;
  p.n_rot = hp.n_rot;
  for_each_row(n, [&](int t) {
    rope_apply(X + sz(t, int64_t{n_heads} * head_dim), n_heads, head_dim, p, table + sz(t, hp.n_rot));
  });
}

Status Forward::attention(int layer, const AttentionParams& params) {
  const Timed timed(*this, ForwardProfile::Attention);
  KvCache& kv = ctx_.kv;
  const int kw = hp.kv_width_k();
  const int vw = hp.kv_width_v();
  for_each_row(n, [&](int t) { kv.store(layer, pos0 + t, k + sz(t, kw), v + sz(t, vw)); });

  ForwardBuffers& buf = ctx_.buf;
  const int group = hp.n_head / hp.n_head_kv;
  const int qw = hp.q_width();
  const int aw = hp.attn_width();
  const int n_ctx = kv.n_ctx();
  if (n >= kBatchAttentionMinTokens && buf.attn_batch) {
    // Tiles of query tokens x KV heads, the longest (last) tiles first so no thread is left
    // with a long tile at the end.
    const int tiles = (n + kAttentionTileTokens - 1) / kAttentionTileTokens;
    return ctx_.pool.parallel_for(int64_t{tiles} * hp.n_head_kv, [&](int64_t task, int thread) {
      const int tile = tiles - 1 - static_cast<int>(task / hp.n_head_kv);
      const int kv_head = static_cast<int>(task % hp.n_head_kv);
      const int t0 = tile * kAttentionTileTokens;
      const int t1 = std::min(n, t0 + kAttentionTileTokens);
      const BatchAttentionScratch scratch = batch_attention_scratch(
          buf.attn_batch.get() + sz(thread, 1) * buf.attn_batch_stride, n_ctx, hp.head_dim_k, hp.head_dim_v, group);
      attend_tile(q, static_cast<size_t>(qw), t0, t1, pos0, kv, layer, kv_head, group, params, scratch, att,
                  static_cast<size_t>(aw));
    });
  }
  // Decoding (and batches below kBatchAttentionMinTokens): one task per token and KV head, so
  // each K and V row is read once for all query heads of its group.
  return ctx_.pool.parallel_for(int64_t{n} * hp.n_head_kv, [&](int64_t task, int thread) {
    const int t = static_cast<int>(task / hp.n_head_kv);
    const int kv_head = static_cast<int>(task % hp.n_head_kv);
    AttentionScratch scratch;
    scratch.scores = buf.attn_scores.data() + sz(thread, group) * static_cast<size_t>(n_ctx);
    scratch.q = buf.attn_q.data() + sz(thread, group) * static_cast<size_t>(hp.head_dim_k);
    attend_group(q + sz(t, qw) + sz(kv_head, group) * static_cast<size_t>(hp.head_dim_k), kv, layer, kv_head, group,
                 pos0 + t, params, scratch, att + sz(t, aw) + sz(kv_head, group) * static_cast<size_t>(hp.head_dim_v));
  });
}

void Forward::keep_output_rows() {
  if (output_rows_only_) return;
  output_rows_only_ = true;
  rows_ = n - out_first_;
  if (out_first_ == 0 || rows_ <= 0) return;
  std::copy_n(x + sz(out_first_, hp.n_embd), sz(rows_, hp.n_embd), x);
  std::copy_n(att + sz(out_first_, hp.attn_width()), sz(rows_, hp.attn_width()), att);
}

void Forward::add(float* X, const float* Y, int width) {
  const Timed timed(*this, ForwardProfile::Elementwise);
  if (width == 0) width = hp.n_embd;
  for (size_t i = 0; i < sz(rows_, width); ++i) X[i] += Y[i];
}

void Forward::scale(float* X, float s, int width) {
  const Timed timed(*this, ForwardProfile::Elementwise);
  if (width == 0) width = hp.n_embd;
  for (size_t i = 0; i < sz(rows_, width); ++i) X[i] *= s;
}

void Forward::swiglu(const float* gate, const float* up, int stride, float* out) {
  const Timed timed(*this, ForwardProfile::Elementwise);
  for_each_row(rows_, [&](int t) {
    model::swiglu(gate + sz(t, stride), up + sz(t, stride), hp.n_ff, out + sz(t, hp.n_ff));
  });
}

void Forward::geglu(const float* gate, const float* up, int stride, float* out) {
  const Timed timed(*this, ForwardProfile::Elementwise);
  for_each_row(rows_, [&](int t) {
    model::geglu(gate + sz(t, stride), up + sz(t, stride), hp.n_ff, out + sz(t, hp.n_ff));
  });
}

void Forward::split_columns(const float* src, int src_width, int col, int width, float* dst) {
  const Timed timed(*this, ForwardProfile::Elementwise);
  for (int t = 0; t < rows_; ++t) std::copy_n(src + sz(t, src_width) + col, width, dst + sz(t, width));
}

Status Forward::logits() {
  const Timed timed(*this, ForwardProfile::Logits);
  // Rows [first, first + rows) of x produce logits: all of x after keep_output_rows().
  const int first = output_rows_only_ ? 0 : out_first_;
  const int rows = n - out_first_;
  if (rows <= 0) return ok_status();
  const int e = hp.n_embd;
  for (int t = first; t < first + rows; ++t)
    model::rms_norm(x + sz(t, e), w.output_norm.data(), e, hp.rms_eps, h + sz(t, e));
  const Matrix& out = w.output;
  PW_TRY(compute::matmul(out.kernels, out.data, out.rows, out.cols, h + sz(first, e), rows, logits_, ctx_.pool,
                         ctx_.ws, ctx_.path));
  if (hp.final_softcap > 0.0f)
    for (int r = 0; r < rows; ++r) softcap(logits_ + sz(r, hp.n_vocab), hp.n_vocab, hp.final_softcap);
  return ok_status();
}

}  // namespace pw::model
