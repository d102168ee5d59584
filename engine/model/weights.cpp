#include "engine/model/weights.h"

#include <cstring>

#include "engine/quant/kernels.h"

namespace pw::model {
namespace {

std::string shape(int64_t a, int64_t b) { return "[" + std::to_string(a) + ", " + std::to_string(b) + "]"; }

}  // namespace

std::string layer_tensor(int layer, std::string_view suffix) {
  return "blk." + std::to_string(layer) + "." + std::string(suffix);
}

Error WeightBinder::missing(const std::string& name) const {
  return Error(ErrorCode::Corrupt, file_.name(), "tensor '" + name + "' is missing");
}

Result<Matrix> WeightBinder::bind_matrix(const gguf::GgufTensor& t, int64_t cols, int64_t rows) const {
  const std::string name(t.name);
  if (t.ne[2] != 1 || t.ne[3] != 1 || t.ne[0] != static_cast<uint64_t>(cols) || t.ne[1] != static_cast<uint64_t>(rows))
    return Error(ErrorCode::Corrupt, file_.name(),
                 "tensor '" + name + "' has shape " + t.shape_string() + ", expected " + shape(cols, rows));
  auto kernels = compute::matmul_kernels_for(t.type);
  if (!kernels)
    return Error(ErrorCode::Unsupported, file_.name(),
                 "tensor '" + name + "' has type " + std::string(type_name(t.type)) + ", which this build cannot compute with");
  if (!kernels->weights->dequantize_row)
    return Error(ErrorCode::Unsupported, file_.name(),
                 "tensor '" + name + "' has type " + std::string(type_name(t.type)) + ", which cannot be dequantized");
  // Kernels read block scales and F32/F16 values as their natural types.
  if (reinterpret_cast<uintptr_t>(t.data) % 4 != 0)
    return Error(ErrorCode::Unsupported, file_.name(),
                 "tensor '" + name + "' is not 4-byte aligned (general.alignment " + std::to_string(file_.alignment()) +
                     "); re-save the file with the default alignment");
  Matrix m;
  m.name = name;
  m.data = t.data;
  m.type = t.type;
  m.rows = rows;
  m.cols = cols;
  m.row_bytes = t.row_bytes;
  m.kernels = *kernels;
  return m;
}

Result<Vector> WeightBinder::bind_vector(const gguf::GgufTensor& t, int64_t n) const {
  const std::string name(t.name);
  if (t.ne[1] != 1 || t.ne[2] != 1 || t.ne[3] != 1 || t.ne[0] != static_cast<uint64_t>(n))
    return Error(ErrorCode::Corrupt, file_.name(),
                 "tensor '" + name + "' has shape " + t.shape_string() + ", expected [" + std::to_string(n) + "]");
  Vector v(static_cast<size_t>(n));
  if (t.type == GgmlType::F32) {
    std::memcpy(v.data(), t.data, static_cast<size_t>(n) * sizeof(float));
    return v;
  }
  const quant::TypeKernels* k = quant::kernels_for(t.type);
  if (!k || !k->dequantize_row)
    return Error(ErrorCode::Unsupported, file_.name(),
                 "tensor '" + name + "' has type " + std::string(type_name(t.type)) + ", which cannot be read as floats");
  k->dequantize_row(t.data, v.data(), n);  // n is a whole number of blocks: the reader checked row_bytes
  return v;
}

Result<Matrix> WeightBinder::matrix(const std::string& name, int64_t cols, int64_t rows) const {
  const gguf::GgufTensor* t = file_.find_tensor(name);
  if (!t) return missing(name);
  return bind_matrix(*t, cols, rows);
}

Result<Matrix> WeightBinder::optional_matrix(const std::string& name, int64_t cols, int64_t rows) const {
  const gguf::GgufTensor* t = file_.find_tensor(name);
  if (!t) return Matrix{};
  return bind_matrix(*t, cols, rows);
}

Result<Vector> WeightBinder::vector(const std::string& name, int64_t n) const {
  const gguf::GgufTensor* t = file_.find_tensor(name);
  if (!t) return missing(name);
  return bind_vector(*t, n);
}

Result<Vector> WeightBinder::optional_vector(const std::string& name, int64_t n) const {
  const gguf::GgufTensor* t = file_.find_tensor(name);
  if (!t) return Vector{};
  return bind_vector(*t, n);
}

}  // namespace pw::model
