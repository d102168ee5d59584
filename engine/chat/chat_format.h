// Turns a conversation into the prompt text for a model, whatever its chat template does.
//
//   pw::chat::RenderOptions o;  o.bos_token = "<bos>";
//   pw::Result<std::string> prompt = pw::chat::format_chat(gguf_template_or_empty, messages, o);
//
// Two adaptations on top of ChatTemplate::render (and only these two):
//  - a model without a template (empty or blank text) gets ChatML (chatml_template_source());
//  - when the template refuses the conversation (raise_exception) and the conversation starts
//    with system message(s), the system text is folded into the first user turn
//    ("<system>\n\n<user>") and rendering is retried once. Gemma's template, for one, rejects
//    the system role; RAG prompts always carry one.
// Template syntax errors are returned as they are: a broken template is not silently replaced.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/chat/chat_template.h"

namespace pw::chat {

pw::Result<std::string> format_chat(std::string_view template_source, const std::vector<ChatMessage>& messages,
                                    const RenderOptions& options);
pw::Result<std::string> format_chat(const ChatTemplate& chat_template, const std::vector<ChatMessage>& messages,
                                    const RenderOptions& options);

// The conversation with its leading system message(s) folded into the first user turn;
// nullopt when it does not start with a system message.
std::optional<std::vector<ChatMessage>> fold_system_into_first_user(const std::vector<ChatMessage>& messages);

}  // namespace pw::chat
