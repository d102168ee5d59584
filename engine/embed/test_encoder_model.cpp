#include "engine/embed/test_encoder_model.h"

#include <array>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "engine/gguf/gguf_file.h"
#include "engine/gguf/gguf_writer.h"
#include "engine/quant/kernels.h"
#include "engine/tensor/fp16.h"

namespace pw::embed {
namespace {

constexpr std::array<TestEncoderShape, 5> kShapes{{
    {"minilm-l6", "bert", "all-MiniLM-L6-v2", 384, 6, 12, 1536, 512},
    {"bge-base", "bert", "bge-base-en-v1.5", 768, 12, 12, 3072, 512},
    {"nomic-v1.5", "nomic-bert", "nomic-embed-text-v1.5", 768, 12, 12, 3072, 2048},
    {"tiny-bert", "bert", "tiny-bert", 64, 2, 4, 128, 128},
    {"tiny-nomic", "nomic-bert", "tiny-nomic-embed", 64, 2, 4, 128, 128},
}};

constexpr int kVocab = 30522;

// splitmix64: small, fast and the same everywhere (std distributions are not).
struct Rng {
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  float uniform(float a) {  // in [-a, a)
    return (static_cast<float>(next() >> 40) / static_cast<float>(1 << 24) * 2.0f - 1.0f) * a;
  }
};

// A small WordPiece vocabulary in BERT's layout ([PAD] 0, [UNK] 100, [CLS] 101, [SEP] 102,
// [MASK] 103), with single characters and their ## continuations so any ASCII text tokenises.
void synthetic_vocab(gguf::GgufWriter& w) {
  std::vector<std::string> tokens;
  std::vector<int32_t> types;
  auto add = [&](std::string t, int32_t type) {
    tokens.push_back(std::move(t));
    types.push_back(type);
  };
  add("[PAD]", 3);
  for (int i = 0; tokens.size() < 100; ++i) add("[unused" + std::to_string(i) + "]", 3);
  add("[UNK]", 3);
  add("[CLS]", 3);
  add("[SEP]", 3);
  add("[MASK]", 3);
  for (int c = '!'; c <= '~'; ++c)
    if (!(c >= 'A' && c <= 'Z')) add(std::string(1, static_cast<char>(c)), 1);
  for (int c = '0'; c <= 'z'; ++c)
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')) add("##" + std::string(1, static_cast<char>(c)), 1);
  for (const char* word : {"the", "of", "and", "to", "in", "is", "for", "that", "with", "on", "dose", "leave", "policy"})
    add(word, 1);
  for (int i = 100; tokens.size() < static_cast<size_t>(kVocab); ++i) add("[unused" + std::to_string(i) + "]", 3);
  w.set_string("tokenizer.ggml.model", "bert");
  w.set_string("tokenizer.ggml.pre", "bert-bge");
  w.set_string_array("tokenizer.ggml.tokens", tokens);
  w.set_array("tokenizer.ggml.token_type", std::span<const int32_t>(types));
  w.set_u32("tokenizer.ggml.token_type_count", 2);
  w.set_u32("tokenizer.ggml.unknown_token_id", 100);
  w.set_u32("tokenizer.ggml.seperator_token_id", 102);
  w.set_u32("tokenizer.ggml.padding_token_id", 0);
  w.set_u32("tokenizer.ggml.cls_token_id", 101);
  w.set_u32("tokenizer.ggml.mask_token_id", 103);
}

}  // namespace

const TestEncoderShape* find_test_encoder_shape(std::string_view name) {
  for (const TestEncoderShape& s : kShapes)
    if (s.name == name) return &s;
  return nullptr;
}

std::string test_encoder_shape_names() {
  std::string out;
  for (const TestEncoderShape& s : kShapes) out += (out.empty() ? "" : ", ") + std::string(s.name);
  return out;
}

Status write_test_encoder_model(const std::filesystem::path& out, const TestEncoderShape& shape,
                                const TestEncoderOptions& options) {
  const GgmlType wt = options.weight_type;
  const quant::TypeKernels* k = quant::kernels_for(wt);
  const bool plain = wt == GgmlType::F32 || wt == GgmlType::F16;
  if (!plain && (!k || !(k->quantize_row_reference || k->quantize_row)))
    return Error(ErrorCode::Unsupported, out.string(), "cannot write weights of type " + std::string(type_name(wt)));
  if (!row_size_bytes(wt, static_cast<uint64_t>(shape.n_embd)) || !row_size_bytes(wt, static_cast<uint64_t>(shape.n_ff)))
    return Error(ErrorCode::InvalidArgument, out.string(),
                 std::string(type_name(wt)) + " blocks do not divide the rows of shape " + std::string(shape.name));

  gguf::GgufWriter w;
  const std::string arch(shape.architecture);
  auto key = [&](const char* s) { return arch + "." + s; };
  w.set_string("general.architecture", arch);
  w.set_string("general.name", shape.model_name);
  w.set_u32(key("context_length"), static_cast<uint32_t>(shape.n_ctx));
  w.set_u32(key("embedding_length"), static_cast<uint32_t>(shape.n_embd));
  w.set_u32(key("feed_forward_length"), static_cast<uint32_t>(shape.n_ff));
  w.set_u32(key("block_count"), static_cast<uint32_t>(shape.n_layer));
  w.set_u32(key("attention.head_count"), static_cast<uint32_t>(shape.n_head));
  w.set_f32(key("attention.layer_norm_epsilon"), 1e-12f);
  w.set_bool(key("attention.causal"), false);
  w.set_u32(key("pooling_type"), 1);
  if (arch == "nomic-bert") w.set_f32(key("rope.freq_base"), 1000.0f);

  int64_t n_vocab = kVocab;
  std::unique_ptr<gguf::GgufFile> vocab_file;
  if (!options.vocab_from.empty()) {
    auto vf = gguf::GgufFile::open(options.vocab_from);
    if (!vf) return vf.error();
    vocab_file = std::make_unique<gguf::GgufFile>(std::move(*vf));
    for (const gguf::GgufKeyValue& kv : vocab_file->metadata())
      if (kv.key.rfind("tokenizer.", 0) == 0) w.set_value(kv.key, kv.value);
    const gguf::GgufValue* toks = vocab_file->find("tokenizer.ggml.tokens");
    if (!toks || !toks->is_array() || toks->size() == 0)
      return Error(ErrorCode::Corrupt, options.vocab_from.string(), "has no tokenizer.ggml.tokens");
    n_vocab = static_cast<int64_t>(toks->size());
  } else {
    synthetic_vocab(w);
  }

  // Tensor data lives here until write() returns (spans are not copied); matrices are streamed.
  std::vector<std::vector<float>> keep;
  Rng seed_rng{options.seed};
  auto f32_tensor = [&](const std::string& name, std::vector<uint64_t> ne, float center, float spread) -> Status {
    uint64_t n = 1;
    for (uint64_t d : ne) n *= d;
    Rng rng{seed_rng.next()};
    std::vector<float> v(n);
    for (float& x : v) x = center + rng.uniform(spread);
    keep.push_back(std::move(v));
    const std::vector<float>& data = keep.back();
    return w.add_tensor(name, GgmlType::F32, ne,
                        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(data.data()), data.size() * 4));
  };
  auto matrix = [&](const std::string& name, int64_t cols, int64_t rows, float spread) -> Status {
    const uint64_t row_bytes = *row_size_bytes(wt, static_cast<uint64_t>(cols));
    const uint64_t seed = seed_rng.next();
    return w.add_tensor(name, wt, {static_cast<uint64_t>(cols), static_cast<uint64_t>(rows)},
                        [=](gguf::GgufDataSink& sink) -> Status {
                          Rng rng{seed};
                          std::vector<float> row(static_cast<size_t>(cols));
                          std::vector<uint8_t> bytes(row_bytes);
                          for (int64_t r = 0; r < rows; ++r) {
                            for (float& x : row) x = rng.uniform(spread);
                            if (wt == GgmlType::F32) {
                              std::memcpy(bytes.data(), row.data(), row_bytes);
                            } else if (wt == GgmlType::F16) {
                              for (int64_t i = 0; i < cols; ++i) {
                                const uint16_t h = fp32_to_fp16(row[static_cast<size_t>(i)]);
                                std::memcpy(bytes.data() + 2 * i, &h, 2);
                              }
                            } else if (k->quantize_row_reference) {
                              k->quantize_row_reference(row.data(), bytes.data(), cols);
                            } else {
                              k->quantize_row(row.data(), bytes.data(), cols);
                            }
                            PW_TRY(sink.write(bytes));
                          }
                          return ok_status();
                        });
  };

  const int64_t e = shape.n_embd, ff = shape.n_ff;
  const float s_in = std::sqrt(3.0f / static_cast<float>(e));   // unit-variance outputs
  const float s_ff = std::sqrt(3.0f / static_cast<float>(ff));
  const uint64_t ue = static_cast<uint64_t>(e);
  PW_TRY(matrix("token_embd.weight", e, n_vocab, 0.1f));
  PW_TRY(f32_tensor("token_types.weight", {ue, 2}, 0.0f, 0.05f));
  if (arch == "bert") PW_TRY(matrix("position_embd.weight", e, shape.n_ctx, 0.05f));
  PW_TRY(f32_tensor("token_embd_norm.weight", {ue}, 1.0f, 0.1f));
  PW_TRY(f32_tensor("token_embd_norm.bias", {ue}, 0.0f, 0.05f));
  for (int l = 0; l < shape.n_layer; ++l) {
    const std::string p = "blk." + std::to_string(l) + ".";
    if (arch == "bert") {
      for (const char* t : {"attn_q", "attn_k", "attn_v"}) {
        PW_TRY(matrix(p + t + ".weight", e, e, s_in));
        PW_TRY(f32_tensor(p + t + ".bias", {ue}, 0.0f, 0.02f));
      }
    } else {
      PW_TRY(matrix(p + "attn_qkv.weight", e, 3 * e, s_in));
    }
    PW_TRY(matrix(p + "attn_output.weight", e, e, s_in));
    if (arch == "bert") PW_TRY(f32_tensor(p + "attn_output.bias", {ue}, 0.0f, 0.02f));
    PW_TRY(f32_tensor(p + "attn_output_norm.weight", {ue}, 1.0f, 0.1f));
    PW_TRY(f32_tensor(p + "attn_output_norm.bias", {ue}, 0.0f, 0.05f));
    PW_TRY(matrix(p + "ffn_up.weight", e, ff, s_in));
    if (arch == "bert") {
      PW_TRY(f32_tensor(p + "ffn_up.bias", {static_cast<uint64_t>(ff)}, 0.0f, 0.02f));
    } else {
      PW_TRY(matrix(p + "ffn_gate.weight", e, ff, s_in));
    }
    PW_TRY(matrix(p + "ffn_down.weight", ff, e, s_ff));
    if (arch == "bert") PW_TRY(f32_tensor(p + "ffn_down.bias", {ue}, 0.0f, 0.02f));
    PW_TRY(f32_tensor(p + "layer_output_norm.weight", {ue}, 1.0f, 0.1f));
    PW_TRY(f32_tensor(p + "layer_output_norm.bias", {ue}, 0.0f, 0.05f));
  }
  return w.write(out);
}

}  // namespace pw::embed
