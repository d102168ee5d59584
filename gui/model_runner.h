// A language model ready to write answers: the GGUF weights, its tokenizer, its chat template
// and one session (KV cache). Plain C++ (no Qt): the GUI's EngineWorker owns one on its thread.
//
//   auto runner = pw::gui::ModelRunner::load("/models/qwen2.5-0.5b-instruct-q4_k_m.gguf", {.threads = 4});
//   if (!runner) show(runner.error().describe());
//   std::atomic<bool> stop{false};
//   auto status = (*runner)->generate({{"system", "..."}, {"user", "..."}}, {.max_tokens = 256},
//                                     [](std::string_view piece) { append(piece); }, &stop);
//
// Pieces are whole UTF-8 characters (StreamingDecoder). generate() returns Cancelled soon after
// *cancel becomes true (checked once per token). One caller at a time (a Session is
// single-threaded); use it from the thread that loaded it.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/chat/chat_template.h"
#include "engine/model/model.h"
#include "engine/tokenizer/tokenizer.h"
#include "engine/util/status.h"

namespace pw::gui {

struct RunnerOptions {
  int threads = 0;        // <= 0: physical cores
  int context = 0;        // 0: min(model's own, 4096)
};

struct GenerationSettings {
  int max_tokens = 512;
  double temperature = 0.2;
};

class ModelRunner {
 public:
  static Result<std::unique_ptr<ModelRunner>> load(const std::filesystem::path& path, const RunnerOptions& options = {});

  Status generate(const std::vector<chat::ChatMessage>& messages, const GenerationSettings& settings,
                  const std::function<void(std::string_view)>& on_piece, const std::atomic<bool>* cancel);

  const std::filesystem::path& path() const { return path_; }
  const std::string& name() const { return name_; }
  const std::string& quantization() const { return quantization_; }
  int context_tokens() const { return session_.n_ctx(); }
  size_t count_tokens(std::string_view text) const { return tokenizer_->count_tokens(text); }

 private:
  ModelRunner(std::filesystem::path path, std::shared_ptr<const model::Model> model,
              std::unique_ptr<tokenizer::Tokenizer> tokenizer, model::Session session, chat::ChatTemplate chat_template)
      : path_(std::move(path)), model_(std::move(model)), tokenizer_(std::move(tokenizer)),
        session_(std::move(session)), template_(std::move(chat_template)) {}

  std::filesystem::path path_;
  std::shared_ptr<const model::Model> model_;
  std::unique_ptr<tokenizer::Tokenizer> tokenizer_;
  model::Session session_;
  chat::ChatTemplate template_;
  std::string name_;
  std::string quantization_;
};

}  // namespace pw::gui
