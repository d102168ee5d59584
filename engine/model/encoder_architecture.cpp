// The encoder architecture table and what every encoder reads the same way (encoder.h).
#include <array>
#include <string>

#include "engine/model/encoder.h"
#include "engine/model/hparams.h"

namespace pw::model {
namespace {

const std::array<const EncoderArchitecture*, 2>& table() {
  static const std::array<const EncoderArchitecture*, 2> t{&bert_architecture(), &nomic_bert_architecture()};
  return t;
}

Error bad_key(const gguf::GgufFile& file, const std::string& key, const std::string& problem) {
  return Error(ErrorCode::Corrupt, file.name(), "metadata key '" + key + "' " + problem);
}

Result<int> required_int(const gguf::GgufFile& file, const std::string& key, int64_t max) {
  if (!file.contains(key))
    return Error(ErrorCode::Corrupt, file.name(), "metadata key '" + key + "' is missing (an encoder needs it)");
  auto v = read_int_or(file, key, 0, max);
  if (!v) return v.error();
  if (*v < 1) return bad_key(file, key, "must be positive");
  return *v;
}

}  // namespace

const EncoderArchitecture* find_encoder_architecture(std::string_view name) {
  for (const EncoderArchitecture* a : table())
    if (a->name == name) return a;
  return nullptr;
}

bool is_encoder_architecture(std::string_view name) { return find_encoder_architecture(name) != nullptr; }

std::string supported_encoder_names() {
  std::string names;
  for (const EncoderArchitecture* a : table()) {
    if (!names.empty()) names += ", ";
    names += a->name;
  }
  return names;
}

Result<EncoderHParams> read_encoder_hparams(const gguf::GgufFile& file, std::string_view arch_view) {
  const std::string arch(arch_view);
  auto key = [&](const char* suffix) { return arch + "." + suffix; };
  EncoderHParams hp;
  hp.architecture = arch;
  auto n_ctx = required_int(file, key("context_length"), 1 << 20);
  if (!n_ctx) return n_ctx.error();
  hp.n_ctx_train = *n_ctx;
  auto n_embd = required_int(file, key("embedding_length"), 1 << 16);
  if (!n_embd) return n_embd.error();
  hp.n_embd = *n_embd;
  auto n_layer = required_int(file, key("block_count"), 1024);
  if (!n_layer) return n_layer.error();
  hp.n_layer = *n_layer;
  auto n_ff = required_int(file, key("feed_forward_length"), 1 << 18);
  if (!n_ff) return n_ff.error();
  hp.n_ff = *n_ff;
  auto n_head = required_int(file, key("attention.head_count"), 1024);
  if (!n_head) return n_head.error();
  hp.n_head = *n_head;
  if (hp.n_embd % hp.n_head != 0)
    return bad_key(file, key("attention.head_count"),
                   "is " + std::to_string(hp.n_head) + ", which does not divide embedding_length " +
                       std::to_string(hp.n_embd));
  hp.head_dim = hp.n_embd / hp.n_head;

  if (!file.contains(key("attention.layer_norm_epsilon")))
    return Error(ErrorCode::Corrupt, file.name(),
                 "metadata key '" + key("attention.layer_norm_epsilon") + "' is missing (an encoder needs it)");
  auto eps = read_f32_or(file, key("attention.layer_norm_epsilon"), 1e-12f);
  if (!eps) return eps.error();
  if (!(*eps >= 0.0f && *eps < 1.0f)) return bad_key(file, key("attention.layer_norm_epsilon"), "is out of range");
  hp.norm_eps = *eps;

  auto causal = file.get_bool_or(key("attention.causal"), false);
  if (!causal) return causal.error();
  hp.causal = *causal;

  if (file.contains(key("pooling_type"))) {
    auto pooling = read_int_or(file, key("pooling_type"), 1, 16);
    if (!pooling) return pooling.error();
    if (*pooling > 3)
      return Error(ErrorCode::Unsupported, file.name(),
                   "pooling type " + std::to_string(*pooling) +
                       " is not supported (supported: 0 none, 1 mean, 2 cls, 3 last); is this a reranker?");
    hp.pooling = static_cast<Pooling>(*pooling);
    hp.pooling_from_file = true;
  }

  int64_t n_vocab = 0;
  if (const gguf::GgufValue* tokens = file.find("tokenizer.ggml.tokens"); tokens && tokens->is_array())
    n_vocab = static_cast<int64_t>(tokens->size());
  if (n_vocab < 1 || n_vocab > kMaxHParam)
    return Error(ErrorCode::Corrupt, file.name(), "tokenizer.ggml.tokens is missing or empty (an encoder needs it)");
  hp.n_vocab = static_cast<int>(n_vocab);
  return hp;
}

Status bind_encoder_embeddings(const WeightBinder& bind, const EncoderHParams& hp, EncoderWeights& w) {
  const int64_t e = hp.n_embd;
  PW_TRY(take(bind.matrix("token_embd.weight", e, hp.n_vocab), w.token_embd));
  if (const gguf::GgufTensor* types = bind.file().find_tensor("token_types.weight")) {
    // [n_embd, n_types]: every token of our texts has type 0, so only row 0 is kept.
    const int64_t n_types = static_cast<int64_t>(types->ne[1]);
    if (n_types < 1 || n_types > 64)
      return Error(ErrorCode::Corrupt, bind.file().name(),
                   "tensor 'token_types.weight' has shape " + types->shape_string() + ", expected [" +
                       std::to_string(e) + ", 1..64]");
    auto m = bind.matrix("token_types.weight", e, n_types);
    if (!m) return m.error();
    w.token_type0.assign(static_cast<size_t>(e), 0.0f);
    m->kernels.weights->dequantize_row(m->row(0), w.token_type0.data(), e);
  }
  PW_TRY(take(bind.vector("token_embd_norm.weight", e), w.embd_norm_w));
  PW_TRY(take(bind.vector("token_embd_norm.bias", e), w.embd_norm_b));
  w.layers.resize(static_cast<size_t>(hp.n_layer));
  for (int l = 0; l < hp.n_layer; ++l) {
    EncoderLayer& L = w.layers[static_cast<size_t>(l)];
    PW_TRY(take(bind.vector(layer_tensor(l, "attn_output_norm.weight"), e), L.attn_norm_w));
    PW_TRY(take(bind.vector(layer_tensor(l, "attn_output_norm.bias"), e), L.attn_norm_b));
    PW_TRY(take(bind.vector(layer_tensor(l, "layer_output_norm.weight"), e), L.out_norm_w));
    PW_TRY(take(bind.vector(layer_tensor(l, "layer_output_norm.bias"), e), L.out_norm_b));
    PW_TRY(take(bind.matrix(layer_tensor(l, "attn_output.weight"), e, e), L.wo));
    PW_TRY(take(bind.optional_vector(layer_tensor(l, "attn_output.bias"), e), L.bo));
    PW_TRY(take(bind.matrix(layer_tensor(l, "ffn_down.weight"), hp.n_ff, e), L.ffn_down));
    PW_TRY(take(bind.optional_vector(layer_tensor(l, "ffn_down.bias"), e), L.ffn_down_b));
  }
  return ok_status();
}

}  // namespace pw::model
