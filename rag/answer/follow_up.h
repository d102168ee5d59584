// Follow-up questions made standalone before retrieval: "What about children?" after "What is
// the maximum dose of paracetamol for adults?" is searched as both together, so the library is
// searched for paracetamol doses for children, not for "children" alone.
//
//   std::vector<pw::rag::ChatMessage> history = {{"user", "What is the maximum dose of paracetamol?"},
//                                                {"assistant", "... [1]"}};
//   std::string q = pw::rag::standalone_question("And for children?", history);
//   // "And for children? (follow-up to: What is the maximum dose of paracetamol?)"
//
// Rule (no language model involved, so it is the same with and without one, and cannot
// invent a topic): a question is a follow-up when it refers back ("it", "that", "they",
// "there", "the same", ...), opens as a continuation ("and ...", "what about ...", "also"),
// or has at most two meaningful words; then the latest earlier user question (itself made
// standalone first, so chains of follow-ups keep their topic) is appended as context. Other
// questions, and any question without history, are returned unchanged. Assistant turns are
// not used: answers carry many words that would steer the search away from the question.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rag/answer/text_generator.h"
#include "rag/retrieval/passage.h"

namespace pw::rag {

// True when `question` depends on earlier turns (the rule above).
bool is_follow_up(std::string_view question);

// The question to retrieve and answer with, given the conversation so far (oldest first).
std::string standalone_question(std::string_view question, std::span<const ChatMessage> history);

// After retrieving with the standalone question: passages holding at least half of the
// follow-up's own meaningful words come first (order otherwise kept). The earlier question
// supplies the topic, the follow-up what is new about it ("children"), and a passage without
// the new part answers the earlier question, not this one.
void prefer_follow_up_words(std::string_view follow_up, std::vector<Passage>& passages);

}  // namespace pw::rag
