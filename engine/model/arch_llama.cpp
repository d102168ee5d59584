// llama: Llama 2/3.x, Mistral, TinyLlama, SmolLM2 (and the base of qwen2 and qwen3).
//
// Pre-norm decoder, per layer:
//   h = rmsnorm(x) * attn_norm
//   q, k, v = Wq h (+bq), Wk h (+bk), Wv h (+bv)          // biases: qwen2 (optional in llama)
//   q, k = rmsnorm per head (q_norm, k_norm)              // qwen3 only
//   q, k = rope(q), rope(k)                               // "normal" pairs (2i, 2i+1) for llama
//   x += Wo softmax(q k^T / sqrt(head_dim) + causal) v     // grouped-query: KV head = head / group
//   h = rmsnorm(x) * ffn_norm
//   x += Wdown (silu(Wgate h) * Wup h)                     // SwiGLU
// logits = Wout (rmsnorm(x) * output_norm); Wout = token_embd when output.weight is absent
// (SmolLM2). Llama 3.1/3.2 divide the RoPE frequencies by rope_freqs.weight.
#include "engine/model/architecture.h"
#include "engine/model/arch_llama.h"

namespace pw::model {

Status forward_llama(Forward& f) {
  const HParams& hp = f.hp;
  AttentionParams attn;
  attn.head_dim_k = hp.head_dim_k;
  attn.head_dim_v = hp.head_dim_v;
  attn.kq_scale = query_scale(hp);

  f.embed();                                               // x = token_embd[tokens]        [n][n_embd]
  for (int l = 0; l < hp.n_layer; ++l) {
    const LayerWeights& L = f.w.layers[static_cast<size_t>(l)];
    // Self-attention.
    f.rms_norm(f.x, L.attn_norm, f.h);                     // h = rmsnorm(x) * attn_norm    [n][n_embd]
    PW_TRY(f.linear(L.wq, f.h, f.q, &L.bq));               // q = Wq h + bq                 [n][n_head * hd]
    PW_TRY(f.linear(L.wk, f.h, f.k, &L.bk));               // k = Wk h + bk                 [n][n_head_kv * hd]
    PW_TRY(f.linear(L.wv, f.h, f.v, &L.bv));               // v = Wv h + bv                 [n][n_head_kv * hd]
    if (!L.q_norm.empty()) f.rms_norm_heads(f.q, hp.n_head, hp.head_dim_k, L.q_norm);
    if (!L.k_norm.empty()) f.rms_norm_heads(f.k, hp.n_head_kv, hp.head_dim_k, L.k_norm);
    f.rope(f.q, hp.n_head, hp.head_dim_k, l);
    f.rope(f.k, hp.n_head_kv, hp.head_dim_k, l);
    PW_TRY(f.attention(l, attn));                          // att = softmax(q k^T * scale) v [n][n_head * hd]
    if (l == hp.n_layer - 1) f.keep_output_rows();        // from here on: only rows with logits
    PW_TRY(f.linear(L.wo, f.att, f.h, &L.bo));             // h = Wo att                    [n][n_embd]
    f.add(f.x, f.h);                                       // x += h
    // Feed-forward (SwiGLU).
    f.rms_norm(f.x, L.ffn_norm, f.h);                      // h = rmsnorm(x) * ffn_norm
    PW_TRY(f.linear(L.ffn_gate, f.h, f.ff_a));             // gate = Wgate h                [n][n_ff]
    PW_TRY(f.linear(L.ffn_up, f.h, f.ff_b));               // up = Wup h                    [n][n_ff]
    f.swiglu(f.ff_a, f.ff_b, hp.n_ff, f.ff_b);             // up = silu(gate) * up
    PW_TRY(f.linear(L.ffn_down, f.ff_b, f.h));             // h = Wdown up                  [n][n_embd]
    f.add(f.x, f.h);                                       // x += h
  }
  return f.logits();                                       // Wout (rmsnorm(x) * output_norm) [rows][n_vocab]
}

namespace {

Status read_hparams(const gguf::GgufFile&, HParams& hp) {
  hp.rope_type = RopeType::Normal;
  return ok_status();
}

Status bind_weights(const WeightBinder& bind, const HParams& hp, ModelWeights& w) {
  PW_TRY(bind_embeddings_and_output(bind, hp, w));
  PW_TRY(bind_rope_freqs(bind, hp, w));
  w.layers.resize(static_cast<size_t>(hp.n_layer));
  for (int l = 0; l < hp.n_layer; ++l) PW_TRY(bind_standard_layer(bind, hp, l, w.layers[static_cast<size_t>(l)]));
  return ok_status();
}

}  // namespace

const Architecture& llama_architecture() {
  static const Architecture arch{"llama", read_hparams, bind_weights, forward_llama};
  return arch;
}

}  // namespace pw::model
