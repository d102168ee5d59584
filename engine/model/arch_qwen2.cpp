// qwen2: Qwen2 / Qwen2.5. The llama block (arch_llama.cpp) with
//   - biases on q, k and v (required),
//   - NeoX RoPE: dimension i rotates with i + n_rot/2,
//   - usually tied embeddings (no output.weight: logits use token_embd).
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
    // Optional in llama, required here: a qwen2 file without them is broken.
    PW_TRY(take(bind.vector(layer_tensor(l, "attn_q.bias"), hp.q_width()), L.bq));
    PW_TRY(take(bind.vector(layer_tensor(l, "attn_k.bias"), hp.kv_width_k()), L.bk));
    PW_TRY(take(bind.vector(layer_tensor(l, "attn_v.bias"), hp.kv_width_v()), L.bv));
  }
  return ok_status();
}

}  // namespace

const Architecture& qwen2_architecture() {
  static const Architecture arch{"qwen2", read_hparams, bind_weights, forward_llama};
  return arch;
}

}  // namespace pw::model
