// Crash safety at the store level: a child process writes, replaces and removes documents in
// a loop and is killed with SIGKILL at a random moment, several rounds on the same file. After
// each kill the library must be intact, every document complete (all its pages, chunks and
// index entries), and the state must be exactly what the child had committed.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <random>
#include <thread>

#include "rag/store/library_store.h"
#include "store_test_documents.h"
#include "support/test_support.h"

namespace {

using pw::rag::LibraryStore;

constexpr int kPaths = 12;

// The child's operation number i of a round, computed the same way by parent and child.
struct Op {
  std::string path;
  bool remove = false;
  int chunks = 0;
  int pages = 0;
  std::string title;
};

uint64_t mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

Op op_for(int round, int i) {
  uint64_t h = mix(uint64_t(round) * 1000003ULL + uint64_t(i) + 17);
  Op op;
  op.path = "/crash/doc-" + std::to_string(h % kPaths) + ".pdf";
  op.remove = (h >> 8) % 7 == 0;
  op.chunks = 1 + static_cast<int>((h >> 16) % 40);
  op.pages = 1 + static_cast<int>((h >> 24) % 6);
  op.title = "r" + std::to_string(round) + "-i" + std::to_string(i) + "-n" + std::to_string(op.chunks);
  return op;
}

struct Stored {
  std::string title;
  int chunks = 0;
  int pages = 0;
  bool operator==(const Stored&) const = default;
};
using State = std::map<std::string, Stored>;

void apply_op(State& s, const Op& op) {
  if (op.remove) s.erase(op.path);
  else s[op.path] = Stored{op.title, op.chunks, op.pages};
}

[[noreturn]] void child_writer(const std::filesystem::path& path, int round, int report_fd) {
  auto store = LibraryStore::open(path);
  if (!store) ::_exit(3);
  auto collection = store->ensure_collection("crash");
  if (!collection) ::_exit(4);
  std::string body;
  for (int w = 0; w < 60; ++w) body += "word" + std::to_string((round * 31 + w) % 97) + " ";
  for (int i = 0;; ++i) {
    Op op = op_for(round, i);
    if (op.remove) {
      auto doc = store->document_by_path(*collection, op.path);
      if (!doc) ::_exit(5);
      if (doc->has_value() && !store->remove_document((*doc)->id).ok()) ::_exit(6);
    } else {
      auto d = pw::rag::testing::make_document(op.path, op.pages, op.chunks, op.title, body);
      if (!store->replace_document(*collection, d.facts, d.extracted, d.chunks).ok()) ::_exit(7);
    }
    int32_t done = i + 1;
    if (::write(report_fd, &done, sizeof done) != sizeof done) ::_exit(8);
  }
}

// Reads the library back and checks every document is whole. Returns its state.
State verify(const std::filesystem::path& path) {
  State state;
  auto store = LibraryStore::open(path);
  EXPECT_TRUE(store.ok()) << store.error().describe();
  if (!store) return state;
  auto& db = store->database();
  EXPECT_EQ(*db.scalar_text("PRAGMA integrity_check"), "ok");
  EXPECT_EQ(*db.scalar_int("SELECT count(*) FROM pragma_foreign_key_check"), 0);
  auto fts = db.exec("INSERT INTO chunks_fts(chunks_fts) VALUES ('integrity-check')");
  EXPECT_TRUE(fts.ok()) << fts.error().describe();
  // One FTS document-size row per chunk: the index holds exactly the chunks.
  EXPECT_EQ(*db.scalar_int("SELECT count(*) FROM chunks_fts_docsize"), *db.scalar_int("SELECT count(*) FROM chunks"));
  auto docs = store->list_documents();
  EXPECT_TRUE(docs.ok());
  if (!docs) return state;
  for (const auto& d : *docs) {
    const int expected_chunks = std::stoi(d.title.substr(d.title.rfind("-n") + 2));
    EXPECT_EQ(d.chunk_count, expected_chunks) << d.path << " " << d.title;
    auto chunks = store->document_chunks(d.id);
    EXPECT_TRUE(chunks.ok());
    for (size_t k = 0; chunks.ok() && k < chunks->size(); ++k) {
      EXPECT_EQ((*chunks)[k].ordinal, static_cast<int>(k));
      EXPECT_EQ((*chunks)[k].text.rfind(d.title, 0), 0u) << "chunk of another version";
    }
    EXPECT_EQ(*db.scalar_int("SELECT count(*) FROM pages WHERE document_id = " + std::to_string(d.id)), d.pages);
    auto hits = store->search_fts(d.title, 100, pw::rag::SearchFilter::in_documents({d.id}));
    EXPECT_TRUE(hits.ok());
    if (hits.ok()) {
      EXPECT_EQ(static_cast<int>(hits->size()), expected_chunks) << d.title;
    }
    state[d.path] = Stored{d.title, static_cast<int>(d.chunk_count), d.pages};
  }
  return state;
}

TEST(StoreCrash, KilledWriterLeavesOnlyWholeCommittedDocuments) {
  pw::test::TempDir dir;
  const auto path = dir / "library.sqlite3";
  std::mt19937 rng(20250708);
  State state;  // empty: the first child also creates the file and schema
  int total_ops = 0;
  constexpr int kRounds = 8;
  for (int round = 0; round < kRounds; ++round) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    std::fflush(nullptr);
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(fds[0]);
      child_writer(path, round, fds[1]);
    }
    ::close(fds[1]);
    // Round 0 dies very early (likely while creating the schema); later rounds mid-stream.
    int delay_ms = round == 0 ? static_cast<int>(rng() % 8) : 20 + static_cast<int>(rng() % 230);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    ASSERT_EQ(::kill(pid, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFSIGNALED(status)) << "the writer stopped on its own with code "
                                     << (WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    int32_t reported = 0, value = 0;
    while (::read(fds[0], &value, sizeof value) == sizeof value) reported = value;
    ::close(fds[0]);
    total_ops += reported;

    State after = verify(path);
    // Committed and reported ops are all there; at most one more committed before the kill.
    State expected = state;
    for (int i = 0; i < reported; ++i) apply_op(expected, op_for(round, i));
    State one_more = expected;
    apply_op(one_more, op_for(round, reported));
    EXPECT_TRUE(after == expected || after == one_more)
        << "round " << round << ": " << after.size() << " documents, expected " << expected.size() << " after "
        << reported << " operations";
    state = after;
    if (::testing::Test::HasFailure()) break;
  }
  // The rounds did real work (not all killed before the first commit).
  EXPECT_GT(total_ops, 20);
  EXPECT_FALSE(state.empty());
  std::printf("crash test: %d operations committed over %d killed writers\n", total_ops, kRounds);
}

}  // namespace
