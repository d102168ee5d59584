// pagewise-bench retrieval: query latency of lexical, semantic and fused search on synthetic
// libraries of 10k, 100k and 1M chunks.
//
//   pagewise-bench retrieval --json --keep-dir /var/tmp/pw-bench   # 10k, 100k and 1M chunks
//   pagewise-bench retrieval --sizes 10000,100000 --queries 50      # quicker
// Writing the 1M library takes minutes and ~2 GB: with --keep-dir a later run reuses it.
//
// Each library: documents of 100 chunks of `--words` words drawn from a 20,000-word vocabulary
// with a Zipf-like skew (common words are common), written in ONE transaction straight into
// the schema (triggers fill the FTS index), so a million chunks take minutes, not hours.
// Vectors (dim 384), quantised into the in-memory index exactly as VectorIndex::build does
// for real embeddings: each document has a random topic direction and its chunks lie around it
// (topic + as much noise again), as a trained encoder's vectors of one document do; a query is
// a random document's topic plus noise. "semantic_recall" compares the index's search (two
// passes on large indexes, vector_index.h) with its exact scan on the same queries, at k = 10
// and at the 100 candidates fusion takes.
// The query embedding itself (the engine's encoder) is NOT included: semantic and fused times
// are retrieval only. Queries are 3-6 vocabulary words; k = 10; median and p95 over --queries.
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <ctime>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "bench/bench.h"
#include "bench/bench_stats.h"
#include "engine/util/log.h"
#include "rag/retrieval/library_queries.h"
#include "rag/retrieval/retriever.h"
#include "rag/retrieval/vector_index.h"
#include "rag/store/library_store.h"
#include "rag/store/sqlite_db.h"

namespace {

using pw::bench::Clock;
using pw::bench::ms_since;
using pw::bench::percentile;
using pw::bench::random_words;
using pw::bench::zipf_pick;

namespace fs = std::filesystem;
using nlohmann::json;


// CPU time of the whole process (all threads, so the scan's helpers count) in milliseconds:
// on a machine shared with other builds, wall time mostly measures waiting for a core.
double process_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one;
  in >> one;
  return one;
}

double mean(const std::vector<double>& v) {
  double sum = 0;
  for (double x : v) sum += x;
  return v.empty() ? 0 : sum / static_cast<double>(v.size());
}

double min_of(const std::vector<double>& v) { return v.empty() ? 0 : *std::min_element(v.begin(), v.end()); }




// The query "embedder" of this benchmark: hands the retriever a precomputed query vector.
// Benchmark plumbing only (the engine's encoder replaces it in the product).
class PresetQueryVector : public pw::rag::QueryEmbedder {
 public:
  explicit PresetQueryVector(int dim) : dim_(dim) {}
  std::string model_name() const override { return "bench-random-vectors"; }
  int dimension() const override { return dim_; }
  pw::Result<std::vector<float>> embed_query(std::string_view) override { return next; }
  std::vector<float> next;

 private:
  int dim_;
};

constexpr int kChunksPerDocument = 100;

// Writes `chunks` synthetic chunks in one transaction. Returns false on failure.
bool fill_library(pw::rag::LibraryStore& store, int64_t chunks, int words_per_chunk, double& seconds) {
  auto t = Clock::now();
  std::mt19937 word_rng(42);
  auto words = random_words(word_rng, 20000);
  std::mt19937 rng(7);
  auto& db = store.database();
  int64_t collection = *store.ensure_collection("bench");
  auto tx = pw::rag::sqlite::Transaction::begin(db);
  if (!tx) return false;
  auto doc_st = db.prepare(
      "INSERT INTO documents(collection_id, path, size, mtime_ns, sha256, title, format, pages, status, ingested_at) "
      "VALUES (?1, ?2, 1000, 1, '', ?3, 'pdf', ?4, 'ok', 0)");
  auto page_st = db.prepare("INSERT INTO pages(document_id, number, text, label) VALUES (?1, 1, 'page', '1')");
  auto chunk_st = db.prepare(
      "INSERT INTO chunks(document_id, ordinal, page_start, page_end, char_start, char_end, token_count, text, "
      "heading_path) VALUES (?1, ?2, ?3, ?3, 0, 0, ?4, ?5, ?6)");
  if (!doc_st || !page_st || !chunk_st) return false;
  const int64_t documents = (chunks + kChunksPerDocument - 1) / kChunksPerDocument;
  int64_t written = 0;
  for (int64_t d = 0; d < documents; ++d) {
    doc_st->bind_int(1, collection).bind_text(2, "/bench/doc-" + std::to_string(d) + ".pdf")
        .bind_text(3, "Document " + std::to_string(d)).bind_int(4, kChunksPerDocument);
    if (!doc_st->run().ok()) return false;
    int64_t doc_id = db.last_insert_rowid();
    page_st->bind_int(1, doc_id);
    if (!page_st->run().ok()) return false;
    for (int c = 0; c < kChunksPerDocument && written < chunks; ++c, ++written) {
      std::string text;
      for (int w = 0; w < words_per_chunk; ++w) {
        text += zipf_pick(rng, words);
        text += (w % 15 == 14) ? ". " : " ";
      }
      std::string heading = "Part " + std::to_string(c / 10) + " " + zipf_pick(rng, words);
      chunk_st->bind_int(1, doc_id).bind_int(2, c).bind_int(3, c + 1).bind_int(4, words_per_chunk)
          .bind_text(5, text).bind_text(6, heading);
      if (!chunk_st->run().ok()) return false;
    }
  }
  if (!tx->commit().ok()) return false;
  seconds = std::chrono::duration<double>(Clock::now() - t).count();
  return true;
}

int run_retrieval(std::vector<std::string>& args) {
  pw::log::set_level(pw::log::Level::warn);
  std::vector<int64_t> sizes = {10000, 100000, 1000000};
  int queries = 100, dim = 384, words_per_chunk = 150;
  bool as_json = false;
  std::string keep_dir;
  std::string modes = "lexical,semantic,fused";
  bool per_query = false;  // one stderr line per query and mode: finds the queries of the tail
  for (size_t i = 0; i < args.size(); ++i) {
    auto value = [&]() -> std::string { return i + 1 < args.size() ? args[++i] : std::string(); };
    if (args[i] == "--json") as_json = true;
    else if (args[i] == "--queries") queries = std::stoi(value());
    else if (args[i] == "--dim") dim = std::stoi(value());
    else if (args[i] == "--words") words_per_chunk = std::stoi(value());
    else if (args[i] == "--keep-dir") keep_dir = value();
    else if (args[i] == "--modes") modes = value();  // e.g. "lexical" to profile one mode
    else if (args[i] == "--per-query") per_query = true;
    else if (args[i] == "--sizes") {
      sizes.clear();
      std::string list = value();
      size_t at = 0;
      while (at < list.size()) {
        size_t comma = list.find(',', at);
        if (comma == std::string::npos) comma = list.size();
        sizes.push_back(std::stoll(list.substr(at, comma - at)));
        at = comma + 1;
      }
    } else {
      std::cerr << "retrieval: unknown option '" << args[i] << "'\n";
      return 2;
    }
  }
  const fs::path dir = keep_dir.empty() ? fs::temp_directory_path() / ("pagewise-bench-retrieval-" + std::to_string(::getpid()))
                                        : fs::path(keep_dir);
  fs::create_directories(dir);
  std::mt19937 word_rng(42);
  auto words = random_words(word_rng, 20000);
  json results = json::array();
  for (int64_t size : sizes) {
    const fs::path file = dir / ("library-" + std::to_string(size) + "-" + std::to_string(words_per_chunk) + ".sqlite3");
    bool reuse = !keep_dir.empty() && fs::exists(file);
    if (!reuse) fs::remove(file);
    auto store = pw::rag::LibraryStore::open(file);
    if (!store) {
      std::cerr << store.error().describe() << "\n";
      return 1;
    }
    double build_s = 0;
    if (!reuse && !fill_library(*store, size, words_per_chunk, build_s)) {
      std::cerr << "retrieval: could not write the synthetic library\n";
      return 1;
    }
    auto placements = pw::rag::chunk_placements(*store);
    if (!placements) return 1;

    // A topic direction per document, each chunk around its document's topic.
    auto t_index = Clock::now();
    std::mt19937 rng(11);
    std::normal_distribution<float> normal;
    pw::rag::EmbeddingMatrix matrix;
    matrix.dim = dim;
    matrix.encoding = pw::rag::VectorEncoding::Float32;
    matrix.f32.resize(placements->size() * static_cast<size_t>(dim));
    std::map<int64_t, std::vector<float>> topics;
    for (size_t r = 0; r < placements->size(); ++r) {
      const auto& p = (*placements)[r];
      matrix.chunk_ids.push_back(p.chunk_id);
      auto [topic, fresh] = topics.try_emplace(p.document_id);
      if (fresh) {
        topic->second.resize(static_cast<size_t>(dim));
        for (float& x : topic->second) x = normal(rng);
      }
      float* row = matrix.f32.data() + r * static_cast<size_t>(dim);
      for (size_t i = 0; i < static_cast<size_t>(dim); ++i) row[i] = topic->second[i] + normal(rng);
    }
    std::vector<const std::vector<float>*> topic_list;
    for (const auto& [doc, t] : topics) topic_list.push_back(&t);
    auto index = pw::rag::VectorIndex::build(matrix, *placements);
    if (!index) return 1;
    const double index_s = std::chrono::duration<double>(Clock::now() - t_index).count();
    matrix = {};
    auto shared_index = std::make_shared<pw::rag::VectorIndex>(std::move(*index));

    PresetQueryVector embedder(dim);
    pw::rag::Retriever retriever(*store);
    if (!retriever.set_semantic(&embedder, shared_index).ok()) return 1;

    std::vector<double> lexical, semantic, fused, fused_lexical_part, fused_semantic_part, fused_passages_part;
    std::vector<double> lexical_cpu, semantic_cpu, fused_cpu;
    std::vector<double> recall_10, recall_100;
    const std::string load_before = load_average();
    std::mt19937 qrng(99);
    for (int q = 0; q < queries + 3; ++q) {  // the first 3 warm the caches and are not counted
      std::string text;
      int n = 3 + static_cast<int>(qrng() % 4);
      for (int k = 0; k < n; ++k) text += zipf_pick(qrng, words) + " ";
      std::vector<float> v = *topic_list[qrng() % topic_list.size()];
      for (float& x : v) x += normal(qrng);
      embedder.next = v;
      if (q >= 3) {  // recall of the index's search against its exact scan (not timed)
        for (auto [k, recall] : {std::pair{size_t{10}, &recall_10}, std::pair{size_t{100}, &recall_100}}) {
          auto fast = shared_index->search(v, k);
          auto exact = shared_index->search_exact(v, k);
          size_t found = 0;
          for (const auto& e : exact)
            for (const auto& h : fast) found += h.chunk_id == e.chunk_id;
          recall->push_back(exact.empty() ? 1.0 : static_cast<double>(found) / static_cast<double>(exact.size()));
        }
      }
      for (auto [mode, out, cpu] : {std::tuple{pw::rag::RetrievalMode::Lexical, &lexical, &lexical_cpu},
                                    std::tuple{pw::rag::RetrievalMode::Semantic, &semantic, &semantic_cpu},
                                    std::tuple{pw::rag::RetrievalMode::Auto, &fused, &fused_cpu}}) {
        const char* name = mode == pw::rag::RetrievalMode::Lexical ? "lexical"
                           : mode == pw::rag::RetrievalMode::Semantic ? "semantic" : "fused";
        if (("," + modes + ",").find(std::string(",") + name + ",") == std::string::npos) continue;
        const double cpu0 = process_cpu_ms();
        auto t = Clock::now();
        auto r = retriever.search({text, 10, {}, mode});
        double ms = ms_since(t);
        const double cpu_ms = process_cpu_ms() - cpu0;
        if (!r) {
          std::cerr << r.error().describe() << "\n";
          return 1;
        }
        if (q < 3) continue;
        if (per_query)
          std::fprintf(stderr, "%lld q%d %s wall %.1f cpu %.1f lexical %.1f semantic %.1f passages %.1f | %s\n",
                       static_cast<long long>(size), q - 3, name, ms, cpu_ms, r->timings.lexical_ms,
                       r->timings.semantic_ms, r->timings.passages_ms, text.c_str());
        out->push_back(ms);
        cpu->push_back(cpu_ms);
        if (mode == pw::rag::RetrievalMode::Auto) {
          fused_lexical_part.push_back(r->timings.lexical_ms);
          fused_semantic_part.push_back(r->timings.semantic_ms);
          fused_passages_part.push_back(r->timings.passages_ms);
        }
      }
    }
    auto stats = [](const std::vector<double>& v) {
      return json{{"median_ms", percentile(v, 0.5)}, {"p95_ms", percentile(v, 0.95)}};
    };
    auto file_bytes = fs::file_size(file);
    json entry{{"chunks", placements->size()},
               {"words_per_chunk", words_per_chunk},
               {"library_mb", static_cast<double>(file_bytes) / 1e6},
               {"build_s", reuse ? json(nullptr) : json(build_s)},
               {"vector_index_mb", static_cast<double>(shared_index->memory_bytes()) / 1e6},
               {"vector_index_build_s", index_s},
               {"lexical", stats(lexical)},
               {"semantic", stats(semantic)},
               {"fused", stats(fused)},
               {"cpu", {{"lexical", stats(lexical_cpu)}, {"semantic", stats(semantic_cpu)}, {"fused", stats(fused_cpu)}}},
               {"load_average", {{"before", load_before}, {"after", load_average()}}},
               {"semantic_two_pass", shared_index->size() >= shared_index->coarse_min_rows()},
               {"semantic_recall", {{"at_10_mean", mean(recall_10)}, {"at_10_min", min_of(recall_10)},
                                    {"at_100_mean", mean(recall_100)}, {"at_100_min", min_of(recall_100)}}},
               {"fused_parts_median_ms",
                {{"lexical", percentile(fused_lexical_part, 0.5)},
                 {"semantic_scan", percentile(fused_semantic_part, 0.5)},
                 {"passages", percentile(fused_passages_part, 0.5)}}}};
    results.push_back(entry);
    if (!as_json) {
      std::printf("%8zu chunks: lexical %.1f/%.1f ms, semantic %.1f/%.1f ms, fused %.1f/%.1f ms (median/p95); "
                  "CPU fused %.1f/%.1f ms\n",
                  placements->size(), percentile(lexical, 0.5), percentile(lexical, 0.95), percentile(semantic, 0.5),
                  percentile(semantic, 0.95), percentile(fused, 0.5), percentile(fused, 0.95), percentile(fused_cpu, 0.5),
                  percentile(fused_cpu, 0.95));
      std::fflush(stdout);
    }
  }
  if (as_json) {
    json out{{"bench", "retrieval"},
             {"queries", queries},
             {"k", 10},
             {"dim", dim},
             {"hardware_threads", std::thread::hardware_concurrency()},
             {"note", "semantic/fused exclude the query embedding (the encoder's time, see bench embed); "
                      "vectors clustered by document, int8 in memory; indexes from 262,144 rows searched in two "
                      "passes (1-bit codes, then int8 rescoring); fused runs semantic beside lexical"},
             {"sizes", results}};
    std::cout << out.dump(2) << "\n";
  }
  if (keep_dir.empty()) {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  return 0;
}

}  // namespace

PW_BENCH(retrieval, "retrieval",
         "retrieval [--json] [--sizes 10000,100000,1000000] [--queries N] [--dim D] [--words W] [--keep-dir DIR] "
         "[--modes lexical,semantic,fused] [--per-query]",
         "search latency (median, p95) of lexical, semantic and fused retrieval on synthetic libraries", run_retrieval);
