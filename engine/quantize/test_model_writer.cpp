#include "engine/quantize/test_model_writer.h"

#include <sys/stat.h>

#include <chrono>
#include <memory>
#include <random>
#include <thread>

#include "engine/gguf/gguf_file.h"
#include "engine/gguf/gguf_writer.h"
#include "engine/model_info/model_facts.h"
#include "engine/quantize/quant_target.h"
#include "engine/quantize/quantize_keys.h"
#include "engine/quantize/tensor_converter.h"
#include "engine/quantize/tensor_type_rules.h"

namespace pw::quantize {
namespace {

constexpr uint32_t kFileTypeF32 = 0, kFileTypeF16 = 1;  // llama_ftype ALL_F32, MOSTLY_F16

Result<gguf::GgufFile> open_vocab(const std::filesystem::path& path) {
  auto file = gguf::GgufFile::open(path);
  if (!file) return file.error();
  const gguf::GgufValue* tokens = file->find("tokenizer.ggml.tokens");
  if (!tokens || !tokens->is_array() || tokens->size() == 0)
    return Error(ErrorCode::InvalidArgument, path.string(), "has no tokenizer (tokenizer.ggml.tokens is missing)");
  return file;
}

model_info::ModelFacts facts_of(const model::TestModelShape& s, int64_t n_vocab) {
  model_info::ModelFacts f;
  f.architecture = std::string(s.architecture);
  f.n_layer = static_cast<uint32_t>(s.n_layer);
  f.n_embd = static_cast<uint32_t>(s.n_embd);
  f.n_ff = static_cast<uint32_t>(s.n_ff);
  f.context_length = static_cast<uint32_t>(s.n_ctx_train);
  f.n_head = static_cast<uint32_t>(s.n_head);
  f.n_head_kv = static_cast<uint32_t>(s.n_head_kv);
  f.head_dim_k = f.head_dim_v = static_cast<uint32_t>(s.head_dim());
  f.n_vocab = static_cast<uint32_t>(n_vocab);
  return f;
}

Result<TestModelPlan> plan_with_vocab(const TestModelRequest& r, int64_t n_vocab) {
  if (!r.shape) return Error(ErrorCode::InvalidArgument, "make-test-model", "no shape given");
  std::optional<GgmlType> pure;
  std::optional<QuantTarget> target;
  TestModelPlan plan;
  plan.n_vocab = n_vocab;
  if (r.type == "F16" || r.type == "f16") {
    pure = GgmlType::F16;
    plan.file_type = kFileTypeF16;
  } else if (r.type == "F32" || r.type == "f32") {
    pure = GgmlType::F32;
    plan.file_type = kFileTypeF32;
  } else if ((target = parse_quant_target(r.type))) {
    plan.file_type = target_file_type(*target);
  } else {
    std::string names = "F32, F16";
    for (auto t : all_quant_targets()) names += ", " + std::string(target_name(t));
    return Error(ErrorCode::InvalidArgument, "make-test-model", "unknown type '" + r.type + "' (one of: " + names + ")");
  }

  const std::vector<model::TestTensor> tensors = model::test_model_tensors(*r.shape, n_vocab);
  std::vector<TensorDesc> in_order;
  for (const auto& t : tensors) {
    TensorDesc d;
    d.name = t.name;
    for (size_t i = 0; i < t.ne.size(); ++i) d.ne[i] = t.ne[i];
    in_order.push_back(d);
  }
  const std::vector<size_t> order = reference_tensor_order(in_order);
  std::vector<TensorDesc> descs;
  for (size_t i : order) descs.push_back(in_order[i]);
  std::vector<GgmlType> types(descs.size(), GgmlType::F32);
  if (target) {
    auto choices = choose_tensor_types(facts_of(*r.shape, n_vocab), descs, *target);
    if (!choices) return choices.error();
    for (size_t k = 0; k < descs.size(); ++k) types[k] = (*choices)[k].type;
  } else {
    for (size_t k = 0; k < descs.size(); ++k)
      if (tensors[order[k]].kind == model::TestTensorKind::Weight) types[k] = *pure;
  }
  for (size_t k = 0; k < descs.size(); ++k) {
    const model::TestTensor& t = tensors[order[k]];
    TestModelTensor p{t.name, t.ne, types[k], 0};
    uint64_t rows = 1;
    for (size_t i = 1; i < t.ne.size(); ++i) rows *= t.ne[i];
    const auto row_bytes = row_size_bytes(p.type, t.ne[0]);
    if (!row_bytes) return Error(ErrorCode::Internal, "make-test-model", "tensor '" + t.name + "': type does not fit its rows");
    p.bytes = *row_bytes * rows;
    plan.tensor_bytes += p.bytes;
    plan.parameters += t.ne[0] * rows;
    plan.tensors.push_back(std::move(p));
  }
  return plan;
}

// Streams one weight: kDistinctRows random rows quantized to `type`, repeated in turn.
gguf::GgufTensorSource weight_source(const TestModelTensor& t, uint32_t seed, unsigned threads) {
  return [t, seed, threads](gguf::GgufDataSink& sink) -> Status {
    const uint64_t n_per_row = t.ne[0];
    const uint64_t rows = t.bytes / *row_size_bytes(t.type, n_per_row);
    const uint64_t distinct = std::min(rows, kDistinctRows);
    std::vector<float> values(static_cast<size_t>(distinct * n_per_row));
    std::mt19937 rng(seed);
    std::normal_distribution<float> nd(0.0f, 0.02f);
    for (float& v : values) v = nd(rng);
    std::vector<uint8_t> quantized;
    RowConversion job{reinterpret_cast<const uint8_t*>(values.data()), GgmlType::F32, t.type, n_per_row, distinct};
    PW_TRY(convert_rows(
        job, threads,
        [&](std::span<const uint8_t> bytes) {
          quantized.insert(quantized.end(), bytes.begin(), bytes.end());
          return ok_status();
        },
        [](uint64_t) { return true; }));
    const size_t row_bytes = quantized.size() / distinct;
    for (uint64_t r = 0; r < rows; ++r) PW_TRY(sink.write(quantized.data() + (r % distinct) * row_bytes, row_bytes));
    return ok_status();
  };
}

}  // namespace

Result<TestModelPlan> plan_test_model(const TestModelRequest& request) {
  auto vocab = open_vocab(request.vocab);
  if (!vocab) return vocab.error();
  return plan_with_vocab(request, static_cast<int64_t>(vocab->find("tokenizer.ggml.tokens")->size()));
}

Result<TestModelReport> write_test_model(const TestModelRequest& request, const std::filesystem::path& out) {
  const auto start = std::chrono::steady_clock::now();
  auto vocab = open_vocab(request.vocab);
  if (!vocab) return vocab.error();
  auto plan = plan_with_vocab(request, static_cast<int64_t>(vocab->find("tokenizer.ggml.tokens")->size()));
  if (!plan) return plan.error();
  struct stat st {};
  if (!request.overwrite && ::stat(out.c_str(), &st) == 0)
    return Error(ErrorCode::InvalidArgument, out.string(), "already exists (allow overwriting to replace it)");
  const model::TestModelShape& shape = *request.shape;
  const unsigned threads = request.threads ? request.threads : std::max(1u, std::thread::hardware_concurrency());

  gguf::GgufWriter w;
  model::write_test_model_hparams(w, shape, plan->n_vocab);
  for (const gguf::GgufKeyValue& kv : vocab->metadata())
    if (kv.key.rfind("tokenizer.", 0) == 0) w.set_value(kv.key, kv.value);
  w.set_u32(kQuantizationVersionKey, kQuantizationVersion);
  w.set_u32(kFileTypeKey, plan->file_type);

  // Small F32 tensors are built up front (they must outlive write()); weights are streamed.
  std::vector<std::unique_ptr<std::vector<float>>> small;
  const std::vector<model::TestTensor> shapes = model::test_model_tensors(shape, plan->n_vocab);
  uint32_t seed = request.seed;
  for (const TestModelTensor& t : plan->tensors) {
    ++seed;
    model::TestTensorKind kind = model::TestTensorKind::Weight;
    for (const auto& s : shapes)
      if (s.name == t.name) kind = s.kind;
    if (kind == model::TestTensorKind::Weight) {
      PW_TRY(w.add_tensor(t.name, t.type, t.ne, weight_source(t, seed, threads)));
      continue;
    }
    auto values = std::make_unique<std::vector<float>>(static_cast<size_t>(t.ne[0]), 1.0f);
    if (kind == model::TestTensorKind::Bias) {
      std::mt19937 rng(seed);
      std::normal_distribution<float> nd(0.0f, 0.02f);
      for (float& v : *values) v = nd(rng);
    } else if (kind == model::TestTensorKind::RopeFreqs) {
      *values = model::llama3_rope_freqs(shape);
    }
    const std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(values->data()), values->size() * sizeof(float));
    PW_TRY(w.add_tensor(t.name, GgmlType::F32, t.ne, bytes));
    small.push_back(std::move(values));
  }
  PW_TRY(w.write(out));

  TestModelReport report;
  report.plan = std::move(*plan);
  if (::stat(out.c_str(), &st) == 0) report.file_bytes = static_cast<uint64_t>(st.st_size);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace pw::quantize
