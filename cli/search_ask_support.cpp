#include "cli/search_ask_support.h"

#include <filesystem>
#include <iostream>

#include "engine/embed/embedder.h"
#include "ingest/utf8.h"
#include "rag/retrieval/library_queries.h"

namespace pw::cli {

Result<rag::LibraryStore> open_library_read_only(const std::optional<std::string>& db) {
  const std::filesystem::path path = db ? std::filesystem::path(*db) : rag::LibraryStore::default_path();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    return Error(ErrorCode::NotFound, path.string(),
                 "no library here yet; add documents first (pagewise-cli ingest), or name one with --db");
  rag::LibraryOptions options;
  options.read_only = true;
  return rag::LibraryStore::open(path, options);
}

Result<rag::SearchFilter> collection_filter(rag::LibraryStore& store, const std::vector<std::string>& names) {
  rag::SearchFilter filter;
  if (names.empty()) return filter;
  auto ids = rag::collection_ids_by_name(store, names);
  if (!ids) return ids.error();
  filter.collection_ids = std::move(*ids);
  return filter;
}

Result<std::unique_ptr<rag::EngineQueryEmbedder>> use_embedding_model(const std::string& command,
                                                                      rag::Retriever& retriever,
                                                                      const std::string& model_path) {
  auto embedder = embed::Embedder::load(model_path);
  if (!embedder) return embedder.error();
  auto query_embedder =
      std::make_unique<rag::EngineQueryEmbedder>(std::shared_ptr<embed::Embedder>(std::move(*embedder)));
  auto on = retriever.use_library_vectors(*query_embedder);
  if (!on) return on.error();
  if (!*on)
    std::cerr << "pagewise-cli " << command << ": warning: the library has no vectors of "
              << query_embedder->model_name() << " yet (ingest with --embed-model " << model_path
              << "); searching by words only\n";
  return query_embedder;
}

std::optional<int> parse_count(const std::optional<std::string>& text, int fallback, int min, int max) {
  if (!text) return fallback;
  if (text->empty() || text->size() > 9) return std::nullopt;
  int value = 0;
  for (char c : *text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (value < min || value > max) return std::nullopt;
  return value;
}

int report_failure(const std::string& command, const Error& error) {
  std::cerr << "pagewise-cli " << command << ": " << error.describe() << "\n";
  return 1;
}

std::string source_label(const std::string& title, const std::string& path, int page_start, int page_end) {
  std::string name = title.empty() ? std::filesystem::path(path).filename().string() : title;
  if (page_start <= 0) return name;
  if (page_end > page_start) return name + ", pp. " + std::to_string(page_start) + "\xE2\x80\x93" + std::to_string(page_end);
  return name + ", p. " + std::to_string(page_start);
}

std::string one_line(std::string_view text, size_t max_bytes) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (static_cast<unsigned char>(c) <= 0x20) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  if (out.size() > max_bytes) {
    out.resize(ingest::utf8::floor_boundary(out, max_bytes));
    out += "\xE2\x80\xA6";
  }
  return out;
}

}  // namespace pw::cli
