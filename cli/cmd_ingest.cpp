// pagewise-cli ingest PATH...: adds folders and files to a collection of the library,
// incrementally (unchanged files are skipped, changed ones replaced, deleted ones removed).
//
//   pagewise-cli ingest ~/Policies --collection HR
//   pagewise-cli ingest scans/ --password user2 --json > report.json
//
// A progress bar with ETA is drawn on stderr when it is a terminal. Afterwards: a summary per
// action and per status, and the reason for every document that is not simply "ok".
// Exit codes: 0 every document ended in a known state (ok, encrypted, needs_ocr, damaged,
// unsupported, unreadable, too_large); 1 something failed (a path that does not exist, an
// unreadable folder, the PDF reader could not start, the library could not be written);
// 2 bad usage;
// 130 interrupted (Ctrl-C: documents saved so far stay, each is whole).
// --embed-model MODEL (an encoder GGUF: bert, nomic-bert) also embeds every chunk that lacks a
// vector of MODEL, on its own thread while extraction goes on (rag/library/chunk_embedding.h),
// and makes MODEL the library's active embedding model when all chunks have one. A model that
// cannot be loaded is an error before anything is ingested (exit code 1).
#include <nlohmann/json.hpp>

#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/text_columns.h"
#include "engine/embed/embedder.h"
#include "rag/library/chunk_embedding.h"
#include "rag/library/library.h"

namespace {

using pw::cli::lpad;
using pw::cli::pad;

using pw::rag::DocumentOutcome;
using pw::rag::IngestAction;
using pw::rag::IngestReport;

std::atomic<bool> g_interrupted{false};

void on_interrupt(int) { g_interrupted.store(true); }

// First Ctrl-C (or SIGTERM) stops cleanly after the current documents; SA_RESETHAND makes a
// second Ctrl-C kill the program the usual way.
void install_interrupt_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sa.sa_flags = SA_RESETHAND;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

int terminal_width() {
  winsize ws{};
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40) return ws.ws_col;
  return 80;
}

std::string clock_text(double seconds) {
  if (seconds < 0) return "--:--";
  const long s = std::lround(seconds);
  char buf[32];
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  else std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  return buf;
}

std::string file_name(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

void draw_progress(const pw::rag::IngestProgress& p) {
  const int width = terminal_width();
  const double fraction = p.total > 0 ? static_cast<double>(p.done) / p.total : 0;
  const int bar = 24;
  const int filled = static_cast<int>(fraction * bar);
  std::string line = "[" + std::string(static_cast<size_t>(filled), '#') + std::string(static_cast<size_t>(bar - filled), '-') +
                     "] " + std::to_string(p.done) + "/" + std::to_string(p.total) + "  " + std::to_string(p.pages) +
                     " pages  ETA " + clock_text(p.eta_s) + "  ";
  std::string name = file_name(p.current_file);
  const size_t room = static_cast<size_t>(width) > line.size() + 1 ? static_cast<size_t>(width) - line.size() - 1 : 0;
  if (name.size() > room) name = room > 3 ? name.substr(0, room - 3) + "..." : "";
  std::fprintf(stderr, "\r\033[K%s%s", line.c_str(), name.c_str());
  std::fflush(stderr);
}

void clear_progress() {
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
}

// "failed" when nothing could be stored; otherwise the document's status.
std::string status_text(const DocumentOutcome& d) {
  return d.action == IngestAction::Failed ? "failed" : pw::ingest::to_string(d.status);
}

void print_text(const IngestReport& r, const std::string& library, const std::string& collection) {
  std::cout << "Library " << library << ", collection '" << collection << "'\n";
  const int listed = static_cast<int>(r.documents.size()) - r.count(IngestAction::Removed);
  std::cout << listed << " document" << (listed == 1 ? "" : "s") << ": " << r.count(IngestAction::Added) << " added, "
            << r.count(IngestAction::Replaced) << " replaced, " << r.count(IngestAction::Unchanged) << " unchanged, "
            << r.count(IngestAction::Failed) << " failed; " << r.count(IngestAction::Removed) << " removed. "
            << r.pages_extracted << " pages read, " << r.chunks_written << " chunks written in "
            << std::round(r.seconds * 10) / 10 << " s" << (r.cancelled ? " (interrupted)" : "") << "\n";

  struct Row {
    int documents = 0;
    long pages = 0;
    long chunks = 0;
  };
  std::map<std::string, Row> rows;
  for (const auto& d : r.documents) {
    if (d.action == IngestAction::Removed) continue;
    Row& row = rows[status_text(d)];
    ++row.documents;
    row.pages += d.pages;
    row.chunks += d.chunks;
  }
  if (!rows.empty()) {
    std::cout << "\n  " << pad("status", 12) << lpad("documents", 10) << lpad("pages", 8) << lpad("chunks", 9) << "\n";
    for (const auto& [status, row] : rows)
      std::cout << "  " << pad(status, 12) << lpad(std::to_string(row.documents), 10) << lpad(std::to_string(row.pages), 8)
                << lpad(std::to_string(row.chunks), 9) << "\n";
  }

  bool header = false;
  for (const auto& d : r.documents) {
    if (d.action == IngestAction::Removed || (d.status == pw::ingest::DocumentStatus::Ok && d.action != IngestAction::Failed))
      continue;
    if (!header) std::cout << "\nDocuments that need attention:\n";
    header = true;
    std::cout << "  " << pad(status_text(d), 12) << d.path << "\n  " << pad("", 12) << d.error << "\n";
  }
  header = false;
  for (const auto& d : r.documents) {
    if (d.action == IngestAction::Removed || d.action == IngestAction::Failed ||
        d.status != pw::ingest::DocumentStatus::Ok || d.error.empty())
      continue;
    if (!header) std::cout << "\nNotes:\n";
    header = true;
    std::cout << "  " << d.path << ": " << d.error << "\n";
  }
  header = false;
  for (const auto& d : r.documents) {
    if (d.action != IngestAction::Removed) continue;
    if (!header) std::cout << "\nRemoved (no longer on disk):\n";
    header = true;
    std::cout << "  " << d.path << "\n";
  }
  if (!r.problems.empty()) {
    std::cout << "\nProblems:\n";
    for (const auto& e : r.problems) std::cout << "  " << e.describe() << "\n";
  }
}

// What the embedding worker did (JSON "embedding"; null without --embed-model).
struct EmbeddingSummary {
  bool used = false;
  std::string model;
  int64_t chunks = 0;
  double busy_seconds = 0;
  std::string error;
};

void print_json(const IngestReport& r, const std::string& library, const std::string& collection,
                const EmbeddingSummary& emb) {
  using nlohmann::json;
  json documents = json::array();
  for (const auto& d : r.documents)
    documents.push_back({{"path", d.path},
                         {"collection", d.collection},
                         {"status", status_text(d)},
                         {"error", d.error},
                         {"pages", d.pages},
                         {"chunks", d.chunks},
                         {"action", pw::rag::to_string(d.action)},
                         {"seconds", d.seconds}});
  json by_action = json::object();
  for (IngestAction a : {IngestAction::Added, IngestAction::Replaced, IngestAction::Unchanged, IngestAction::Removed,
                         IngestAction::Failed})
    by_action[pw::rag::to_string(a)] = r.count(a);
  json problems = json::array();
  for (const auto& e : r.problems) problems.push_back({{"path", e.subject()}, {"error", e.describe()}});
  json out = {{"library", library},
                    {"collection", collection},
                    {"documents", documents},
                    {"summary",
                     {{"by_status", r.count_by_status()},
                      {"by_action", by_action},
                      {"pages_extracted", r.pages_extracted},
                      {"chunks_written", r.chunks_written},
                      {"seconds", r.seconds},
                      {"cancelled", r.cancelled},
                      {"all_known", r.all_known()}}},
                    {"problems", problems}};
  if (emb.used)
    out["embedding"] = {{"model", emb.model}, {"chunks_embedded", emb.chunks}, {"embed_seconds", emb.busy_seconds},
                        {"error", emb.error}};
  else
    out["embedding"] = nullptr;
  std::cout << out.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
}

int run_ingest(pw::cli::Args& args) {
  const auto db = args.take_option("db");
  const auto collection = args.take_option("collection", "c").value_or("default");
  const auto embed_model = args.take_option("embed-model");
  const auto threads_text = args.take_option("threads", "t");
  std::vector<std::string> passwords;
  while (auto p = args.take_option("password")) passwords.push_back(*p);
  const bool json = args.take_flag("json");
  if (auto unknown = args.unknown_option()) return pw::cli::usage_error("ingest", "unknown option '" + *unknown + "'");
  if (args.rest().empty()) return pw::cli::usage_error("ingest", "give at least one file or folder to ingest");
  if (collection.empty()) return pw::cli::usage_error("ingest", "--collection needs a name");
  pw::rag::IngestOptions options;
  if (threads_text) {
    try {
      options.threads = std::stoi(*threads_text);
    } catch (...) {
      options.threads = -1;
    }
    if (options.threads < 1) return pw::cli::usage_error("ingest", "--threads needs a positive number");
  }
  options.passwords = passwords;

  // Before the library file exists, so a Ctrl-C is never lost between the two.
  install_interrupt_handlers();
  options.cancel = &g_interrupted;
  const std::filesystem::path db_path = db ? std::filesystem::path(*db) : pw::rag::LibraryStore::default_path();
  auto library = pw::rag::Library::open(db_path);
  if (!library) {
    std::cerr << "pagewise-cli ingest: " << library.error().describe() << "\n";
    return 1;
  }

  std::unique_ptr<pw::rag::ChunkEmbeddingWorker> worker;
  EmbeddingSummary emb;
  if (embed_model) {
    auto embedder = pw::embed::Embedder::load(*embed_model);
    if (!embedder) {
      std::cerr << "pagewise-cli ingest: " << embedder.error().describe() << "\n";
      return 1;
    }
    emb.used = true;
    emb.model = (*embedder)->model_name();
    worker = pw::rag::ChunkEmbeddingWorker::start(library->path(), std::shared_ptr<pw::embed::Embedder>(std::move(*embedder)));
    pw::rag::ChunkEmbeddingWorker* w = worker.get();
    options.on_document = [w](const DocumentOutcome&) { w->notify(); };
  }

  const bool progress = isatty(STDERR_FILENO) == 1;
  if (progress) options.on_progress = draw_progress;

  std::vector<std::filesystem::path> paths(args.rest().begin(), args.rest().end());
  auto report = library->add_paths(collection, paths, options);
  if (progress) clear_progress();
  if (worker) {
    if (!report || report->cancelled) worker->cancel();
    worker->ingestion_finished();
    if (progress) std::cerr << "embedding the remaining chunks...\n";
    pw::Status s = worker->wait();
    emb.chunks = worker->embedded();
    emb.busy_seconds = worker->busy_seconds();
    if (!s.ok() && s.error().code() != pw::ErrorCode::Cancelled) emb.error = s.error().describe();
  }
  if (!report) {
    std::cerr << "pagewise-cli ingest: " << report.error().describe() << "\n";
    return 1;
  }
  if (json) {
    print_json(*report, library->path(), collection, emb);
  } else {
    print_text(*report, library->path(), collection);
    if (emb.used)
      std::cout << "\nEmbeddings (" << emb.model << "): " << emb.chunks << " chunks embedded in " << emb.busy_seconds
                << " s" << (emb.error.empty() ? "" : "; failed: " + emb.error) << "\n";
  }
  if (!emb.error.empty()) {
    std::cerr << "pagewise-cli ingest: embedding failed: " << emb.error << "\n";
    return 1;
  }
  if (report->cancelled) {
    std::cerr << "pagewise-cli ingest: interrupted; the documents saved so far are complete, run it again to finish\n";
    return 130;
  }
  return report->all_known() ? 0 : 1;
}

}  // namespace

PW_CLI_COMMAND(ingest, "ingest",
               "ingest PATH... [--db FILE] [--collection NAME] [--password P]... [--threads N] [--embed-model MODEL] "
               "[--json]",
               "Add folders and files to the library (incremental: unchanged files are skipped)", run_ingest);
