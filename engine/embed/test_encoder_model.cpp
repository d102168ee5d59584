#include "engine/embed/test_encoder_model.h"

#include <array>
#include <cmath>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "engine/gguf/gguf_file.h"
#include "engine/gguf/gguf_writer.h"
#include "engine/model_info/model_facts.h"
#include "engine/quant/kernels.h"
#include "engine/quantize/quant_target.h"
#include "engine/quantize/quantize_keys.h"
#include "engine/quantize/tensor_type_rules.h"
#include "engine/tensor/fp16.h"

namespace pw::embed {
namespace {

constexpr std::array<TestEncoderShape, 5> kShapes{{
    {"all-minilm-l6-v2", "minilm-l6", "bert", "all-MiniLM-L6-v2", 384, 6, 12, 1536, 512},
    {"bge-base", "bge-base-en-v1.5", "bert", "bge-base-en-v1.5", 768, 12, 12, 3072, 512},
    {"nomic-embed-text-v1.5", "nomic-v1.5", "nomic-bert", "nomic-embed-text-v1.5", 768, 12, 12, 3072, 2048},
    {"tiny-bert", "", "bert", "tiny-bert", 64, 2, 4, 128, 128},
    {"tiny-nomic", "", "nomic-bert", "tiny-nomic-embed", 64, 2, 4, 128, 128},
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

// The tensors of `shape` in file order with their random-value ranges; types still unset.
std::vector<TestEncoderTensor> tensor_list(const TestEncoderShape& shape, int64_t n_vocab) {
  std::vector<TestEncoderTensor> t;
  const bool bert = shape.architecture == "bert";
  const uint64_t e = static_cast<uint64_t>(shape.n_embd), ff = static_cast<uint64_t>(shape.n_ff);
  const float s_in = std::sqrt(3.0f / static_cast<float>(e));   // unit-variance outputs
  const float s_ff = std::sqrt(3.0f / static_cast<float>(ff));
  auto matrix = [&](std::string name, uint64_t cols, uint64_t rows, float spread) {
    t.push_back({std::move(name), {cols, rows}, GgmlType::F32, true, 0.0f, spread, 0});
  };
  auto values = [&](std::string name, std::vector<uint64_t> ne, float center, float spread) {
    t.push_back({std::move(name), std::move(ne), GgmlType::F32, false, center, spread, 0});
  };
  matrix("token_embd.weight", e, static_cast<uint64_t>(n_vocab), 0.1f);
  values("token_types.weight", {e, 2}, 0.0f, 0.05f);
  if (bert) matrix("position_embd.weight", e, static_cast<uint64_t>(shape.n_ctx), 0.05f);
  values("token_embd_norm.weight", {e}, 1.0f, 0.1f);
  values("token_embd_norm.bias", {e}, 0.0f, 0.05f);
  for (int l = 0; l < shape.n_layer; ++l) {
    const std::string p = "blk." + std::to_string(l) + ".";
    if (bert) {
      for (const char* name : {"attn_q", "attn_k", "attn_v"}) {
        matrix(p + name + ".weight", e, e, s_in);
        values(p + name + ".bias", {e}, 0.0f, 0.02f);
      }
    } else {
      matrix(p + "attn_qkv.weight", e, 3 * e, s_in);
    }
    matrix(p + "attn_output.weight", e, e, s_in);
    if (bert) values(p + "attn_output.bias", {e}, 0.0f, 0.02f);
    values(p + "attn_output_norm.weight", {e}, 1.0f, 0.1f);
    values(p + "attn_output_norm.bias", {e}, 0.0f, 0.05f);
    matrix(p + "ffn_up.weight", e, ff, s_in);
    if (bert) {
      values(p + "ffn_up.bias", {ff}, 0.0f, 0.02f);
    } else {
      matrix(p + "ffn_gate.weight", e, ff, s_in);
    }
    matrix(p + "ffn_down.weight", ff, e, s_ff);
    if (bert) values(p + "ffn_down.bias", {e}, 0.0f, 0.02f);
    values(p + "layer_output_norm.weight", {e}, 1.0f, 0.1f);
    values(p + "layer_output_norm.bias", {e}, 0.0f, 0.05f);
  }
  return t;
}

bool can_write(GgmlType t) {
  if (t == GgmlType::F32 || t == GgmlType::F16) return true;
  const quant::TypeKernels* k = quant::kernels_for(t);
  return k && (k->quantize_row_reference || k->quantize_row);
}

// The vocabulary file, or null for the generated one.
Result<std::unique_ptr<gguf::GgufFile>> open_vocab(const TestEncoderOptions& options) {
  if (options.vocab_from.empty()) return std::unique_ptr<gguf::GgufFile>();
  auto vf = gguf::GgufFile::open(options.vocab_from);
  if (!vf) return vf.error();
  auto file = std::make_unique<gguf::GgufFile>(std::move(*vf));
  const gguf::GgufValue* toks = file->find("tokenizer.ggml.tokens");
  if (!toks || !toks->is_array() || toks->size() == 0)
    return Error(ErrorCode::InvalidArgument, options.vocab_from.string(),
                 "has no tokenizer (tokenizer.ggml.tokens is missing)");
  auto model = file->get_string("tokenizer.ggml.model");
  if (!model || *model != "bert")
    return Error(ErrorCode::InvalidArgument, options.vocab_from.string(),
                 "is not a WordPiece tokenizer (tokenizer.ggml.model is '" + std::string(model ? *model : "") +
                     "'; encoders need 'bert', e.g. fixtures/tokenizers/ggml-vocab-bert-bge.gguf)");
  return file;
}

int64_t vocab_size(const gguf::GgufFile* vocab) {
  return vocab ? static_cast<int64_t>(vocab->find("tokenizer.ggml.tokens")->size()) : kVocab;
}

Result<TestEncoderPlan> plan_for(const TestEncoderShape& shape, const TestEncoderOptions& options, int64_t n_vocab) {
  TestEncoderPlan plan;
  plan.n_vocab = n_vocab;
  plan.tensors = tensor_list(shape, n_vocab);
  const std::string what = std::string(shape.name);
  std::optional<GgmlType> pure = options.weight_type;
  std::optional<quantize::QuantTarget> target;
  if (!options.type.empty()) {
    pure.reset();
    if (options.type == "F32" || options.type == "f32") {
      pure = GgmlType::F32;
      plan.file_type = 0;  // llama_ftype ALL_F32
    } else if (options.type == "F16" || options.type == "f16") {
      pure = GgmlType::F16;
      plan.file_type = 1;  // MOSTLY_F16
    } else if ((target = quantize::parse_quant_target(options.type))) {
      plan.file_type = quantize::target_file_type(*target);
    } else {
      std::string names = "F32, F16";
      for (auto t : quantize::all_quant_targets()) names += ", " + std::string(quantize::target_name(t));
      return Error(ErrorCode::InvalidArgument, what, "unknown type '" + options.type + "' (one of: " + names + ")");
    }
  }
  if (pure) {
    for (TestEncoderTensor& t : plan.tensors) t.type = t.matrix ? *pure : GgmlType::F32;
  } else {
    // As llama-quantize would treat the F16 file llama.cpp's converter writes of this model.
    std::vector<quantize::TensorDesc> in_order;
    for (const TestEncoderTensor& t : plan.tensors) {
      quantize::TensorDesc d;
      d.name = t.name;
      d.type = t.matrix ? GgmlType::F16 : GgmlType::F32;
      for (size_t i = 0; i < t.ne.size(); ++i) d.ne[i] = t.ne[i];
      in_order.push_back(d);
    }
    const std::vector<size_t> order = quantize::reference_tensor_order(in_order);
    std::vector<quantize::TensorDesc> descs;
    for (size_t i : order) descs.push_back(in_order[i]);
    model_info::ModelFacts facts;
    facts.architecture = std::string(shape.architecture);
    facts.n_layer = static_cast<uint32_t>(shape.n_layer);
    facts.n_embd = static_cast<uint32_t>(shape.n_embd);
    facts.n_ff = static_cast<uint32_t>(shape.n_ff);
    facts.context_length = static_cast<uint32_t>(shape.n_ctx);
    facts.n_head = facts.n_head_kv = static_cast<uint32_t>(shape.n_head);
    facts.head_dim_k = facts.head_dim_v = static_cast<uint32_t>(shape.n_embd / shape.n_head);
    facts.n_vocab = static_cast<uint32_t>(n_vocab);
    facts.causal = false;
    auto choices = quantize::choose_tensor_types(facts, descs, *target);
    if (!choices) return choices.error();
    for (size_t k = 0; k < order.size(); ++k) plan.tensors[order[k]].type = (*choices)[k].type;
  }
  for (TestEncoderTensor& t : plan.tensors) {
    if (!can_write(t.type))
      return Error(ErrorCode::Unsupported, what, "cannot write weights of type " + std::string(type_name(t.type)));
    const auto row = row_size_bytes(t.type, t.ne[0]);
    if (!row)
      return Error(ErrorCode::InvalidArgument, what,
                   std::string(type_name(t.type)) + " blocks do not divide the rows of " + t.name);
    uint64_t rows = 1;
    for (size_t i = 1; i < t.ne.size(); ++i) rows *= t.ne[i];
    t.bytes = *row * rows;
    plan.parameters += t.ne[0] * rows;
    plan.tensor_bytes += t.bytes;
  }
  return plan;
}

}  // namespace

const TestEncoderShape* find_test_encoder_shape(std::string_view name) {
  if (name.empty()) return nullptr;
  for (const TestEncoderShape& s : kShapes)
    if (s.name == name || s.alias == name) return &s;
  return nullptr;
}

std::string test_encoder_shape_names() {
  std::string out;
  for (const TestEncoderShape& s : kShapes) out += (out.empty() ? "" : ", ") + std::string(s.name);
  return out;
}

Result<TestEncoderPlan> plan_test_encoder_model(const TestEncoderShape& shape, const TestEncoderOptions& options) {
  auto vocab = open_vocab(options);
  if (!vocab) return vocab.error();
  return plan_for(shape, options, vocab_size(vocab->get()));
}

Status write_test_encoder_model(const std::filesystem::path& out, const TestEncoderShape& shape,
                                const TestEncoderOptions& options) {
  auto vocab = open_vocab(options);
  if (!vocab) return vocab.error();
  const std::unique_ptr<gguf::GgufFile> vocab_file = std::move(*vocab);
  auto planned = plan_for(shape, options, vocab_size(vocab_file.get()));
  if (!planned) return Error(planned.error().code(), out.string(), planned.error().message());
  const TestEncoderPlan& plan = *planned;

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
  if (plan.file_type) {
    w.set_u32(quantize::kQuantizationVersionKey, quantize::kQuantizationVersion);
    w.set_u32(quantize::kFileTypeKey, *plan.file_type);
  }
  if (vocab_file) {
    for (const gguf::GgufKeyValue& kv : vocab_file->metadata())
      if (kv.key.rfind("tokenizer.", 0) == 0) w.set_value(kv.key, kv.value);
  } else {
    synthetic_vocab(w);
  }

  // F32 tensors live here until write() returns (spans are not copied); matrices are streamed.
  std::vector<std::vector<float>> keep;
  keep.reserve(plan.tensors.size());
  Rng seed_rng{options.seed};
  for (const TestEncoderTensor& t : plan.tensors) {
    const uint64_t seed = seed_rng.next();
    if (!t.matrix) {
      Rng rng{seed};
      std::vector<float> v(t.bytes / sizeof(float));
      for (float& x : v) x = t.center + rng.uniform(t.spread);
      keep.push_back(std::move(v));
      const std::vector<float>& data = keep.back();
      PW_TRY(w.add_tensor(t.name, GgmlType::F32, t.ne,
                          std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(data.data()), data.size() * 4)));
      continue;
    }
    const GgmlType wt = t.type;
    const int64_t cols = static_cast<int64_t>(t.ne[0]), rows = static_cast<int64_t>(t.ne[1]);
    const uint64_t row_bytes = t.bytes / static_cast<uint64_t>(rows);
    const float spread = t.spread;
    const quant::TypeKernels* k = quant::kernels_for(wt);
    PW_TRY(w.add_tensor(t.name, wt, t.ne, [=](gguf::GgufDataSink& sink) -> Status {
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
    }));
  }
  return w.write(out);
}

}  // namespace pw::embed
