// pagewise-cli ingest: text and JSON output, exit codes, passwords, the default library path.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/cli_runner.h"
#include "support/test_support.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using pw::test::run_cli;

// A folder with the sample documents, plus optional corpus files.
fs::path copy_samples(const pw::test::TempDir& tmp) {
  const fs::path docs = tmp / "docs";
  fs::create_directories(docs);
  for (const char* name : {"northwind-employee-handbook.pdf", "northwind-it-quick-reference.md",
                           "paediatric-analgesia-guideline.pdf"})
    fs::copy_file(pw::test::source_dir() / "resources" / "samples" / name, docs / name);
  return docs;
}

fs::path copy_corpus_file(const pw::test::TempDir& tmp, const std::string& relative) {
  const fs::path target = tmp / "docs" / fs::path(relative).filename();
  fs::create_directories(target.parent_path());
  fs::copy_file(pw::test::shared_path("corpus/" + relative), target);
  return target;
}

json parse(const std::string& out) {
  json j = json::parse(out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << "not JSON:\n" << out;
  return j;
}

TEST(IngestCli, TextSummaryOnTheSamples) {
  pw::test::TempDir tmp;
  const fs::path docs = copy_samples(tmp);
  const std::string db = (tmp / "lib.sqlite3").string();
  auto r = run_cli({"ingest", docs.string(), "--db", db, "--collection", "Handbooks"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("collection 'Handbooks'"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("3 documents: 3 added, 0 replaced, 0 unchanged, 0 failed; 0 removed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("status"), std::string::npos);
  EXPECT_NE(r.out.find("  ok                   3"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("need attention"), std::string::npos) << r.out;
  EXPECT_EQ(r.err.find("\r"), std::string::npos) << "no progress bar when stderr is not a terminal";
  struct stat st {};
  ASSERT_EQ(::stat(db.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  auto again = run_cli({"ingest", docs.string(), "--db", db, "--collection", "Handbooks"});
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_NE(again.out.find("3 documents: 0 added, 0 replaced, 3 unchanged"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("0 pages read, 0 chunks written"), std::string::npos) << again.out;
}

TEST(IngestCli, JsonShape) {
  pw::test::TempDir tmp;
  const fs::path docs = copy_samples(tmp);
  auto r = run_cli({"ingest", docs.string(), "--db", (tmp / "lib.sqlite3").string(), "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const json j = parse(r.out);
  ASSERT_TRUE(j.contains("documents") && j["documents"].is_array());
  ASSERT_EQ(j["documents"].size(), 3u);
  std::set<std::string> names;
  for (const auto& d : j["documents"]) {
    for (const char* key : {"path", "collection", "status", "error", "pages", "chunks", "action"})
      EXPECT_TRUE(d.contains(key)) << key << " missing in " << d.dump();
    EXPECT_EQ(d["collection"], "default");
    EXPECT_EQ(d["status"], "ok");
    EXPECT_EQ(d["action"], "added");
    EXPECT_GT(d["pages"].get<int>(), 0);
    EXPECT_GT(d["chunks"].get<int>(), 0);
    EXPECT_EQ(d["error"], "");
    names.insert(fs::path(d["path"].get<std::string>()).filename().string());
  }
  EXPECT_EQ(names.size(), 3u);
  EXPECT_EQ(j["summary"]["by_status"]["ok"], 3);
  EXPECT_EQ(j["summary"]["by_action"]["added"], 3);
  EXPECT_TRUE(j["summary"]["all_known"].get<bool>());
  EXPECT_TRUE(j["problems"].empty());
}

TEST(IngestCli, ProblemDocumentsAreKnownStatesWithReasons) {
  pw::test::TempDir tmp;
  copy_samples(tmp);
  copy_corpus_file(tmp, "pdfs/hostile/encrypted_user_password/qpdf_c-r4.pdf");
  copy_corpus_file(tmp, "pdfs/hostile/truncated_or_not_pdf/qpdf_issue-141a.pdf");
  copy_corpus_file(tmp, "pdfs/hostile/scanned_image_only/ocrmypdf_skew.pdf");
  const std::string zip = std::string("PK\x03\x04", 4) + std::string(100, 'z');
  pw::test::write_file(tmp / "docs" / "minutes.docx", zip.data(), zip.size());
  const std::string db = (tmp / "lib.sqlite3").string();

  auto r = run_cli({"ingest", (tmp / "docs").string(), "--db", db});
  EXPECT_EQ(r.exit_code, 0) << "encrypted, damaged, needs_ocr and unsupported are known states\n" << r.out << r.err;
  EXPECT_NE(r.out.find("Documents that need attention:"), std::string::npos) << r.out;
  for (const char* expected : {"encrypted   ", "damaged     ", "needs_ocr   ", "unsupported "})
    EXPECT_NE(r.out.find(expected), std::string::npos) << expected << " missing in\n" << r.out;
  EXPECT_NE(r.out.find("qpdf_c-r4.pdf' is password-protected"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("OCR"), std::string::npos) << r.out;

  auto j = run_cli({"ingest", (tmp / "docs").string(), "--db", db, "--json", "--password", "user2"});
  EXPECT_EQ(j.exit_code, 0) << j.err;
  const json out = parse(j.out);
  std::map<std::string, std::string> status, action;
  for (const auto& d : out["documents"]) {
    const std::string name = fs::path(d["path"].get<std::string>()).filename().string();
    status[name] = d["status"];
    action[name] = d["action"];
    if (d["status"] != "ok") {
      EXPECT_FALSE(d["error"].get<std::string>().empty()) << name;
    }
  }
  EXPECT_EQ(status["qpdf_c-r4.pdf"], "ok") << "opened with --password";
  EXPECT_EQ(action["qpdf_c-r4.pdf"], "replaced");
  EXPECT_EQ(status["qpdf_issue-141a.pdf"], "damaged");
  EXPECT_EQ(action["qpdf_issue-141a.pdf"], "unchanged");
  EXPECT_EQ(status["ocrmypdf_skew.pdf"], "needs_ocr");
  EXPECT_EQ(status["minutes.docx"], "unsupported");
}

TEST(IngestCli, MissingPathIsAFailure) {
  pw::test::TempDir tmp;
  const fs::path docs = copy_samples(tmp);
  auto r = run_cli({"ingest", docs.string(), (tmp / "no-such-folder").string(), "--db", (tmp / "lib.sqlite3").string()});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("Problems:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("no-such-folder: does not exist"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("3 added"), std::string::npos) << "the paths that exist are still ingested\n" << r.out;
}

TEST(IngestCli, DeletedFilesAreRemovedOnTheNextRun) {
  pw::test::TempDir tmp;
  const fs::path docs = copy_samples(tmp);
  const std::string db = (tmp / "lib.sqlite3").string();
  ASSERT_EQ(run_cli({"ingest", docs.string(), "--db", db}).exit_code, 0);
  fs::remove(docs / "northwind-employee-handbook.pdf");
  auto r = run_cli({"ingest", docs.string(), "--db", db, "--json"});
  EXPECT_EQ(r.exit_code, 0);
  const json j = parse(r.out);
  EXPECT_EQ(j["summary"]["by_action"]["removed"], 1);
  EXPECT_EQ(j["summary"]["by_action"]["unchanged"], 2);
}

TEST(IngestCli, UsageErrors) {
  pw::test::TempDir tmp;
  const std::string db = (tmp / "lib.sqlite3").string();
  auto none = run_cli({"ingest", "--db", db});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("usage: pagewise-cli ingest"), std::string::npos) << none.err;
  EXPECT_EQ(run_cli({"ingest", tmp.path().string(), "--frobnicate"}).exit_code, 2);
  EXPECT_EQ(run_cli({"ingest", tmp.path().string(), "--threads", "zero", "--db", db}).exit_code, 2);

  auto embed = run_cli({"ingest", tmp.path().string(), "--db", db, "--embed-model", "bge-small.gguf"});
  EXPECT_EQ(embed.exit_code, 2);
  EXPECT_NE(embed.err.find("embedding models are not supported yet"), std::string::npos) << embed.err;
  EXPECT_FALSE(fs::exists(db)) << "nothing is written when the command is refused";
}

TEST(IngestCli, UnusableLibraryFileIsAFailure) {
  pw::test::TempDir tmp;
  const fs::path docs = copy_samples(tmp);
  const fs::path not_a_library = tmp / "notes.sqlite3";
  pw::test::write_file(not_a_library, "this is not a database, just text that is long enough to look like a header....", 80);
  auto r = run_cli({"ingest", docs.string(), "--db", not_a_library.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("notes.sqlite3"), std::string::npos) << r.err;
}

TEST(IngestCli, DefaultLibraryHonoursXdgDataHome) {
  pw::test::TempDir tmp;
  const fs::path docs = copy_samples(tmp);
  const char* old = std::getenv("XDG_DATA_HOME");
  const std::string saved = old ? old : "";
  setenv("XDG_DATA_HOME", (tmp / "data").c_str(), 1);
  auto r = run_cli({"ingest", (docs / "northwind-it-quick-reference.md").string()});
  auto listed = run_cli({"library", "--json"});
  if (old) setenv("XDG_DATA_HOME", saved.c_str(), 1);
  else unsetenv("XDG_DATA_HOME");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const fs::path db = tmp / "data" / "pagewise" / "library.sqlite3";
  ASSERT_TRUE(fs::exists(db));
  struct stat st {};
  ASSERT_EQ(::stat(db.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat(db.parent_path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  const json j = parse(listed.out);
  EXPECT_EQ(j["library"], db.string());
  ASSERT_EQ(j["documents"].size(), 1u);
}

// Ctrl-C: the run stops after the document being saved, says so, exits 130, and leaves only
// whole documents; the next run finishes the job.
TEST(IngestCli, InterruptStopsCleanlyAndTheNextRunFinishes) {
  pw::test::TempDir tmp;
  const fs::path docs = tmp / "docs";
  fs::create_directories(docs);
  int copied = 0;
  for (const auto& e : fs::directory_iterator(pw::test::shared_path("corpus/pdfs/medical_medquad_rendered"))) {
    fs::copy_file(e.path(), docs / e.path().filename());
    ++copied;
  }
  ASSERT_GE(copied, 20);
  const fs::path db = tmp / "lib.sqlite3";
  const fs::path err = tmp / "stderr";
  const pid_t pid = fork();
  if (pid == 0) {
    const int out_fd = open("/dev/null", O_WRONLY);
    const int err_fd = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    std::string exe = PAGEWISE_CLI_PATH;
    std::vector<std::string> args = {exe, "ingest", docs.string(), "--db", db.string(), "--threads", "1"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(exe.c_str(), argv.data());
    _exit(127);
  }
  ASSERT_GT(pid, 0);
  // The handler is installed before the library file is created: wait for the file.
  for (int i = 0; i < 2000 && !fs::exists(db); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  kill(pid, SIGINT);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status) << " instead of stopping cleanly";
  EXPECT_EQ(WEXITSTATUS(status), 130);
  EXPECT_NE(pw::test::read_text(err).find("interrupted"), std::string::npos) << pw::test::read_text(err);

  auto listed = run_cli({"library", "--db", db.string(), "--json"});
  const json before = parse(listed.out);
  EXPECT_LT(before["documents"].size(), static_cast<size_t>(copied)) << "the interrupt came too late to test anything";
  for (const auto& d : before["documents"]) EXPECT_GT(d["chunks"].get<int>(), 0) << d.dump();

  auto rerun = run_cli({"ingest", docs.string(), "--db", db.string(), "--json"});
  EXPECT_EQ(rerun.exit_code, 0) << rerun.err;
  const json after = parse(rerun.out);
  EXPECT_EQ(after["documents"].size(), static_cast<size_t>(copied));
  EXPECT_EQ(after["summary"]["by_action"]["unchanged"], before["documents"].size());
}

}  // namespace
