#include "rag/answer/prompt_builder.h"

#include <filesystem>

#include "ingest/token_estimate.h"
#include "rag/retrieval/text_sentences.h"

namespace pw::rag {

const std::string& grounded_system_instruction() {
  static const std::string kInstruction =
      "You answer questions using only the numbered sources below, which are excerpts from the user's own "
      "documents. Do not use any other knowledge.\n"
      "- After each statement, cite the sources that support it with their numbers in square brackets, "
      "like [1] or [2, 3].\n"
      "- Copy numbers, doses, units, dates and section references exactly as the sources give them.\n"
      "- If the sources do not contain the answer, say plainly that your documents do not contain it; "
      "do not guess.\n"
      "- Answer in the language of the question, briefly.";
  return kInstruction;
}

std::string source_header(int number, const Passage& passage) {
  std::string title = passage.document_title.empty()
                          ? std::filesystem::path(passage.document_path).filename().string()
                          : passage.document_title;
  std::string header = "[" + std::to_string(number) + "] " + title;
  if (passage.page_start > 0) {
    header += passage.page_end > passage.page_start
                  ? " \xE2\x80\x94 pages " + std::to_string(passage.page_start) + "-" + std::to_string(passage.page_end)
                  : " \xE2\x80\x94 page " + std::to_string(passage.page_start);
  }
  if (!passage.heading_path.empty()) header += " \xE2\x80\x94 " + passage.heading_path;
  return header;
}

Result<BuiltPrompt> build_prompt(std::string_view question, std::span<const Passage> passages, const PromptBudget& budget) {
  auto count = [&](std::string_view s) {
    return budget.count_tokens ? budget.count_tokens(s) : ingest::estimate_tokens(s);
  };
  BuiltPrompt prompt;
  const std::string& system = grounded_system_instruction();
  const std::string question_part = "Question: " + std::string(question);
  const int fixed = count(system) + count("Sources:\n\n") + count(question_part);
  int remaining = budget.context_tokens - budget.answer_tokens - budget.template_overhead_tokens - fixed;
  if (remaining < budget.min_source_tokens)
    return Error(ErrorCode::ResourceLimit,
                 "the model's context (" + std::to_string(budget.context_tokens) +
                     " tokens) leaves no room for any source after the question and the answer");

  std::string user = "Sources:\n\n";
  for (size_t i = 0; i < passages.size(); ++i) {
    const int number = static_cast<int>(prompt.sources.size()) + 1;
    const std::string header = source_header(number, passages[i]) + "\n";
    const std::string body = passages[i].full_text();
    const int header_tokens = count(header);
    const int body_tokens = count(body);
    if (header_tokens + body_tokens + 2 <= remaining) {
      user += header + body + "\n\n";
      remaining -= header_tokens + body_tokens + 2;
      prompt.sources.push_back(i);
      prompt.source_texts.push_back(body);
      continue;
    }
    // Cut at a sentence boundary when enough room is left, then stop.
    if (remaining - header_tokens >= budget.min_source_tokens) {
      std::string cut;
      for (const TextSpan& s : sentence_spans(body)) {
        std::string longer = body.substr(0, s.end);
        if (count(longer) + header_tokens + 2 > remaining) break;
        cut = std::move(longer);
      }
      if (!cut.empty()) {
        user += header + cut + "\n\n";
        remaining -= header_tokens + count(cut) + 2;
        prompt.sources.push_back(i);
        prompt.source_texts.push_back(cut);
        prompt.last_source_cut = true;
      }
    }
    break;
  }
  if (prompt.sources.empty() && !passages.empty())
    return Error(ErrorCode::ResourceLimit, "the model's context is too small for even the first source");
  user += question_part;
  prompt.messages = {ChatMessage{"system", system}, ChatMessage{"user", user}};
  prompt.tokens = count(system) + count(user);
  return prompt;
}

}  // namespace pw::rag
