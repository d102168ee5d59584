// Metadata keys the quantizer sets or drops; everything else is copied from the input as is.
//
//   if (!pw::quantize::is_replaced_key(key)) writer.set_value(key, value);
//   writer.set_u32(pw::quantize::kFileTypeKey, pw::quantize::target_file_type(target));
//
// What must not change: kQuantizationVersion is ggml's GGML_QNT_VERSION (2), the block-format
// generation readers check; the split.* keys describe multi-file models and would be wrong on
// our single output file.
#pragma once

#include <cstdint>
#include <string_view>

namespace pw::quantize {

inline constexpr std::string_view kQuantizationVersionKey = "general.quantization_version";
inline constexpr std::string_view kFileTypeKey = "general.file_type";
inline constexpr uint32_t kQuantizationVersion = 2;

// Keys not copied from the input: the two set anew (appended at the end, as llama-quantize
// does) and the split bookkeeping.
inline bool is_replaced_key(std::string_view key) {
  return key == kQuantizationVersionKey || key == kFileTypeKey || key == "split.no" || key == "split.count" ||
         key == "split.tensors.count";
}

}  // namespace pw::quantize
