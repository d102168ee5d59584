// pagewise-bench retrieval-eval: retrieval quality on the evaluation sets of the shared corpus
// (../shared/corpus/README.md), against a plain lexical baseline measured in the same harness.
//
//   pagewise-bench retrieval-eval --json                 # all sets
//   pagewise-bench retrieval-eval --sets cuad,medquad --chunk-tokens 300
//
// Each set's documents are extracted and chunked (ingest) into one collection of a temporary
// library; its questions are searched in that collection. Per set: success@3 and success@10
// (a result from the right document whose page span covers a relevant page) and nDCG@10 over
// (document, page). Each result's gain is the best judgment among the pages of its span not
// already credited to an earlier result, so a chunk spanning pages cannot collect several
// gains. A result's span is its hit chunk's pages, never the neighbouring text added to it.
// Relevance per set:
//   cuad_clauses       relevant_pages of the question's contract (question prefixed with the
//                      contract's title and parties, as the README suggests to scope it)
//   financebench_qa    relevant_pages of the question's filing
//   medical_pdf_qa     source_page +-1 in the booklet (the README: score with +-1 page tolerance);
//                      also reported: any of answer_overlap_top_pages +-1
//   medquad_liveqa     judgments with grade >= 3 for success, all grades (1..4) as nDCG gains
// The baseline: 512-character chunks without overlap, FTS5 porter BM25, OR of every word of
// the question (same question text). Modes: lexical always; with --embed-model MODEL.gguf the
// chunks are embedded with that model (as `ingest --embed-model` does) and semantic and fused
// are reported too (without one: semantic null, fused = lexical). Only a trained embedding
// model says anything about semantic quality; random-weight test models exercise the mechanics.
// The "not_found" section calibrates the relevance threshold: each set's questions against its
// own collection (answerable) and against the other sets' collections (not answerable).
#include <nlohmann/json.hpp>
#include "engine/util/log.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "bench/bench.h"
#include "ingest/chunker.h"
#include "ingest/extract.h"
#include "engine/embed/embedder.h"
#include "rag/library/chunk_embedding.h"
#include "rag/retrieval/engine_query_embedder.h"
#include "rag/store/embedding_backfill.h"
#include "rag/retrieval/library_queries.h"
#include "rag/retrieval/retriever.h"
#include "rag/retrieval/word_tokens.h"
#include "rag/store/library_store.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

struct Judgment {
  std::string doc;
  int page = 0;
  int grade = 0;
};

struct Question {
  std::string id;
  std::string text;
  std::string doc;              // the question's document, when it has one
  std::vector<int> pages;       // relevant pages (cuad, fin) / source page (med)
  std::vector<int> alt_pages;   // med: answer_overlap_top_pages
  std::vector<Judgment> judgments;  // medquad
};

struct EvalSet {
  std::string name;
  std::string folder;  // under pdfs/
  std::string file;    // under eval/
  int tolerance = 0;   // pages either side that still count
  std::vector<Question> questions;
};

std::vector<json> read_jsonl(const fs::path& path) {
  std::vector<json> rows;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    rows.push_back(json::parse(line, nullptr, false));
    if (rows.back().is_discarded()) rows.pop_back();
  }
  return rows;
}

std::vector<int> int_list(const json& j) {
  std::vector<int> out;
  if (j.is_array())
    for (const auto& v : j)
      if (v.is_number_integer()) out.push_back(v.get<int>());
  return out;
}

std::string str(const json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

bool load_set(const fs::path& corpus, EvalSet& set) {
  auto rows = read_jsonl(corpus / "eval" / set.file);
  if (rows.empty()) return false;
  for (const json& r : rows) {
    Question q;
    q.id = str(r, "id");
    q.doc = str(r, "doc");
    q.text = str(r, "question");
    if (set.name == "cuad") {
      q.text = str(r, "doc_title") + " " + str(r, "parties") + " " + q.text;
      q.pages = int_list(r["relevant_pages"]);
    } else if (set.name == "financebench") {
      q.pages = int_list(r["relevant_pages"]);
    } else if (set.name == "medical_pdf") {
      if (r.contains("source_page") && r["source_page"].is_number_integer()) q.pages = {r["source_page"].get<int>()};
      q.alt_pages = int_list(r["answer_overlap_top_pages"]);
    } else if (set.name == "medquad") {
      for (const auto& j : r["judgments"]) {
        for (int p : int_list(j["pages"]))
          q.judgments.push_back(Judgment{str(j, "doc"), p, j.value("grade", 0)});
      }
    }
    set.questions.push_back(std::move(q));
  }
  return true;
}

// ---- building the libraries --------------------------------------------------------------

// The baseline's chunks: 512 bytes (at a character boundary) of the document's pages joined
// with line breaks, no overlap, each with the span of pages it touches.
std::vector<pw::ingest::Chunk> baseline_chunks(const pw::ingest::ExtractedDocument& doc) {
  std::string all;
  std::vector<std::pair<size_t, int>> page_at;  // start offset -> page number
  for (const auto& p : doc.pages) {
    page_at.emplace_back(all.size(), p.number);
    all += p.text;
    all += '\n';
  }
  auto page_of = [&](size_t offset) {
    int page = page_at.empty() ? 1 : page_at.front().second;
    for (const auto& [start, number] : page_at)
      if (start <= offset) page = number;
    return page;
  };
  std::vector<pw::ingest::Chunk> out;
  size_t at = 0;
  while (at < all.size()) {
    size_t end = std::min(all.size(), at + 512);
    while (end < all.size() && end > at && (static_cast<unsigned char>(all[end]) & 0xC0) == 0x80) --end;
    if (end == at) end = std::min(all.size(), at + 512);
    pw::ingest::Chunk c;
    c.ordinal = static_cast<int>(out.size());
    c.page_start = page_of(at);
    c.page_end = page_of(end - 1);
    c.text = all.substr(at, end - at);
    c.token_count = static_cast<int>(c.text.size() / 4);
    out.push_back(std::move(c));
    at = end;
  }
  return out;
}

struct Libraries {
  std::map<std::string, int64_t> pagewise_collection;  // set name -> collection
  std::map<std::string, int64_t> baseline_collection;
  int documents = 0;
  int64_t chunks = 0;
  int64_t baseline_chunks = 0;
  double ingest_s = 0;
};

bool build_libraries(const fs::path& corpus, const std::vector<EvalSet>& sets, const pw::ingest::ChunkOptions& chunking,
                     pw::rag::LibraryStore& store, pw::rag::LibraryStore& baseline, Libraries& libs) {
  auto t = Clock::now();
  for (const auto& set : sets) {
    int64_t coll = *store.ensure_collection(set.name);
    int64_t bcoll = *baseline.ensure_collection(set.name);
    libs.pagewise_collection[set.name] = coll;
    libs.baseline_collection[set.name] = bcoll;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(corpus / "pdfs" / set.folder))
      if (e.path().extension() == ".pdf") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      pw::ingest::ExtractOptions options;
      auto doc = pw::ingest::extract(f, options);
      if (!doc) {
        std::cerr << "retrieval-eval: " << doc.error().describe() << "\n";
        return false;
      }
      if (doc->status != pw::ingest::DocumentStatus::Ok) {
        std::cerr << "retrieval-eval: " << f.filename().string() << ": " << doc->error << "\n";
        continue;
      }
      pw::rag::FileFacts facts{f.string(), static_cast<int64_t>(fs::file_size(f)), 1, std::string(64, '0')};
      auto chunks = pw::ingest::chunk_document(*doc, chunking);
      auto saved = store.replace_document(coll, facts, *doc, chunks);
      auto bchunks = baseline_chunks(*doc);
      auto bsaved = baseline.replace_document(bcoll, facts, *doc, bchunks);
      if (!saved || !bsaved) {
        std::cerr << "retrieval-eval: " << (!saved ? saved.error() : bsaved.error()).describe() << "\n";
        return false;
      }
      ++libs.documents;
      libs.chunks += static_cast<int64_t>(chunks.size());
      libs.baseline_chunks += static_cast<int64_t>(bchunks.size());
    }
  }
  libs.ingest_s = std::chrono::duration<double>(Clock::now() - t).count();
  return true;
}

// ---- scoring -------------------------------------------------------------------------------

struct Hit {
  std::string doc;  // file name
  int page_start = 0, page_end = 0;
};

bool covers(const Hit& h, const std::string& doc, const std::vector<int>& pages, int tolerance) {
  if (h.doc != doc) return false;
  for (int p : pages)
    if (p >= h.page_start - tolerance && p <= h.page_end + tolerance) return true;
  return false;
}

bool relevant(const EvalSet& set, const Question& q, const Hit& h) {
  if (set.name == "medquad") {
    for (const auto& j : q.judgments)
      if (j.grade >= 3 && h.doc == j.doc && j.page >= h.page_start && j.page <= h.page_end) return true;
    return false;
  }
  return covers(h, q.doc, q.pages, set.tolerance);
}

double ndcg10(const EvalSet& set, const Question& q, const std::vector<Hit>& hits) {
  std::map<std::pair<std::string, int>, int> gain;
  if (set.name == "medquad") {
    for (const auto& j : q.judgments) {
      int& g = gain[{j.doc, j.page}];
      g = std::max(g, j.grade);
    }
  } else {
    for (int p : q.pages) gain[{q.doc, p}] = 1;
  }
  std::set<std::pair<std::string, int>> credited;
  double dcg = 0;
  for (size_t r = 0; r < hits.size() && r < 10; ++r) {
    int best = 0;
    std::pair<std::string, int> best_key;
    for (int p = hits[r].page_start; p <= hits[r].page_end; ++p) {
      auto it = gain.find({hits[r].doc, p});
      if (it != gain.end() && !credited.count(it->first) && it->second > best) {
        best = it->second;
        best_key = it->first;
      }
    }
    if (best > 0) credited.insert(best_key);
    dcg += best / std::log2(static_cast<double>(r) + 2.0);
  }
  std::vector<int> ideal;
  for (const auto& [k, g] : gain) ideal.push_back(g);
  std::sort(ideal.rbegin(), ideal.rend());
  double idcg = 0;
  for (size_t r = 0; r < ideal.size() && r < 10; ++r) idcg += ideal[r] / std::log2(static_cast<double>(r) + 2.0);
  return idcg > 0 ? dcg / idcg : 0;
}

struct Scores {
  double s3 = 0, s10 = 0, ndcg = 0, alt_s3 = 0, pages_per_result = 0;
  int queries = 0;
  std::vector<double> latency_ms;
  json per_question = json::array();

  json to_json(bool with_alt, bool details) const {
    json j{{"queries", queries},
           {"success_at_3", s3 / std::max(1, queries)},
           {"success_at_10", s10 / std::max(1, queries)},
           {"ndcg_at_10", ndcg / std::max(1, queries)},
           {"mean_pages_per_result", pages_per_result / std::max(1, queries)}};
    if (with_alt) j["success_at_3_overlap_pages"] = alt_s3 / std::max(1, queries);
    if (!latency_ms.empty()) {
      std::vector<double> v = latency_ms;
      std::sort(v.begin(), v.end());
      j["latency_ms_median"] = v[v.size() / 2];
    }
    if (details) j["per_question"] = per_question;
    return j;
  }
};

void score_question(const EvalSet& set, const Question& q, const std::vector<Hit>& hits, Scores& s) {
  ++s.queries;
  int first = 0;
  for (size_t r = 0; r < hits.size() && r < 10; ++r)
    if (relevant(set, q, hits[r])) {
      first = static_cast<int>(r) + 1;
      break;
    }
  s.s3 += first >= 1 && first <= 3;
  s.s10 += first >= 1;
  double nd = ndcg10(set, q, hits);
  s.ndcg += nd;
  if (!q.alt_pages.empty()) {
    for (size_t r = 0; r < hits.size() && r < 3; ++r)
      if (covers(hits[r], q.doc, q.alt_pages, 1)) {
        s.alt_s3 += 1;
        break;
      }
  }
  double pages = 0;
  for (size_t r = 0; r < hits.size() && r < 10; ++r) pages += hits[r].page_end - hits[r].page_start + 1;
  s.pages_per_result += hits.empty() ? 0 : pages / static_cast<double>(std::min<size_t>(hits.size(), 10));
  s.per_question.push_back(json{{"id", q.id}, {"first_relevant_rank", first}, {"ndcg_at_10", nd}});
}

std::vector<Hit> baseline_search(pw::rag::LibraryStore& store, const std::string& question, int64_t collection) {
  // OR of every word of the question, as typed (quoted, so never an FTS syntax error).
  std::string expression;
  for (const auto& w : pw::rag::word_tokens(question, 256)) {
    std::string raw = question.substr(w.begin, w.end - w.begin);
    if (expression.find("\"" + raw + "\"") != std::string::npos) continue;
    if (!expression.empty()) expression += " OR ";
    expression += "\"" + raw + "\"";
  }
  std::vector<Hit> hits;
  auto found = pw::rag::fts_candidates(store, expression, 10, pw::rag::SearchFilter::in_collections({collection}),
                                       pw::rag::FtsColumnWeights{1.0, 1.0});
  if (!found) return hits;
  for (const auto& c : *found) {
    auto chunk = store.chunk(c.chunk_id);
    auto doc = store.document(c.document_id);
    if (!chunk || !doc || !*doc) continue;
    hits.push_back(Hit{fs::path((*doc)->path).filename().string(), chunk->page_start, chunk->page_end});
  }
  return hits;
}

std::vector<Hit> to_hits(const pw::rag::RetrievalResult& r) {
  std::vector<Hit> hits;
  for (const auto& p : r.passages) hits.push_back(Hit{fs::path(p.document_path).filename().string(), p.page_start, p.page_end});
  return hits;
}

int run_retrieval_eval(std::vector<std::string>& args) {
  pw::log::set_level(pw::log::Level::warn);  // stdout is for the JSON
  bool as_json = false, details = false;
  fs::path corpus = fs::path(PAGEWISE_SHARED_DIR) / "corpus";
  pw::ingest::ChunkOptions chunking;
  std::string only;
  std::string keep_db;
  pw::rag::RetrieverOptions retriever_options;
  bool reuse = false;  // with --keep-db: search the libraries left by an earlier run
  std::string embed_model;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> std::string { return i + 1 < args.size() ? args[++i] : std::string(); };
    if (a == "--json") as_json = true;
    else if (a == "--details") details = true;
    else if (a == "--corpus") corpus = value();
    else if (a == "--chunk-tokens") chunking.target_tokens = std::stoi(value());
    else if (a == "--overlap") chunking.overlap = std::stod(value());
    else if (a == "--join-sections-below") chunking.join_sections_below = std::stoi(value());
    else if (a == "--sets") only = value();
    else if (a == "--keep-db") keep_db = value();
    else if (a == "--document-weight") retriever_options.lexical.document_weight = std::stod(value());
    else if (a == "--documents-rescored") retriever_options.lexical.documents_rescored = std::stoi(value());
    else if (a == "--heading-weight") {
      retriever_options.lexical.columns.heading = std::stod(value());
      retriever_options.lexical.passage.heading_weight = retriever_options.lexical.columns.heading;
    } else if (a == "--phrase-weight") retriever_options.lexical.passage.phrase_weight = std::stod(value());
    else if (a == "--reuse") reuse = true;
    else if (a == "--no-expand") retriever_options.passages.expand_neighbours = false;
    else if (a == "--embed-model") embed_model = value();
    else {
      std::cerr << "retrieval-eval: unknown option '" << a << "'\n";
      return 2;
    }
  }
  std::vector<EvalSet> sets = {
      {"cuad", "legal_cuad", "cuad_clauses.jsonl", 0, {}},
      {"financebench", "finance_financebench", "financebench_qa.jsonl", 0, {}},
      {"medical_pdf", "medical_real", "medical_pdf_qa.jsonl", 1, {}},
      {"medquad", "medical_medquad_rendered", "medquad_liveqa_qrels.jsonl", 0, {}},
  };
  if (!only.empty()) {
    std::erase_if(sets, [&](const EvalSet& s) { return ("," + only + ",").find("," + s.name + ",") == std::string::npos; });
  }
  for (auto& s : sets) {
    if (!load_set(corpus, s)) {
      std::cerr << "retrieval-eval: cannot read " << (corpus / "eval" / s.file).string() << "\n";
      return 1;
    }
  }

  fs::path dir = keep_db.empty() ? fs::temp_directory_path() / ("pagewise-bench-eval-" + std::to_string(::getpid()))
                                 : fs::path(keep_db);
  reuse = reuse && !keep_db.empty() && fs::exists(dir / "library.sqlite3");
  if (!reuse) fs::remove_all(dir);
  auto store = pw::rag::LibraryStore::open(dir / "library.sqlite3");
  auto baseline = pw::rag::LibraryStore::open(dir / "baseline.sqlite3");
  if (!store || !baseline) {
    std::cerr << "retrieval-eval: " << (!store ? store.error() : baseline.error()).describe() << "\n";
    return 1;
  }
  Libraries libs;
  if (reuse) {
    for (const auto& set : sets) {
      libs.pagewise_collection[set.name] = *store->ensure_collection(set.name);
      libs.baseline_collection[set.name] = *baseline->ensure_collection(set.name);
    }
    libs.chunks = *pw::rag::library_chunk_count(*store);
    libs.baseline_chunks = *pw::rag::library_chunk_count(*baseline);
    libs.documents = static_cast<int>(store->list_documents()->size());
  } else if (!build_libraries(corpus, sets, chunking, *store, *baseline, libs)) {
    return 1;
  }

  pw::rag::Retriever retriever(*store, retriever_options);
  std::unique_ptr<pw::rag::EngineQueryEmbedder> query_embedder;
  json semantic_note = "not run: no --embed-model (fused = lexical)";
  double embed_s = 0;
  if (!embed_model.empty()) {
    auto loaded = pw::embed::Embedder::load(embed_model);
    if (!loaded) {
      std::cerr << "retrieval-eval: " << loaded.error().describe() << "\n";
      return 1;
    }
    std::shared_ptr<pw::embed::Embedder> embedder(std::move(*loaded));
    const auto spec = pw::rag::embedding_spec(*embedder);
    auto model = store->ensure_embedding_model(spec.name, spec.dim, spec.encoding);
    if (!model) {
      std::cerr << "retrieval-eval: " << model.error().describe() << "\n";
      return 1;
    }
    auto t_embed = Clock::now();
    pw::Status embedded = pw::rag::embed_missing_chunks(*store, model->id, pw::rag::passage_embed_function(embedder), {});
    embed_s = std::chrono::duration<double>(Clock::now() - t_embed).count();
    if (!embedded.ok()) {
      std::cerr << "retrieval-eval: embedding the chunks: " << embedded.error().describe() << "\n";
      return 1;
    }
    query_embedder = std::make_unique<pw::rag::EngineQueryEmbedder>(embedder);
    auto on = retriever.use_library_vectors(*query_embedder);
    if (!on || !*on) {
      std::cerr << "retrieval-eval: semantic search could not be turned on"
                << (on ? std::string() : ": " + on.error().describe()) << "\n";
      return 1;
    }
    semantic_note = json{{"model", spec.name}, {"dim", spec.dim}, {"embed_s", embed_s},
                         {"note", "quality figures mean something only for a trained embedding model"}};
  }
  json out{{"bench", "retrieval-eval"},
           {"corpus", corpus.string()},
           {"documents", libs.documents},
           {"chunks", libs.chunks},
           {"baseline_chunks", libs.baseline_chunks},
           {"chunk_target_tokens", chunking.target_tokens},
           {"chunk_overlap", chunking.overlap},
           {"ingest_s", libs.ingest_s},
           {"semantic", semantic_note}};
  json set_results = json::array();
  json calibration = json::array();
  for (const auto& set : sets) {
    Scores base, lexical, semantic, fused;
    const int64_t coll = libs.pagewise_collection[set.name];
    for (const auto& q : set.questions) {
      if (retriever.has_semantic()) {
        for (auto [mode, scores] : {std::pair{pw::rag::RetrievalMode::Semantic, &semantic},
                                    std::pair{pw::rag::RetrievalMode::Auto, &fused}}) {
          auto t = Clock::now();
          auto r = retriever.search({q.text, 10, pw::rag::SearchFilter::in_collections({coll}), mode});
          scores->latency_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t).count());
          if (!r) {
            std::cerr << "retrieval-eval: " << r.error().describe() << "\n";
            return 1;
          }
          score_question(set, q, to_hits(*r), *scores);
        }
      }
      score_question(set, q, baseline_search(*baseline, q.text, libs.baseline_collection[set.name]), base);
      auto t = Clock::now();
      auto r = retriever.search({q.text, 10, pw::rag::SearchFilter::in_collections({coll}), pw::rag::RetrievalMode::Lexical});
      lexical.latency_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t).count());
      if (!r) {
        std::cerr << "retrieval-eval: " << r.error().describe() << "\n";
        return 1;
      }
      score_question(set, q, to_hits(*r), lexical);
      // Calibration: the same question in every collection; answerable only in its own.
      for (const auto& other : sets) {
        auto o = retriever.search(
            {q.text, 10, pw::rag::SearchFilter::in_collections({libs.pagewise_collection[other.name]}), pw::rag::RetrievalMode::Lexical});
        if (!o) return 1;
        calibration.push_back(json{{"set", set.name}, {"asked_of", other.name}, {"answerable", other.name == set.name},
                                   {"coverage", o->best_term_coverage}});
      }
    }
    const bool alt = set.name == "medical_pdf";
    json entry{{"set", set.name}, {"queries", set.questions.size()}, {"baseline", base.to_json(alt, false)},
               {"lexical", lexical.to_json(alt, details)},
               {"semantic", retriever.has_semantic() ? semantic.to_json(alt, details) : json(nullptr)},
               {"fused", retriever.has_semantic() ? fused.to_json(alt, details) : lexical.to_json(alt, false)}};
    set_results.push_back(entry);
  }
  out["sets"] = set_results;

  // Threshold sweep: answerable questions kept vs. unanswerable ones refused.
  json sweep = json::array();
  for (double th = 0.2; th <= 0.901; th += 0.05) {
    int pos = 0, pos_kept = 0, neg = 0, neg_refused = 0;
    for (const auto& c : calibration) {
      bool kept = c["coverage"].get<double>() >= th;
      if (c["answerable"].get<bool>()) {
        ++pos;
        pos_kept += kept;
      } else {
        ++neg;
        neg_refused += !kept;
      }
    }
    sweep.push_back(json{{"min_term_coverage", std::round(th * 100) / 100},
                         {"answerable_kept", static_cast<double>(pos_kept) / std::max(1, pos)},
                         {"unanswerable_refused", static_cast<double>(neg_refused) / std::max(1, neg)}});
  }
  out["not_found"] = json{{"default_min_term_coverage", pw::rag::kDefaultMinTermCoverage}, {"sweep", sweep}};

  if (as_json) {
    std::cout << out.dump(2) << "\n";
  } else {
    std::printf("%-13s %5s  %-22s  %-22s  %-22s  %-22s\n", "set", "n", "baseline s@3 s@10 nDCG",
                "lexical s@3 s@10 nDCG", "semantic s@3 s@10 nDCG", "fused s@3 s@10 nDCG");
    for (const auto& s : set_results) {
      std::printf("%-13s %5d", s["set"].get<std::string>().c_str(), s["queries"].get<int>());
      for (const char* mode : {"baseline", "lexical", "semantic", "fused"}) {
        if (s[mode].is_null()) {
          std::printf("  %-22s", "-");
          continue;
        }
        std::printf("  %6.2f %6.2f %6.2f  ", s[mode]["success_at_3"].get<double>(),
                    s[mode]["success_at_10"].get<double>(), s[mode]["ndcg_at_10"].get<double>());
      }
      std::printf("\n");
    }
    for (const auto& s : sweep)
      std::printf("coverage >= %.2f: answerable kept %.2f, unanswerable refused %.2f\n",
                  s["min_term_coverage"].get<double>(), s["answerable_kept"].get<double>(),
                  s["unanswerable_refused"].get<double>());
  }
  if (keep_db.empty()) {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  return 0;
}

}  // namespace

PW_BENCH(retrieval_eval, "retrieval-eval",
         "retrieval-eval [--json] [--details] [--sets cuad,financebench,medical_pdf,medquad] [--chunk-tokens N] "
         "[--overlap F] [--corpus DIR] [--keep-db DIR] [--document-weight W] [--documents-rescored N] "
         "[--heading-weight W] [--phrase-weight W] [--no-expand] [--reuse] [--embed-model MODEL.gguf]",
         "retrieval quality (success@3/@10, nDCG@10) on the corpus evaluation sets vs a plain BM25 baseline",
         run_retrieval_eval);
