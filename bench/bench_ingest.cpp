// pagewise-bench ingest: the whole ingestion path as `pagewise-cli ingest` runs it: folder
// walk, extraction (PDFs in child processes) and chunking on all cores, one writer saving
// each document with its full-text index in its own transaction, into a fresh library.
//
//   pagewise-bench ingest --json                  # ../shared/corpus/pdfs, all cores, 3 runs
//   pagewise-bench ingest --dir DIR -t 2 --repeat 5
//
// Prints one JSON object: pages, chunks, documents by status, the median wall time of the
// runs and pages/s and chunks/s from it, CPU seconds (this process and the PDF reader
// processes), and the median time of an incremental rerun over the unchanged folder.
// --embed-model MODEL (or --embed-shape all-minilm-l6-v2|bge-base: a random-weight encoder in that
// shape, engine/embed/test_encoder_model.h) also embeds every chunk as `pagewise-cli ingest
// --embed-model` does (rag/library/chunk_embedding.h: the encoder on its own thread while
// extraction goes on). Then the figures with embedding: chunks/s over the whole run until the
// last vector is written, and how busy the encoder was kept (embed_busy_fraction = time spent
// embedding / run time; near 1 means the encoder is the limit and never waited).
// --stages adds "stage_breakdown": every document taken through the stages one at a time on
// one thread, each stage timed (bench/ingest_stages.h): where the CPU time goes.
// --repeat 0 skips the parallel runs (with --stages: the breakdown only).
#include <nlohmann/json.hpp>
#include "engine/util/log.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <filesystem>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench.h"
#include "bench/bench_stats.h"
#include "bench/ingest_stages.h"
#include "engine/embed/embedder.h"
#include "engine/embed/test_encoder_model.h"
#include "rag/library/chunk_embedding.h"
#include "rag/library/library.h"

namespace {

using pw::bench::cpu_seconds_so_far;

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;


double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

struct RunFigures {
  double seconds = 0;
  double cpu_seconds = 0;
  double rerun_seconds = 0;
  int64_t chunks_embedded = 0;
  double embed_busy_seconds = 0;
  pw::rag::IngestReport report;
};

pw::Result<RunFigures> run_once(const fs::path& dir, const fs::path& work, pw::rag::IngestOptions options,
                                const std::shared_ptr<pw::embed::Embedder>& embedder) {
  const fs::path db = work / "library.sqlite3";
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db.string() + suffix, ec);
  auto library = pw::rag::Library::open(db);
  if (!library) return library.error();
  RunFigures f;
  const double cpu0 = cpu_seconds_so_far();
  const auto t0 = Clock::now();
  std::unique_ptr<pw::rag::ChunkEmbeddingWorker> worker;
  if (embedder) {
    worker = pw::rag::ChunkEmbeddingWorker::start(db, embedder);
    pw::rag::ChunkEmbeddingWorker* w = worker.get();
    options.on_document = [w](const pw::rag::DocumentOutcome&) { w->notify(); };
  }
  auto report = library->add_paths("bench", {dir}, options);
  if (worker) {
    worker->ingestion_finished();
    PW_TRY(worker->wait());
    f.chunks_embedded = worker->embedded();
    f.embed_busy_seconds = worker->busy_seconds();
    options.on_document = nullptr;
  }
  if (!report) return report.error();
  f.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  f.cpu_seconds = cpu_seconds_so_far() - cpu0;
  f.report = std::move(*report);
  const auto t1 = Clock::now();
  auto rerun = library->add_paths("bench", {dir}, options);
  if (!rerun) return rerun.error();
  f.rerun_seconds = std::chrono::duration<double>(Clock::now() - t1).count();
  return f;
}

int run_ingest_bench(std::vector<std::string>& args) {
  pw::log::set_level(pw::log::Level::warn);  // stdout carries the JSON only
  fs::path dir = fs::path(PAGEWISE_SHARED_DIR) / "corpus" / "pdfs";
  int repeats = 3;
  pw::rag::IngestOptions options;
  std::string embed_model, embed_shape;
  bool stages = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= args.size()) {
        std::cerr << "pagewise-bench ingest: " << a << " needs a value\n";
        std::exit(2);
      }
      return args[++i];
    };
    try {
      if (a == "--dir") dir = value();
      else if (a == "-t" || a == "--threads") options.threads = std::max(1, std::stoi(value()));
      else if (a == "--repeat") repeats = std::max(0, std::stoi(value()));
      else if (a == "--stages") stages = true;
      else if (a == "--embed-model") embed_model = value();
      else if (a == "--embed-shape") embed_shape = value();
      else if (a == "--json") continue;  // JSON is the only output
      else {
        std::cerr << "pagewise-bench ingest: unknown option " << a << "\n";
        return 2;
      }
    } catch (...) {
      std::cerr << "pagewise-bench ingest: " << a << " needs a number\n";
      return 2;
    }
  }
  if (!fs::is_directory(dir)) {
    std::cerr << "pagewise-bench ingest: no folder " << dir << "\n";
    return 1;
  }
  const fs::path work = fs::temp_directory_path() / ("pagewise-bench-ingest-" + std::to_string(getpid()));
  std::error_code ec;
  fs::create_directories(work, ec);

  std::shared_ptr<pw::embed::Embedder> embedder;
  if (!embed_shape.empty() && embed_model.empty()) {
    const auto* shape = pw::embed::find_test_encoder_shape(embed_shape);
    if (!shape) {
      std::cerr << "pagewise-bench ingest: unknown --embed-shape (known: " << pw::embed::test_encoder_shape_names() << ")\n";
      return 2;
    }
    pw::embed::TestEncoderOptions o;
    const fs::path vocab = fs::path(PAGEWISE_SHARED_DIR) / "fixtures/tokenizers/ggml-vocab-bert-bge.gguf";
    if (fs::exists(vocab)) o.vocab_from = vocab;
    embed_model = (work / (embed_shape + ".gguf")).string();
    if (pw::Status s = pw::embed::write_test_encoder_model(embed_model, *shape, o); !s.ok()) {
      std::cerr << "pagewise-bench ingest: " << s.error().describe() << "\n";
      return 1;
    }
  }
  if (!embed_model.empty()) {
    auto e = pw::embed::Embedder::load(embed_model);
    if (!e) {
      std::cerr << "pagewise-bench ingest: " << e.error().describe() << "\n";
      fs::remove_all(work, ec);
      return 1;
    }
    embedder = std::shared_ptr<pw::embed::Embedder>(std::move(*e));
  }

  std::vector<RunFigures> runs;
  for (int r = 0; r < repeats; ++r) {
    auto f = run_once(dir, work, options, embedder);
    if (!f) {
      std::cerr << "pagewise-bench ingest: " << f.error().describe() << "\n";
      fs::remove_all(work, ec);
      return 1;
    }
    runs.push_back(std::move(*f));
  }
  std::optional<pw::bench::IngestStages> breakdown;
  if (stages) {
    auto measured = pw::bench::measure_ingest_stages(dir, work);
    if (!measured) {
      std::cerr << "pagewise-bench ingest: " << measured.error().describe() << "\n";
      fs::remove_all(work, ec);
      return 1;
    }
    breakdown = std::move(*measured);
  }
  fs::remove_all(work, ec);

  const int threads = options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency());
  nlohmann::ordered_json out = {{"bench", "ingest"}, {"dir", dir.string()}, {"threads", threads}, {"repeats", repeats}};
  if (!runs.empty()) {
    std::vector<double> times, cpu, rerun;
    for (const auto& r : runs) {
      times.push_back(r.seconds);
      cpu.push_back(r.cpu_seconds);
      rerun.push_back(r.rerun_seconds);
    }
    const auto& first = runs.front().report;
    const double t = median(times);
    out["documents"] = first.documents.size();
    out["documents_by_status"] = first.count_by_status();
    out["failed"] = first.count(pw::rag::IngestAction::Failed);
    out["pages"] = first.pages_extracted;
    out["chunks"] = first.chunks_written;
    out["seconds_runs"] = times;
    out["seconds_median"] = t;
    out["pages_per_s"] = static_cast<double>(first.pages_extracted) / t;
    out["chunks_per_s"] = static_cast<double>(first.chunks_written) / t;
    out["cpu_seconds_median"] = median(cpu);
    out["pages_per_cpu_s"] = static_cast<double>(first.pages_extracted) / median(cpu);
    out["incremental_rerun_seconds_median"] = median(rerun);
    if (embedder) {
      std::vector<double> busy;
      for (const auto& r : runs) busy.push_back(r.embed_busy_seconds / std::max(r.seconds, 1e-9));
      out["embedding"] = {{"model", embedder->model_name()},
                          {"shape", embed_shape},
                          {"weight_type", embedder->weight_type()},
                          {"embed_threads", embedder->threads()},
                          {"chunks_embedded", runs.front().chunks_embedded},
                          {"chunks_per_s_with_embedding", static_cast<double>(first.chunks_written) / t},
                          {"pages_per_s_with_embedding", static_cast<double>(first.pages_extracted) / t},
                          {"embed_busy_fraction_median", median(busy)}};
    } else {
      out["embedding"] = nullptr;
    }
  }
  if (breakdown) out["stage_breakdown"] = breakdown->to_json();
  std::cout << out.dump(2) << "\n";
  return 0;
}

}  // namespace

PW_BENCH(ingest, "ingest",
         "ingest [--json] [--dir DIR] [-t THREADS] [--repeat N] [--stages] "
         "[--embed-model MODEL | --embed-shape all-minilm-l6-v2|bge-base]",
         "walk + extract + chunk + FTS-index a folder into a fresh library: pages/s, chunks/s (default: the corpus)",
         run_ingest_bench);
