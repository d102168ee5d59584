// phi3: Phi-3 / Phi-3.5 / Phi-4-mini. Pre-norm like llama, but
//   - q, k and v come from one fused matrix attn_qkv (rows: q, then k, then v),
//   - ffn_up holds gate and up stacked ([n_embd -> 2*n_ff], gate rows first):
//       x += Wdown (silu(first half) * second half),
//   - NeoX RoPE, possibly partial (rope.dimension_count < head_dim, Phi-4-mini), with optional
//     LongRoPE factors rope_factors_short/long (long when the context exceeds the original one),
//   - q is scaled by 1/sqrt(head_dim) before q.k (llama.cpp's order).
// The sliding window some Phi-3 files declare is ignored, as llama.cpp does.
#include "engine/model/architecture.h"

namespace pw::model {
namespace {

Status read_hparams(const gguf::GgufFile&, HParams& hp) {
  hp.rope_type = RopeType::Neox;
  return ok_status();
}

Status bind_weights(const WeightBinder& bind, const HParams& hp, ModelWeights& w) {
  PW_TRY(bind_embeddings_and_output(bind, hp, w));
  PW_TRY(take(bind.optional_vector("rope_factors_short.weight", hp.n_rot / 2), w.rope_freqs));
  PW_TRY(take(bind.optional_vector("rope_factors_long.weight", hp.n_rot / 2), w.rope_freqs_long));
  const int64_t e = hp.n_embd;
  w.layers.resize(static_cast<size_t>(hp.n_layer));
  for (int l = 0; l < hp.n_layer; ++l) {
    LayerWeights& L = w.layers[static_cast<size_t>(l)];
    PW_TRY(take(bind.vector(layer_tensor(l, "attn_norm.weight"), e), L.attn_norm));
    const std::string qkv = layer_tensor(l, "attn_qkv.weight");
    if (bind.has(qkv) || !bind.has(layer_tensor(l, "attn_q.weight"))) {
      PW_TRY(take(bind.matrix(qkv, e, int64_t{hp.q_width()} + hp.kv_width_k() + hp.kv_width_v()), L.wqkv));
    } else {
      PW_TRY(take(bind.matrix(layer_tensor(l, "attn_q.weight"), e, hp.q_width()), L.wq));
      PW_TRY(take(bind.matrix(layer_tensor(l, "attn_k.weight"), e, hp.kv_width_k()), L.wk));
      PW_TRY(take(bind.matrix(layer_tensor(l, "attn_v.weight"), e, hp.kv_width_v()), L.wv));
    }
    PW_TRY(take(bind.matrix(layer_tensor(l, "attn_output.weight"), hp.attn_width(), e), L.wo));
    PW_TRY(take(bind.optional_vector(layer_tensor(l, "attn_output.bias"), e), L.bo));
    PW_TRY(take(bind.vector(layer_tensor(l, "ffn_norm.weight"), e), L.ffn_norm));
    PW_TRY(take(bind.matrix(layer_tensor(l, "ffn_up.weight"), e, 2 * int64_t{hp.n_ff}), L.ffn_up));
    PW_TRY(take(bind.matrix(layer_tensor(l, "ffn_down.weight"), hp.n_ff, e), L.ffn_down));
  }
  return ok_status();
}

Status forward(Forward& f) {
  const HParams& hp = f.hp;
  const int qw = hp.q_width(), kw = hp.kv_width_k(), vw = hp.kv_width_v();
  AttentionParams attn;
  attn.head_dim_k = hp.head_dim_k;
  attn.head_dim_v = hp.head_dim_v;
  attn.kq_scale = 1.0f;  // q is pre-scaled below

  f.embed();                                               // x = token_embd[tokens]        [n][n_embd]
  for (int l = 0; l < hp.n_layer; ++l) {
    const LayerWeights& L = f.w.layers[static_cast<size_t>(l)];
    // Self-attention.
    f.rms_norm(f.x, L.attn_norm, f.h);                     // h = rmsnorm(x) * attn_norm
    if (L.wqkv.present()) {
      PW_TRY(f.linear(L.wqkv, f.h, f.qkv));                // qkv = Wqkv h                  [n][q + k + v]
      f.split_columns(f.qkv, qw + kw + vw, 0, qw, f.q);
      f.split_columns(f.qkv, qw + kw + vw, qw, kw, f.k);
      f.split_columns(f.qkv, qw + kw + vw, qw + kw, vw, f.v);
    } else {
      PW_TRY(f.linear(L.wq, f.h, f.q));
      PW_TRY(f.linear(L.wk, f.h, f.k));
      PW_TRY(f.linear(L.wv, f.h, f.v));
    }
    f.rope(f.q, hp.n_head, hp.head_dim_k, l);
    f.rope(f.k, hp.n_head_kv, hp.head_dim_k, l);
    f.scale(f.q, query_scale(hp), qw);                     // q /= sqrt(head_dim)
    PW_TRY(f.attention(l, attn));                          // att = softmax(q k^T) v        [n][n_head * hd]
    if (l == hp.n_layer - 1) f.keep_output_rows();        // from here on: only rows with logits
    PW_TRY(f.linear(L.wo, f.att, f.h, &L.bo));             // h = Wo att                    [n][n_embd]
    f.add(f.x, f.h);                                       // x += h
    // Feed-forward: fused gate|up.
    f.rms_norm(f.x, L.ffn_norm, f.h);                      // h = rmsnorm(x) * ffn_norm
    PW_TRY(f.linear(L.ffn_up, f.h, f.ff_a));               // [gate | up] = Wup h           [n][2 n_ff]
    f.swiglu(f.ff_a, f.ff_a + hp.n_ff, 2 * hp.n_ff, f.ff_b);  // b = silu(gate) * up         [n][n_ff]
    PW_TRY(f.linear(L.ffn_down, f.ff_b, f.h));             // h = Wdown b                   [n][n_embd]
    f.add(f.x, f.h);                                       // x += h
  }
  return f.logits();
}

}  // namespace

const Architecture& phi3_architecture() {
  static const Architecture arch{"phi3", read_hparams, bind_weights, forward};
  return arch;
}

}  // namespace pw::model
