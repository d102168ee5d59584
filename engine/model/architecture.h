// The table of supported decoder architectures, keyed by general.architecture. Each lives in
// its own file (arch_llama.cpp, arch_qwen2.cpp, arch_qwen3.cpp, arch_phi3.cpp, arch_gemma2.cpp)
// and provides three functions: its extra hyper-parameters, its tensors, its forward pass.
//
//   const Architecture* arch = find_architecture("qwen2");
//   if (!arch) return Error(..., "architecture 'x' is not supported (supported: " + supported_architecture_names() + ")");
//   PW_TRY(arch->read_hparams(file, hp));
//   PW_TRY(arch->bind_weights(WeightBinder(file), hp, weights));
//   PW_TRY(arch->forward(f));                        // once per batch (forward.h)
//
// Adding an architecture: write arch_NAME.cpp with a function returning its Architecture, and
// list it in architecture.cpp. Shared pieces (blocks.h, Forward, bind_standard_* below) are
// written once; an architecture file only says what is different about it.
#pragma once

#include <string>
#include <string_view>

#include "engine/gguf/gguf_file.h"
#include "engine/model/forward.h"
#include "engine/model/hparams.h"
#include "engine/model/weights.h"
#include "engine/util/status.h"

namespace pw::model {

struct Architecture {
  std::string_view name;  // general.architecture
  // Sets what the common keys do not: RoPE type, soft-caps, sliding window, ... (hp already
  // holds read_common_hparams' values).
  Status (*read_hparams)(const gguf::GgufFile& file, HParams& hp);
  // Binds every tensor the forward pass uses, shapes checked against hp.
  Status (*bind_weights)(const WeightBinder& bind, const HParams& hp, ModelWeights& w);
  // Runs one batch: embeddings to logits (of the rows the Forward was asked for).
  Status (*forward)(Forward& f);
};

// nullptr when `name` is not supported.
const Architecture* find_architecture(std::string_view name);
// "llama, qwen2, qwen3, phi3, gemma2, gemma3"
std::string supported_architecture_names();

// Shared binding steps.
// token_embd [n_embd, n_vocab], output_norm [n_embd], output [n_embd, n_vocab] (tied to token_embd when absent).
Status bind_embeddings_and_output(const WeightBinder& bind, const HParams& hp, ModelWeights& w);
// rope_freqs.weight [n_rot/2] (llama3 frequency factors) if present.
Status bind_rope_freqs(const WeightBinder& bind, const HParams& hp, ModelWeights& w);
// attn_norm; attn_q/k/v (+ optional biases); attn_output; ffn_norm; ffn_gate/up/down.
Status bind_standard_layer(const WeightBinder& bind, const HParams& hp, int layer, LayerWeights& L);

// The query scaling an architecture uses: hp.attention_scale, or 1/sqrt(head_dim_k).
float query_scale(const HParams& hp);

// Per-architecture entry points (one file each).
const Architecture& llama_architecture();
const Architecture& qwen2_architecture();
const Architecture& qwen3_architecture();
const Architecture& phi3_architecture();
const Architecture& gemma2_architecture();
const Architecture& gemma3_architecture();

}  // namespace pw::model
