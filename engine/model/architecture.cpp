#include "engine/model/architecture.h"

#include <array>
#include <cmath>

namespace pw::model {
namespace {

const std::array<const Architecture*, 6>& table() {
  static const std::array<const Architecture*, 6> all = {&llama_architecture(), &qwen2_architecture(),
                                                         &qwen3_architecture(), &phi3_architecture(),
                                                         &gemma2_architecture(), &gemma3_architecture()};
  return all;
}

}  // namespace

const Architecture* find_architecture(std::string_view name) {
  for (const Architecture* a : table())
    if (a->name == name) return a;
  return nullptr;
}

std::string supported_architecture_names() {
  std::string names;
  for (const Architecture* a : table()) {
    if (!names.empty()) names += ", ";
    names += a->name;
  }
  return names;
}

float query_scale(const HParams& hp) {
  return hp.attention_scale > 0.0f ? hp.attention_scale : 1.0f / std::sqrt(static_cast<float>(hp.head_dim_k));
}

Status bind_embeddings_and_output(const WeightBinder& bind, const HParams& hp, ModelWeights& w) {
  PW_TRY(take(bind.matrix("token_embd.weight", hp.n_embd, hp.n_vocab), w.token_embd));
  PW_TRY(take(bind.vector("output_norm.weight", hp.n_embd), w.output_norm));
  PW_TRY(take(bind.optional_matrix("output.weight", hp.n_embd, hp.n_vocab), w.output));
  w.tied_output = !w.output.present();
  if (w.tied_output) w.output = w.token_embd;  // same bytes in the mapping, no copy
  return ok_status();
}

Status bind_rope_freqs(const WeightBinder& bind, const HParams& hp, ModelWeights& w) {
  return take(bind.optional_vector("rope_freqs.weight", hp.n_rot / 2), w.rope_freqs);
}

Status bind_standard_layer(const WeightBinder& bind, const HParams& hp, int l, LayerWeights& L) {
  const int64_t e = hp.n_embd;
  PW_TRY(take(bind.vector(layer_tensor(l, "attn_norm.weight"), e), L.attn_norm));
  PW_TRY(take(bind.matrix(layer_tensor(l, "attn_q.weight"), e, hp.q_width()), L.wq));
  PW_TRY(take(bind.matrix(layer_tensor(l, "attn_k.weight"), e, hp.kv_width_k()), L.wk));
  PW_TRY(take(bind.matrix(layer_tensor(l, "attn_v.weight"), e, hp.kv_width_v()), L.wv));
  PW_TRY(take(bind.optional_vector(layer_tensor(l, "attn_q.bias"), hp.q_width()), L.bq));
  PW_TRY(take(bind.optional_vector(layer_tensor(l, "attn_k.bias"), hp.kv_width_k()), L.bk));
  PW_TRY(take(bind.optional_vector(layer_tensor(l, "attn_v.bias"), hp.kv_width_v()), L.bv));
  PW_TRY(take(bind.matrix(layer_tensor(l, "attn_output.weight"), hp.attn_width(), e), L.wo));
  PW_TRY(take(bind.optional_vector(layer_tensor(l, "attn_output.bias"), e), L.bo));
  PW_TRY(take(bind.vector(layer_tensor(l, "ffn_norm.weight"), e), L.ffn_norm));
  PW_TRY(take(bind.matrix(layer_tensor(l, "ffn_gate.weight"), e, hp.n_ff), L.ffn_gate));
  PW_TRY(take(bind.matrix(layer_tensor(l, "ffn_up.weight"), e, hp.n_ff), L.ffn_up));
  PW_TRY(take(bind.matrix(layer_tensor(l, "ffn_down.weight"), hp.n_ff, e), L.ffn_down));
  return ok_status();
}

}  // namespace pw::model
