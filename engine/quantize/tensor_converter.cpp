#include "engine/quantize/tensor_converter.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "engine/quant/kernels.h"

namespace pw::quantize {

namespace {

// Below this many values per chunk, extra threads cost more than they save.
constexpr uint64_t kMinValuesPerThread = 16 * 1024;

bool all_finite(const float* v, uint64_t n) {
  bool ok = true;
  for (uint64_t i = 0; i < n; ++i) ok &= std::isfinite(v[i]);
  return ok;
}

bool is_float_source(GgmlType t) { return t == GgmlType::F32 || t == GgmlType::F16 || t == GgmlType::BF16; }

}  // namespace

Status convert_rows(const RowConversion& job, unsigned threads, const EmitFn& emit, const ContinueFn& keep_going) {
  const std::string what = std::string(type_name(job.src_type)) + " -> " + std::string(type_name(job.dst_type));
  const auto src_row = row_size_bytes(job.src_type, job.n_per_row);
  const auto dst_row = row_size_bytes(job.dst_type, job.n_per_row);
  if (!src_row || !dst_row || job.n_per_row == 0)
    return Error(ErrorCode::InvalidArgument, what + ": a row of " + std::to_string(job.n_per_row) + " values does not fit the blocks");
  const uint64_t chunk_rows = std::max<uint64_t>(1, kChunkValues / job.n_per_row);

  if (job.src_type == job.dst_type) {  // nothing to convert: pass the bytes through
    for (uint64_t row = 0; row < job.n_rows; row += chunk_rows) {
      const uint64_t rows = std::min(chunk_rows, job.n_rows - row);
      PW_TRY(emit({job.src + row * *src_row, static_cast<size_t>(rows * *src_row)}));
      if (!keep_going(row + rows)) return Error(ErrorCode::Cancelled, "cancelled");
    }
    return ok_status();
  }

  if (!is_float_source(job.src_type))
    return Error(ErrorCode::Unsupported, what + ": only F32, F16 and BF16 tensors can be quantized (requantization is not supported)");
  const quant::TypeKernels* from = quant::kernels_for(job.src_type);
  const quant::TypeKernels* to = quant::kernels_for(job.dst_type);
  if (!from || !from->dequantize_row || !to || !to->quantize_row_reference)
    return Error(ErrorCode::Unsupported, what + ": this build has no converter for that pair");

  const unsigned max_threads = std::max(1u, threads);
  std::vector<uint8_t> out(static_cast<size_t>(std::min(chunk_rows, job.n_rows) * *dst_row));
  // One F32 row per thread; F32 sources are read in place.
  std::vector<std::vector<float>> scratch(max_threads);

  // Smallest row holding a NaN or an infinity (ggml would write scales that decode to NaN).
  std::atomic<uint64_t> bad_row{UINT64_MAX};
  auto work = [&](unsigned t, uint64_t first_row, uint64_t rows, uint64_t out_row0) {
    std::vector<float>& row_f32 = scratch[t];
    if (job.src_type != GgmlType::F32 && row_f32.size() != job.n_per_row) row_f32.resize(job.n_per_row);
    for (uint64_t r = first_row; r < first_row + rows; ++r) {
      const uint8_t* src = job.src + r * *src_row;
      const float* values = reinterpret_cast<const float*>(src);
      if (job.src_type != GgmlType::F32) {
        from->dequantize_row(src, row_f32.data(), static_cast<int64_t>(job.n_per_row));
        values = row_f32.data();
      } else if (reinterpret_cast<uintptr_t>(src) % alignof(float) != 0) {  // odd general.alignment
        row_f32.resize(job.n_per_row);
        std::memcpy(row_f32.data(), src, job.n_per_row * sizeof(float));
        values = row_f32.data();
      }
      if (!all_finite(values, job.n_per_row)) {
        uint64_t seen = bad_row.load();
        while (r < seen && !bad_row.compare_exchange_weak(seen, r)) {
        }
        return;
      }
      to->quantize_row_reference(values, out.data() + (r - out_row0) * *dst_row, static_cast<int64_t>(job.n_per_row));
    }
  };

  for (uint64_t row = 0; row < job.n_rows; row += chunk_rows) {
    const uint64_t rows = std::min(chunk_rows, job.n_rows - row);
    const uint64_t values = rows * job.n_per_row;
    const unsigned n_threads =
        static_cast<unsigned>(std::clamp<uint64_t>(values / kMinValuesPerThread, 1, std::min<uint64_t>(max_threads, rows)));
    if (n_threads == 1) {
      work(0, row, rows, row);
    } else {
      std::vector<std::thread> workers;
      workers.reserve(n_threads - 1);
      const uint64_t per = rows / n_threads, extra = rows % n_threads;
      uint64_t first = row;
      for (unsigned t = 0; t < n_threads; ++t) {
        const uint64_t count = per + (t < extra ? 1 : 0);
        bool started = false;
        if (t + 1 < n_threads) {
          try {
            workers.emplace_back(work, t, first, count, row);
            started = true;
          } catch (...) {  // no thread to be had: do this share here
          }
        }
        if (!started) work(t, first, count, row);
        first += count;
      }
      for (std::thread& w : workers) w.join();
    }
    if (const uint64_t bad = bad_row.load(); bad != UINT64_MAX)
      return Error(ErrorCode::Corrupt, "row " + std::to_string(bad) + " holds a NaN or infinite value; such a model cannot be quantized");
    PW_TRY(emit({out.data(), static_cast<size_t>(rows * *dst_row)}));
    if (!keep_going(row + rows)) return Error(ErrorCode::Cancelled, "cancelled");
  }
  return ok_status();
}

}  // namespace pw::quantize
