// pagewise-cli search "query": the passages retrieval finds in the library, best first.
//
//   pagewise-cli search "carry-over of annual leave" [--db FILE] [-k N] [--collection C] [--json]
//
// --json prints {"results": [{"rank", "document", "title", "page_start", "page_end", "heading",
// "score", "text"}]} (plus "lexical_rank", "semantic_rank", "coverage" and "context_before" /
// "context_after" when the hit was completed with its neighbours). The library is opened
// read-only: searching never creates or changes it. Exit codes: 0 ok (also with no results),
// 1 the library cannot be read, 2 bad usage.
// --embed-model MODEL adds semantic search (fused with the lexical ranking) over the vectors
// the library holds for MODEL (Retriever::use_library_vectors); a model that cannot be loaded
// is exit code 1, a library without its vectors a warning (lexical search only).
#include <nlohmann/json.hpp>

#include <iostream>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/search_ask_support.h"
#include "rag/retrieval/retriever.h"

namespace {

int run_search(pw::cli::Args& args) {
  const auto db = args.take_option("db");
  const auto k_text = args.take_option("k", "k");
  std::vector<std::string> collections;
  while (auto c = args.take_option("collection", "c")) collections.push_back(*c);
  const bool as_json = args.take_flag("json");
  const auto embed_model = args.take_option("embed-model");
  if (auto unknown = args.unknown_option()) return pw::cli::usage_error("search", "unknown option '" + *unknown + "'");
  if (args.rest().size() != 1) return pw::cli::usage_error("search", "expected one query (quote it)");
  auto k = pw::cli::parse_count(k_text, 10, 1, 1000);
  if (!k) return pw::cli::usage_error("search", "-k needs a number from 1 to 1000");

  auto store = pw::cli::open_library_read_only(db);
  if (!store) return pw::cli::report_failure("search", store.error());
  auto filter = pw::cli::collection_filter(*store, collections);
  if (!filter) return pw::cli::report_failure("search", filter.error());

  pw::rag::Retriever retriever(*store);
  std::unique_ptr<pw::rag::EngineQueryEmbedder> query_embedder;
  if (embed_model) {
    auto loaded = pw::cli::use_embedding_model("search", retriever, *embed_model);
    if (!loaded) return pw::cli::report_failure("search", loaded.error());
    query_embedder = std::move(*loaded);
  }
  auto result = retriever.search({args.rest()[0], static_cast<size_t>(*k), *filter, pw::rag::RetrievalMode::Auto});
  if (!result) return pw::cli::report_failure("search", result.error());

  if (as_json) {
    nlohmann::json results = nlohmann::json::array();
    int rank = 0;
    for (const auto& p : result->passages) {
      nlohmann::json r{{"rank", ++rank},
                       {"document", p.document_path},
                       {"title", p.document_title},
                       {"page_start", p.page_start},
                       {"page_end", p.page_end},
                       {"heading", p.heading_path},
                       {"score", p.score},
                       {"text", p.text},
                       {"lexical_rank", p.lexical_rank},
                       {"semantic_rank", p.semantic_rank},
                       {"coverage", p.term_coverage}};
      if (!p.context_before.empty()) r["context_before"] = p.context_before;
      if (!p.context_after.empty()) r["context_after"] = p.context_after;
      results.push_back(std::move(r));
    }
    nlohmann::json out{{"results", results}, {"relevant", result->relevant}, {"took_ms", result->timings.total_ms},
                        {"semantic_used", result->semantic_used}};
    std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return 0;
  }
  if (result->passages.empty()) {
    std::cout << "No passages match.\n";
    return 0;
  }
  int rank = 0;
  for (const auto& p : result->passages) {
    std::cout << ++rank << ". " << pw::cli::source_label(p.document_title, p.document_path, p.page_start, p.page_end);
    if (!p.heading_path.empty()) std::cout << " — " << p.heading_path;
    std::cout << "  (score " << p.score << ")\n   " << pw::cli::one_line(p.text, 300) << "\n";
  }
  if (!result->relevant) std::cout << "(These passages share few words with the query; they may not answer it.)\n";
  return 0;
}

}  // namespace

PW_CLI_COMMAND(search, "search", "search \"QUERY\" [--db FILE] [-k N] [--collection C]... [--embed-model MODEL] [--json]",
               "Show the passages of your documents that best match a query", run_search);
