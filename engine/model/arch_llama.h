// The llama forward pass, shared with the architectures that only add pieces to it (qwen2:
// q/k/v biases; qwen3: per-head q/k RMSNorm). Optional pieces are used when their weights are
// bound (LayerWeights members non-empty).
//
//   static const Architecture arch{"qwen2", read_hparams, bind_weights, forward_llama};
#pragma once

#include "engine/model/forward.h"

namespace pw::model {

Status forward_llama(Forward& f);

}  // namespace pw::model
