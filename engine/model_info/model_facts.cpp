#include "engine/model_info/model_facts.h"

#include <algorithm>

namespace pw::model_info {

namespace {

// A u32 that may also be stored per layer as an integer array. Returns the largest value and
// fills `per_layer` when it was an array.
Result<uint32_t> u32_or_per_layer(const gguf::GgufFile& f, const std::string& key, std::vector<uint32_t>* per_layer) {
  const gguf::GgufValue* v = f.find(key);
  if (!v) return 0u;
  if (!v->is_array()) return f.get_u32(key);
  auto values = f.get_i32_array(key);
  if (!values) return values.error();
  uint32_t largest = 0;
  for (int32_t x : *values) {
    if (x < 0) return Error(ErrorCode::Corrupt, f.name(), "metadata key '" + key + "' holds a negative count");
    largest = std::max(largest, static_cast<uint32_t>(x));
    if (per_layer) per_layer->push_back(static_cast<uint32_t>(x));
  }
  return largest;
}

Result<std::string> string_or_empty(const gguf::GgufFile& f, const std::string& key) {
  if (!f.contains(key)) return std::string();
  auto s = f.get_string(key);
  if (!s) return s.error();
  return std::string(*s);
}

}  // namespace

uint32_t ModelFacts::kv_heads(uint32_t layer) const {
  if (layer < n_head_kv_per_layer.size()) return n_head_kv_per_layer[layer];
  return n_head_kv;
}

uint32_t ModelFacts::gqa_ratio() const {
  const uint32_t q = n_head_per_layer.empty() ? n_head : n_head_per_layer[0];
  const uint32_t kv = kv_heads(0);
  return (q == 0 || kv == 0) ? 1 : q / kv;
}

std::string ModelFacts::friendly_name() const {
  if (!general_name.empty()) return general_name;
  if (!basename.empty()) return size_label.empty() ? basename : basename + " " + size_label;
  return "";
}

Result<ModelFacts> read_model_facts(const gguf::GgufFile& f) {
  ModelFacts m;
  auto arch = string_or_empty(f, "general.architecture");
  if (!arch) return arch.error();
  m.architecture = *arch;
  auto name = string_or_empty(f, "general.name");
  if (!name) return name.error();
  m.general_name = *name;
  auto basename = string_or_empty(f, "general.basename");
  if (!basename) return basename.error();
  m.basename = *basename;
  auto size_label = string_or_empty(f, "general.size_label");
  if (!size_label) return size_label.error();
  m.size_label = *size_label;
  if (f.contains("general.file_type")) {
    auto ft = f.get_u32("general.file_type");
    if (!ft) return ft.error();
    m.file_type = *ft;
  }

  const std::string a = m.architecture + ".";
  auto u32 = [&](const std::string& key, uint32_t& out) -> Status {
    auto v = f.get_u32_or(a + key, 0);
    if (!v) return v.error();
    out = *v;
    return ok_status();
  };
  PW_TRY(u32("block_count", m.n_layer));
  PW_TRY(u32("embedding_length", m.n_embd));
  PW_TRY(u32("context_length", m.context_length));
  PW_TRY(u32("expert_count", m.n_expert));
  PW_TRY(u32("vocab_size", m.n_vocab));
  auto n_ff = u32_or_per_layer(f, a + "feed_forward_length", nullptr);
  if (!n_ff) return n_ff.error();
  m.n_ff = *n_ff;
  auto n_head = u32_or_per_layer(f, a + "attention.head_count", &m.n_head_per_layer);
  if (!n_head) return n_head.error();
  m.n_head = *n_head;
  if (f.contains(a + "attention.head_count_kv")) {
    auto n_kv = u32_or_per_layer(f, a + "attention.head_count_kv", &m.n_head_kv_per_layer);
    if (!n_kv) return n_kv.error();
    m.n_head_kv = *n_kv;
  } else {
    m.n_head_kv = m.n_head;
    m.n_head_kv_per_layer = m.n_head_per_layer;
  }
  const uint32_t default_head_dim = m.n_head ? m.n_embd / m.n_head : 0;
  auto hk = f.get_u32_or(a + "attention.key_length", default_head_dim);
  if (!hk) return hk.error();
  m.head_dim_k = *hk;
  auto hv = f.get_u32_or(a + "attention.value_length", default_head_dim);
  if (!hv) return hv.error();
  m.head_dim_v = *hv;
  auto causal = f.get_bool_or(a + "attention.causal", true);
  if (!causal) return causal.error();
  m.causal = *causal;

  if (m.n_vocab == 0) {
    if (const gguf::GgufValue* tokens = f.find("tokenizer.ggml.tokens"); tokens && tokens->is_array()) {
      m.n_vocab = static_cast<uint32_t>(std::min<uint64_t>(tokens->size(), UINT32_MAX));
    } else if (const gguf::GgufTensor* emb = f.find_tensor("token_embd.weight"); emb && emb->n_dims >= 2) {
      m.n_vocab = static_cast<uint32_t>(std::min<uint64_t>(emb->ne[1], UINT32_MAX));
    }
  }
  return m;
}

}  // namespace pw::model_info
