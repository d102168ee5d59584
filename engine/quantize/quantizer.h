// Makes a smaller copy of an F32/F16/BF16 GGUF model: every weight quantized to a target type
// or mix, metadata carried over, written tensor by tensor without holding the model in memory.
//
//   pw::quantize::QuantizeOptions opt;
//   opt.target = pw::quantize::QuantTarget::Q4_K_M;
//   opt.threads = 4;
//   opt.on_progress = [](const pw::quantize::QuantizeProgress& p) { bar(p.done_bytes, p.total_bytes); };
//   opt.cancel = &stop_flag;                                   // std::atomic<bool>, e.g. set by SIGINT
//   pw::Result<pw::quantize::QuantizeReport> r = pw::quantize::quantize_file(in, out, opt);
//   if (!r) show(r.error().describe());                         // nothing was left at `out`
//
//   auto plan = pw::quantize::plan_quantization(*gguf_file, QuantTarget::Q4_K_M);   // sizes up front
//
// Guarantees (must not change):
// - The output is written to a temporary file beside `out`, synced and renamed into place
//   (gguf/atomic_file_writer.h): on any failure (disk full, cancel, bad input) nothing is left,
//   neither `out` nor the temporary file. An existing `out` is only replaced when
//   `overwrite` is set; the input itself (same inode, also via links) is never a valid `out`.
// - Inputs whose tensors are already quantized are refused (requantizing loses quality).
// - Tensor types follow tensor_type_rules.h; the tensors are written in llama.cpp's order and
//   metadata is copied in input order with general.quantization_version = 2 and
//   general.file_type appended, as llama-quantize does, so the file loads in other readers and
//   has llama-quantize's layout: for Q8_0/Q4_0/Q4_1/Q5_0/Q5_1 it is byte-identical to
//   llama-quantize's file; the K-quant kernels search scales a little harder than ggml's
//   (engine/quant/k_quants.h), so their bytes differ while the error is lower.
// - Weights holding NaN or infinity are refused (ErrorCode::Corrupt), as llama-quantize does.
// - Output bytes do not depend on the thread count.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/gguf/gguf_file.h"
#include "engine/quantize/quant_target.h"
#include "engine/tensor/ggml_type.h"
#include "engine/util/status.h"

namespace pw::quantize {

struct PlannedTensor {
  std::string name;
  GgmlType from = GgmlType::F32;
  GgmlType to = GgmlType::F32;
  uint32_t n_dims = 0;
  std::array<uint64_t, 4> ne{1, 1, 1, 1};
  uint64_t in_bytes = 0;
  uint64_t out_bytes = 0;
  bool fallback = false;  // the rules wanted a type that does not fit the row length
};

struct QuantizePlan {
  QuantTarget target = QuantTarget::Q8_0;
  std::vector<PlannedTensor> tensors;  // in output order
  uint64_t in_tensor_bytes = 0;
  uint64_t out_tensor_bytes = 0;       // the output file is this plus metadata and padding
  size_t fallbacks = 0;
};

struct QuantizeProgress {
  size_t tensor_index = 0;        // 0-based, in output order
  size_t tensor_count = 0;
  std::string_view tensor_name;
  GgmlType to = GgmlType::F32;
  uint64_t done_bytes = 0;        // input tensor bytes processed so far
  uint64_t total_bytes = 0;       // input tensor bytes in all
};

struct QuantizeOptions {
  QuantTarget target = QuantTarget::Q8_0;
  unsigned threads = 0;           // 0: all hardware threads
  bool overwrite = false;         // replace an existing `out` (never the input)
  // Called from the calling thread after every chunk of rows (a few ms apart at most).
  std::function<void(const QuantizeProgress&)> on_progress;
  // When set and true, quantization stops with ErrorCode::Cancelled and leaves nothing.
  const std::atomic<bool>* cancel = nullptr;
};

struct QuantizeReport {
  QuantizePlan plan;
  uint64_t input_file_bytes = 0;
  uint64_t output_file_bytes = 0;
  double seconds = 0.0;
  unsigned threads = 1;           // worker threads used
  std::vector<std::pair<GgmlType, size_t>> type_counts;  // output tensors per type, most first
};

// What quantize_file would do with `input`: per-tensor types and sizes. Errors: Unsupported
// when the input holds quantized tensors or a weight of a type that cannot be converted.
Result<QuantizePlan> plan_quantization(const gguf::GgufFile& input, QuantTarget target);

// "dir/model-F16.gguf" + Q4_K_M -> "dir/model-Q4_K_M.gguf" (a trailing F32/F16/BF16 tag after
// '-', '_' or '.' is replaced, otherwise the type is appended): the name the GUI proposes.
std::filesystem::path suggest_output_path(const std::filesystem::path& input, QuantTarget target);

Result<QuantizeReport> quantize_file(const std::filesystem::path& input, const std::filesystem::path& output,
                                     const QuantizeOptions& options);

}  // namespace pw::quantize
