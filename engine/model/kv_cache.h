// The keys and values of every position a session has seen, per layer: the per-session state
// of a decoder (the weights are shared and immutable, this is not).
//
//   auto kv = KvCache::create({.n_layer = 2, .n_ctx = 256, .k_width = 128, .v_width = 128});
//   if (!kv) return kv.error();                       // ResourceLimit when it cannot be allocated
//   kv->store(layer, pos, k_row, v_row);               // k_row: k_width floats (all KV heads)
//   const void* k = kv->k_row(layer, pos);             // F16 bits or F32 floats, per type()
//
// Storage is F16 by default (half the memory; what llama.cpp uses by default) or F32 (what the
// golden logits were made with). Rows are stored position-major: [n_ctx][k_width] per layer.
// With F16, values are rounded to nearest-even when stored, like ggml's copy into an F16 cache.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "engine/tensor/fp16.h"
#include "engine/util/status.h"

namespace pw::model {

enum class KvType { F16, F32 };

std::string_view kv_type_name(KvType t);

struct KvCacheShape {
  int n_layer = 0;
  int n_ctx = 0;    // positions
  int k_width = 0;  // floats of K per position (n_head_kv * head_dim_k)
  int v_width = 0;  // floats of V per position (n_head_kv * head_dim_v)
  KvType type = KvType::F16;
};

class KvCache {
 public:
  static Result<KvCache> create(const KvCacheShape& shape);

  const KvCacheShape& shape() const { return shape_; }
  KvType type() const { return shape_.type; }
  int n_ctx() const { return shape_.n_ctx; }
  size_t bytes() const { return bytes_; }

  // Writes K and V of one position (precondition: layer and pos in range).
  void store(int layer, int pos, const float* k, const float* v);

  // Raw rows (F16 bits or F32 floats depending on type()), for the attention kernel.
  const void* k_row(int layer, int pos) const { return base(layer, pos, /*is_v=*/false); }
  const void* v_row(int layer, int pos) const { return base(layer, pos, /*is_v=*/true); }
  // Bytes from one position's row to the next (rows of a layer are contiguous).
  size_t k_row_bytes() const { return static_cast<size_t>(shape_.k_width) * elem_bytes_; }
  size_t v_row_bytes() const { return static_cast<size_t>(shape_.v_width) * elem_bytes_; }

 private:
  KvCache() = default;
  const uint8_t* base(int layer, int pos, bool is_v) const;
  uint8_t* base(int layer, int pos, bool is_v);

  struct Free {
    void operator()(uint8_t* p) const;
  };
  KvCacheShape shape_;
  size_t elem_bytes_ = 0;
  size_t layer_bytes_ = 0;  // K then V of one layer
  size_t bytes_ = 0;
  std::unique_ptr<uint8_t, Free> data_;
};

}  // namespace pw::model
