// Where a tile kernel prefetches its weight rows: the streams of rows a tile walks, and how far
// ahead (kStreamPrefetch). Used by the SIMD tiles (tile_kernels_*.cpp, k_tile_*.cpp,
// q6k_tile_kernels_avx512.cpp); no SIMD here.
#pragma once

#include <cstddef>

namespace pw::quant {

// How far ahead of a tile its prefetches run, in bytes of the matrix: each of the tile's NR row
// streams prefetches kStreamPrefetch / NR bytes ahead (decode reads every weight byte once per
// token from memory). 1-row tiles (K-quant decode), 2 threads, 512 -> 4096 bytes: Q4_K 13.1 /
// 14.6 / 13.4 -> 14.2 / 17.4 / 15.1 GB/s at 2048x2048 / 2048x8192 / 8192x2048, Q6_K 14.8 / 15.3
// / 15.7 -> 16.6 / 17.0 / 17.8 (medians of 5 alternating runs); Llama-3.2-1B Q4_K_M generation
// +2-14%; 8192 and 16384 no better, and slower generation.
// 4-row tiles (legacy formats) need the per-stream share: 4096 bytes per row stream (16 KiB of
// the matrix) cut 2-thread Q4_0 from 0.62-0.76 to 0.53-0.60 and Q8_0 2048x2048 from 0.86 to
// 0.79, as a task's first and last 16 KiB went unprefetched or to the other thread; with 1024
// per stream they are back (Q4_0 0.59-0.70, Q8_0 0.89-1.01). Measured 2026-11-22 with
// `pagewise-bench kernels` and `engine`, variants alternated on the noisy 2-core VM (medians of
// 3-5 runs move by +-0.05; see docs/engine-speed.md). With 4 KiB pages the hardware prefetcher
// stops at every page boundary; a page of lead keeps requests running across it.
constexpr size_t kStreamPrefetch = 4096;

// Software prefetch for the weight-row streams of a tile (tile_kernels_avx2.cpp,
// k_tile_kernels_avx2.cpp and their AVX-512 siblings; tested in
// tests/engine/row_stream_test.cpp): the offset, from a row's start, of the byte `distance`
// further along the row's stream when the stream is at byte `pos` of a row of `row_bytes`
// bytes. Past the row's end the stream continues `next_tile` bytes further on (the same row of
// the caller's next tile, nr rows down: callers walk a matrix by tiles of the same height, and
// decode by 1-row tiles, one sequential stream), so a new tile does not start on cold rows; a
// distance of several rows skips as many tiles. Built once per tile call (one division, none
// for 1-row tiles), offset() once per prefetch group. The offset is the same for all rows of a
// tile; prefetching an address past the matrix is harmless (a hint, never dereferenced).
//
//   const RowStream stream(kStreamPrefetch / NR, row_bytes, NR * ws);
//   avx2::prefetch(w + r * ws + stream.offset(b * sizeof(Block)));
class RowStream {
 public:
  RowStream(size_t distance, size_t row_bytes, size_t next_tile) : row_bytes_(row_bytes), next_tile_(next_tile) {
    if (next_tile == row_bytes || distance < row_bytes) {
      rest_ = distance;  // one stream of whole rows, or still within the next row
    } else {
      const size_t rows = distance / row_bytes;
      tiles_ahead_ = rows * next_tile;
      rest_ = distance - rows * row_bytes;
    }
  }
  size_t offset(size_t pos) const {
    const size_t at = pos + rest_;  // < 2 * row_bytes, or any size for 1-row tiles
    return at < row_bytes_ ? tiles_ahead_ + at : tiles_ahead_ + at + (next_tile_ - row_bytes_);
  }

 private:
  size_t row_bytes_, next_tile_, tiles_ahead_ = 0, rest_ = 0;
};

}  // namespace pw::quant
