// pagewise-cli ask "question": an answer from your documents with its sources.
//
//   pagewise-cli ask "How many days of leave carry over?" [--db FILE] [-m MODEL] [--embed-model M]
//                    [--extractive] [-k N] [--collection C]... [--ctx N] [--threads N]
//                    [--after "earlier question"]... [--json | --json-events]
//
// Streams the answer, then lists the sources as `[n] Title, p. 7 — "snippet"`. Sentences
// whose numbers, units, dates or section references are not in the sources they cite are
// flagged. With -m MODEL.gguf the answer is written by that model (Pagewise's own engine)
// from the numbered sources; without it (or with --extractive) the answer is extractive: the
// best passages with their pages. --after gives earlier questions of the conversation, so a
// follow-up ("and for children?") is searched as a standalone question.
// --json prints one object (rag/answer/answer_json.h) at the end; --json-events prints JSON
// Lines as things happen: {"event": "sources", "mode", "sources": [...]} before generation,
// {"event": "text", "text"} per streamed piece, then {"event": "answer", ...the object}.
// --embed-model M adds semantic search over the library's vectors of M (fused with the
// lexical ranking); without such vectors a warning, and the search is by words only.
// Exit codes: 0 answered (also "not found"), 1 the library or model cannot be read or
// answering failed, 2 bad usage.
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/search_ask_support.h"
#include "rag/answer/answer_json.h"
#include "rag/answer/answer_pipeline.h"
#include "rag/answer/engine_text_generator.h"
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

nlohmann::json sources_json(const std::vector<pw::rag::AnswerSource>& sources) {
  pw::rag::Answer only;
  only.sources = sources;
  return pw::rag::answer_to_json(only)["sources"];
}

void print_line(const nlohmann::json& j) {
  std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n" << std::flush;
}

int run_ask(pw::cli::Args& args) {
  const auto db = args.take_option("db");
  const auto model = args.take_option("model", "m");
  const auto embed_model = args.take_option("embed-model");
  const auto k_text = args.take_option("k", "k");
  const auto ctx_text = args.take_option("ctx");
  const auto threads_text = args.take_option("threads", "t");
  std::vector<std::string> collections;
  while (auto c = args.take_option("collection", "c")) collections.push_back(*c);
  std::vector<pw::rag::ChatMessage> history;
  while (auto q = args.take_option("after")) history.push_back(pw::rag::ChatMessage{"user", *q});
  const bool extractive = args.take_flag("extractive");
  const bool as_json = args.take_flag("json");
  const bool as_events = args.take_flag("json-events");
  if (auto unknown = args.unknown_option()) return pw::cli::usage_error("ask", "unknown option '" + *unknown + "'");
  if (args.rest().size() != 1) return pw::cli::usage_error("ask", "expected one question (quote it)");
  if (as_json && as_events) return pw::cli::usage_error("ask", "--json and --json-events exclude each other");
  auto k = pw::cli::parse_count(k_text, 8, 1, 100);
  if (!k) return pw::cli::usage_error("ask", "-k needs a number from 1 to 100");
  auto ctx = pw::cli::parse_count(ctx_text, 4096, 256, 1 << 20);
  if (!ctx) return pw::cli::usage_error("ask", "--ctx needs a number of tokens from 256");
  auto threads = pw::cli::parse_count(threads_text, 0, 0, 1024);
  if (!threads) return pw::cli::usage_error("ask", "--threads needs a number from 0 to 1024");

  auto store = pw::cli::open_library_read_only(db);
  if (!store) return pw::cli::report_failure("ask", store.error());
  auto filter = pw::cli::collection_filter(*store, collections);
  if (!filter) return pw::cli::report_failure("ask", filter.error());

  std::unique_ptr<pw::rag::EngineTextGenerator> generator;
  if (model && !extractive) {
    pw::rag::EngineGeneratorOptions g;
    g.context_tokens = *ctx;
    g.threads = *threads;
    auto loaded = pw::rag::EngineTextGenerator::load(*model, g);
    if (!loaded) return pw::cli::report_failure("ask", loaded.error());
    generator = std::move(*loaded);
  }

  pw::rag::Retriever retriever(*store);
  std::unique_ptr<pw::rag::EngineQueryEmbedder> query_embedder;
  if (embed_model) {
    auto loaded = pw::cli::use_embedding_model("ask", retriever, *embed_model);
    if (!loaded) return pw::cli::report_failure("ask", loaded.error());
    query_embedder = std::move(*loaded);
  }
  pw::rag::AnswerPipeline pipeline(*store, retriever, generator.get());
  pw::rag::AnswerOptions options;
  options.retrieve_k = static_cast<size_t>(*k);
  options.filter = *filter;
  options.extractive = extractive || !generator;
  options.history = history;
  if (generator) options.answer_tokens = std::min(512, std::max(16, generator->context_tokens() / 4));
  const bool terminal = ::isatty(STDOUT_FILENO) == 1;

  pw::rag::AnswerEvents events;
  bool streamed = false;
  if (as_events) {
    events.on_sources = [&](pw::rag::AnswerMode mode, const std::vector<pw::rag::AnswerSource>& sources) {
      print_line({{"event", "sources"}, {"mode", pw::rag::to_string(mode)}, {"sources", sources_json(sources)}});
    };
    events.on_text = [&](std::string_view piece) { print_line({{"event", "text"}, {"text", piece}}); };
  } else if (!as_json) {
    events.on_sources = [&](pw::rag::AnswerMode mode, const std::vector<pw::rag::AnswerSource>&) {
      if (mode == pw::rag::AnswerMode::Extractive)
        std::cout << "From your documents (no language model; the best passages):\n\n";
      else if (mode == pw::rag::AnswerMode::Generated)
        std::cout << "Answer (" << generator->model_name() << ", from your documents):\n\n";
      std::cout << std::flush;
    };
    // A model's answer is shown as it is written; extractive text is printed whole below,
    // with the question's words in bold on a terminal.
    events.on_text = [&](std::string_view piece) {
      if (!generator || extractive) return;
      std::cout << piece << std::flush;
      streamed = true;
    };
  }
  auto answer = pipeline.answer(args.rest()[0], options, events);
  if (!answer) {
    if (streamed) std::cout << "\n";
    return pw::cli::report_failure("ask", answer.error());
  }

  if (as_json || as_events) {
    nlohmann::json out = pw::rag::answer_to_json(*answer);
    if (as_events) {
      out["event"] = "answer";
      print_line(out);
    } else {
      std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    }
    return 0;
  }
  if (streamed) std::cout << "\n";
  else std::cout << (terminal ? with_bold(answer->text, answer->highlights) : answer->text) << "\n";
  if (!answer->dropped_citations.empty()) {
    std::cout << "\n(Removed citations of sources the model was not given:";
    for (int n : answer->dropped_citations) std::cout << " [" << n << "]";
    std::cout << ")\n";
  }
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
               "ask \"QUESTION\" [--db FILE] [-m MODEL] [--embed-model M] [--extractive] [-k N] [--collection C]... "
               "[--ctx N] [--threads N] [--after \"EARLIER QUESTION\"]... [--json | --json-events]",
               "Answer a question from your documents, citing document and page", run_ask);
