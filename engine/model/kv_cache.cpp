#include "engine/model/kv_cache.h"

#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>

#include "engine/quant/kernels.h"

namespace pw::model {

std::string_view kv_type_name(KvType t) { return t == KvType::F16 ? "f16" : "f32"; }

void KvCache::Free::operator()(uint8_t* p) const { std::free(p); }

Result<KvCache> KvCache::create(const KvCacheShape& shape) {
  if (shape.n_layer < 1 || shape.n_ctx < 1 || shape.k_width < 1 || shape.v_width < 1)
    return Error(ErrorCode::InvalidArgument, "kv cache",
                 "bad shape: " + std::to_string(shape.n_layer) + " layers, " + std::to_string(shape.n_ctx) +
                     " positions, widths " + std::to_string(shape.k_width) + "/" + std::to_string(shape.v_width));
  KvCache kv;
  kv.shape_ = shape;
  kv.elem_bytes_ = shape.type == KvType::F16 ? sizeof(uint16_t) : sizeof(float);
  // Sizes come from file metadata: check each multiplication for overflow before doing it.
  const uint64_t per_pos = (static_cast<uint64_t>(shape.k_width) + static_cast<uint64_t>(shape.v_width)) * kv.elem_bytes_;
  const uint64_t limit = std::numeric_limits<size_t>::max() / 2;
  if (per_pos > limit / static_cast<uint64_t>(shape.n_ctx) ||
      per_pos * static_cast<uint64_t>(shape.n_ctx) > limit / static_cast<uint64_t>(shape.n_layer))
    return Error(ErrorCode::ResourceLimit, "kv cache", "too large");
  kv.layer_bytes_ = static_cast<size_t>(per_pos * static_cast<uint64_t>(shape.n_ctx));
  kv.bytes_ = kv.layer_bytes_ * static_cast<size_t>(shape.n_layer);
  // Uninitialised on purpose: positions are written before they are read (n_past tracks that),
  // and untouched pages of a large context cost no memory.
  auto* p = static_cast<uint8_t*>(std::malloc(kv.bytes_));
  if (!p)
    return Error(ErrorCode::ResourceLimit, "kv cache",
                 "cannot allocate " + std::to_string(kv.bytes_ >> 20) + " MiB for " + std::to_string(shape.n_ctx) +
                     " positions (lower the context length)");
  kv.data_.reset(p);
  return kv;
}

const uint8_t* KvCache::base(int layer, int pos, bool is_v) const {
  const size_t width = static_cast<size_t>(is_v ? shape_.v_width : shape_.k_width);
  size_t off = static_cast<size_t>(layer) * layer_bytes_;
  if (is_v) off += static_cast<size_t>(shape_.n_ctx) * static_cast<size_t>(shape_.k_width) * elem_bytes_;
  return data_.get() + off + static_cast<size_t>(pos) * width * elem_bytes_;
}

uint8_t* KvCache::base(int layer, int pos, bool is_v) {
  return const_cast<uint8_t*>(static_cast<const KvCache*>(this)->base(layer, pos, is_v));
}

void KvCache::store(int layer, int pos, const float* k, const float* v) {
  uint8_t* kd = base(layer, pos, false);
  uint8_t* vd = base(layer, pos, true);
  if (shape_.type == KvType::F32) {
    std::memcpy(kd, k, static_cast<size_t>(shape_.k_width) * sizeof(float));
    std::memcpy(vd, v, static_cast<size_t>(shape_.v_width) * sizeof(float));
    return;
  }
  // The F16 kernel (F16C when the CPU has it) rounds to nearest-even like fp32_to_fp16.
  static const quant::QuantizeRowFn to_f16 = quant::kernels_for(GgmlType::F16)->quantize_row;
  to_f16(k, kd, shape_.k_width);
  to_f16(v, vd, shape_.v_width);
}

}  // namespace pw::model
