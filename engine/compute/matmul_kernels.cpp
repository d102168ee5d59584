// Kept apart from matmul.cpp: the only place the compute layer looks kernels up by type.
#include <string>

#include "engine/compute/matmul.h"

namespace pw::compute {

Result<MatmulKernels> matmul_kernels_for(GgmlType type) {
  if (!is_known_type(static_cast<uint32_t>(type)))
    return Error(ErrorCode::Unsupported, "matmul", "unknown tensor type id " + std::to_string(static_cast<uint32_t>(type)));
  MatmulKernels k;
  k.weights = quant::kernels_for(type);
  if (!k.weights || !k.weights->vec_dot)
    return Error(ErrorCode::Unsupported, "matmul",
                 "tensor type " + std::string(type_name(type)) + " cannot be multiplied by this build");
  k.activations = quant::kernels_for(k.weights->vec_dot_type);
  if (!k.activations)
    return Error(ErrorCode::Unsupported, "matmul",
                 "activation type " + std::string(type_name(k.weights->vec_dot_type)) + " of " +
                     std::string(type_name(type)) + " has no kernels in this build");
  if (k.weights->vec_dot_type != GgmlType::F32 && !k.activations->quantize_row)
    return Error(ErrorCode::Unsupported, "matmul",
                 "activation type " + std::string(type_name(k.weights->vec_dot_type)) + " cannot be quantized");
  return k;
}

}  // namespace pw::compute
