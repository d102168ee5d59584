#include "engine/chat/chat_template.h"

#include "engine/chat/result_macros.h"
#include "engine/chat/template_evaluator.h"
#include "engine/chat/template_json.h"
#include "engine/chat/template_parser.h"

namespace pw::chat {

namespace {

constexpr std::string_view kChatMl =
    "{%- for message in messages -%}"
    "{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' -}}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{- '<|im_start|>assistant\\n' -}}{%- endif -%}";

}  // namespace

std::string_view chatml_template_source() { return kChatMl; }

bool is_template_rejection(const pw::Error& error) { return error.code() == pw::ErrorCode::InvalidArgument; }

pw::Result<ChatTemplate> ChatTemplate::parse(std::string_view source, const TemplateLimits& limits) {
  if (source.size() > limits.max_source_bytes) {
    return pw::Error(pw::ErrorCode::ResourceLimit, "chat template",
                     "template text is larger than " + std::to_string(limits.max_source_bytes) + " bytes");
  }
  PW_CHAT_ASSIGN(std::shared_ptr<const Program> program, parse_template(source));
  return ChatTemplate(std::move(program));
}

ChatTemplate ChatTemplate::chatml() {
  static const std::shared_ptr<const Program> program = [] {
    auto parsed = parse_template(kChatMl);
    return parsed.ok() ? *parsed : std::make_shared<const Program>();
  }();
  return ChatTemplate(program);
}

pw::Result<std::string> ChatTemplate::render(const std::vector<ChatMessage>& messages,
                                             const RenderOptions& options) const {
  if (!program_) return pw::Error(pw::ErrorCode::InvalidArgument, "chat template", "template was not parsed");
  std::vector<Value> items;
  items.reserve(messages.size());
  for (const auto& m : messages) {
    items.push_back(Value::dict_of({{"role", Value(m.role)}, {"content", Value(m.content)}}));
  }
  std::vector<std::pair<std::string, Value>> variables = {
      {"messages", Value::list(std::move(items))},
      {"bos_token", Value(options.bos_token)},
      {"eos_token", Value(options.eos_token)},
      {"add_generation_prompt", Value(options.add_generation_prompt)},
      // Hugging Face passes these as None when the caller has no tools or documents.
      {"tools", Value::none()},
      {"documents", Value::none()},
  };
  if (!options.extra_variables_json.empty()) {
    PW_CHAT_ASSIGN(Value extra, value_from_json(options.extra_variables_json, "chat template variables"));
    if (!extra.is_dict()) {
      return pw::Error(pw::ErrorCode::InvalidArgument, "chat template variables", "must be a JSON object");
    }
    for (const auto& [name, value] : extra.dict().entries()) variables.emplace_back(name.as_string(), value);
  }
  Evaluator evaluator(options.limits);
  return evaluator.render(*program_, std::move(variables));
}

}  // namespace pw::chat
