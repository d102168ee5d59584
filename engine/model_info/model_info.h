// What a GGUF model file is, for `pagewise-cli models info` and the GUI's model selector:
// architecture, friendly name, parameter count, context length, tensor types, sizes, and how
// much memory it needs at a given context length.
//
//   pw::Result<pw::model_info::ModelInfo> info = pw::model_info::read_model_info(path);
//   if (!info) return info.error();
//   info->n_params;                         // sum of every tensor's element count
//   info->display_name;                     // general.name / basename + size_label / file stem
//   auto mem = pw::model_info::estimate_memory(*info, 4096);
//   mem.total_bytes;                        // weights + KV cache + overhead
//
// Memory estimate (stated so users can check it, keep the doc and the code together):
//   weights  = the bytes of all tensors (the file is memory-mapped; weights are used in place)
//   KV cache = sum over layers of ctx x n_kv_heads(layer) x (head_dim_k + head_dim_v) x 2 bytes
//              (F16 K and V; llama's n_layers x ctx x (n_kv_heads x head_dim) x 2 x 2 bytes when
//              key and value head sizes agree); 0 for non-causal encoders (no cache)
//   overhead = kOverheadFixedBytes (runtime, tokenizer, scratch) + one row of F32 logits
// It is an estimate for choosing a model, not a guarantee (sliding-window layers are counted
// at full context, so models like Gemma 2 need somewhat less).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/gguf/gguf_file.h"
#include "engine/model_info/model_facts.h"
#include "engine/tensor/ggml_type.h"
#include "engine/util/status.h"

namespace pw::model_info {

inline constexpr uint64_t kOverheadFixedBytes = 64ull << 20;

struct TensorTypeCount {
  GgmlType type = GgmlType::F32;
  uint64_t tensors = 0;
  uint64_t elements = 0;
  uint64_t bytes = 0;
};

struct ModelInfo {
  std::filesystem::path path;
  uint64_t file_size = 0;
  uint32_t gguf_version = 0;
  ModelFacts facts;
  std::string display_name;       // facts.friendly_name(), else the file name without .gguf
  std::string file_type_name;     // "Q4_K_M", "" when general.file_type is absent or unknown
  uint64_t n_tensors = 0;
  uint64_t n_params = 0;          // elements of all tensors
  uint64_t weight_bytes = 0;      // bytes of all tensors
  std::vector<TensorTypeCount> type_histogram;  // most bytes first
};

struct MemoryEstimate {
  uint32_t context_length = 0;
  uint64_t weight_bytes = 0;
  uint64_t kv_cache_bytes = 0;
  uint64_t overhead_bytes = 0;
  uint64_t total_bytes = 0;
};

// Opens and validates the file (GgufFile), then describes it.
Result<ModelInfo> read_model_info(const std::filesystem::path& path);
// Same for a file already open.
Result<ModelInfo> describe_model(const gguf::GgufFile& file, const std::filesystem::path& path);

MemoryEstimate estimate_memory(const ModelInfo& info, uint32_t context_length);

// "2.1M", "494M", "1.24B", "7.62B": how model sizes are usually written.
std::string format_param_count(uint64_t n);
// "512 B", "7.0 MiB", "4.37 GiB".
std::string format_bytes(uint64_t n);

}  // namespace pw::model_info
