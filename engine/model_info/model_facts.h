// The hyper-parameters of a model, read from a GGUF file's metadata (no tensor data touched).
//
//   auto file = pw::gguf::GgufFile::open(path);
//   pw::Result<pw::model_info::ModelFacts> facts = pw::model_info::read_model_facts(*file);
//   if (!facts) return facts.error();
//   facts->architecture;        // "llama"
//   facts->n_layer;             // ARCH.block_count
//   facts->kv_heads(3);         // KV heads of layer 3 (per-layer arrays are honoured)
//
// Keys follow the GGUF convention ARCH.key with ARCH = general.architecture, and the loader
// defaults of the fixtures README §7: head_count_kv = head_count, key_length = value_length =
// embedding_length / head_count, vocab size = length of tokenizer.ggml.tokens. A missing key is
// 0 (unknown), never an error; a key of the wrong type is an error naming the file and key.
// Used by the quantizer (its per-tensor rules need layers, heads, experts) and `models info`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/gguf/gguf_file.h"
#include "engine/util/status.h"

namespace pw::model_info {

struct ModelFacts {
  std::string architecture;           // general.architecture ("" when absent)
  std::string general_name;           // general.name
  std::string basename;               // general.basename
  std::string size_label;             // general.size_label ("8B", "0.5B", ...)
  std::optional<uint32_t> file_type;  // general.file_type (llama.cpp's numbers, file_type.h)

  uint32_t n_layer = 0;          // ARCH.block_count
  uint32_t n_embd = 0;           // ARCH.embedding_length
  uint32_t n_ff = 0;             // ARCH.feed_forward_length (largest when per layer)
  uint32_t context_length = 0;   // ARCH.context_length (trained context)
  uint32_t n_head = 0;           // ARCH.attention.head_count (largest when per layer)
  uint32_t n_head_kv = 0;        // ARCH.attention.head_count_kv (largest when per layer)
  uint32_t head_dim_k = 0;       // ARCH.attention.key_length or n_embd / n_head
  uint32_t head_dim_v = 0;       // ARCH.attention.value_length or n_embd / n_head
  uint32_t n_expert = 0;         // ARCH.expert_count (0: dense)
  uint32_t n_vocab = 0;          // ARCH.vocab_size, tokenizer.ggml.tokens or token_embd rows
  bool causal = true;            // ARCH.attention.causal (false for BERT-style encoders)
  // Per-layer head counts when the file stores arrays (some hybrid models have layers
  // without attention: 0 there). Empty when the file stores one number for all layers.
  std::vector<uint32_t> n_head_per_layer;
  std::vector<uint32_t> n_head_kv_per_layer;

  // KV heads of layer `layer` (n_head_kv when not stored per layer).
  uint32_t kv_heads(uint32_t layer) const;
  // Query heads of layer 0 divided by its KV heads (1 when unknown), as llama.cpp's n_gqa().
  uint32_t gqa_ratio() const;
  // general.name, else "basename size_label", else "" (the caller falls back to the file name).
  std::string friendly_name() const;
};

Result<ModelFacts> read_model_facts(const gguf::GgufFile& file);

}  // namespace pw::model_info
