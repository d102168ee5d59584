// Crash safety of ingestion end to end: `pagewise-cli ingest` over a copy of part of the
// corpus is killed with SIGKILL at random moments, several rounds on the same library. Between
// rounds some files are moved out of the folder and others back in, so every round has
// documents to add and to remove. After each kill: PRAGMA integrity_check is ok, the full-text
// index matches the chunks, and every document in the library is whole: its status, pages and
// chunks are exactly what a clean run gives for it. Finally an uninterrupted rerun must yield
// exactly the (document, ordinal, page_start, page_end, text) chunks of a clean ingest into a
// fresh library. The seed is printed; PAGEWISE_CRASH_SEED=N repeats a run.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "rag/store/library_store.h"
#include "support/cli_runner.h"
#include "support/test_support.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Enough pages that a run on 2 cores takes a few seconds and can be killed half-way: the small
// medical articles (many documents), contracts and filings (many pages), one long standard,
// and the hostile files that end damaged, encrypted or needing OCR (the huge one aside).
bool in_subset(const std::string& relative) {
  if (relative.find("/huge/") != std::string::npos) return false;
  for (const char* prefix : {"medical_medquad_rendered/", "legal_cuad/", "finance_financebench/", "hostile/"})
    if (relative.rfind(prefix, 0) == 0) return true;
  return relative == "general_real/gen_FHS-3.0.pdf";
}

using ChunkRow = std::tuple<int, int, int, std::string>;  // ordinal, page_start, page_end, text

struct StoredDocument {
  std::string status;
  int pages = 0;
  int page_rows = 0;
  std::vector<ChunkRow> chunks;  // by ordinal
  bool operator==(const StoredDocument&) const = default;
};

using LibraryContent = std::map<std::string, StoredDocument>;  // by path

// Reads a library the way the next run would open it, and checks the file and the index.
LibraryContent read_library(const fs::path& db, const std::string& when) {
  LibraryContent out;
  auto store = pw::rag::LibraryStore::open(db);
  if (!store) {
    ADD_FAILURE() << when << ": the library does not open: " << store.error().describe();
    return out;
  }
  auto& sql = store->database();
  auto integrity = sql.scalar_text("PRAGMA integrity_check");
  EXPECT_TRUE(integrity && *integrity == "ok") << when << ": " << (integrity ? *integrity : integrity.error().describe());
  // The FTS index against its content table (the chunks).
  const auto fts = sql.exec("INSERT INTO chunks_fts(chunks_fts, rank) VALUES ('integrity-check', 1)");
  EXPECT_TRUE(fts.ok()) << when << ": full-text index: " << (fts.ok() ? "" : fts.error().describe());
  auto chunk_count = sql.scalar_int("SELECT count(*) FROM chunks");
  auto fts_rows = sql.scalar_int("SELECT count(*) FROM chunks_fts_docsize");
  EXPECT_TRUE(chunk_count && fts_rows && *chunk_count == *fts_rows)
      << when << ": " << (chunk_count ? *chunk_count : -1) << " chunks but " << (fts_rows ? *fts_rows : -1)
      << " rows in the full-text index";
  auto orphans = sql.scalar_int(
      "SELECT (SELECT count(*) FROM chunks WHERE document_id NOT IN (SELECT id FROM documents)) + "
      "(SELECT count(*) FROM pages WHERE document_id NOT IN (SELECT id FROM documents))");
  EXPECT_TRUE(orphans && *orphans == 0) << when << ": chunks or pages without a document";

  auto docs = sql.prepare(
      "SELECT d.id, d.path, d.status, d.pages, (SELECT count(*) FROM pages p WHERE p.document_id = d.id) "
      "FROM documents d ORDER BY d.path");
  auto chunks = sql.prepare(
      "SELECT ordinal, page_start, page_end, text FROM chunks WHERE document_id = ?1 ORDER BY ordinal");
  if (!docs || !chunks) {
    ADD_FAILURE() << when << ": cannot query the library";
    return out;
  }
  for (;;) {
    auto row = docs->step();
    if (!row || !*row) break;
    StoredDocument d;
    d.status = docs->text(2);
    d.pages = static_cast<int>(docs->int64(3));
    d.page_rows = static_cast<int>(docs->int64(4));
    chunks->bind_int(1, docs->int64(0));
    for (;;) {
      auto c = chunks->step();
      if (!c || !*c) break;
      d.chunks.emplace_back(static_cast<int>(chunks->int64(0)), static_cast<int>(chunks->int64(1)),
                            static_cast<int>(chunks->int64(2)), chunks->text(3));
    }
    chunks->reset();
    out[docs->text(1)] = std::move(d);
  }
  return out;
}

pid_t spawn_cli(const std::vector<std::string>& args) {
  const pid_t pid = fork();
  if (pid == 0) {
    const int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    dup2(null, 2);
    std::string exe = PAGEWISE_CLI_PATH;
    std::vector<std::string> copy = args;
    std::vector<char*> argv{exe.data()};
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(exe.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

TEST(IngestCrash, KilledIngestionLeavesWholeDocumentsAndARerunFinishesTheJob) {
  const fs::path pdfs = pw::test::shared_path("corpus/pdfs");
  pw::test::TempDir tmp;
  const fs::path corpus = tmp / "corpus";
  const fs::path stash = tmp / "stash";  // files "deleted" for a round
  std::vector<std::string> files;         // relative paths
  for (const auto& e : fs::recursive_directory_iterator(pdfs)) {
    if (!e.is_regular_file()) continue;
    const std::string relative = e.path().lexically_relative(pdfs).string();
    if (!in_subset(relative)) continue;
    fs::create_directories((corpus / relative).parent_path());
    fs::create_directories((stash / relative).parent_path());
    fs::copy_file(e.path(), corpus / relative);
    files.push_back(relative);
  }
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 40u);

  // The reference: a clean, uninterrupted ingest into a fresh library.
  const fs::path clean_db = tmp / "clean.sqlite3";
  const auto t0 = Clock::now();
  auto clean_run = pw::test::run_cli({"ingest", corpus.string(), "--db", clean_db.string(), "--threads", "2"});
  const double clean_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  ASSERT_EQ(clean_run.exit_code, 0) << clean_run.out << clean_run.err;
  const LibraryContent reference = read_library(clean_db, "clean run");
  ASSERT_EQ(reference.size(), files.size());
  size_t reference_chunks = 0;
  for (const auto& [path, d] : reference) reference_chunks += d.chunks.size();
  ASSERT_GT(reference_chunks, 500u);

  unsigned seed = std::random_device{}();
  if (const char* s = std::getenv("PAGEWISE_CRASH_SEED")) seed = static_cast<unsigned>(std::strtoul(s, nullptr, 10));
  std::mt19937 rng(seed);
  SCOPED_TRACE("PAGEWISE_CRASH_SEED=" + std::to_string(seed) + ", clean run " + std::to_string(clean_seconds) + " s");

  const fs::path db = tmp / "crashed.sqlite3";
  std::map<std::string, bool> moved_out;
  int killed_while_running = 0;
  constexpr int kRounds = 6;
  for (int round = 0; round < kRounds; ++round) {
    const std::string when = "after kill " + std::to_string(round + 1);
    if (round > 0) {
      // Bring back what was out, and take out about a quarter: work to add and to remove.
      for (const auto& f : files) {
        const bool out_now = moved_out[f];
        const bool out_next = !out_now && rng() % 4 == 0;
        if (out_now != out_next) fs::rename(out_now ? stash / f : corpus / f, out_now ? corpus / f : stash / f);
        moved_out[f] = out_next;
      }
    }
    // Round 0 starts from an empty library (the whole run ahead); later rounds have less to do.
    std::uniform_real_distribution<double> delay(0.02 * clean_seconds, (round == 0 ? 0.8 : 0.25) * clean_seconds);
    const pid_t pid = spawn_cli({"ingest", corpus.string(), "--db", db.string(), "--threads", "2"});
    ASSERT_GT(pid, 0);
    std::this_thread::sleep_for(std::chrono::duration<double>(delay(rng)));
    kill(pid, SIGKILL);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) ++killed_while_running;
    else EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << when << ": the run itself failed";

    const LibraryContent now = read_library(db, when);
    for (const auto& [path, d] : now) {
      auto it = reference.find(path);
      ASSERT_NE(it, reference.end()) << when << ": unexpected document " << path;
      EXPECT_EQ(d.page_rows, d.pages) << when << ": " << path << " has missing pages";
      EXPECT_EQ(d, it->second) << when << ": " << path << " is not what a clean run gives (" << d.chunks.size()
                               << " chunks, clean " << it->second.chunks.size() << ")";
    }
  }
  EXPECT_GE(killed_while_running, 1) << "no round was killed mid-way: the subset is too small for this machine";

  for (const auto& [f, out] : moved_out)
    if (out) fs::rename(stash / f, corpus / f);
  auto final_run = pw::test::run_cli({"ingest", corpus.string(), "--db", db.string(), "--threads", "2"});
  EXPECT_EQ(final_run.exit_code, 0) << final_run.out << final_run.err;
  const LibraryContent final_content = read_library(db, "final rerun");
  EXPECT_EQ(final_content.size(), reference.size());
  for (const auto& [path, d] : reference) {
    auto it = final_content.find(path);
    ASSERT_NE(it, final_content.end()) << "final rerun: " << path << " is missing";
    EXPECT_EQ(it->second.chunks, d.chunks) << "final rerun: " << path;
    EXPECT_EQ(it->second.status, d.status) << "final rerun: " << path;
  }
  std::cout << "[ crash    ] seed " << seed << ", clean run " << clean_seconds << " s, " << reference.size()
            << " documents, " << reference_chunks << " chunks, " << killed_while_running << " of " << kRounds
            << " rounds killed mid-run\n";
}

}  // namespace
