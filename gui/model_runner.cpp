#include "gui/model_runner.h"

#include "engine/chat/chat_format.h"
#include "engine/generate/generator.h"
#include "engine/model_info/model_info.h"

namespace pw::gui {

Result<std::unique_ptr<ModelRunner>> ModelRunner::load(const std::filesystem::path& path, const RunnerOptions& options) {
  auto info = model_info::read_model_info(path);
  if (!info) return info.error();
  auto model = model::Model::load(path);
  if (!model) return model.error();
  auto tokenizer = tokenizer::Tokenizer::from_gguf((*model)->file());
  if (!tokenizer) return tokenizer.error().with_subject(path.string());
  // A model without a template gets ChatML (as format_chat does); a broken template is an error.
  chat::ChatTemplate chat_template = chat::ChatTemplate::chatml();
  if (auto source = (*model)->file().get_string("tokenizer.chat_template"); source && !source->empty()) {
    auto parsed = chat::ChatTemplate::parse(*source);
    if (!parsed) return parsed.error().with_subject(path.string()).with_context("reading the chat template");
    chat_template = std::move(*parsed);
  }
  model::SessionOptions session_options;
  session_options.threads = options.threads;
  session_options.n_ctx = options.context > 0 ? std::min(options.context, (*model)->n_ctx_train()) : 0;
  auto session = model::Session::create(*model, session_options);
  if (!session) return session.error().with_subject(path.string());
  std::unique_ptr<ModelRunner> runner(
      new ModelRunner(path, *model, std::move(*tokenizer), std::move(*session), std::move(chat_template)));
  runner->name_ = info->display_name;
  runner->quantization_ = info->file_type_name;
  return runner;
}

Status ModelRunner::generate(const std::vector<chat::ChatMessage>& messages, const GenerationSettings& settings,
                             const std::function<void(std::string_view)>& on_piece, const std::atomic<bool>* cancel) {
  chat::RenderOptions render;
  const int32_t bos = tokenizer_->bos();
  if (bos >= 0) render.bos_token = std::string(tokenizer_->token_text(bos));
  const int32_t eos = tokenizer_->eos();
  if (eos >= 0) render.eos_token = std::string(tokenizer_->token_text(eos));
  auto prompt = chat::format_chat(template_, messages, render);
  if (!prompt) return prompt.error().with_context("formatting the conversation");
  // The template writes BOS itself when it wants one; encode must not add a second.
  const bool template_has_bos = !render.bos_token.empty() && prompt->rfind(render.bos_token, 0) == 0;
  std::vector<int32_t> ids =
      tokenizer_->encode(*prompt, {.add_special = !template_has_bos, .parse_special = true});
  const int room = session_.n_ctx() - static_cast<int>(ids.size());
  if (room < 8)
    return Error(ErrorCode::ResourceLimit, path_.string(),
                 "the question and its sources (" + std::to_string(ids.size()) + " tokens) do not fit the model's context of " +
                     std::to_string(session_.n_ctx()) + " tokens");

  session_.reset();
  generate::GenerateOptions options;
  options.max_tokens = std::min(settings.max_tokens, room - 1);
  options.sampling.temperature = static_cast<float>(settings.temperature);
  options.stop_tokens = generate::end_of_generation_tokens(model_->file());
  options.cancel = cancel;
  tokenizer::StreamingDecoder decoder(*tokenizer_);
  auto result = generate::generate(session_, ids, options, [&](int32_t id) {
    const std::string piece = decoder.push(id);
    if (!piece.empty()) on_piece(piece);
    return true;
  });
  if (!result) return result.error();
  const std::string rest = decoder.finish();
  if (!rest.empty()) on_piece(rest);
  if (result->reason == generate::StopReason::Cancelled) return Error(ErrorCode::Cancelled, "generation stopped");
  return {};
}

}  // namespace pw::gui
