// The TextGenerator of the answer pipeline over Pagewise's own inference engine: a GGUF chat
// model, its chat template (engine/chat), its tokenizer and engine/generate's generate().
//
//   auto gen = pw::rag::EngineTextGenerator::load("qwen2.5-1.5b-instruct-q4_k_m.gguf");
//   if (!gen) return gen.error();     // "m.gguf: architecture 'mamba' is not supported ..."
//   pw::rag::AnswerPipeline pipeline(store, retriever, gen->get());
//
// Kept small on purpose: it renders the messages with the model's template, tokenizes,
// calls generate() and turns tokens into whole-character text pieces. When engine/generate
// gains stop strings and a text-streaming layer, only generate() here changes.
// Must not change: document text inside messages is tokenized with parse_special off, so a
// PDF that contains "<|im_end|>" or "</s>" cannot end the prompt or fake a turn; only the
// template's own text can produce control tokens.
// Threading: one generate() at a time per instance (one Session).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "engine/model/model.h"
#include "engine/tokenizer/tokenizer.h"
#include "rag/answer/text_generator.h"

namespace pw::rag {

struct EngineGeneratorOptions {
  int context_tokens = 4096;  // capped at the model's training context
  int threads = 0;            // <= 0: physical cores
  uint64_t seed = 1;          // sampling is reproducible for a seed
};

class EngineTextGenerator : public TextGenerator {
 public:
  static Result<std::unique_ptr<EngineTextGenerator>> load(const std::filesystem::path& model_path,
                                                           const EngineGeneratorOptions& options = {});
  ~EngineTextGenerator() override;

  Status generate(const GenerationRequest& request, const std::function<void(std::string_view)>& on_piece,
                  const std::atomic<bool>* cancel) override;
  std::string model_name() const override { return name_; }
  std::string quantization() const override { return quantization_; }
  int context_tokens() const override;
  int count_tokens(std::string_view text) const override;

  // The prompt token ids for `messages` (the chat template applied); exposed for tests.
  Result<std::vector<int32_t>> prompt_tokens(const std::vector<ChatMessage>& messages) const;

 private:
  struct State;
  explicit EngineTextGenerator(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
  std::string name_, quantization_;
};

}  // namespace pw::rag
