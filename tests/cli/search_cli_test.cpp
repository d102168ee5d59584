// `pagewise-cli search`: the JSON shape scripts rely on, filters, limits and clear errors.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>

#include "rag/retrieval_test_library.h"
#include "support/cli_runner.h"
#include "support/test_support.h"

namespace {

using nlohmann::json;

class SearchCli : public ::testing::Test {
 protected:
  void SetUp() override {
    int64_t hr = lib_.collection("HR");
    int64_t legal = lib_.collection("Legal");
    lib_.add_pages(hr, "/hr/leave.txt", "Leave policy",
                   {"1. Annual leave\nEmployees receive twenty days of annual leave each year.",
                    "2. Carry-over\nUp to five days of unused annual leave may be carried over into the next year."});
    lib_.add_pages(legal, "/legal/contract.txt", "Supply contract",
                   {"Section 9. This agreement shall be governed by the laws of Ontario. Leave to appeal is waived."});
    ASSERT_NE(lib_.ingest(hr, pw::test::shared_path("corpus/pdfs/medical_medquad_rendered/medquad_MPlusHealthTopics_0000052.pdf")), 0);
  }
  pw::rag::testing::TestLibrary lib_;
};

TEST_F(SearchCli, JsonHasTheDocumentedShape) {
  auto r = pw::test::run_cli({"search", "unused annual leave carried over", "--db", lib_.path().string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json j = json::parse(r.out);
  ASSERT_TRUE(j["results"].is_array());
  ASSERT_FALSE(j["results"].empty());
  int rank = 0;
  for (const auto& res : j["results"]) {
    EXPECT_EQ(res["rank"], ++rank);
    for (const char* key : {"document", "title", "heading", "text"}) EXPECT_TRUE(res[key].is_string()) << key;
    for (const char* key : {"page_start", "page_end"}) EXPECT_TRUE(res[key].is_number_integer()) << key;
    EXPECT_TRUE(res["score"].is_number());
    EXPECT_LE(res["page_start"].get<int>(), res["page_end"].get<int>());
  }
  const auto& top = j["results"][0];
  EXPECT_EQ(top["document"], "/hr/leave.txt");
  EXPECT_EQ(top["title"], "Leave policy");
  EXPECT_EQ(top["page_start"], 2);
  EXPECT_EQ(top["heading"], "2. Carry-over");
  EXPECT_NE(top["text"].get<std::string>().find("five days"), std::string::npos);
  EXPECT_TRUE(j["relevant"].get<bool>());
}

TEST_F(SearchCli, RealPdfPageAndLimits) {
  auto r = pw::test::run_cli({"search", "appendicitis fever", "--db", lib_.path().string(), "-k", "1", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json j = json::parse(r.out);
  ASSERT_EQ(j["results"].size(), 1u);
  EXPECT_NE(j["results"][0]["document"].get<std::string>().find("medquad_MPlusHealthTopics_0000052.pdf"), std::string::npos);
  EXPECT_EQ(j["results"][0]["page_start"], 1);
  EXPECT_EQ(j["results"][0]["title"], "Appendicitis");
}

TEST_F(SearchCli, CollectionFilter) {
  auto r = pw::test::run_cli({"search", "leave", "--db", lib_.path().string(), "--collection", "Legal", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json j = json::parse(r.out);
  ASSERT_EQ(j["results"].size(), 1u);
  EXPECT_EQ(j["results"][0]["document"], "/legal/contract.txt");
  auto both = pw::test::run_cli(
      {"search", "leave", "--db", lib_.path().string(), "--collection", "Legal", "--collection", "HR", "--json"});
  ASSERT_EQ(both.exit_code, 0);
  EXPECT_GT(json::parse(both.out)["results"].size(), 1u);
  auto unknown = pw::test::run_cli({"search", "leave", "--db", lib_.path().string(), "--collection", "Nope"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("Nope"), std::string::npos) << unknown.err;
}

TEST_F(SearchCli, HumanOutputListsTitlesAndPages) {
  auto r = pw::test::run_cli({"search", "unused annual leave carried over", "--db", lib_.path().string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("1. Leave policy, p. 2"), std::string::npos) << r.out;
  auto none = pw::test::run_cli({"search", "zzzqqq", "--db", lib_.path().string(), "--json"});
  ASSERT_EQ(none.exit_code, 0);
  EXPECT_TRUE(json::parse(none.out)["results"].empty());
}

TEST(SearchCliErrors, UsageAndMissingLibrary) {
  pw::test::TempDir dir;
  auto missing = pw::test::run_cli({"search", "x", "--db", (dir / "none.sqlite3").string()});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("no library here yet"), std::string::npos) << missing.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "none.sqlite3"));  // searching never creates one
  EXPECT_EQ(pw::test::run_cli({"search"}).exit_code, 2);
  EXPECT_EQ(pw::test::run_cli({"search", "x", "-k", "zero"}).exit_code, 2);
  EXPECT_EQ(pw::test::run_cli({"search", "x", "--bogus"}).exit_code, 2);
  // A file that is not a library: a clear error, exit 1.
  pw::test::write_file(dir / "junk.sqlite3", "not a database at all, just text", 33);
  auto junk = pw::test::run_cli({"search", "x", "--db", (dir / "junk.sqlite3").string()});
  EXPECT_EQ(junk.exit_code, 1);
  EXPECT_FALSE(junk.err.empty());
}

// Without --db the library is $XDG_DATA_HOME/pagewise/library.sqlite3.
TEST(SearchCliDefaults, XdgDataHomeIsHonoured) {
  pw::test::TempDir home;
  {
    auto store = pw::rag::LibraryStore::open(home / "pagewise/library.sqlite3");
    ASSERT_TRUE(store.ok());
    int64_t c = *store->ensure_collection("c");
    pw::ingest::ExtractedDocument doc;
    doc.path = "/x.txt";
    doc.title = "X";
    doc.pages.push_back({1, "1", "Xylophones are percussion instruments."});
    auto chunks = pw::ingest::chunk_document(doc, {});
    ASSERT_TRUE(store->replace_document(c, {"/x.txt", 1, 1, std::string(64, '0')}, doc, chunks).ok());
  }
  const char* old = std::getenv("XDG_DATA_HOME");
  std::string saved = old ? old : "";
  setenv("XDG_DATA_HOME", home.path().c_str(), 1);
  auto r = pw::test::run_cli({"search", "xylophones", "--json"});
  if (old) setenv("XDG_DATA_HOME", saved.c_str(), 1);
  else unsetenv("XDG_DATA_HOME");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["results"][0]["document"], "/x.txt");
}

}  // namespace
