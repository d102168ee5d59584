#include "engine/chat/chat_format.h"

#include <algorithm>

namespace pw::chat {

std::optional<std::vector<ChatMessage>> fold_system_into_first_user(const std::vector<ChatMessage>& messages) {
  size_t leading = 0;
  std::string system_text;
  while (leading < messages.size() && messages[leading].role == "system") {
    if (!system_text.empty()) system_text += "\n\n";
    system_text += messages[leading].content;
    ++leading;
  }
  if (leading == 0) return std::nullopt;
  std::vector<ChatMessage> folded(messages.begin() + static_cast<std::ptrdiff_t>(leading), messages.end());
  auto user = std::find_if(folded.begin(), folded.end(), [](const ChatMessage& m) { return m.role == "user"; });
  if (user == folded.end()) {
    folded.insert(folded.begin(), ChatMessage{"user", system_text});
  } else {
    user->content = system_text + "\n\n" + user->content;
  }
  return folded;
}

pw::Result<std::string> format_chat(const ChatTemplate& chat_template, const std::vector<ChatMessage>& messages,
                                    const RenderOptions& options) {
  auto rendered = chat_template.render(messages, options);
  if (rendered.ok() || !is_template_rejection(rendered.error())) return rendered;
  auto folded = fold_system_into_first_user(messages);
  if (!folded) return rendered;
  auto retried = chat_template.render(*folded, options);
  if (retried.ok()) return retried;
  return retried.error().with_context("after folding the system message into the first user turn");
}

pw::Result<std::string> format_chat(std::string_view template_source, const std::vector<ChatMessage>& messages,
                                    const RenderOptions& options) {
  const bool blank = std::all_of(template_source.begin(), template_source.end(),
                                 [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
  if (blank) return format_chat(ChatTemplate::chatml(), messages, options);
  auto parsed = ChatTemplate::parse(template_source, options.limits);
  if (!parsed) return parsed.error();
  return format_chat(*parsed, messages, options);
}

}  // namespace pw::chat
