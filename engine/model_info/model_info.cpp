#include "engine/model_info/model_info.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "engine/model_info/file_type.h"

namespace pw::model_info {

Result<ModelInfo> read_model_info(const std::filesystem::path& path) {
  auto file = gguf::GgufFile::open(path);
  if (!file) return file.error();
  return describe_model(*file, path);
}

Result<ModelInfo> describe_model(const gguf::GgufFile& file, const std::filesystem::path& path) {
  ModelInfo info;
  info.path = path;
  info.file_size = file.file_size();
  info.gguf_version = file.version();
  auto facts = read_model_facts(file);
  if (!facts) return facts.error();
  info.facts = std::move(*facts);
  info.display_name = info.facts.friendly_name();
  if (info.display_name.empty()) {
    info.display_name = path.filename().string();
    if (path.extension() == ".gguf") info.display_name = path.stem().string();
  }
  if (info.facts.file_type) info.file_type_name = std::string(file_type_name(*info.facts.file_type));

  std::map<uint32_t, TensorTypeCount> by_type;
  for (const gguf::GgufTensor& t : file.tensors()) {
    TensorTypeCount& c = by_type[static_cast<uint32_t>(t.type)];
    c.type = t.type;
    c.tensors += 1;
    c.elements += t.n_elements;
    c.bytes += t.n_bytes;
    info.n_params += t.n_elements;
    info.weight_bytes += t.n_bytes;
  }
  info.n_tensors = file.tensors().size();
  for (const auto& [id, c] : by_type) info.type_histogram.push_back(c);
  std::stable_sort(info.type_histogram.begin(), info.type_histogram.end(),
                   [](const TensorTypeCount& a, const TensorTypeCount& b) { return a.bytes > b.bytes; });
  return info;
}

MemoryEstimate estimate_memory(const ModelInfo& info, uint32_t context_length) {
  const ModelFacts& f = info.facts;
  MemoryEstimate m;
  m.context_length = context_length;
  m.weight_bytes = info.weight_bytes;
  if (f.causal) {
    uint64_t per_token = 0;  // bytes of K and V for one token over all layers
    for (uint32_t layer = 0; layer < f.n_layer; ++layer)
      per_token += uint64_t{f.kv_heads(layer)} * (uint64_t{f.head_dim_k} + f.head_dim_v) * 2;
    m.kv_cache_bytes = per_token * context_length;
  }
  m.overhead_bytes = kOverheadFixedBytes + uint64_t{f.n_vocab} * 4;
  m.total_bytes = m.weight_bytes + m.kv_cache_bytes + m.overhead_bytes;
  return m;
}

std::string format_param_count(uint64_t n) {
  char buf[32];
  const double x = static_cast<double>(n);
  if (n >= 1'000'000'000ull) std::snprintf(buf, sizeof buf, "%.2fB", x / 1e9);
  else if (n >= 100'000'000ull) std::snprintf(buf, sizeof buf, "%.0fM", x / 1e6);
  else if (n >= 1'000'000ull) std::snprintf(buf, sizeof buf, "%.1fM", x / 1e6);
  else if (n >= 1'000ull) std::snprintf(buf, sizeof buf, "%.1fK", x / 1e3);
  else std::snprintf(buf, sizeof buf, "%llu", static_cast<unsigned long long>(n));
  return buf;
}

std::string format_bytes(uint64_t n) {
  char buf[32];
  const double x = static_cast<double>(n);
  if (n >= (1ull << 30)) std::snprintf(buf, sizeof buf, "%.2f GiB", x / double(1ull << 30));
  else if (n >= (1ull << 20)) std::snprintf(buf, sizeof buf, "%.1f MiB", x / double(1ull << 20));
  else if (n >= (1ull << 10)) std::snprintf(buf, sizeof buf, "%.1f KiB", x / 1024.0);
  else std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(n));
  return buf;
}

}  // namespace pw::model_info
