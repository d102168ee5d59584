// pagewise-cli ask "question": an answer from your documents with its sources.
//
//   pagewise-cli ask "How many days of leave carry over?" [--db FILE] [-m MODEL] [--embed-model M]
//                    [--extractive] [-k N] [--collection C]... [--json]
//
// Streams the answer, then lists the sources as `[n] Title, p. 7 — "snippet"`. Sentences
// whose numbers, units, dates or section references are not in the sources they cite are
// flagged. Without a language model the answer is extractive: the best passages with their
// pages. --json prints one object (rag/answer/answer_json.h). The language model and
// embedding engines are not part of Pagewise yet: -m (without --extractive) and
// --embed-model say so and exit with 2 rather than pretend. Exit codes: 0 answered (also
// "not found"), 1 the library cannot be read or answering failed, 2 bad usage.
#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/search_ask_support.h"
#include "rag/answer/answer_json.h"
#include "rag/answer/answer_pipeline.h"
#include "rag/retrieval/retriever.h"

namespace {

// The text with the given byte ranges in bold (terminal output only).
std::string with_bold(const std::string& text, const std::vector<pw::rag::TextRange>& ranges) {
  std::string out;
  size_t at = 0;
  for (const auto& r : ranges) {
    if (r.begin < at || r.end > text.size() || r.begin >= r.end) continue;
    out += text.substr(at, r.begin - at);
    out += "\x1b[1m" + text.substr(r.begin, r.end - r.begin) + "\x1b[0m";
    at = r.end;
  }
  return out + text.substr(at);
}

int run_ask(pw::cli::Args& args) {
  const auto db = args.take_option("db");
  const auto model = args.take_option("model", "m");
  const auto embed_model = args.take_option("embed-model");
  const auto k_text = args.take_option("k", "k");
  std::vector<std::string> collections;
  while (auto c = args.take_option("collection", "c")) collections.push_back(*c);
  const bool extractive = args.take_flag("extractive");
  const bool as_json = args.take_flag("json");
  if (auto unknown = args.unknown_option()) return pw::cli::usage_error("ask", "unknown option '" + *unknown + "'");
  if (args.rest().size() != 1) return pw::cli::usage_error("ask", "expected one question (quote it)");
  auto k = pw::cli::parse_count(k_text, 8, 1, 100);
  if (!k) return pw::cli::usage_error("ask", "-k needs a number from 1 to 100");
  // No fake answers: until the engine lands, a requested model cannot be honoured.
  if (model && !extractive)
    return pw::cli::usage_error("ask", "the language model engine is not available in this version yet, so -m " +
                                           *model + " cannot be used; leave out -m (or add --extractive) for an "
                                           "extractive answer");
  if (embed_model)
    return pw::cli::usage_error("ask", "the embedding engine is not available in this version yet, so --embed-model " +
                                           *embed_model + " cannot be used; leave it out to search by words");

  auto store = pw::cli::open_library_read_only(db);
  if (!store) return pw::cli::report_failure("ask", store.error());
  auto filter = pw::cli::collection_filter(*store, collections);
  if (!filter) return pw::cli::report_failure("ask", filter.error());

  pw::rag::Retriever retriever(*store);
  pw::rag::AnswerPipeline pipeline(*store, retriever, nullptr);
  pw::rag::AnswerOptions options;
  options.retrieve_k = static_cast<size_t>(*k);
  options.filter = *filter;
  options.extractive = true;
  const bool terminal = ::isatty(STDOUT_FILENO) == 1;
  auto answer = pipeline.answer(args.rest()[0], options, {});
  if (!answer) return pw::cli::report_failure("ask", answer.error());

  if (as_json) {
    std::cout << pw::rag::answer_to_json(*answer).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return 0;
  }
  if (answer->mode == pw::rag::AnswerMode::Extractive)
    std::cout << "From your documents (no language model; the best passages):\n\n";
  std::cout << (terminal ? with_bold(answer->text, answer->highlights) : answer->text) << "\n";
  for (const auto& s : answer->sentences) {
    if (s.supported) continue;
    std::cout << "\n! Not confirmed by its sources: \"" << pw::cli::one_line(s.text, 160) << "\"";
    if (!s.unsupported_facts.empty()) {
      std::cout << " (";
      for (size_t i = 0; i < s.unsupported_facts.size(); ++i) std::cout << (i ? ", " : "") << s.unsupported_facts[i];
      std::cout << ")";
    }
    std::cout << "\n";
  }
  if (!answer->sources.empty())
    std::cout << "\n" << (answer->mode == pw::rag::AnswerMode::NotFound ? "Closest passages:" : "Sources:") << "\n";
  for (const auto& s : answer->sources) {
    std::cout << "[" << s.number << "] "
              << pw::cli::source_label(s.document_title, s.document_path, s.snippet_location.page, s.snippet_location.page);
    if (!s.heading_path.empty()) std::cout << " (" << pw::cli::one_line(s.heading_path, 80) << ")";
    std::cout << " \xE2\x80\x94 \"" << pw::cli::one_line(s.snippet, 200) << "\"\n";
  }
  return 0;
}

}  // namespace

PW_CLI_COMMAND(ask, "ask",
               "ask \"QUESTION\" [--db FILE] [-m MODEL] [--embed-model M] [--extractive] [-k N] [--collection C]... [--json]",
               "Answer a question from your documents, citing document and page", run_ask);
