// Helpers shared by `pagewise-cli search` and `pagewise-cli ask`: opening the library
// read-only, collection filters, numbers from options, and short source labels.
//
//   auto store = pw::cli::open_library_read_only(args.take_option("db"));
//   if (!store) return pw::cli::report_failure("search", store.error());   // exit code 1
//   std::cout << pw::cli::source_label(title, path, 7, 8);                  // "Handbook, pp. 7–8"
//   auto embedder = pw::cli::use_embedding_model("search", retriever, "bge.gguf");  // --embed-model
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/util/status.h"
#include "rag/retrieval/engine_query_embedder.h"
#include "rag/retrieval/retriever.h"
#include "rag/store/library_store.h"

namespace pw::cli {

// --db FILE, else the default library (LibraryStore::default_path(), XDG_DATA_HOME honoured).
// A missing file is NotFound with a hint to add documents first; never creates anything.
Result<rag::LibraryStore> open_library_read_only(const std::optional<std::string>& db);

// Filter for the named collections (none: the whole library); NotFound for an unknown name.
Result<rag::SearchFilter> collection_filter(rag::LibraryStore& store, const std::vector<std::string>& names);

// --embed-model MODEL for search and ask: loads the model and turns on the retriever's
// semantic search over the library's vectors of it (fused with the lexical ranking). A model
// that cannot be loaded, or vectors of another dimension, is an error; a library without
// vectors of the model a warning on stderr (search stays lexical). Keep the returned
// embedder alive as long as the retriever searches.
Result<std::unique_ptr<rag::EngineQueryEmbedder>> use_embedding_model(const std::string& command,
                                                                      rag::Retriever& retriever,
                                                                      const std::string& model_path);

// The option's value as a whole number in [min, max]; `fallback` when absent; nullopt when
// it is not such a number.
std::optional<int> parse_count(const std::optional<std::string>& text, int fallback, int min, int max);

// Prints "pagewise-cli COMMAND: <error>" to stderr and returns 1.
int report_failure(const std::string& command, const Error& error);

// "Title, p. 7" or "Title, pp. 7–8"; the file name when the title is empty.
std::string source_label(const std::string& title, const std::string& path, int page_start, int page_end);

// Whitespace runs collapsed to single spaces, cut to at most max_bytes (at a character
// boundary, with "…").
std::string one_line(std::string_view text, size_t max_bytes);

}  // namespace pw::cli
