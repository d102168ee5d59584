// Names of the `general.file_type` numbers (llama.cpp's llama_ftype values, stored in GGUF).
//
//   pw::model_info::file_type_name(15);   // "Q4_K_M"
//   pw::model_info::file_type_name(99);   // "" (unknown number)
//
// What must not change: the numbers. They are on disk in every GGUF file from the hubs and in
// every file our quantizer writes (engine/quantize/quant_target.h uses the same values).
#pragma once

#include <cstdint>
#include <string_view>

namespace pw::model_info {

// "" when the number is not one llama.cpp has assigned.
std::string_view file_type_name(uint32_t file_type);

}  // namespace pw::model_info
