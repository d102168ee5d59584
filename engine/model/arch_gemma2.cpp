// gemma2 and gemma3 (text). Pre-norm and post-norm around both sub-blocks:
//   x = token_embd[tokens] * sqrt(n_embd)
//   per layer:
//     h = rmsnorm(x) * attn_norm
//     q, k, v = Wq h, Wk h, Wv h
//     q, k = rmsnorm per head (q_norm, k_norm)            // gemma3 only
//     q, k = rope(q), rope(k)                            // NeoX; gemma3: SWA layers use base 10000
//     q *= attention_scale                               // 1/sqrt(head_dim) (27B: 1/sqrt(n_embd/n_head))
//     s = q k^T; s = cap * tanh(s / cap)                  // gemma2 only, cap 50
//     att = softmax(s + causal [+ sliding window]) v      // SWA: even layers (gemma2), 5 of 6 (gemma3)
//     x += rmsnorm(Wo att) * post_attention_norm
//     h = rmsnorm(x) * ffn_norm
//     x += rmsnorm(Wdown (gelu(Wgate h) * Wup h)) * post_ffw_norm   // GELU-tanh, ggml's F16 table
//   logits = Wout (rmsnorm(x) * output_norm)   (Wout = token_embd: tied)
//   logits = cap * tanh(logits / cap)                     // gemma2, cap 30
// Norm weights are used as stored: the converter already folded in Gemma's "1 + w".
#include <cmath>

#include "engine/model/architecture.h"

namespace pw::model {
namespace {

// Model size by layer count, where llama.cpp needs it: the 27B models scale queries by
// 1/sqrt(n_embd / n_head) instead of 1/sqrt(head_dim).
void set_attention_scale(HParams& hp, int layers_of_27b) {
  if (hp.n_layer == layers_of_27b) hp.attention_scale = 1.0f / std::sqrt(static_cast<float>(hp.n_embd / hp.n_head));
  else hp.attention_scale = 1.0f / std::sqrt(static_cast<float>(hp.head_dim_k));
}

Status read_gemma2_hparams(const gguf::GgufFile& file, HParams& hp) {
  hp.rope_type = RopeType::Neox;
  auto window = read_int_or(file, "gemma2.attention.sliding_window", 4096);  // Gemma 2's own window
  if (!window) return window.error();
  hp.sliding_window = *window;
  set_swa_pattern(hp, 2);
  auto attn_cap = read_f32_or(file, "gemma2.attn_logit_softcapping", 50.0f);
  if (!attn_cap) return attn_cap.error();
  hp.attn_softcap = *attn_cap;
  auto final_cap = read_f32_or(file, "gemma2.final_logit_softcapping", 30.0f);
  if (!final_cap) return final_cap.error();
  hp.final_softcap = *final_cap;
  hp.embedding_scale = std::sqrt(static_cast<float>(hp.n_embd));
  set_attention_scale(hp, 46);
  return ok_status();
}

Status read_gemma3_hparams(const gguf::GgufFile& file, HParams& hp) {
  hp.rope_type = RopeType::Neox;
  auto window = read_int_or(file, "gemma3.attention.sliding_window", 0);
  if (!window) return window.error();
  hp.sliding_window = *window;
  if (hp.sliding_window > 0) {
    auto pattern = read_int_or(file, "gemma3.attention.sliding_window_pattern", 6, 4096);
    if (!pattern) return pattern.error();
    set_swa_pattern(hp, *pattern);
    // Local layers rotate with base 10000 and no scaling; global layers use rope.freq_base/scaling.
    auto base_swa = read_f32_or(file, "gemma3.rope.freq_base_swa", 10000.0f);
    if (!base_swa) return base_swa.error();
    hp.rope_freq_base_swa = *base_swa;
    hp.rope_freq_scale_swa = 1.0f;
  }
  auto final_cap = read_f32_or(file, "gemma3.final_logit_softcapping", 0.0f);
  if (!final_cap) return final_cap.error();
  hp.final_softcap = *final_cap;
  hp.embedding_scale = std::sqrt(static_cast<float>(hp.n_embd));
  set_attention_scale(hp, 62);
  return ok_status();
}

Status bind_layers(const WeightBinder& bind, const HParams& hp, ModelWeights& w, bool qk_norm) {
  PW_TRY(bind_embeddings_and_output(bind, hp, w));
  const int64_t e = hp.n_embd;
  w.layers.resize(static_cast<size_t>(hp.n_layer));
  for (int l = 0; l < hp.n_layer; ++l) {
    LayerWeights& L = w.layers[static_cast<size_t>(l)];
    PW_TRY(bind_standard_layer(bind, hp, l, L));
    PW_TRY(take(bind.vector(layer_tensor(l, "post_attention_norm.weight"), e), L.attn_post_norm));
    PW_TRY(take(bind.vector(layer_tensor(l, "post_ffw_norm.weight"), e), L.ffn_post_norm));
    if (qk_norm) {
      PW_TRY(take(bind.vector(layer_tensor(l, "attn_q_norm.weight"), hp.head_dim_k), L.q_norm));
      PW_TRY(take(bind.vector(layer_tensor(l, "attn_k_norm.weight"), hp.head_dim_k), L.k_norm));
    }
  }
  return ok_status();
}

Status bind_gemma2(const WeightBinder& bind, const HParams& hp, ModelWeights& w) { return bind_layers(bind, hp, w, false); }
Status bind_gemma3(const WeightBinder& bind, const HParams& hp, ModelWeights& w) { return bind_layers(bind, hp, w, true); }

Status forward(Forward& f) {
  const HParams& hp = f.hp;
  f.embed(hp.embedding_scale);                             // x = token_embd[tokens] * sqrt(n_embd)  [n][n_embd]
  for (int l = 0; l < hp.n_layer; ++l) {
    const LayerWeights& L = f.w.layers[static_cast<size_t>(l)];
    AttentionParams attn;
    attn.head_dim_k = hp.head_dim_k;
    attn.head_dim_v = hp.head_dim_v;
    attn.kq_scale = 1.0f;                                  // q is pre-scaled below
    attn.softcap = hp.attn_softcap;
    attn.window = hp.is_swa(l) ? hp.sliding_window : 0;
    // Self-attention, normalised before and after.
    f.rms_norm(f.x, L.attn_norm, f.h);                     // h = rmsnorm(x) * attn_norm
    PW_TRY(f.linear(L.wq, f.h, f.q));                      // q = Wq h                      [n][n_head * hd]
    PW_TRY(f.linear(L.wk, f.h, f.k));                      // k = Wk h                      [n][n_head_kv * hd]
    PW_TRY(f.linear(L.wv, f.h, f.v));                      // v = Wv h                      [n][n_head_kv * hd]
    if (!L.q_norm.empty()) f.rms_norm_heads(f.q, hp.n_head, hp.head_dim_k, L.q_norm);
    if (!L.k_norm.empty()) f.rms_norm_heads(f.k, hp.n_head_kv, hp.head_dim_k, L.k_norm);
    f.rope(f.q, hp.n_head, hp.head_dim_k, l);
    f.rope(f.k, hp.n_head_kv, hp.head_dim_k, l);
    f.scale(f.q, query_scale(hp), hp.q_width());           // q *= attention_scale
    PW_TRY(f.attention(l, attn));                          // att = softmax(cap(q k^T)) v   [n][n_head * hd]
    if (l == hp.n_layer - 1) f.keep_output_rows();        // from here on: only rows with logits
    PW_TRY(f.linear(L.wo, f.att, f.h));                    // h = Wo att                    [n][n_embd]
    f.rms_norm(f.h, L.attn_post_norm, f.h);                // h = rmsnorm(h) * post_attention_norm
    f.add(f.x, f.h);                                       // x += h
    // Feed-forward (GeGLU), normalised before and after.
    f.rms_norm(f.x, L.ffn_norm, f.h);                      // h = rmsnorm(x) * ffn_norm
    PW_TRY(f.linear(L.ffn_gate, f.h, f.ff_a));             // gate = Wgate h                [n][n_ff]
    PW_TRY(f.linear(L.ffn_up, f.h, f.ff_b));               // up = Wup h                    [n][n_ff]
    f.geglu(f.ff_a, f.ff_b, hp.n_ff, f.ff_b);              // up = gelu(gate) * up
    PW_TRY(f.linear(L.ffn_down, f.ff_b, f.h));             // h = Wdown up                  [n][n_embd]
    f.rms_norm(f.h, L.ffn_post_norm, f.h);                 // h = rmsnorm(h) * post_ffw_norm
    f.add(f.x, f.h);                                       // x += h
  }
  return f.logits();                                       // includes the final soft-cap (gemma2)
}

}  // namespace

const Architecture& gemma2_architecture() {
  static const Architecture arch{"gemma2", read_gemma2_hparams, bind_gemma2, forward};
  return arch;
}

const Architecture& gemma3_architecture() {
  static const Architecture arch{"gemma3", read_gemma3_hparams, bind_gemma3, forward};
  return arch;
}

}  // namespace pw::model
