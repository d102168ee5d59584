// nomic-bert: nomic-embed-text v1 / v1.5 (Nussbaum et al. 2024, "Nomic Embed"). A BERT with
//   - rotary position embeddings (NeoX pairing, rope.freq_base, usually 1000) instead of learned
//     positions,
//   - q, k and v from one fused matrix attn_qkv (rows: q, then k, then v), no biases,
//   - a SwiGLU feed-forward: Wdown (silu(Wgate x) * Wup x).
// Post-norm like BERT:
//   x = LayerNorm(token_embd[t] + token_types[0])
//   per layer:  x = LayerNorm(x + Wo attn(rope(q), rope(k), v))
//               x = LayerNorm(x + Wdown (silu(Wgate x) * Wup x))
#include "engine/model/encoder.h"
#include "engine/model/hparams.h"

namespace pw::model {
namespace {

Status read_hparams(const gguf::GgufFile& file, EncoderHParams& hp) {
  const std::string arch = hp.architecture;
  auto base = read_f32_or(file, arch + ".rope.freq_base", 1000.0f);
  if (!base) return base.error();
  if (!(*base > 0.0f))
    return Error(ErrorCode::Corrupt, file.name(), "metadata key '" + arch + ".rope.freq_base' must be positive");
  hp.rope_freq_base = *base;
  auto n_rot = read_int_or(file, arch + ".rope.dimension_count", hp.head_dim, 65536);
  if (!n_rot) return n_rot.error();
  if (*n_rot < 2 || *n_rot % 2 != 0 || *n_rot > hp.head_dim)
    return Error(ErrorCode::Corrupt, file.name(),
                 "rope.dimension_count " + std::to_string(*n_rot) + " must be even and at most the head size " +
                     std::to_string(hp.head_dim));
  hp.n_rot = *n_rot;
  return ok_status();
}

Status bind_weights(const WeightBinder& bind, const EncoderHParams& hp, EncoderWeights& w) {
  PW_TRY(bind_encoder_embeddings(bind, hp, w));
  const int64_t e = hp.n_embd;
  for (int l = 0; l < hp.n_layer; ++l) {
    EncoderLayer& L = w.layers[static_cast<size_t>(l)];
    PW_TRY(take(bind.matrix(layer_tensor(l, "attn_qkv.weight"), e, 3 * e), L.wqkv));
    PW_TRY(take(bind.optional_vector(layer_tensor(l, "attn_qkv.bias"), 3 * e), L.bqkv));
    PW_TRY(take(bind.matrix(layer_tensor(l, "ffn_up.weight"), e, hp.n_ff), L.ffn_up));
    PW_TRY(take(bind.matrix(layer_tensor(l, "ffn_gate.weight"), e, hp.n_ff), L.ffn_gate));
  }
  return ok_status();
}

Status forward(EncoderForward& f) {
  const EncoderHParams& hp = f.hp;
  const int e = hp.n_embd;
  f.embed();                                                // x = tok + type0                [n][n_embd]
  f.layer_norm(f.x, f.w.embd_norm_w, f.w.embd_norm_b, f.x); // x = LN(x)
  for (int l = 0; l < hp.n_layer; ++l) {
    const EncoderLayer& L = f.w.layers[static_cast<size_t>(l)];
    // Self-attention with rotary positions.
    PW_TRY(f.linear(L.wqkv, f.x, f.qkv, &L.bqkv));          // qkv = Wqkv x                   [n][3 n_embd]
    f.split_columns(f.qkv, 3 * e, 0, e, f.q);               // q                              [n][n_embd]
    f.split_columns(f.qkv, 3 * e, e, e, f.k);               // k
    f.split_columns(f.qkv, 3 * e, 2 * e, e, f.v);           // v
    f.rope(f.q);                                            // rotate q and k by position in the text
    f.rope(f.k);
    PW_TRY(f.attention());                                  // att = softmax(q k^T/sqrt(hd)) v [n][n_embd]
    PW_TRY(f.linear(L.wo, f.att, f.h, &L.bo));              // h = Wo att                     [n][n_embd]
    f.add(f.x, f.h);                                        // x += h
    f.layer_norm(f.x, L.attn_norm_w, L.attn_norm_b, f.x);   // x = LN(x)
    // SwiGLU feed-forward.
    PW_TRY(f.linear(L.ffn_gate, f.x, f.ff_a));              // g = Wgate x                    [n][n_ff]
    PW_TRY(f.linear(L.ffn_up, f.x, f.ff_b));                // u = Wup x                      [n][n_ff]
    f.swiglu(f.ff_a, f.ff_b, f.ff_a);                       // g = silu(g) * u
    PW_TRY(f.linear(L.ffn_down, f.ff_a, f.h, &L.ffn_down_b));  // h = Wdown g                 [n][n_embd]
    f.add(f.x, f.h);                                        // x += h
    f.layer_norm(f.x, L.out_norm_w, L.out_norm_b, f.x);     // x = LN(x)
  }
  return ok_status();
}

}  // namespace

const EncoderArchitecture& nomic_bert_architecture() {
  static const EncoderArchitecture arch{"nomic-bert", read_hparams, bind_weights, forward};
  return arch;
}

}  // namespace pw::model
