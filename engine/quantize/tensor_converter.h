// Converts one tensor's rows from F32/F16/BF16 to a target type, a chunk of rows at a time,
// rows of a chunk split over worker threads, each finished chunk handed to `emit` in order.
// Memory stays bounded (one output chunk of about kChunkValues values plus one F32 row per
// thread) whatever the tensor's size, so a 150k x 4096 embedding never sits in RAM as F32.
//
//   pw::quantize::RowConversion job{tensor.data, GgmlType::F16, GgmlType::Q4_K, 4096, 32000};
//   PW_TRY(pw::quantize::convert_rows(job, threads,
//       [&](std::span<const uint8_t> bytes) { return sink.write(bytes); },     // in order
//       [&](uint64_t rows_done) { return !cancelled; }));                       // false: stop
//
// Quantization uses each format's reference quantizer (kernels.h quantize_row_reference), the
// one llama-quantize runs without an importance matrix, so results are byte-identical to it
// and do not depend on the thread count. When source and target types are equal the bytes are
// passed through unchanged.
#pragma once

#include <cstdint>
#include <functional>
#include <span>

#include "engine/tensor/ggml_type.h"
#include "engine/util/status.h"

namespace pw::quantize {

// Values per chunk (about 4 MiB of F32 work spread over the threads).
inline constexpr uint64_t kChunkValues = uint64_t{1} << 20;

struct RowConversion {
  const uint8_t* src = nullptr;   // n_rows rows of src_type, each row_size_bytes(src_type, n_per_row)
  GgmlType src_type = GgmlType::F32;
  GgmlType dst_type = GgmlType::F32;
  uint64_t n_per_row = 0;
  uint64_t n_rows = 0;
};

using EmitFn = std::function<Status(std::span<const uint8_t>)>;
// Called after each chunk with the rows done so far; returning false stops with Cancelled.
using ContinueFn = std::function<bool(uint64_t rows_done)>;

// Errors: Corrupt when a row to quantize holds a NaN or an infinity (passed-through bytes are
// not inspected); Unsupported for a source that is not F32/F16/BF16 (and differs from the target) or a
// target without a quantizer; InvalidArgument when n_per_row does not fit the blocks; Cancelled;
// whatever `emit` returns.
Status convert_rows(const RowConversion& job, unsigned threads, const EmitFn& emit, const ContinueFn& keep_going);

}  // namespace pw::quantize
