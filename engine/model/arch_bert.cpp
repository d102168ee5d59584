// bert: BERT encoders (all-MiniLM-L6/L12-v2, bge-small/base/large-en-v1.5, e5-*-v2, gte-*).
// Devlin et al. 2018, "Attention is all you need" post-norm blocks:
//   x = LayerNorm(token_embd[t] + token_types[0] + position_embd[pos])
//   per layer:  x = LayerNorm(x + Wo attn(Wq x + bq, Wk x + bk, Wv x + bv) + bo)
//               x = LayerNorm(x + Wdown gelu(Wup x + bup) + bdown)
// Attention sees the whole text (no causal mask); learned absolute positions, no RoPE.
#include "engine/model/encoder.h"

namespace pw::model {
namespace {

Status read_hparams(const gguf::GgufFile& file, EncoderHParams& hp) {
  static_cast<void>(file);
  hp.n_rot = 0;  // learned positions
  return ok_status();
}

Status bind_weights(const WeightBinder& bind, const EncoderHParams& hp, EncoderWeights& w) {
  PW_TRY(bind_encoder_embeddings(bind, hp, w));
  const int64_t e = hp.n_embd;
  PW_TRY(take(bind.matrix("position_embd.weight", e, hp.n_ctx_train), w.position_embd));
  for (int l = 0; l < hp.n_layer; ++l) {
    EncoderLayer& L = w.layers[static_cast<size_t>(l)];
    PW_TRY(take(bind.matrix(layer_tensor(l, "attn_q.weight"), e, e), L.wq));
    PW_TRY(take(bind.matrix(layer_tensor(l, "attn_k.weight"), e, e), L.wk));
    PW_TRY(take(bind.matrix(layer_tensor(l, "attn_v.weight"), e, e), L.wv));
    PW_TRY(take(bind.optional_vector(layer_tensor(l, "attn_q.bias"), e), L.bq));
    PW_TRY(take(bind.optional_vector(layer_tensor(l, "attn_k.bias"), e), L.bk));
    PW_TRY(take(bind.optional_vector(layer_tensor(l, "attn_v.bias"), e), L.bv));
    PW_TRY(take(bind.matrix(layer_tensor(l, "ffn_up.weight"), e, hp.n_ff), L.ffn_up));
    PW_TRY(take(bind.optional_vector(layer_tensor(l, "ffn_up.bias"), hp.n_ff), L.ffn_up_b));
  }
  return ok_status();
}

Status forward(EncoderForward& f) {
  const EncoderHParams& hp = f.hp;
  f.embed();                                                // x = tok + type0 + pos          [n][n_embd]
  f.layer_norm(f.x, f.w.embd_norm_w, f.w.embd_norm_b, f.x); // x = LN(x)
  for (int l = 0; l < hp.n_layer; ++l) {
    const EncoderLayer& L = f.w.layers[static_cast<size_t>(l)];
    // Self-attention over each whole text.
    PW_TRY(f.linear(L.wq, f.x, f.q, &L.bq));                // q = Wq x + bq                  [n][n_embd]
    PW_TRY(f.linear(L.wk, f.x, f.k, &L.bk));                // k = Wk x + bk                  [n][n_embd]
    PW_TRY(f.linear(L.wv, f.x, f.v, &L.bv));                // v = Wv x + bv                  [n][n_embd]
    PW_TRY(f.attention());                                  // att = softmax(q k^T/sqrt(hd)) v [n][n_embd]
    PW_TRY(f.linear(L.wo, f.att, f.h, &L.bo));              // h = Wo att + bo                [n][n_embd]
    f.add(f.x, f.h);                                        // x += h
    f.layer_norm(f.x, L.attn_norm_w, L.attn_norm_b, f.x);   // x = LN(x)
    // Feed-forward.
    PW_TRY(f.linear(L.ffn_up, f.x, f.ff_a, &L.ffn_up_b));   // a = Wup x + bup                [n][n_ff]
    f.gelu(f.ff_a);                                         // a = gelu(a)
    PW_TRY(f.linear(L.ffn_down, f.ff_a, f.h, &L.ffn_down_b));  // h = Wdown a + bdown         [n][n_embd]
    f.add(f.x, f.h);                                        // x += h
    f.layer_norm(f.x, L.out_norm_w, L.out_norm_b, f.x);     // x = LN(x)
  }
  return ok_status();                                       // hidden states in x
}

}  // namespace

const EncoderArchitecture& bert_architecture() {
  static const EncoderArchitecture arch{"bert", read_hparams, bind_weights, forward};
  return arch;
}

}  // namespace pw::model
