#include "engine/model/hparams.h"

#include <cmath>
#include <string>

namespace pw::model {
namespace {

Error bad_value(const gguf::GgufFile& file, const std::string& key, const std::string& problem) {
  return Error(ErrorCode::Corrupt, file.name(), "metadata key '" + key + "' " + problem);
}

Result<int> read_int(const gguf::GgufFile& file, const std::string& key, int64_t min, int64_t max) {
  if (!file.contains(key))
    return Error(ErrorCode::Corrupt, file.name(), "metadata key '" + key + "' is missing (a decoder needs it)");
  auto v = file.get_u64(key);
  if (!v) return v.error();
  if (static_cast<int64_t>(*v) < min || *v > static_cast<uint64_t>(max))
    return bad_value(file, key, "is " + std::to_string(*v) + ", expected " + std::to_string(min) + ".." +
                                    std::to_string(max));
  return static_cast<int>(*v);
}

}  // namespace

Result<float> read_f32_or(const gguf::GgufFile& file, const std::string& key, float fallback) {
  auto v = file.get_f32_or(key, fallback);
  if (!v) return v.error();
  if (!std::isfinite(*v)) return bad_value(file, key, "is not a finite number");
  return *v;
}

Result<int> read_int_or(const gguf::GgufFile& file, const std::string& key, int fallback, int64_t max) {
  if (!file.contains(key)) return fallback;
  return read_int(file, key, 0, max);
}

void set_swa_pattern(HParams& hp, int pattern) {
  hp.swa_layers.assign(static_cast<size_t>(hp.n_layer), false);
  for (int l = 0; l < hp.n_layer; ++l) hp.swa_layers[static_cast<size_t>(l)] = pattern == 0 || l % pattern < pattern - 1;
}

Result<HParams> read_common_hparams(const gguf::GgufFile& file, std::string_view arch_view) {
  const std::string arch(arch_view);
  HParams hp;
  hp.architecture = arch;
  auto key = [&](const char* suffix) { return arch + "." + suffix; };

  auto n_ctx = read_int(file, key("context_length"), 1, kMaxHParam);
  if (!n_ctx) return n_ctx.error();
  hp.n_ctx_train = *n_ctx;
  auto n_embd = read_int(file, key("embedding_length"), 1, kMaxHParam);
  if (!n_embd) return n_embd.error();
  hp.n_embd = *n_embd;
  auto n_layer = read_int(file, key("block_count"), 1, 4096);
  if (!n_layer) return n_layer.error();
  hp.n_layer = *n_layer;
  auto n_ff = read_int(file, key("feed_forward_length"), 1, kMaxHParam);
  if (!n_ff) return n_ff.error();
  hp.n_ff = *n_ff;
  auto n_head = read_int(file, key("attention.head_count"), 1, 4096);
  if (!n_head) return n_head.error();
  hp.n_head = *n_head;
  auto n_head_kv = read_int_or(file, key("attention.head_count_kv"), hp.n_head, 4096);
  if (!n_head_kv) return n_head_kv.error();
  hp.n_head_kv = *n_head_kv;
  if (hp.n_head_kv < 1 || hp.n_head % hp.n_head_kv != 0)
    return bad_value(file, key("attention.head_count_kv"),
                     "is " + std::to_string(hp.n_head_kv) + ", which does not divide head_count " +
                         std::to_string(hp.n_head));

  const int default_head_dim = hp.n_embd % hp.n_head == 0 ? hp.n_embd / hp.n_head : 0;
  auto hd_k = read_int_or(file, key("attention.key_length"), default_head_dim, 65536);
  if (!hd_k) return hd_k.error();
  auto hd_v = read_int_or(file, key("attention.value_length"), default_head_dim, 65536);
  if (!hd_v) return hd_v.error();
  if (*hd_k < 1 || *hd_v < 1)
    return Error(ErrorCode::Corrupt, file.name(),
                 "head size is unknown: " + key("embedding_length") + " is not a multiple of head_count and " +
                     key("attention.key_length") + " is absent");
  hp.head_dim_k = *hd_k;
  hp.head_dim_v = *hd_v;

  auto eps = file.get_f32(key("attention.layer_norm_rms_epsilon"));
  if (!eps) {
    if (eps.error().code() == ErrorCode::NotFound)
      return Error(ErrorCode::Corrupt, file.name(),
                   "metadata key '" + key("attention.layer_norm_rms_epsilon") + "' is missing (a decoder needs it)");
    return eps.error();
  }
  if (!(*eps >= 0.0f && *eps < 1.0f)) return bad_value(file, key("attention.layer_norm_rms_epsilon"), "is out of range");
  hp.rms_eps = *eps;

  // RoPE.
  auto n_rot = read_int_or(file, key("rope.dimension_count"), hp.head_dim_k, 65536);
  if (!n_rot) return n_rot.error();
  hp.n_rot = *n_rot;
  auto base = read_f32_or(file, key("rope.freq_base"), 10000.0f);
  if (!base) return base.error();
  if (!(*base > 0.0f)) return bad_value(file, key("rope.freq_base"), "must be positive");
  hp.rope_freq_base = *base;
  hp.rope_freq_base_swa = *base;
  bool scaling_none = false;
  if (file.contains(key("rope.scaling.type"))) {
    auto type = file.get_string(key("rope.scaling.type"));
    if (!type) return type.error();
    scaling_none = *type == "none";  // llama.cpp: never scale when the type says none
    if (*type == "yarn")
      return Error(ErrorCode::Unsupported, file.name(),
                   "RoPE scaling type 'yarn' is not supported (supported: none, linear, llama3 rope_freqs, "
                   "phi3 rope factors)");
  }
  // The scaling factor (or its older key name) is the inverse of the frequency scale.
  float factor = 0.0f;
  for (const char* k : {"rope.scaling.factor", "rope.scale_linear"}) {
    if (!file.contains(key(k))) continue;
    auto f = read_f32_or(file, key(k), 0.0f);
    if (!f) return f.error();
    if (*f < 0.0f) return bad_value(file, key(k), "must not be negative");
    factor = *f;
    break;
  }
  hp.rope_freq_scale = factor == 0.0f || scaling_none ? 1.0f : 1.0f / factor;
  hp.rope_freq_scale_swa = hp.rope_freq_scale;
  auto attn_factor = read_f32_or(file, key("rope.scaling.attn_factor"), 1.0f);
  if (!attn_factor) return attn_factor.error();
  hp.rope_attn_factor = *attn_factor;
  auto n_ctx_orig = read_int_or(file, key("rope.scaling.original_context_length"), hp.n_ctx_train);
  if (!n_ctx_orig) return n_ctx_orig.error();
  hp.n_ctx_orig = *n_ctx_orig;

  // Vocabulary: the tokenizer's token list decides, as in llama.cpp.
  int64_t n_vocab = 0;
  if (const gguf::GgufValue* tokens = file.find("tokenizer.ggml.tokens"); tokens && tokens->is_array()) {
    n_vocab = static_cast<int64_t>(tokens->size());
  } else {
    auto v = read_int_or(file, key("vocab_size"), 0);
    if (!v) return v.error();
    n_vocab = *v;
  }
  if (n_vocab < 1 || n_vocab > kMaxHParam)
    return Error(ErrorCode::Corrupt, file.name(),
                 "vocabulary size is unknown or out of range (" + std::to_string(n_vocab) +
                     "): needs tokenizer.ggml.tokens or " + key("vocab_size"));
  hp.n_vocab = static_cast<int>(n_vocab);
  hp.swa_layers.assign(static_cast<size_t>(hp.n_layer), false);
  return hp;
}

Status validate_hparams(const HParams& hp, const std::string& file_name) {
  auto fail = [&](const std::string& what) { return Error(ErrorCode::Corrupt, file_name, what); };
  if (hp.n_rot < 2 || hp.n_rot % 2 != 0 || hp.n_rot > hp.head_dim_k)
    return fail("rope.dimension_count " + std::to_string(hp.n_rot) + " must be even and at most the head size " +
                std::to_string(hp.head_dim_k));
  if (static_cast<int64_t>(hp.n_head) * hp.head_dim_k > kMaxHParam ||
      static_cast<int64_t>(hp.n_head) * hp.head_dim_v > kMaxHParam)
    return fail("attention width head_count x head size is too large");
  if (hp.sliding_window < 0) return fail("negative sliding window");
  if (!(hp.rope_freq_scale > 0.0f) || !(hp.rope_freq_scale_swa > 0.0f) || !(hp.rope_freq_base_swa > 0.0f))
    return fail("RoPE scale and base must be positive");
  if (hp.attn_softcap < 0.0f || hp.final_softcap < 0.0f) return fail("soft-capping values must not be negative");
  if (static_cast<int>(hp.swa_layers.size()) != hp.n_layer) return Error(ErrorCode::Internal, file_name, "swa_layers size");
  return ok_status();
}

}  // namespace pw::model
