// Which type each tensor gets when a model is quantized: the same choices llama-quantize makes
// (llama.cpp src/llama-quant.cpp, studied and re-expressed here), so our Q4_K_M is the Q4_K_M
// people know and our files match the reference fixtures tensor for tensor.
//
//   std::vector<pw::quantize::TensorDesc> tensors = ...;        // name, current type, ne
//   auto order = pw::quantize::reference_tensor_order(tensors);  // llama.cpp's processing order
//   auto types = pw::quantize::choose_tensor_types(facts, tensors, QuantTarget::Q4_K_M);
//   if (!types) return types.error();
//   (*types)[i].type;          // what tensor i becomes; .fallback says a row-length fallback applied
//
// The rules (keep this summary in step with the code):
// - Only weights are quantized: 2-D or 3-D by element shape (a [4096, 1] tensor counts as 1-D),
//   name ending in "weight", not a norm ("_norm.weight"), not MoE routers (ffn_gate_inp), not
//   BERT's position_embd / token_types, not a list of small special tensors (conv1d, RWKV
//   time_mix_*, T5 attn_rel_b, altup/laurel, multimodal position/patch tensors). Everything
//   else keeps its type and bytes (norms and biases stay F32).
// - Pure targets (single types): every quantizable weight gets the type.
// - Mixes Q3_K_M / Q4_K_M / Q5_K_M start from their base type (Q3_K/Q4_K/Q5_K), then:
//   output.weight, and token_embd.weight when there is no output.weight (tied embeddings),
//   become Q6_K (Q8_0 for falcon or when the row length is not a multiple of 256);
//   attention-value-like tensors (attn_v, fused attn_qkv, attn_kv_b), counted in order:
//   Q3_K_M -> Q5_K for the first two, Q4_K after; Q4_K_M/Q5_K_M -> Q6_K where "use more bits"
//   holds; llama 70B-style (80 layers, GQA) Q3_K/Q4_K -> Q5_K; 8-expert models -> Q8_0;
//   attn_k of 8-expert models -> Q8_0;
//   ffn_down by layer: Q3_K_M -> Q5_K in the first 1/16 of layers, else Q4_K (falcon: Q4_K only
//   where "use more bits", else Q3_K); Q4_K_M -> Q6_K where "use more bits" (falcon: Q6_K in the
//   first 1/16, Q5_K where "use more bits", else Q4_K); Q5_K_M -> Q6_K where "use more bits";
//   attn_output: Q3_K_M -> Q4_K; 8-expert models: Q3_K_M/Q4_K_M -> Q5_K (not falcon).
//   "use more bits" for index i of n: i < n/8, or i >= 7n/8, or (i - n/8) % 3 == 2.
//   The layer index is a running count of such tensors in processing order (for MoE models,
//   the number in "blk.N." instead).
// - Fallbacks when the row length (ne[0]) is not a multiple of the type's block: Q2_K/Q3_K ->
//   Q4_0, Q4_K -> Q5_0, Q5_K -> Q5_1, Q6_K -> Q8_0, IQ4_XS -> IQ4_NL; then F16 if still not a
//   multiple of 32. (llama.cpp stops with an error for the legacy 32-blocks; we write F16.)
// Processing order matters for the running counts: llama.cpp walks tensors sorted by layer
// (tensors outside "blk.N." first), then by name — reference_tensor_order().
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/model_info/model_facts.h"
#include "engine/quantize/quant_target.h"
#include "engine/tensor/ggml_type.h"
#include "engine/util/status.h"

namespace pw::quantize {

struct TensorDesc {
  std::string name;
  GgmlType type = GgmlType::F32;
  std::array<uint64_t, 4> ne{1, 1, 1, 1};
};

struct TensorTypeChoice {
  GgmlType type = GgmlType::F32;  // the tensor's type in the output file
  bool quantizable = false;       // a weight the rules apply to (else copied as it is)
  bool fallback = false;          // the wanted type did not fit the row length
};

// True for the tensors the rules above allow to be quantized.
bool tensor_allows_quantization(const std::string& name, const std::array<uint64_t, 4>& ne);

// Indices of `tensors` in llama.cpp's order: layer number of "blk.N." (-1 when absent), then name.
std::vector<size_t> reference_tensor_order(const std::vector<TensorDesc>& tensors);

// One choice per tensor, index for index. `tensors` must be in reference_tensor_order (the
// running counts depend on it). Errors: an MoE tensor whose layer cannot be read from its name.
Result<std::vector<TensorTypeChoice>> choose_tensor_types(const model_info::ModelFacts& facts,
                                                          const std::vector<TensorDesc>& tensors,
                                                          QuantTarget target);

}  // namespace pw::quantize
