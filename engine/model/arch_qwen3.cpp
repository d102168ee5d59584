// qwen3: Qwen3 dense models. The llama block (arch_llama.cpp) with
//   - per-head RMSNorm of q and k (attn_q_norm, attn_k_norm [head_dim]) before RoPE,
//   - NeoX RoPE,
//   - head_dim from attention.key_length, which need not be n_embd / n_head (q: n_embd -> n_head*128).
#include "engine/model/arch_llama.h"
#include "engine/model/architecture.h"

namespace pw::model {
namespace {

Status read_hparams(const gguf::GgufFile&, HParams& hp) {
  hp.rope_type = RopeType::Neox;
  return ok_status();
}

Status bind_weights(const WeightBinder& bind, const HParams& hp, ModelWeights& w) {
  PW_TRY(bind_embeddings_and_output(bind, hp, w));
  w.layers.resize(static_cast<size_t>(hp.n_layer));
  for (int l = 0; l < hp.n_layer; ++l) {
    LayerWeights& L = w.layers[static_cast<size_t>(l)];
    PW_TRY(bind_standard_layer(bind, hp, l, L));
    PW_TRY(take(bind.vector(layer_tensor(l, "attn_q_norm.weight"), hp.head_dim_k), L.q_norm));
    PW_TRY(take(bind.vector(layer_tensor(l, "attn_k_norm.weight"), hp.head_dim_k), L.k_norm));
  }
  return ok_status();
}

}  // namespace

const Architecture& qwen3_architecture() {
  static const Architecture arch{"qwen3", read_hparams, bind_weights, forward_llama};
  return arch;
}

}  // namespace pw::model
