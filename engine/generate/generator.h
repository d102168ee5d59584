// Generates tokens after a prompt: evaluates the prompt, then samples and evaluates one token at
// a time until an end-of-generation token, a token budget, a full context, the caller or a
// cancel flag stops it.
//
//   pw::generate::GenerateOptions o;
//   o.max_tokens = 256;
//   o.sampling = {.temperature = 0.7f, .seed = 1};
//   o.stop_tokens = pw::generate::end_of_generation_tokens((*model)->file());
//   o.cancel = &cancel_flag;                                 // std::atomic<bool>, checked per token
//   auto r = pw::generate::generate(session, prompt_ids, o, [&](int32_t id) { emit(id); return true; });
//   if (!r) return r.error();                                // e.g. the prompt does not fit the context
//   r->reason;                                               // EndOfGeneration, MaxTokens, ...
//
// After it returns, the session's KV cache holds the prompt and every generated token except
// the last one returned (it was sampled but not yet evaluated): session.n_past() says how many.
// The stop token itself is neither returned nor passed to on_token.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "engine/generate/sampler.h"
#include "engine/gguf/gguf_file.h"
#include "engine/model/model.h"
#include "engine/util/status.h"

namespace pw::generate {

struct GenerateOptions {
  int max_tokens = 512;
  SamplingParams sampling;
  std::vector<int32_t> stop_tokens;           // end-of-generation ids
  const std::atomic<bool>* cancel = nullptr;  // set from any thread to stop before the next token
};

enum class StopReason {
  EndOfGeneration,  // a stop token was sampled
  MaxTokens,        // max_tokens generated
  ContextFull,      // no room left in the session's context for another token
  Cancelled,        // *cancel became true
  CallerStopped,    // on_token returned false
};

const char* to_string(StopReason reason);

struct GenerateResult {
  std::vector<int32_t> tokens;  // generated, stop token excluded
  StopReason reason = StopReason::MaxTokens;
};

// on_token(id) is called for each generated token in order; returning false stops generation.
Result<GenerateResult> generate(model::Session& session, std::span<const int32_t> prompt, const GenerateOptions& options,
                                const std::function<bool(int32_t)>& on_token = {});

// The model's end-of-generation tokens: tokenizer.ggml.eos/eot/eom_token_id, plus the tokens
// chat models end a turn with ("<|im_end|>", "<|eot_id|>", "<end_of_turn>", "<|end|>", ...),
// as llama.cpp marks them. Sorted, no duplicates.
std::vector<int32_t> end_of_generation_tokens(const gguf::GgufFile& file);

}  // namespace pw::generate
