// Scratch memory reused across matrix products, so the hot path never allocates once warm.
//
//   pw::compute::Workspace ws;                         // one per decoding context
//   pw::Result<void*> act = ws.activations(bytes);     // grows on demand, 64-byte aligned
//   pw::Result<float*> tiles = ws.tiles(pool.size(), floats_per_thread);
//   float* mine = *tiles + thread * ws.tile_stride();  // per-thread slice
//
// Rules: buffers grow and never shrink; a pointer stays valid until the next call that asks
// for more of the same buffer. Not thread-safe: one Workspace per concurrent caller (workers
// of one call only write their own slices). Sizes are checked: a request past `max_bytes`
// (default 2 GiB) or a failed allocation is an error, never an exception or a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>

#include "engine/util/status.h"

namespace pw::compute {

class Workspace {
 public:
  explicit Workspace(size_t max_bytes = size_t{2} << 30) : max_bytes_(max_bytes) {}

  // At least `bytes` bytes for quantized activations.
  Result<void*> activations(size_t bytes);

  // `threads` slices of at least `floats_per_thread` floats each (for dequantized tiles);
  // slice t starts at result + t * tile_stride().
  Result<float*> tiles(int threads, size_t floats_per_thread);
  size_t tile_stride() const { return tile_stride_; }

  // Bytes held now (both buffers).
  size_t capacity_bytes() const { return activations_.size + tiles_.size; }

 private:
  struct Buffer {
    struct Free {
      void operator()(void* p) const { std::free(p); }
    };
    std::unique_ptr<void, Free> data;
    size_t size = 0;
  };
  Result<void*> grow(Buffer& b, size_t bytes, const char* what);

  size_t max_bytes_;
  Buffer activations_;
  Buffer tiles_;
  size_t tile_stride_ = 0;  // floats between per-thread slices
};

}  // namespace pw::compute
