#include "engine/quantize/tensor_type_rules.h"

#include <algorithm>
#include <charconv>
#include <numeric>
#include <string_view>

namespace pw::quantize {

namespace {

enum class Category { TokenEmbd, AttnQ, AttnV, AttnK, AttnQkv, AttnKvB, AttnOutput, FfnUp, FfnGate, FfnDown, Output, Other };

bool contains(std::string_view s, std::string_view part) { return s.find(part) != std::string_view::npos; }

Category category_of(std::string_view name) {
  if (name == "output.weight") return Category::Output;
  if (name == "token_embd.weight" || name == "per_layer_token_embd.weight") return Category::TokenEmbd;
  if (contains(name, "attn_qkv.weight")) return Category::AttnQkv;
  if (contains(name, "attn_kv_b.weight")) return Category::AttnKvB;
  if (contains(name, "attn_v.weight")) return Category::AttnV;
  if (contains(name, "attn_k.weight")) return Category::AttnK;
  if (contains(name, "attn_q.weight")) return Category::AttnQ;
  if (contains(name, "attn_output.weight")) return Category::AttnOutput;
  if (contains(name, "ffn_up")) return Category::FfnUp;
  if (contains(name, "ffn_gate")) return Category::FfnGate;
  if (contains(name, "ffn_down")) return Category::FfnDown;
  return Category::Other;
}

// Attention-value-like tensors are the most sensitive to quantization.
bool is_value_like(Category c) { return c == Category::AttnV || c == Category::AttnQkv || c == Category::AttnKvB; }

// "blk.12.ffn_down.weight" -> 12; -1 when the name has no layer.
int layer_of(std::string_view name) {
  constexpr std::string_view prefix = "blk.";
  if (name.substr(0, prefix.size()) != prefix) return -1;
  int layer = -1;
  const char* first = name.data() + prefix.size();
  const char* last = name.data() + name.size();
  auto [end, ec] = std::from_chars(first, last, layer);
  if (ec != std::errc() || end == first || end == last || *end != '.') return -1;
  return layer;
}

bool use_more_bits(int i, int n) { return i < n / 8 || i >= 7 * n / 8 || (i - n / 8) % 3 == 2; }

uint64_t block_of(GgmlType t) { return type_info(t).block_size; }

// A type whose block fits ne0, or F16 as the last resort.
GgmlType fit_row_length(GgmlType wanted, uint64_t ne0, bool& fell_back) {
  if (ne0 % block_of(wanted) == 0) return wanted;
  fell_back = true;
  GgmlType next = GgmlType::F16;
  switch (wanted) {
    case GgmlType::Q2_K:
    case GgmlType::Q3_K: next = GgmlType::Q4_0; break;
    case GgmlType::Q4_K: next = GgmlType::Q5_0; break;
    case GgmlType::Q5_K: next = GgmlType::Q5_1; break;
    case GgmlType::Q6_K: next = GgmlType::Q8_0; break;
    case GgmlType::IQ4_XS: next = GgmlType::IQ4_NL; break;
    default: break;
  }
  return ne0 % block_of(next) == 0 ? next : GgmlType::F16;
}

struct MixState {
  const model_info::ModelFacts& facts;
  QuantTarget target;
  bool tied_embeddings = true;
  bool falcon = false;
  bool llama_70b = false;
  int n_value_like = 0;
  int i_value_like = 0;
  int i_ffn_down = 0;
};

// The mix rules for one quantizable tensor (see the header for the plain-words version).
Result<GgmlType> mixed_type(MixState& s, const TensorDesc& t, Category c) {
  const QuantTarget target = s.target;
  GgmlType type = target_base_type(target);
  const bool q3m = target == QuantTarget::Q3_K_M, q4m = target == QuantTarget::Q4_K_M, q5m = target == QuantTarget::Q5_K_M;
  const uint32_t n_expert = s.facts.n_expert;

  if (c == Category::Output || (s.tied_embeddings && c == Category::TokenEmbd)) {
    if (s.falcon || t.ne[0] % block_of(type) != 0) return GgmlType::Q8_0;
    return type == GgmlType::Q8_0 ? type : GgmlType::Q6_K;
  }
  if (c == Category::TokenEmbd) return type;  // untied: keeps the base type
  if (is_value_like(c)) {
    if (q3m) type = s.i_value_like < 2 ? GgmlType::Q5_K : GgmlType::Q4_K;
    else if ((q4m || q5m) && use_more_bits(s.i_value_like, s.n_value_like)) type = GgmlType::Q6_K;
    if (s.llama_70b && (type == GgmlType::Q3_K || type == GgmlType::Q4_K)) type = GgmlType::Q5_K;
    if (n_expert == 8) type = GgmlType::Q8_0;
    ++s.i_value_like;
    return type;
  }
  if (c == Category::AttnK) return n_expert == 8 ? GgmlType::Q8_0 : type;
  if (c == Category::FfnDown) {
    int i_layer = s.i_ffn_down;
    const int n_layer = static_cast<int>(s.facts.n_layer);
    if (n_expert > 1) {
      i_layer = layer_of(t.name);
      if (i_layer < 0 || i_layer >= n_layer)
        return Error(ErrorCode::Corrupt, "tensor '" + t.name + "': cannot tell its layer (expected blk.N. with N < " +
                                             std::to_string(n_layer) + ")");
    }
    if (q3m) {
      type = i_layer < n_layer / 16 ? GgmlType::Q5_K
             : (!s.falcon || use_more_bits(i_layer, n_layer)) ? GgmlType::Q4_K
                                                              : GgmlType::Q3_K;
    } else if (q4m) {
      if (s.falcon) {
        type = i_layer < n_layer / 16 ? GgmlType::Q6_K : use_more_bits(i_layer, n_layer) ? GgmlType::Q5_K : GgmlType::Q4_K;
      } else if (use_more_bits(i_layer, n_layer)) {
        type = GgmlType::Q6_K;
      }
    } else if (q5m && use_more_bits(i_layer, n_layer)) {
      type = GgmlType::Q6_K;
    }
    ++s.i_ffn_down;
    return type;
  }
  if (c == Category::AttnOutput && !s.falcon) {
    if (n_expert == 8) {
      if (q3m || q4m) type = GgmlType::Q5_K;
    } else if (q3m) {
      type = GgmlType::Q4_K;
    }
  }
  return type;
}

}  // namespace

bool tensor_allows_quantization(const std::string& name, const std::array<uint64_t, 4>& ne) {
  // Dimensions by element shape, as ggml counts them: trailing dims of 1 do not count.
  int n_dims = 1;
  for (int i = 3; i >= 1; --i)
    if (ne[i] > 1) {
      n_dims = i + 1;
      break;
    }
  if (n_dims < 2) return false;
  const std::string_view n = name;
  if (n.size() < 6 || n.substr(n.size() - 6) != "weight") return false;
  if (n == "position_embd.weight" || n == "token_types.weight") return false;  // BERT
  static constexpr std::string_view kKeep[] = {
      "_norm.weight",          "ffn_gate_inp.weight",    "ffn_gate_tid2eid.weight", "altup",
      "laurel",                "per_layer_model_proj",   "ssm_conv1d",              "shortconv.conv.weight",
      "indexer.k_proj.weight", "indexer.q_proj.weight",  "time_mix_first.weight",   "time_mix_w0.weight",
      "time_mix_w1.weight",    "time_mix_w2.weight",     "time_mix_v0.weight",      "time_mix_v1.weight",
      "time_mix_v2.weight",    "time_mix_a0.weight",     "time_mix_a1.weight",      "time_mix_a2.weight",
      "time_mix_g1.weight",    "time_mix_g2.weight",     "time_mix_decay_w1.weight", "time_mix_decay_w2.weight",
      "time_mix_lerp_fused.weight", "attn_rel_b.weight", ".position_embd",          "sam.pos_embd",
      "sam.neck.",             "sam.net_",               ".rel_pos",                ".patch_embd",
      ".patch_merger",         "a.rvq.codebook",         "mm.a.code_embd",
  };
  for (std::string_view part : kKeep)
    if (contains(n, part)) return false;
  return true;
}

std::vector<size_t> reference_tensor_order(const std::vector<TensorDesc>& tensors) {
  std::vector<size_t> order(tensors.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const int la = layer_of(tensors[a].name), lb = layer_of(tensors[b].name);
    if (la != lb) return la < lb;
    return tensors[a].name < tensors[b].name;
  });
  return order;
}

Result<std::vector<TensorTypeChoice>> choose_tensor_types(const model_info::ModelFacts& facts,
                                                          const std::vector<TensorDesc>& tensors,
                                                          QuantTarget target) {
  MixState s{facts, target};
  s.falcon = facts.architecture == "falcon";
  s.llama_70b = facts.architecture == "llama" && facts.n_layer == 80 && facts.n_head != facts.n_head_kv;
  for (const TensorDesc& t : tensors) {
    const Category c = category_of(t.name);
    if (is_value_like(c)) ++s.n_value_like;
    if (c == Category::Output) s.tied_embeddings = false;
  }

  std::vector<TensorTypeChoice> choices;
  choices.reserve(tensors.size());
  for (const TensorDesc& t : tensors) {
    TensorTypeChoice choice;
    choice.type = t.type;
    choice.quantizable = tensor_allows_quantization(t.name, t.ne);
    if (choice.quantizable) {
      GgmlType wanted = target_base_type(target);
      if (target_is_mix(target)) {
        auto mixed = mixed_type(s, t, category_of(t.name));
        if (!mixed) return mixed.error();
        wanted = *mixed;
      }
      choice.type = fit_row_length(wanted, t.ne[0], choice.fallback);
    }
    choices.push_back(choice);
  }
  return choices;
}

}  // namespace pw::quantize
