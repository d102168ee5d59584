#include "rag/answer/engine_text_generator.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <utility>

#include "engine/chat/chat_format.h"
#include "engine/generate/generator.h"
#include "engine/model_info/model_info.h"
#include "engine/tensor/ggml_type.h"

namespace pw::rag {
namespace {

// Stands in for a message's text while the template is rendered, so the template's own text
// and the documents' text can be tokenized differently. Bytes no document or template has.
std::string placeholder(size_t i) { return "\x01\x02pw-message-" + std::to_string(i) + "\x02\x01"; }

}  // namespace

struct EngineTextGenerator::State {
  std::shared_ptr<const model::Model> model;
  std::unique_ptr<tokenizer::Tokenizer> tokenizer;
  std::optional<model::Session> session;
  std::string template_source;  // empty: ChatML (format_chat's fallback)
  chat::RenderOptions render;
  std::vector<int32_t> stop_tokens;
  uint64_t seed = 1;
};

EngineTextGenerator::EngineTextGenerator(std::unique_ptr<State> state) : state_(std::move(state)) {}
EngineTextGenerator::~EngineTextGenerator() = default;

Result<std::unique_ptr<EngineTextGenerator>> EngineTextGenerator::load(const std::filesystem::path& model_path,
                                                                       const EngineGeneratorOptions& options) {
  auto state = std::make_unique<State>();
  auto model = model::Model::load(model_path);
  if (!model) return model.error();
  state->model = std::move(*model);
  auto tok = tokenizer::Tokenizer::from_gguf(state->model->file());
  if (!tok) return tok.error().with_context(model_path.string());
  state->tokenizer = std::move(*tok);
  model::SessionOptions session_options;
  session_options.n_ctx = std::clamp(options.context_tokens, 1, std::max(1, state->model->n_ctx_train()));
  session_options.threads = options.threads;
  auto session = model::Session::create(state->model, session_options);
  if (!session) return session.error();
  state->session.emplace(std::move(*session));
  if (auto t = state->model->file().get_string("tokenizer.chat_template")) state->template_source = std::string(*t);
  const tokenizer::Tokenizer& tk = *state->tokenizer;
  if (tk.bos() != tokenizer::kNoToken) state->render.bos_token = std::string(tk.token_text(tk.bos()));
  if (tk.eos() != tokenizer::kNoToken) state->render.eos_token = std::string(tk.token_text(tk.eos()));
  state->render.add_generation_prompt = true;
  state->stop_tokens = generate::end_of_generation_tokens(state->model->file());
  state->seed = options.seed;

  auto info = model_info::describe_model(state->model->file(), model_path);
  std::unique_ptr<EngineTextGenerator> out(new EngineTextGenerator(std::move(state)));
  if (info) {
    out->name_ = info->display_name;
    out->quantization_ = info->file_type_name;
    // Files without general.file_type: the type holding most of the weights ("F32").
    if (out->quantization_.empty() && !info->type_histogram.empty()) {
      for (char ch : type_name(info->type_histogram.front().type))
        out->quantization_ += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    }
  }
  if (out->name_.empty()) out->name_ = model_path.stem().string();
  return out;
}

int EngineTextGenerator::context_tokens() const { return state_->session->n_ctx(); }

int EngineTextGenerator::count_tokens(std::string_view text) const {
  return static_cast<int>(state_->tokenizer->count_tokens(text));
}

Result<std::vector<int32_t>> EngineTextGenerator::prompt_tokens(const std::vector<ChatMessage>& messages) const {
  std::vector<chat::ChatMessage> shown;
  for (size_t i = 0; i < messages.size(); ++i) shown.push_back(chat::ChatMessage{messages[i].role, placeholder(i)});
  auto rendered = chat::format_chat(state_->template_source, shown, state_->render);
  if (!rendered) return rendered.error().with_context("the model's chat template");
  const tokenizer::Tokenizer& tk = *state_->tokenizer;
  std::string_view text = *rendered;
  std::vector<int32_t> ids;
  // The template may write the BOS text itself; otherwise the tokenizer adds what the model wants.
  bool template_has_bos = !state_->render.bos_token.empty() && text.starts_with(state_->render.bos_token);
  if (!template_has_bos && tk.add_bos() && tk.bos() != tokenizer::kNoToken) ids.push_back(tk.bos());
  // Template text (control tokens parsed) and message text (never parsed), in order. A
  // template that moved a message (system folded into the first user turn) still shows each
  // placeholder once; one that dropped or repeated one is rendered as a whole instead.
  size_t at = 0;
  bool in_order = true;
  std::vector<std::pair<size_t, size_t>> slots;  // (position, message)
  for (size_t i = 0; i < messages.size(); ++i) {
    std::string p = placeholder(i);
    size_t pos = text.find(p);
    if (pos == std::string_view::npos || text.find(p, pos + 1) != std::string_view::npos) {
      in_order = false;
      break;
    }
    slots.emplace_back(pos, i);
  }
  std::sort(slots.begin(), slots.end());
  tokenizer::EncodeOptions template_part{.add_special = false, .parse_special = true};
  tokenizer::EncodeOptions content_part{.add_special = false, .parse_special = false};
  if (in_order) {
    for (const auto& [pos, i] : slots) {
      tk.encode_into(text.substr(at, pos - at), template_part, ids);
      tk.encode_into(messages[i].content, content_part, ids);
      at = pos + placeholder(i).size();
    }
    tk.encode_into(text.substr(at), template_part, ids);
    return ids;
  }
  // Fallback: the template transformed the placeholders; substitute and encode as text
  // without control tokens (safe, if not byte-exact for this template).
  std::string whole(text);
  for (size_t i = 0; i < messages.size(); ++i) {
    std::string p = placeholder(i);
    for (size_t pos = whole.find(p); pos != std::string::npos; pos = whole.find(p, pos + messages[i].content.size())) {
      whole.replace(pos, p.size(), messages[i].content);
    }
  }
  tk.encode_into(whole, content_part, ids);
  return ids;
}

Status EngineTextGenerator::generate(const GenerationRequest& request,
                                     const std::function<void(std::string_view)>& on_piece,
                                     const std::atomic<bool>* cancel) {
  auto prompt = prompt_tokens(request.messages);
  if (!prompt) return prompt.error();
  model::Session& session = *state_->session;
  session.reset();
  if (static_cast<int>(prompt->size()) >= session.n_ctx())
    return Error(ErrorCode::ResourceLimit, name_,
                 "the prompt (" + std::to_string(prompt->size()) + " tokens) does not fit the model's context (" +
                     std::to_string(session.n_ctx()) + " tokens)");
  generate::GenerateOptions options;
  options.max_tokens = std::max(1, request.max_tokens);
  options.sampling.temperature = static_cast<float>(request.temperature);
  options.sampling.seed = state_->seed;
  options.stop_tokens = state_->stop_tokens;
  options.cancel = cancel;
  tokenizer::StreamingDecoder decoder(*state_->tokenizer);
  auto result = generate::generate(session, *prompt, options, [&](int32_t id) {
    std::string piece = decoder.push(id);
    if (!piece.empty()) on_piece(piece);
    return true;
  });
  if (!result) return result.error();
  std::string tail = decoder.finish();
  if (!tail.empty()) on_piece(tail);
  if (result->reason == generate::StopReason::Cancelled) return Error(ErrorCode::Cancelled, "answer generation stopped");
  return ok_status();
}

}  // namespace pw::rag
