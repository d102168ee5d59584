// What the answer pipeline needs from a language model: stream a reply to chat messages.
// The inference engine implements it; nothing in rag/ depends on a particular model.
//
//   class EngineTextGenerator : public pw::rag::TextGenerator { ... };   // engine side
//   pw::rag::AnswerPipeline pipeline(store, retriever, &generator);
//
// Contract (must not change): generate() calls on_piece with consecutive pieces of the reply
// (valid UTF-8, whole characters) on the calling thread, returns when the reply is complete,
// and returns Cancelled soon after *cancel becomes true (checked at least once per token).
// The engine applies the model's own chat template to `messages`. count_tokens() counts with
// the model's tokenizer, so prompts are packed to the model's real context size.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/util/status.h"

namespace pw::rag {

struct ChatMessage {
  std::string role;  // "system", "user" or "assistant"
  std::string content;
};

struct GenerationRequest {
  std::vector<ChatMessage> messages;
  int max_tokens = 512;
  double temperature = 0.2;  // low: answers should follow the sources, not invent
};

class TextGenerator {
 public:
  virtual ~TextGenerator() = default;
  virtual Status generate(const GenerationRequest& request, const std::function<void(std::string_view)>& on_piece,
                          const std::atomic<bool>* cancel) = 0;
  virtual std::string model_name() const = 0;    // e.g. "Qwen2.5-1.5B-Instruct"
  virtual std::string quantization() const = 0;  // e.g. "Q4_K_M"
  virtual int context_tokens() const = 0;        // the context the model runs with
  virtual int count_tokens(std::string_view text) const = 0;
};

}  // namespace pw::rag
