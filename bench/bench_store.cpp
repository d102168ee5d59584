// pagewise-bench store: write, search and vector-load speed of the SQLite library store on a
// synthetic library (deterministic text from a fixed vocabulary), in a temporary folder.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "bench/bench.h"
#include "bench/bench_stats.h"
#include "rag/store/library_store.h"

namespace {

using pw::bench::Clock;
using pw::bench::ms_since;
using pw::bench::percentile;
using pw::bench::random_words;
using pw::bench::zipf_pick;






int run_store(std::vector<std::string>& args) {
  int documents = 200, chunks_per_doc = 40, words_per_chunk = 150, queries = 200, dim = 384;
  for (size_t i = 0; i + 1 < args.size(); i += 2) {
    if (args[i] == "--documents") documents = std::stoi(args[i + 1]);
    else if (args[i] == "--chunks") chunks_per_doc = std::stoi(args[i + 1]);
    else if (args[i] == "--queries") queries = std::stoi(args[i + 1]);
  }
  auto dir = std::filesystem::temp_directory_path() / ("pagewise-bench-store-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto store = pw::rag::LibraryStore::open(dir / "library.sqlite3");
  if (!store) {
    std::cerr << store.error().describe() << "\n";
    return 1;
  }
  std::mt19937 rng(42);
  auto words = random_words(rng, 20000);
  int64_t collection = *store->create_collection("bench");

  std::vector<double> write_ms;
  int64_t total_chunks = 0;
  auto make = [&](int d, pw::ingest::ExtractedDocument& doc, std::vector<pw::ingest::Chunk>& chunks) {
    doc = {};
    chunks.clear();
    doc.title = "Document " + std::to_string(d);
    doc.format = "pdf";
    int pages = chunks_per_doc / 2 + 1;
    for (int p = 1; p <= pages; ++p) doc.pages.push_back({p, std::to_string(p), std::string(3000, 'x')});
    for (int c = 0; c < chunks_per_doc; ++c) {
      pw::ingest::Chunk ch;
      ch.ordinal = c;
      ch.page_start = ch.page_end = 1 + c / 2;
      for (int w = 0; w < words_per_chunk; ++w) ch.text += zipf_pick(rng, words) + " ";
      ch.heading_path = "Part " + std::to_string(c / 10);
      ch.token_count = words_per_chunk;
      chunks.push_back(std::move(ch));
    }
  };
  pw::ingest::ExtractedDocument doc;
  std::vector<pw::ingest::Chunk> chunks;
  for (int d = 0; d < documents; ++d) {
    make(d, doc, chunks);
    pw::rag::FileFacts facts{"/bench/doc-" + std::to_string(d) + ".pdf", 1000, 1, std::string(64, '0')};
    auto t = Clock::now();
    auto r = store->replace_document(collection, facts, doc, chunks);
    write_ms.push_back(ms_since(t));
    if (!r) {
      std::cerr << r.error().describe() << "\n";
      return 1;
    }
    total_chunks += static_cast<int64_t>(chunks.size());
  }

  std::vector<double> search_ms;
  size_t hits_total = 0;
  for (int q = 0; q < queries; ++q) {
    std::string query;
    int n = 3 + static_cast<int>(rng() % 4);
    for (int k = 0; k < n; ++k) query += zipf_pick(rng, words) + " ";
    auto t = Clock::now();
    auto hits = store->search_fts(query, 20);
    search_ms.push_back(ms_since(t));
    if (!hits) {
      std::cerr << hits.error().describe() << "\n";
      return 1;
    }
    hits_total += hits->size();
  }

  auto model = *store->ensure_embedding_model("bench-model", dim, pw::rag::VectorEncoding::Int8);
  auto t_put = Clock::now();
  std::normal_distribution<float> normal;
  for (;;) {
    auto todo = *store->chunks_missing_embeddings(model.id, 256);
    if (todo.empty()) break;
    std::vector<pw::rag::ChunkEmbedding> rows;
    for (const auto& c : todo) {
      std::vector<float> v(static_cast<size_t>(dim));
      for (auto& x : v) x = normal(rng);
      rows.push_back({c.chunk_id, std::move(v)});
    }
    if (!store->put_embeddings(model.id, rows)) return 1;
  }
  double put_ms = ms_since(t_put);
  auto t_load = Clock::now();
  auto matrix = store->load_embeddings(model.id);
  double load_ms = ms_since(t_load);
  if (!matrix) return 1;

  // Re-ingesting one changed document of the library (keeps unchanged chunks' vectors).
  make(0, doc, chunks);
  chunks[0].text += " edited";
  auto t_re = Clock::now();
  pw::rag::FileFacts facts0{"/bench/doc-0.pdf", 1001, 2, std::string(64, '1')};
  if (!store->replace_document(collection, facts0, doc, chunks)) return 1;
  double reingest_ms = ms_since(t_re);

  auto pages = store->database().scalar_int("PRAGMA page_count");
  double file_mb = pages ? static_cast<double>(*pages) * 4096.0 / 1e6 : 0.0;
  std::printf(
      "{\"bench\": \"store\", \"documents\": %d, \"chunks\": %lld, \"words_per_chunk\": %d,\n"
      " \"write_doc_ms_median\": %.2f, \"write_doc_ms_p95\": %.2f, \"write_chunks_per_s\": %.0f,\n"
      " \"fts_query_ms_median\": %.3f, \"fts_query_ms_p95\": %.3f, \"fts_hits_per_query\": %.1f,\n"
      " \"embed_put_rows_per_s\": %.0f, \"embed_load_ms\": %.1f, \"embed_dim\": %d, \"embed_encoding\": \"i8\",\n"
      " \"reingest_changed_doc_ms\": %.2f, \"library_mb\": %.1f}\n",
      documents, static_cast<long long>(total_chunks), words_per_chunk, percentile(write_ms, 0.5),
      percentile(write_ms, 0.95),
      static_cast<double>(chunks_per_doc) / (percentile(write_ms, 0.5) / 1000.0), percentile(search_ms, 0.5),
      percentile(search_ms, 0.95), static_cast<double>(hits_total) / std::max(1, queries),
      static_cast<double>(total_chunks) / (put_ms / 1000.0), load_ms, dim, reingest_ms, file_mb);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return 0;
}

}  // namespace

PW_BENCH(store, "store", "store [--documents N] [--chunks N] [--queries N]",
         "library store: document writes, FTS5 query latency, vector put/load (synthetic library)", run_store);
