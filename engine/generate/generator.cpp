#include "engine/generate/generator.h"

#include <algorithm>
#include <array>
#include <string_view>

namespace pw::generate {

const char* to_string(StopReason reason) {
  switch (reason) {
    case StopReason::EndOfGeneration: return "end of generation";
    case StopReason::MaxTokens: return "token limit";
    case StopReason::ContextFull: return "context full";
    case StopReason::Cancelled: return "cancelled";
    case StopReason::CallerStopped: return "stopped by caller";
  }
  return "unknown";
}

Result<GenerateResult> generate(model::Session& session, std::span<const int32_t> prompt, const GenerateOptions& options,
                                const std::function<bool(int32_t)>& on_token) {
  GenerateResult result;
  auto cancelled = [&] { return options.cancel && options.cancel->load(std::memory_order_relaxed); };
  if (cancelled()) {
    result.reason = StopReason::Cancelled;
    return result;
  }
  PW_TRY(session.eval(prompt));
  Sampler sampler(options.sampling);
  for (int32_t id : prompt) sampler.accept(id);

  while (true) {
    if (static_cast<int>(result.tokens.size()) >= options.max_tokens) {
      result.reason = StopReason::MaxTokens;
      break;
    }
    if (cancelled()) {
      result.reason = StopReason::Cancelled;
      break;
    }
    // The previous token (or the prompt) has been evaluated: its logits give the next one.
    const int32_t id = sampler.sample(session.logits(0));
    if (std::find(options.stop_tokens.begin(), options.stop_tokens.end(), id) != options.stop_tokens.end()) {
      result.reason = StopReason::EndOfGeneration;
      break;
    }
    result.tokens.push_back(id);
    if (on_token && !on_token(id)) {
      result.reason = StopReason::CallerStopped;
      break;
    }
    if (static_cast<int>(result.tokens.size()) >= options.max_tokens) {
      result.reason = StopReason::MaxTokens;
      break;
    }
    if (session.n_past() >= session.n_ctx()) {
      result.reason = StopReason::ContextFull;
      break;
    }
    const int32_t one[1] = {id};
    PW_TRY(session.eval(one));
  }
  return result;
}

std::vector<int32_t> end_of_generation_tokens(const gguf::GgufFile& file) {
  std::vector<int32_t> ids;
  int64_t n_vocab = 0;
  const gguf::GgufValue* tokens = file.find("tokenizer.ggml.tokens");
  if (tokens && tokens->is_array()) n_vocab = static_cast<int64_t>(tokens->size());
  for (const char* key : {"tokenizer.ggml.eos_token_id", "tokenizer.ggml.eot_token_id", "tokenizer.ggml.eom_token_id"}) {
    auto v = file.get_i64(key);  // absent, wrong type or out of range (0xFFFFFFFF = none): skipped
    if (v && *v >= 0 && (*v < n_vocab || n_vocab == 0)) ids.push_back(static_cast<int32_t>(*v));
  }
  if (tokens && tokens->is_array() && tokens->element_type() == gguf::GgufType::String) {
    static constexpr std::array<std::string_view, 10> kEndOfTurn = {
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>",
        "<|eom_id|>", "<EOT>",      "_<EOT>",  "<|end_of_text|>", "<end_of_utterance>"};
    int32_t id = 0;
    for (std::string_view text : tokens->strings()) {
      if (std::find(kEndOfTurn.begin(), kEndOfTurn.end(), text) != kEndOfTurn.end()) ids.push_back(id);
      ++id;
    }
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

}  // namespace pw::generate
