// A model's chat template (the Jinja text in GGUF `tokenizer.chat_template`), parsed once and
// rendered into the prompt text the model expects.
//
//   pw::Result<pw::chat::ChatTemplate> t = pw::chat::ChatTemplate::parse(gguf_chat_template);
//   if (!t) return t.error();                       // "chat template: line 3, column 7: ..."
//   pw::chat::RenderOptions o;
//   o.bos_token = "<s>";  o.eos_token = "</s>";  o.add_generation_prompt = true;
//   pw::Result<std::string> prompt = t->render({{"system", "Be brief."}, {"user", "Hi"}}, o);
//
// Most callers want format_chat() (engine/chat/chat_format.h), which also adapts to templates
// that refuse a system message and falls back to ChatML for models without a template.
//
// Output is byte-identical to Hugging Face transformers' apply_chat_template (Jinja2 sandbox,
// trim_blocks, lstrip_blocks, loopcontrols, tojson = json.dumps(ensure_ascii=False),
// raise_exception); the goldens in ../shared/fixtures/templates hold that to account.
// Variables a template sees: messages (role/content dicts), bos_token, eos_token,
// add_generation_prompt, tools = none, documents = none, plus RenderOptions::extra_variables_json.
//
// Errors: ErrorCode::InvalidArgument when the template itself rejected the conversation with
// raise_exception (the message is the template's text, e.g. "System role not supported";
// see is_template_rejection()); Corrupt for syntax and runtime errors ("line N: ...");
// ResourceLimit when a hostile template breaks a limit (TemplateLimits). Never throws.
// A ChatTemplate is immutable after parse() and safe to render from several threads at once.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/chat/template_limits.h"
#include "engine/util/status.h"

namespace pw::chat {

struct Program;

struct ChatMessage {
  std::string role;  // "system", "user", "assistant", ...
  std::string content;
};

struct RenderOptions {
  std::string bos_token;
  std::string eos_token;
  bool add_generation_prompt = true;
  // A JSON object whose members become template variables, e.g. {"enable_thinking": false}.
  // Empty for none. Members override the defaults above.
  std::string extra_variables_json;
  TemplateLimits limits;
};

class ChatTemplate {
 public:
  static pw::Result<ChatTemplate> parse(std::string_view source, const TemplateLimits& limits = {});
  // The ChatML template used for models that ship none (see chatml_template_source()).
  static ChatTemplate chatml();

  pw::Result<std::string> render(const std::vector<ChatMessage>& messages, const RenderOptions& options = {}) const;

 private:
  explicit ChatTemplate(std::shared_ptr<const Program> program) : program_(std::move(program)) {}
  std::shared_ptr<const Program> program_;
};

// True when the error is the template refusing the conversation (its raise_exception call).
bool is_template_rejection(const pw::Error& error);

// "<|im_start|>{role}\n{content}<|im_end|>\n" per message, then "<|im_start|>assistant\n" when
// add_generation_prompt. Must not change: prompts of template-less models depend on it.
std::string_view chatml_template_source();

}  // namespace pw::chat
