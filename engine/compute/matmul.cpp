#include "engine/compute/matmul.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <mutex>
#include <string>

#include "engine/compute/sgemm.h"
#include "engine/quant/gemm_kernels.h"
#include "engine/quant/tile_kernels.h"

namespace pw::compute {
namespace {

using quant::TypeKernels;

// Rows per sgemm tile. Fixed (not derived from the thread count) so results do not depend on
// the pool size. 128 rows x 8192 cols of F32 is 4 MiB per thread. 64 and 256 were within the
// noise of 128 on the shared 2-core dev VM (pagewise-bench matmul -t 1); fewer, larger tiles
// help sgemm but leave threads idle on small matrices.
constexpr int64_t kSgemmTileRows = 128;

// Batch size from which BatchPath::Auto switches from the tile kernels (quantized activations)
// to dequantize + sgemm. Measured with `pagewise-bench matmul -t 1 --tokens 1,8,32,128,512`
// (thread CPU time, Xeon 2.5 GHz AVX-512 VM shared by 5 builds, load 11-20, OpenBLAS 0.3.21,
// tile kernels of 2026-11-22), GFLOP/s tiles / sgemm at 2048x2048: 8 tokens q4_0 24.4/11.9,
// q8_0 20.6/10.4, q4_K 24.2/12.1, q6_K 36.4/12.8; 32 tokens q4_0 20.9/37.0, q8_0 23.6/26.3,
// q5_0 20.7/29.9, q4_K 25.1/25.3, q6_K 42.2/24.7; from 128 on sgemm wins everywhere (45-62
// vs 17-43). Before the tile kernels the crossover was 12-24. Re-measure when kernels or target
// machines change: the bench prints the crossover per format ("sgemm_faster_from_tokens").
constexpr int64_t kSgemmMinTokens = 32;

// Batch sizes [kGemmMinTokens, kGemmMaxTokens) for which BatchPath::Auto uses the gemm panels
// of a format that has fast ones (K-quants). Below, the vec_dot tiles win: packing a panel costs
// about a few tokens' worth of products. From kGemmMaxTokens on, sgemm. Measured 2026-11-22
// on the shared 2-core Xeon VM (AVX-512 OpenBLAS kernels, load 12-16; `pagewise-bench matmul -t 1
// --formats q4_K,q6_K --tokens 8,32,128,512`, GFLOP/s per thread CPU second, tiles/sgemm/gemm):
// q4_K 2048x2048: 8 tokens 22/9/37, 32: 38/31/54, 128: 36/57/47, 512: 25/66/51; q6_K 2048x2048:
// 32: 41/35/57, 128: 44/59/65, 512: 34/69/60. In the model, 128-token prompts at -t 1: gemm
// 23.5, sgemm 24.7 tokens per CPU second. On CPUs whose OpenBLAS has only AVX2 kernels (half
// the F32 peak) the panels should win at every size: re-measure there.
constexpr int64_t kGemmMinTokens = 8;
constexpr int64_t kGemmMaxTokens = 128;

// Batch sizes from which BatchPath::Auto uses the AVX-512 VNNI panels (gemm_*_avx512.cpp) of
// the formats that have them, at every larger size (they beat OpenBLAS sgemm there). Measured
// 2026-11-22, see docs/engine-speed.md "Prompt processing, session 4". PAGEWISE_FORCE_AVX2=1
// removes these panels from the kernel table, and the thresholds above apply as before.
constexpr int64_t kVnniGemmMinTokens = 8;

// Gemm path cache blocking: a task packs the panels of its rows (at most kPanelTaskBytes) once,
// then runs blocks of tokens whose activations fit in kTokenBlockBytes, so both stay in L2.
constexpr size_t kPanelTaskBytes = 192 * 1024;
constexpr size_t kTokenBlockBytes = 256 * 1024;

// The vec_dot batch path processes this many weight bytes of rows for all tokens before moving
// on, so the rows stay in L2 while every token's activations stream past them.
constexpr uint64_t kRowBlockBytes = 64 * 1024;

struct Shapes {
  uint64_t weight_row_bytes = 0;
  uint64_t act_row_bytes = 0;
  bool act_is_input = false;  // vec_dot_type is F32: use X as it is
};

Result<Shapes> check(const MatmulKernels& k, const void* W, int64_t rows, int64_t cols, const float* X,
                     int64_t n_tokens, float* Y) {
  if (!k.weights || !k.activations)
    return Error(ErrorCode::InvalidArgument, "matmul", "kernels not resolved (use matmul_kernels_for)");
  const TypeKernels& wk = *k.weights;
  if (k.activations->type != wk.vec_dot_type)
    return Error(ErrorCode::InvalidArgument, "matmul",
                 std::string("activation kernels are ") + std::string(type_name(k.activations->type)) +
                     ", weights need " + std::string(type_name(wk.vec_dot_type)));
  if (!wk.vec_dot)
    return Error(ErrorCode::Unsupported, "matmul",
                 std::string("no vec_dot kernel for ") + std::string(type_name(wk.type)));
  if (rows < 0 || cols <= 0 || n_tokens < 0)
    return Error(ErrorCode::InvalidArgument, "matmul",
                 "bad shape rows=" + std::to_string(rows) + " cols=" + std::to_string(cols) +
                     " tokens=" + std::to_string(n_tokens));
  Shapes s;
  const auto wbytes = row_size_bytes(wk.type, static_cast<uint64_t>(cols));
  const auto abytes = row_size_bytes(wk.vec_dot_type, static_cast<uint64_t>(cols));
  if (!wbytes || !abytes)
    return Error(ErrorCode::InvalidArgument, "matmul",
                 std::to_string(cols) + " columns is not a whole number of " + std::string(type_name(wk.type)) +
                     "/" + std::string(type_name(wk.vec_dot_type)) + " blocks");
  s.weight_row_bytes = *wbytes;
  s.act_row_bytes = *abytes;
  if (static_cast<uint64_t>(rows) > std::numeric_limits<size_t>::max() / s.weight_row_bytes ||
      static_cast<uint64_t>(n_tokens) > std::numeric_limits<size_t>::max() / s.act_row_bytes)
    return Error(ErrorCode::InvalidArgument, "matmul", "matrix size overflows");
  s.act_is_input = wk.vec_dot_type == GgmlType::F32;
  if (!s.act_is_input && !k.activations->quantize_row)
    return Error(ErrorCode::Unsupported, "matmul",
                 std::string("no quantize_row for activation type ") + std::string(type_name(wk.vec_dot_type)));
  if (rows > 0 && n_tokens > 0 && (!W || !X || !Y))
    return Error(ErrorCode::InvalidArgument, "matmul", "null matrix pointer");
  return s;
}

// Activations in vec_dot_type: X itself when that is F32, else converted into the workspace
// (in parallel over tokens when there are several).
Result<const uint8_t*> convert_activations(const MatmulKernels& k, const Shapes& s, int64_t cols, const float* X,
                                           int64_t n_tokens, ThreadPool& pool, Workspace& ws) {
  if (s.act_is_input) return reinterpret_cast<const uint8_t*>(X);
  auto buf = ws.activations(static_cast<size_t>(n_tokens) * s.act_row_bytes);
  if (!buf) return buf.error();
  auto* act = static_cast<uint8_t*>(*buf);
  const quant::QuantizeRowFn quantize = k.activations->quantize_row;
  if (n_tokens == 1) {
    quantize(X, act, cols);
  } else {
    PW_TRY(pool.parallel_for(n_tokens, [&](int64_t t, int) {
      quantize(X + t * cols, act + static_cast<size_t>(t) * s.act_row_bytes, cols);
    }));
  }
  return static_cast<const uint8_t*>(act);
}

// Rows per matvec task: several tasks per thread so a thread slowed by another process does
// not hold up the rest (tasks are claimed dynamically), but large enough that claiming a task
// (one atomic add) and the hardware prefetcher's ramp-up are negligible.
int64_t matvec_chunk_rows(int64_t rows, int threads) {
  if (threads <= 1) return rows;
  // Multiples of 16 rows: each task writes whole 64-byte lines of y (no false sharing) and
  // only a matrix's last task can have a narrower tile than kTileRows.
  int64_t chunk = rows / (static_cast<int64_t>(threads) * 8);
  chunk = (chunk + 15) / 16 * 16;
  return std::max<int64_t>(chunk, 16);
}

// Weight rows per tile call in decode (matvec, one token) when the format has no row walk
// (vec_dot_rows, tile_kernels.h: every fast tile has one and matvec uses it instead, so this
// serves the scalar tables only; what follows is the history that led to the walks). K-quants
// (256-value super-blocks): 1.
// The rows of a task are then read as one sequential stream (rows are contiguous), which the
// hardware prefetcher follows far better than a 4-row tile's 4 streams of 1-2 KiB rows (2048
// columns of Q4_K/Q6_K), and each tile's software prefetch runs on into the next row. Measured
// 2026-11-22 (session 4, shared VM, load 6-8, alternately, `pagewise-bench engine -m
// llama-3.2-1b-Q4_K_M.gguf -p 16 -n 48 -t 2`): generation 12.4-13.1 tokens per CPU-s with 1-row
// tiles against 10.6 with 4-row tiles (a linear prefetch of the next 4-row tile instead: 10.8).
// The 32-value formats keep kTileRows: their 1-row tile is one FMA chain with a block every
// 18-34 bytes, latency-bound (Q4_0 8.9 and Q8_0 7.5-8.2 tokens per CPU-s with 1-row tiles
// against 10.9-11.7 and 10.3-10.4 with 4). Batched products always use kTileRows: there a
// weight block is reused for several tokens.
// Caveat (2026-11-22, session 5): the K-quant figures above were taken while the K tiles had no
// software prefetch at all (GCC deleted prefetch_blocks, see k_tile_kernels_avx2.cpp). With it
// working, 1- and 4-row tiles measured alike on a loaded machine (same command, -n 32, gen
// tokens per CPU-s, two alternating rounds: 15.8 / 17.2 with 1 row, 17.8 / 17.2 with 4; main
// 15.0 / 15.1). Re-measure on a quiet machine before changing it; Q6_K shares this setting.
int64_t decode_tile_rows(const TypeKernels& wk) {
  return type_info(wk.type).block_size >= 256 ? 1 : quant::kTileRows;
}

// Outputs r0..r1 of tokens t0..t1 (activation rows in vec_dot_type at A), by tiles of
// tile_rows (<= kTileRows) x kTileTokens when the format has a tile kernel, else by vec_dot per
// pair. Each output depends only on its row and token (tile_kernels.h), whatever the tile it
// falls in.
void dot_block(const TypeKernels& wk, const Shapes& s, const uint8_t* Wb, int64_t rows, int64_t cols, int64_t r0,
               int64_t r1, const uint8_t* A, int64_t t0, int64_t t1, float* Y, int64_t tile_rows = quant::kTileRows) {
  const size_t wrb = s.weight_row_bytes, arb = s.act_row_bytes;
  if (const quant::VecDotTileFn tile = wk.vec_dot_tile) {
    for (int64_t t = t0; t < t1; t += quant::kTileTokens) {
      const int nt = static_cast<int>(std::min<int64_t>(quant::kTileTokens, t1 - t));
      for (int64_t r = r0; r < r1; r += tile_rows) {
        const int nr = static_cast<int>(std::min<int64_t>(tile_rows, r1 - r));
        tile(cols, Wb + static_cast<size_t>(r) * wrb, wrb, nr, A + static_cast<size_t>(t) * arb, arb, nt,
             Y + t * rows + r, static_cast<size_t>(rows));
      }
    }
    return;
  }
  const quant::VecDotFn dot = wk.vec_dot;
  for (int64_t t = t0; t < t1; ++t) {
    const uint8_t* a = A + static_cast<size_t>(t) * arb;
    float* y = Y + t * rows;
    for (int64_t r = r0; r < r1; ++r) y[r] = dot(cols, Wb + static_cast<size_t>(r) * wrb, a);
  }
}

Status matmul_vec_dot(const MatmulKernels& k, const Shapes& s, const void* W, int64_t rows, int64_t cols,
                      const float* X, int64_t n_tokens, float* Y, ThreadPool& pool, Workspace& ws) {
  auto act = convert_activations(k, s, cols, X, n_tokens, pool, ws);
  if (!act) return act.error();
  const uint8_t* A = *act;
  const auto* Wb = static_cast<const uint8_t*>(W);
  // A multiple of the tile height, so only a matrix's last rows take narrower tiles.
  const int64_t block =
      std::clamp<int64_t>(static_cast<int64_t>(kRowBlockBytes / s.weight_row_bytes), quant::kTileRows, 64) /
      quant::kTileRows * quant::kTileRows;
  // Rows outer, tokens inner: a block of weight rows is read from memory once and reused for
  // every token while it is still in cache.
  return pool.parallel_for_range(rows, block, [&](int64_t r0, int64_t r1, int) {
    dot_block(*k.weights, s, Wb, rows, cols, r0, r1, A, 0, n_tokens, Y);
  });
}


Status matmul_gemm(const MatmulKernels& k, const Shapes& s, const void* W, int64_t rows, int64_t cols,
                   const float* X, int64_t n_tokens, float* Y, ThreadPool& pool, Workspace& ws) {
  const quant::GemmKernels& g = *k.weights->gemm;
  // Activations quantized once per product: the panels' own layout, or the vec_dot_type's rows.
  const uint8_t* A = nullptr;
  size_t arb = s.act_row_bytes;
  if (g.quantize_acts) {
    arb = g.act_row_bytes(cols);
    auto buf = ws.activations(static_cast<size_t>(n_tokens) * arb);
    if (!buf) return buf.error();
    auto* act = static_cast<uint8_t*>(*buf);
    PW_TRY(pool.parallel_for(n_tokens, [&](int64_t t, int) {
      g.quantize_acts(X + t * cols, act + static_cast<size_t>(t) * arb, cols);
    }));
    A = act;
  } else {
    auto act = convert_activations(k, s, cols, X, n_tokens, pool, ws);
    if (!act) return act.error();
    A = *act;
  }
  const size_t panel = (g.panel_bytes(cols) + 63) / 64 * 64;
  const int64_t R = g.rows;
  // Rows per task: whole panels within kPanelTaskBytes, at most 64 rows, and no fewer than
  // one panel.
  const int64_t task_rows = std::clamp<int64_t>(static_cast<int64_t>(kPanelTaskBytes / panel), 1, std::max<int64_t>(1, 64 / R)) * R;
  const int64_t token_block = std::clamp<int64_t>(static_cast<int64_t>(kTokenBlockBytes / arb), 8, 256);
  auto scratch = ws.tiles(pool.size(), (static_cast<size_t>(task_rows / R) * panel + 64) / sizeof(float));
  if (!scratch) return scratch.error();
  const size_t stride = ws.tile_stride();
  const auto* Wb = static_cast<const uint8_t*>(W);
  const size_t wrb = s.weight_row_bytes;
  return pool.parallel_for_range(rows, task_rows, [&](int64_t r0, int64_t r1, int thread) {
    // 64-byte aligned (the VNNI panels use aligned 512-bit loads).
    const auto base = reinterpret_cast<uintptr_t>(*scratch + static_cast<size_t>(thread) * stride);
    auto* panels = reinterpret_cast<uint8_t*>((base + 63) / 64 * 64);
    for (int64_t r = r0; r < r1; r += R)
      g.pack(cols, Wb + static_cast<size_t>(r) * wrb, wrb, static_cast<int>(std::min<int64_t>(R, r1 - r)),
             panels + static_cast<size_t>((r - r0) / R) * panel);
    for (int64_t t = 0; t < n_tokens; t += token_block) {
      const int64_t nt = std::min(token_block, n_tokens - t);
      for (int64_t r = r0; r < r1; r += R)
        g.run(cols, panels + static_cast<size_t>((r - r0) / R) * panel, static_cast<int>(std::min<int64_t>(R, r1 - r)),
              A + static_cast<size_t>(t) * arb, arb, nt, Y + t * rows + r, static_cast<size_t>(rows));
    }
  });
}

#ifdef PAGEWISE_HAVE_OPENBLAS
Status matmul_sgemm(const MatmulKernels& k, const Shapes& s, const void* W, int64_t rows, int64_t cols,
                    const float* X, int64_t n_tokens, float* Y, ThreadPool& pool, Workspace& ws) {
  const TypeKernels& wk = *k.weights;
  const bool weights_are_f32 = wk.type == GgmlType::F32;
  if (!weights_are_f32 && !wk.dequantize_row)
    return Error(ErrorCode::Unsupported, "matmul",
                 std::string("no dequantize_row for ") + std::string(type_name(wk.type)));
  if (cols > std::numeric_limits<int>::max() || rows > std::numeric_limits<int>::max() ||
      n_tokens > std::numeric_limits<int>::max())
    return Error(ErrorCode::InvalidArgument, "matmul", "matrix too large for sgemm");
  float* tiles = nullptr;
  size_t stride = 0;
  if (!weights_are_f32) {
    auto t = ws.tiles(pool.size(), static_cast<size_t>(kSgemmTileRows) * static_cast<size_t>(cols));
    if (!t) return t.error();
    tiles = *t;
    stride = ws.tile_stride();
  }
  const auto* Wb = static_cast<const uint8_t*>(W);
  return pool.parallel_for_range(rows, kSgemmTileRows, [&](int64_t r0, int64_t r1, int thread) {
    const float* B = nullptr;
    if (weights_are_f32) {
      B = reinterpret_cast<const float*>(Wb + static_cast<size_t>(r0) * s.weight_row_bytes);
    } else {
      float* tile = tiles + static_cast<size_t>(thread) * stride;
      for (int64_t r = r0; r < r1; ++r)
        wk.dequantize_row(Wb + static_cast<size_t>(r) * s.weight_row_bytes, tile + (r - r0) * cols, cols);
      B = tile;
    }
    // Y[:, r0:r1] = X (n_tokens x cols) . B^T (B is (r1-r0) x cols, row-major).
    sgemm(Trans::B, static_cast<int>(n_tokens), static_cast<int>(r1 - r0), static_cast<int>(cols), X,
          static_cast<int>(cols), B, static_cast<int>(cols), Y + r0, static_cast<int>(rows));
  });
}
#endif

}  // namespace

bool have_sgemm() {
#ifdef PAGEWISE_HAVE_OPENBLAS
  return true;
#else
  return false;
#endif
}

int64_t sgemm_min_tokens() { return kSgemmMinTokens; }

BatchPath auto_path(const MatmulKernels& k, int64_t n_tokens) {
  const quant::GemmKernels* g = k.weights ? k.weights->gemm : nullptr;
  if (g && g->tier == quant::GemmTier::Avx512Vnni) {
    if (n_tokens >= kVnniGemmMinTokens) return BatchPath::Gemm;
  } else if (g && n_tokens >= kGemmMinTokens && (n_tokens < kGemmMaxTokens || !have_sgemm())) {
    return BatchPath::Gemm;
  }
  if (have_sgemm() && n_tokens >= kSgemmMinTokens) return BatchPath::Sgemm;
  return BatchPath::VecDot;
}

Status matvec(const MatmulKernels& k, const void* W, int64_t rows, int64_t cols, const float* x, float* y,
              ThreadPool& pool, Workspace& ws) {
  auto shapes = check(k, W, rows, cols, x, 1, y);
  if (!shapes) return shapes.error();
  if (rows == 0) return ok_status();
  const Shapes& s = *shapes;
  auto act = convert_activations(k, s, cols, x, 1, pool, ws);
  if (!act) return act.error();
  const uint8_t* a = *act;
  const auto* Wb = static_cast<const uint8_t*>(W);
  const size_t wrb = s.weight_row_bytes;
  return pool.parallel_for_range(rows, matvec_chunk_rows(rows, pool.size()), [&](int64_t r0, int64_t r1, int) {
    // The task's rows in one call when the format walks rows itself, else tile by tile.
    if (const quant::VecDotRowsFn walk = k.weights->vec_dot_rows)
      walk(cols, Wb + static_cast<size_t>(r0) * wrb, wrb, r1 - r0, a, y + r0);
    else
      dot_block(*k.weights, s, Wb, rows, cols, r0, r1, a, 0, 1, y, decode_tile_rows(*k.weights));
  });
}

Status matmul(const MatmulKernels& k, const void* W, int64_t rows, int64_t cols, const float* X, int64_t n_tokens,
              float* Y, ThreadPool& pool, Workspace& ws, BatchPath path) {
  auto shapes = check(k, W, rows, cols, X, n_tokens, Y);
  if (!shapes) return shapes.error();
  if (rows == 0 || n_tokens == 0) return ok_status();
  if (path == BatchPath::Auto) path = auto_path(k, n_tokens);
  if (path == BatchPath::Gemm) {
    if (k.weights->gemm) return matmul_gemm(k, *shapes, W, rows, cols, X, n_tokens, Y, pool, ws);
    path = BatchPath::VecDot;
  }
  if (path == BatchPath::VecDot) {
    if (n_tokens == 1) return matvec(k, W, rows, cols, X, Y, pool, ws);
    return matmul_vec_dot(k, *shapes, W, rows, cols, X, n_tokens, Y, pool, ws);
  }
#ifdef PAGEWISE_HAVE_OPENBLAS
  return matmul_sgemm(k, *shapes, W, rows, cols, X, n_tokens, Y, pool, ws);
#else
  return Error(ErrorCode::Unsupported, "matmul", "this build has no OpenBLAS (BatchPath::Sgemm)");
#endif
}

}  // namespace pw::compute
