// Small helper for code that chains many pw::Result calls (the template parser and evaluator).
//
//   PW_CHAT_ASSIGN(Value v, eval(expr, scope));   // declares v, or returns the error
//
// Internal to engine/chat: not for use outside it.
#pragma once

#define PW_CHAT_CONCAT_INNER(a, b) a##b
#define PW_CHAT_CONCAT(a, b) PW_CHAT_CONCAT_INNER(a, b)
#define PW_CHAT_ASSIGN(decl, expr)                                                                     \
  auto PW_CHAT_CONCAT(pw_chat_r_, __LINE__) = (expr);                                                  \
  if (!PW_CHAT_CONCAT(pw_chat_r_, __LINE__).ok()) return PW_CHAT_CONCAT(pw_chat_r_, __LINE__).error(); \
  decl = std::move(*PW_CHAT_CONCAT(pw_chat_r_, __LINE__))
