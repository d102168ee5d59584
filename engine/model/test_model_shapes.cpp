#include "engine/model/test_model_shapes.h"

#include <cmath>
#include <numbers>

namespace pw::model {

const std::vector<TestModelShape>& test_model_shapes() {
  // Numbers from the models' config.json (Hugging Face meta-llama/Llama-3.2-1B, Qwen/Qwen2.5-0.5B).
  static const std::vector<TestModelShape> shapes = [] {
    std::vector<TestModelShape> v;
    TestModelShape llama;
    llama.name = "llama-3.2-1b";
    llama.architecture = "llama";
    llama.description = "Llama-3.2-1B shape";
    llama.n_embd = 2048;
    llama.n_layer = 16;
    llama.n_ff = 8192;
    llama.n_head = 32;
    llama.n_head_kv = 8;
    llama.n_ctx_train = 131072;
    llama.rms_eps = 1e-5f;
    llama.rope_freq_base = 500000.0f;
    llama.tied_embeddings = true;
    llama.rope_llama3_factor = 32.0f;
    v.push_back(llama);

    TestModelShape qwen;
    qwen.name = "qwen2.5-0.5b";
    qwen.architecture = "qwen2";
    qwen.description = "Qwen2.5-0.5B shape";
    qwen.n_embd = 896;
    qwen.n_layer = 24;
    qwen.n_ff = 4864;
    qwen.n_head = 14;
    qwen.n_head_kv = 2;
    qwen.n_ctx_train = 32768;
    qwen.rms_eps = 1e-6f;
    qwen.rope_freq_base = 1000000.0f;
    qwen.tied_embeddings = true;
    qwen.qkv_bias = true;
    v.push_back(qwen);

    // Tiny variants for tests: the same code paths in a few hundred kilobytes.
    TestModelShape tiny = llama;
    tiny.name = "tiny-llama";
    tiny.description = "tiny llama test shape";
    tiny.n_embd = 256;
    tiny.n_layer = 2;
    tiny.n_ff = 512;
    tiny.n_head = 4;
    tiny.n_head_kv = 2;
    tiny.n_ctx_train = 2048;
    tiny.rope_freq_base = 10000.0f;
    tiny.tied_embeddings = false;
    tiny.rope_llama3_factor = 0.0f;
    v.push_back(tiny);

    TestModelShape tiny_qwen = qwen;
    tiny_qwen.name = "tiny-qwen2";
    tiny_qwen.description = "tiny qwen2 test shape";
    tiny_qwen.n_embd = 128;
    tiny_qwen.n_layer = 2;
    tiny_qwen.n_ff = 320;
    tiny_qwen.n_head = 2;
    tiny_qwen.n_head_kv = 1;
    tiny_qwen.n_ctx_train = 2048;
    v.push_back(tiny_qwen);
    return v;
  }();
  return shapes;
}

const TestModelShape* find_test_model_shape(std::string_view name) {
  for (const auto& s : test_model_shapes())
    if (s.name == name) return &s;
  return nullptr;
}

std::string test_model_shape_names() {
  std::string out;
  for (const auto& s : test_model_shapes()) out += (out.empty() ? "" : ", ") + std::string(s.name);
  return out;
}

std::vector<TestTensor> test_model_tensors(const TestModelShape& s, int64_t n_vocab) {
  const auto e = static_cast<uint64_t>(s.n_embd), ff = static_cast<uint64_t>(s.n_ff);
  const auto q = static_cast<uint64_t>(s.n_head) * static_cast<uint64_t>(s.head_dim());
  const auto kv = static_cast<uint64_t>(s.n_head_kv) * static_cast<uint64_t>(s.head_dim());
  std::vector<TestTensor> t;
  t.push_back({"token_embd.weight", {e, static_cast<uint64_t>(n_vocab)}, TestTensorKind::Weight});
  t.push_back({"output_norm.weight", {e}, TestTensorKind::Norm});
  if (!s.tied_embeddings) t.push_back({"output.weight", {e, static_cast<uint64_t>(n_vocab)}, TestTensorKind::Weight});
  if (s.rope_llama3_factor > 0)
    t.push_back({"rope_freqs.weight", {static_cast<uint64_t>(s.head_dim() / 2)}, TestTensorKind::RopeFreqs});
  for (int l = 0; l < s.n_layer; ++l) {
    const std::string b = "blk." + std::to_string(l) + ".";
    t.push_back({b + "attn_norm.weight", {e}, TestTensorKind::Norm});
    t.push_back({b + "attn_q.weight", {e, q}, TestTensorKind::Weight});
    t.push_back({b + "attn_k.weight", {e, kv}, TestTensorKind::Weight});
    t.push_back({b + "attn_v.weight", {e, kv}, TestTensorKind::Weight});
    if (s.qkv_bias) {
      t.push_back({b + "attn_q.bias", {q}, TestTensorKind::Bias});
      t.push_back({b + "attn_k.bias", {kv}, TestTensorKind::Bias});
      t.push_back({b + "attn_v.bias", {kv}, TestTensorKind::Bias});
    }
    t.push_back({b + "attn_output.weight", {q, e}, TestTensorKind::Weight});
    t.push_back({b + "ffn_norm.weight", {e}, TestTensorKind::Norm});
    t.push_back({b + "ffn_gate.weight", {e, ff}, TestTensorKind::Weight});
    t.push_back({b + "ffn_up.weight", {e, ff}, TestTensorKind::Weight});
    t.push_back({b + "ffn_down.weight", {ff, e}, TestTensorKind::Weight});
  }
  return t;
}

void write_test_model_hparams(gguf::GgufWriter& w, const TestModelShape& s, int64_t n_vocab) {
  const std::string a(s.architecture);
  auto key = [&](const char* k) { return a + "." + k; };
  w.set_string("general.architecture", a);
  w.set_string("general.name", std::string(s.description) + " (random weights)");
  w.set_u32(key("vocab_size"), static_cast<uint32_t>(n_vocab));
  w.set_u32(key("context_length"), static_cast<uint32_t>(s.n_ctx_train));
  w.set_u32(key("embedding_length"), static_cast<uint32_t>(s.n_embd));
  w.set_u32(key("block_count"), static_cast<uint32_t>(s.n_layer));
  w.set_u32(key("feed_forward_length"), static_cast<uint32_t>(s.n_ff));
  w.set_u32(key("rope.dimension_count"), static_cast<uint32_t>(s.head_dim()));
  w.set_u32(key("attention.head_count"), static_cast<uint32_t>(s.n_head));
  w.set_u32(key("attention.head_count_kv"), static_cast<uint32_t>(s.n_head_kv));
  w.set_u32(key("attention.key_length"), static_cast<uint32_t>(s.head_dim()));
  w.set_u32(key("attention.value_length"), static_cast<uint32_t>(s.head_dim()));
  w.set_f32(key("attention.layer_norm_rms_epsilon"), s.rms_eps);
  w.set_f32(key("rope.freq_base"), s.rope_freq_base);
}

std::vector<float> llama3_rope_freqs(const TestModelShape& s) {
  // Llama 3.1's scaling: long wavelengths are slowed down by `factor`, short ones kept, and the
  // band between blended smoothly. GGUF stores the divisor of each frequency.
  const int hd = s.head_dim();
  const double old_ctx = s.rope_llama3_original_context;
  const double low_wavelen = old_ctx / s.rope_llama3_low_freq_factor;
  const double high_wavelen = old_ctx / s.rope_llama3_high_freq_factor;
  std::vector<float> out;
  for (int i = 0; i < hd; i += 2) {
    const double freq = 1.0 / std::pow(static_cast<double>(s.rope_freq_base), static_cast<double>(i) / hd);
    const double wavelen = 2.0 * std::numbers::pi / freq;
    double divisor = 1.0;
    if (wavelen > low_wavelen) {
      divisor = s.rope_llama3_factor;
    } else if (wavelen >= high_wavelen) {
      const double smooth = (old_ctx / wavelen - s.rope_llama3_low_freq_factor) /
                            (s.rope_llama3_high_freq_factor - s.rope_llama3_low_freq_factor);
      divisor = 1.0 / ((1.0 - smooth) / s.rope_llama3_factor + smooth);
    }
    out.push_back(static_cast<float>(divisor));
  }
  return out;
}

}  // namespace pw::model
