// What the quantizer is asked to produce: one tensor type for every weight ("pure"), or one of
// the per-tensor mixes people download most (Q4_K_M, Q5_K_M, Q3_K_M).
//
//   std::optional<pw::quantize::QuantTarget> t = pw::quantize::parse_quant_target("q4_k_m");
//   pw::quantize::target_name(*t);        // "Q4_K_M"
//   pw::quantize::target_base_type(*t);   // GgmlType::Q4_K (most weights get this)
//   pw::quantize::target_file_type(*t);   // 15, written as general.file_type
//   pw::quantize::target_is_mix(*t);      // true
//
// Single types behave like llama-quantize --pure: every quantizable weight (token_embd and
// output included) gets that type, only falling back where the row length does not fit the
// block size. The mixes follow llama.cpp's per-tensor rules (tensor_type_rules.h).
// What must not change: the file_type numbers (llama.cpp's llama_ftype, on disk). Like
// llama-quantize, the single K types Q3_K/Q4_K/Q5_K are recorded as Q3_K_M/Q4_K_M/Q5_K_M.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "engine/tensor/ggml_type.h"

namespace pw::quantize {

enum class QuantTarget {
  Q4_0, Q4_1, Q5_0, Q5_1, Q8_0,
  Q2_K, Q3_K, Q4_K, Q5_K, Q6_K,
  Q3_K_M, Q4_K_M, Q5_K_M,
};

// Case-insensitive ("Q4_K_M", "q4_k_m"); nullopt for anything else.
std::optional<QuantTarget> parse_quant_target(std::string_view name);
std::string_view target_name(QuantTarget t);
GgmlType target_base_type(QuantTarget t);
uint32_t target_file_type(QuantTarget t);
bool target_is_mix(QuantTarget t);
// Every target, in the order above (for help texts and tests).
const std::vector<QuantTarget>& all_quant_targets();

}  // namespace pw::quantize
