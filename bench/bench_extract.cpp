// pagewise-bench extract: extraction + chunking speed over a folder of documents (by default
// the shared corpus), parallel over documents. Embeddings and FTS indexing are not included.
//
//   pagewise-bench extract                       # ../shared/corpus/pdfs, 2 threads, 3 runs
//   pagewise-bench extract --dir DIR -t 4 --repeat 5 --in-process
//
// Prints one JSON object: pages, documents by status, chunks, the median wall time of the
// runs and pages/s and chunks/s from it. --in-process runs Poppler without the protective
// child process (to measure what the protection costs); never use it on untrusted files.
// The machine may be shared: cpu_seconds_median (user + system time of this process and of
// the PDF reader processes) and pages_per_cpu_s tell the cost independently of the load;
// pages_per_s is wall-clock. --list prints one line per document to stderr (first run).
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <sys/resource.h>

#include "bench/bench.h"
#include "bench/bench_stats.h"
#include "ingest/chunker.h"
#include "ingest/extract.h"

namespace {

using pw::bench::cpu_seconds_so_far;

namespace fs = std::filesystem;


struct RunTotals {
  double seconds = 0;
  double cpu_seconds = 0;  // user + system, this process and its finished children (PDF readers)
  long pages = 0;
  long chunks = 0;
  long tokens = 0;
  std::map<std::string, int> by_status;
  std::vector<std::pair<double, std::string>> per_document;  // seconds, file
  int errors = 0;
};

std::vector<fs::path> collect(const fs::path& dir) {
  std::vector<std::pair<uintmax_t, fs::path>> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    std::string ext = it->path().extension().string();
    for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (ext == ".pdf" || ext == ".txt" || ext == ".md" || ext == ".html" || ext == ".htm")
      files.emplace_back(it->file_size(), it->path());
  }
  std::sort(files.begin(), files.end(), [](auto& a, auto& b) { return a.first > b.first; });  // big first: better balance
  std::vector<fs::path> out;
  for (auto& f : files) out.push_back(f.second);
  return out;
}

RunTotals run_once(const std::vector<fs::path>& files, int threads, const pw::ingest::ExtractOptions& extract_options,
                   const pw::ingest::ChunkOptions& chunk_options, bool list) {
  RunTotals totals;
  const double cpu_start = cpu_seconds_so_far();
  std::mutex mu;
  std::atomic<size_t> next{0};
  const auto start = std::chrono::steady_clock::now();
  auto worker = [&] {
    while (true) {
      const size_t i = next.fetch_add(1);
      if (i >= files.size()) return;
      const auto t0 = std::chrono::steady_clock::now();
      auto doc = pw::ingest::extract(files[i], extract_options);
      long pages = 0, chunks = 0, tokens = 0;
      std::string status = "error";
      if (doc) {
        status = pw::ingest::to_string(doc->status);
        pages = static_cast<long>(doc->pages.size());
        if (!doc->pages.empty()) {
          for (const auto& c : pw::ingest::chunk_document(*doc, chunk_options)) {
            ++chunks;
            tokens += c.token_count;
          }
        }
      }
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::lock_guard<std::mutex> lock(mu);
      totals.pages += pages;
      totals.chunks += chunks;
      totals.tokens += tokens;
      ++totals.by_status[status];
      totals.per_document.emplace_back(s, files[i].filename().string());
      if (!doc) ++totals.errors;
      if (list)
        std::cerr << status << "\t" << pages << " pages\t" << chunks << " chunks\t" << s << " s\t"
                  << files[i].filename().string() << "\t" << (doc ? doc->title + "\t" + doc->error : doc.error().describe())
                  << "\n";
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
  totals.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  totals.cpu_seconds = cpu_seconds_so_far() - cpu_start;
  return totals;
}

int run_extract(std::vector<std::string>& args) {
  fs::path dir = fs::path(PAGEWISE_SHARED_DIR) / "corpus" / "pdfs";
  int threads = 2, repeats = 3;
  bool list = false;
  pw::ingest::ExtractOptions extract_options;
  pw::ingest::ChunkOptions chunk_options;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= args.size()) {
        std::cerr << "pagewise-bench extract: " << a << " needs a value\n";
        std::exit(2);
      }
      return args[++i];
    };
    if (a == "--dir") dir = value();
    else if (a == "-t" || a == "--threads") threads = std::max(1, std::stoi(value()));
    else if (a == "--repeat") repeats = std::max(1, std::stoi(value()));
    else if (a == "--in-process") extract_options.isolate_pdf = false;
    else if (a == "--target-tokens") chunk_options.target_tokens = std::stoi(value());
    else if (a == "--list") list = true;
    else if (a == "--json") continue;  // JSON is the only output
    else {
      std::cerr << "pagewise-bench extract: unknown option " << a << "\n";
      return 2;
    }
  }
  const std::vector<fs::path> files = collect(dir);
  if (files.empty()) {
    std::cerr << "pagewise-bench extract: no PDF/TXT/MD/HTML files under " << dir << "\n";
    return 1;
  }
  std::vector<RunTotals> runs;
  for (int r = 0; r < repeats; ++r) runs.push_back(run_once(files, threads, extract_options, chunk_options, list && r == 0));
  std::vector<double> times, cpu_times;
  for (const auto& r : runs) {
    times.push_back(r.seconds);
    cpu_times.push_back(r.cpu_seconds);
  }
  std::sort(cpu_times.begin(), cpu_times.end());
  const double cpu_median = cpu_times[cpu_times.size() / 2];
  std::vector<double> sorted = times;
  std::sort(sorted.begin(), sorted.end());
  const double median = sorted[sorted.size() / 2];
  const RunTotals& first = runs.front();
  auto slowest = first.per_document;
  std::sort(slowest.begin(), slowest.end(), std::greater<>());
  nlohmann::json slow = nlohmann::json::array();
  for (size_t i = 0; i < std::min<size_t>(5, slowest.size()); ++i)
    slow.push_back({{"file", slowest[i].second}, {"seconds", slowest[i].first}});
  nlohmann::json out = {
      {"bench", "extract"},
      {"dir", dir.string()},
      {"threads", threads},
      {"isolated_pdf_reader", extract_options.isolate_pdf},
      {"target_tokens", chunk_options.target_tokens},
      {"repeats", repeats},
      {"documents", files.size()},
      {"documents_by_status", first.by_status},
      {"extraction_errors", first.errors},
      {"pages", first.pages},
      {"chunks", first.chunks},
      {"mean_chunk_tokens", first.chunks ? static_cast<double>(first.tokens) / first.chunks : 0.0},
      {"seconds_runs", times},
      {"seconds_median", median},
      {"pages_per_s", first.pages / median},
      {"chunks_per_s", first.chunks / median},
      {"cpu_seconds_median", cpu_median},
      {"pages_per_cpu_s", first.pages / cpu_median},
      {"slowest_documents", slow},
  };
  std::cout << out.dump(2) << "\n";
  return 0;
}

}  // namespace

PW_BENCH(extract, "extract", "extract [--dir DIR] [-t THREADS] [--repeat N] [--in-process] [--target-tokens N] [--list]",
         "extraction + chunking pages/s over a folder of documents (default: the shared corpus)", run_extract);
