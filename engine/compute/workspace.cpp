#include "engine/compute/workspace.h"

#include <string>

namespace pw::compute {

Result<void*> Workspace::grow(Buffer& b, size_t bytes, const char* what) {
  if (bytes <= b.size && b.data) return b.data.get();
  if (bytes > max_bytes_)
    return Error(ErrorCode::ResourceLimit, "compute workspace",
                 std::string(what) + " scratch of " + std::to_string(bytes) + " bytes exceeds the limit of " +
                     std::to_string(max_bytes_));
  // Round up to whole cache lines (aligned_alloc wants a multiple of the alignment) and leave
  // headroom so slowly growing requests do not reallocate every call.
  size_t want = bytes + bytes / 4;
  if (want > max_bytes_) want = bytes;
  want = (want + 63) / 64 * 64;
  if (want == 0) want = 64;
  void* p = std::aligned_alloc(64, want);
  if (!p)
    return Error(ErrorCode::ResourceLimit, "compute workspace",
                 std::string("cannot allocate ") + std::to_string(want) + " bytes of " + what + " scratch");
  b.data.reset(p);
  b.size = want;
  return p;
}

Result<void*> Workspace::activations(size_t bytes) { return grow(activations_, bytes, "activation"); }

Result<float*> Workspace::tiles(int threads, size_t floats_per_thread) {
  if (threads < 1) threads = 1;
  // Slices start on their own cache lines so threads never share one.
  const size_t stride = (floats_per_thread + 15) / 16 * 16;
  if (stride != 0 && static_cast<size_t>(threads) > max_bytes_ / sizeof(float) / stride)
    return Error(ErrorCode::ResourceLimit, "compute workspace", "tile scratch request overflows");
  auto r = grow(tiles_, static_cast<size_t>(threads) * stride * sizeof(float), "tile");
  if (!r) return r.error();
  tile_stride_ = stride;
  return static_cast<float*>(*r);
}

}  // namespace pw::compute
