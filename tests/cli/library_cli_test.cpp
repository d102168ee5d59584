// pagewise-cli library: collections, sources, documents with status, pages and chunk counts,
// as text and JSON; a library that does not exist yet.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <string>

#include "rag/store/library_store.h"
#include "support/cli_runner.h"
#include "support/test_support.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using pw::test::run_cli;

struct Fixture {
  pw::test::TempDir tmp;
  fs::path docs = tmp / "docs";
  fs::path db = tmp / "lib.sqlite3";
  Fixture() {
    fs::create_directories(docs);
    for (const char* name : {"northwind-employee-handbook.pdf", "northwind-it-quick-reference.md"})
      fs::copy_file(pw::test::source_dir() / "resources" / "samples" / name, docs / name);
    fs::copy_file(pw::test::shared_path("corpus/pdfs/hostile/broken_xref/qpdf_bad40.pdf"), docs / "qpdf_bad40.pdf");
    fs::copy_file(pw::test::source_dir() / "resources" / "samples" / "paediatric-analgesia-guideline.pdf",
                  tmp / "guideline.pdf");
    auto a = run_cli({"ingest", docs.string(), "--db", db.string(), "--collection", "HR"});
    EXPECT_EQ(a.exit_code, 0) << a.out << a.err;
    auto b = run_cli({"ingest", (tmp / "guideline.pdf").string(), "--db", db.string(), "--collection", "Clinical"});
    EXPECT_EQ(b.exit_code, 0) << b.out << b.err;
  }
};

TEST(LibraryCli, JsonListsCollectionsSourcesAndDocuments) {
  Fixture f;
  auto r = run_cli({"library", "--db", f.db.string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  ASSERT_EQ(j["collections"].size(), 2u);
  std::map<std::string, json> collections;
  for (const auto& c : j["collections"]) collections[c["name"]] = c;
  EXPECT_EQ(collections["HR"]["documents"], 3);
  ASSERT_EQ(collections["HR"]["sources"].size(), 1u);
  EXPECT_EQ(collections["HR"]["sources"][0]["path"], f.docs.string());
  EXPECT_EQ(collections["HR"]["sources"][0]["folder"], true);
  EXPECT_EQ(collections["Clinical"]["sources"][0]["folder"], false);

  ASSERT_EQ(j["documents"].size(), 4u);
  auto store = pw::rag::LibraryStore::open(f.db);
  ASSERT_TRUE(store);
  for (const auto& d : j["documents"]) {
    for (const char* key : {"path", "collection", "status", "error", "pages", "chunks"})
      ASSERT_TRUE(d.contains(key)) << key << " missing in " << d.dump();
    const std::string name = fs::path(d["path"].get<std::string>()).filename().string();
    auto c = store->collection_by_name(d["collection"].get<std::string>());
    ASSERT_TRUE(c && *c);
    auto record = store->document_by_path((*c)->id, d["path"].get<std::string>());
    ASSERT_TRUE(record && *record) << name;
    EXPECT_EQ(d["chunks"], (*record)->chunk_count) << name;
    EXPECT_EQ(d["pages"], (*record)->pages) << name;
    if (name == "qpdf_bad40.pdf") {
      EXPECT_EQ(d["status"], "damaged");
      EXPECT_EQ(d["chunks"], 0);
      EXPECT_FALSE(d["error"].get<std::string>().empty());
    } else {
      EXPECT_EQ(d["status"], "ok") << name;
      EXPECT_GT(d["chunks"].get<int>(), 0) << name;
    }
    EXPECT_EQ(d["collection"], name == "guideline.pdf" ? "Clinical" : "HR");
  }
}

TEST(LibraryCli, TextListsEachCollection) {
  Fixture f;
  auto r = run_cli({"library", "--db", f.db.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(": 2 collections, 4 documents,"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Collection 'HR' (3 documents)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Collection 'Clinical' (1 document)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("folder " + f.docs.string()), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("damaged"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("qpdf_bad40.pdf"), std::string::npos) << r.out;

  auto only = run_cli({"library", "--db", f.db.string(), "--collection", "Clinical", "--json"});
  ASSERT_EQ(only.exit_code, 0);
  const json j = json::parse(only.out);
  EXPECT_EQ(j["collections"].size(), 1u);
  EXPECT_EQ(j["documents"].size(), 1u);
  EXPECT_EQ(run_cli({"library", "--db", f.db.string(), "--collection", "Nope"}).exit_code, 1);
}

TEST(LibraryCli, NoLibraryYetIsEmptyAndNotCreated) {
  pw::test::TempDir tmp;
  const fs::path db = tmp / "none" / "library.sqlite3";
  auto text = run_cli({"library", "--db", db.string()});
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find("No library at"), std::string::npos) << text.out;
  auto j = run_cli({"library", "--db", db.string(), "--json"});
  EXPECT_EQ(j.exit_code, 0);
  const json out = json::parse(j.out);
  EXPECT_EQ(out["exists"], false);
  EXPECT_TRUE(out["documents"].empty());
  EXPECT_FALSE(fs::exists(db.parent_path()));
  EXPECT_EQ(run_cli({"library", "--db", db.string(), "extra"}).exit_code, 2);
}

}  // namespace
