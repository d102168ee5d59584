// Hyper-parameters of a decoder model, read from GGUF metadata with llama.cpp's defaults.
//
//   auto hp = pw::model::read_common_hparams(file, "llama");   // ARCH.* keys every decoder has
//   if (!hp) return hp.error();           // "m.gguf: metadata key 'llama.block_count' is missing"
//   hp->n_head_kv;  hp->head_dim_k;  hp->n_rot;  hp->rms_eps;  ...
//   // then the architecture adds its own keys (softcaps, sliding window, ...): arch_*.cpp
//
// Defaults when a key is absent (fixtures README section 7, same as llama.cpp):
// head_count_kv = head_count; key_length = value_length = embedding_length / head_count;
// rope.dimension_count = key_length; rope.freq_base = 10000; vocabulary size = length of
// tokenizer.ggml.tokens (else ARCH.vocab_size). layer_norm_rms_epsilon is required.
//
// Every value is checked for sanity (positive, divisible where it must be, bounded) so a
// hostile file gives an error here rather than a huge allocation or a division by zero later.
// Tensor shapes are checked separately against these values (weights.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/gguf/gguf_file.h"
#include "engine/util/status.h"

namespace pw::model {

// How RoPE pairs the dimensions of a head: Normal rotates (2i, 2i+1) (llama), Neox rotates
// (i, i + n_rot/2) (qwen, phi3, gemma).
enum class RopeType { Normal, Neox };

struct HParams {
  std::string architecture;  // general.architecture
  int n_vocab = 0;
  int n_ctx_train = 0;       // the model's own context length
  int n_embd = 0;
  int n_layer = 0;
  int n_ff = 0;
  int n_head = 0;
  int n_head_kv = 0;
  int head_dim_k = 0;        // key_length: q and k per head
  int head_dim_v = 0;        // value_length
  float rms_eps = 1e-5f;

  // RoPE. freq_scale is 1/factor for linear scaling; attn_factor multiplies cos and sin (ggml's
  // mscale). rope_freqs.weight (llama3) or rope_factors_* (phi3) divide each frequency.
  RopeType rope_type = RopeType::Normal;
  int n_rot = 0;             // dimensions rotated per head (<= head_dim_k, even)
  float rope_freq_base = 10000.0f;
  float rope_freq_scale = 1.0f;
  float rope_attn_factor = 1.0f;
  int n_ctx_orig = 0;        // rope.scaling.original_context_length (default n_ctx_train)

  // Attention extras (0 = off).
  float attn_softcap = 0.0f;     // scores = cap * tanh(scores / cap)
  float final_softcap = 0.0f;    // logits = cap * tanh(logits / cap)
  float attention_scale = 0.0f;  // query scale; 0 = 1/sqrt(head_dim_k)
  float embedding_scale = 0.0f;  // x = embedding * scale; 0 = none
  // Sliding-window attention: layers with swa_layers[l] see only the last `sliding_window`
  // positions (their own included) and may use their own RoPE base/scale.
  int sliding_window = 0;
  std::vector<bool> swa_layers;  // n_layer entries (all false when no SWA)
  float rope_freq_base_swa = 10000.0f;
  float rope_freq_scale_swa = 1.0f;

  int q_width() const { return n_head * head_dim_k; }      // q row of one token
  int kv_width_k() const { return n_head_kv * head_dim_k; }
  int kv_width_v() const { return n_head_kv * head_dim_v; }
  int attn_width() const { return n_head * head_dim_v; }   // attention output row
  bool is_swa(int layer) const {
    return sliding_window > 0 && layer >= 0 && layer < static_cast<int>(swa_layers.size()) && swa_layers[layer];
  }
};

// Largest value accepted for any size (embedding width, context, vocabulary, ...). Real models are
// far below; the bound only keeps products of sizes inside int64 and allocations sane.
inline constexpr int64_t kMaxHParam = int64_t{1} << 24;

// Reads the keys common to all decoders ("ARCH.context_length", ...). `arch` is
// general.architecture; the RoPE type is left for the architecture to set.
Result<HParams> read_common_hparams(const gguf::GgufFile& file, std::string_view arch);

// Helpers for architecture files: optional keys with a fallback, range-checked.
Result<float> read_f32_or(const gguf::GgufFile& file, const std::string& key, float fallback);
Result<int> read_int_or(const gguf::GgufFile& file, const std::string& key, int fallback, int64_t max = kMaxHParam);

// Marks layers as sliding-window with llama.cpp's pattern rule: layer l uses SWA when
// pattern == 0 or l % pattern < pattern - 1 (pattern 2: even layers; 6: five of every six).
void set_swa_pattern(HParams& hp, int pattern);

// Final consistency checks after the architecture's own keys (n_rot even and <= head_dim, ...).
Status validate_hparams(const HParams& hp, const std::string& file_name);

}  // namespace pw::model
