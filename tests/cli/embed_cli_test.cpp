// pagewise-cli embed: JSON shape, golden vectors and ids, roles, errors.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>

#include "support/cli_runner.h"
#include "support/test_support.h"

namespace {

std::string bert() { return pw::test::shared_path("fixtures/models/tiny-bert-F16.gguf").string(); }

nlohmann::json golden() {
  return nlohmann::json::parse(pw::test::read_text(pw::test::shared_path("fixtures/models/tiny-bert-F16.golden.json")));
}

TEST(CliEmbed, PrintsNormalisedVectorsAndTokenIdsMatchingTheGolden) {
  const auto g = golden();
  const std::string a = g["sentences"][0]["text"], b = g["sentences"][1]["text"];
  auto r = pw::test::run_cli({"embed", "-m", bert(), "--no-prefix", a, b});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto out = nlohmann::json::parse(r.out);
  ASSERT_EQ(out["embeddings"].size(), 2u);
  ASSERT_EQ(out["token_ids"].size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(out["token_ids"][i], g["sentences"][i]["token_ids"]);
    const auto v = out["embeddings"][i].get<std::vector<float>>();
    const auto ref = g["sentences"][i]["pooled_mean_l2_normalized"].get<std::vector<float>>();
    ASSERT_EQ(v.size(), 256u);
    double dot = 0, norm = 0;
    for (size_t j = 0; j < v.size(); ++j) {
      dot += double(v[j]) * ref[j];
      norm += double(v[j]) * v[j];
    }
    EXPECT_NEAR(norm, 1.0, 1e-5);
    EXPECT_GE(dot, 0.9999);
  }
  EXPECT_EQ(out["dimension"], 256);
  EXPECT_EQ(out["role"], "raw");
  EXPECT_EQ(out["truncated"], nlohmann::json::array({false, false}));
}

TEST(CliEmbed, QueryRoleAndPassageRoleAreAccepted) {
  auto q = pw::test::run_cli({"embed", "-m", bert(), "--query", "cat"});
  ASSERT_EQ(q.exit_code, 0) << q.err;
  EXPECT_EQ(nlohmann::json::parse(q.out)["role"], "query");
  auto p = pw::test::run_cli({"embed", "-m", bert(), "--", "-cat"});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  EXPECT_EQ(nlohmann::json::parse(p.out)["role"], "passage");
}

TEST(CliEmbed, Errors) {
  EXPECT_EQ(pw::test::run_cli({"embed", "cat"}).exit_code, 2);
  EXPECT_EQ(pw::test::run_cli({"embed", "-m", bert()}).exit_code, 2);
  EXPECT_EQ(pw::test::run_cli({"embed", "-m", bert(), "--frobnicate", "x"}).exit_code, 2);
  auto missing = pw::test::run_cli({"embed", "-m", "/nonexistent/model.gguf", "cat"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("/nonexistent/model.gguf"), std::string::npos) << missing.err;
  auto decoder = pw::test::run_cli(
      {"embed", "-m", pw::test::shared_path("fixtures/models/stories260K.gguf").string(), "cat"});
  EXPECT_EQ(decoder.exit_code, 1);
  EXPECT_NE(decoder.err.find("not an embedding model"), std::string::npos) << decoder.err;
}

}  // namespace

namespace {

TEST(CliEmbed, IngestWithEmbedModelThenSemanticSearch) {
  pw::test::TempDir tmp;
  const std::string doc = "# Leave policy\n\nUnused vacation days roll into the next year, up to five days.\n";
  std::filesystem::create_directories(tmp / "docs");
  pw::test::write_file(tmp / "docs" / "leave.md", doc.data(), doc.size());
  const std::string db = (tmp / "lib.sqlite3").string();
  auto ingest = pw::test::run_cli({"ingest", (tmp / "docs").string(), "--db", db, "--embed-model", bert(), "--json"});
  ASSERT_EQ(ingest.exit_code, 0) << ingest.err;
  const auto report = nlohmann::json::parse(ingest.out);
  ASSERT_TRUE(report["embedding"].is_object()) << ingest.out;
  EXPECT_EQ(report["embedding"]["model"], "tiny-bert-F16.gguf");
  EXPECT_GE(report["embedding"]["chunks_embedded"].get<int>(), 1);
  EXPECT_EQ(report["embedding"]["error"], "");

  auto search = pw::test::run_cli({"search", "carry over of annual leave", "--db", db, "--embed-model", bert(), "--json"});
  ASSERT_EQ(search.exit_code, 0) << search.err;
  const auto hits = nlohmann::json::parse(search.out);
  EXPECT_TRUE(hits["semantic_used"].get<bool>()) << search.out << search.err;
  ASSERT_FALSE(hits["results"].empty());
  EXPECT_NE(hits["results"][0]["text"].get<std::string>().find("vacation"), std::string::npos);

  // Another model than the one ingested: a warning, and the search still answers by words.
  auto other = pw::test::run_cli({"search", "vacation days", "--db", db, "--embed-model",
                                  pw::test::shared_path("fixtures/models/tiny-bert-Q4_K_M.gguf").string(), "--json"});
  ASSERT_EQ(other.exit_code, 0) << other.err;
  EXPECT_NE(other.err.find("no vectors"), std::string::npos) << other.err;
  EXPECT_FALSE(nlohmann::json::parse(other.out)["semantic_used"].get<bool>());

  // ask with the same model: fused retrieval, an extractive answer citing the document.
  auto ask = pw::test::run_cli({"ask", "How many vacation days roll into the next year?", "--db", db,
                                "--embed-model", bert(), "--json"});
  ASSERT_EQ(ask.exit_code, 0) << ask.err;
  const auto answer = nlohmann::json::parse(ask.out);
  EXPECT_EQ(answer["retrieval"], "fused") << ask.out;
  EXPECT_EQ(answer["mode"], "extractive");
  ASSERT_FALSE(answer["sources"].empty());
  EXPECT_NE(answer["sources"][0]["document"].get<std::string>().find("leave.md"), std::string::npos);
  auto ask_other = pw::test::run_cli({"ask", "vacation days", "--db", db, "--embed-model",
                                      pw::test::shared_path("fixtures/models/tiny-bert-Q4_K_M.gguf").string(), "--json"});
  ASSERT_EQ(ask_other.exit_code, 0) << ask_other.err;
  EXPECT_NE(ask_other.err.find("no vectors"), std::string::npos) << ask_other.err;
  EXPECT_EQ(nlohmann::json::parse(ask_other.out)["retrieval"], "lexical");
}

// Semantic search really takes part: a query sharing no word with the document still finds
// it through the embedding list when there is one, and never without.
TEST(CliEmbed, SemanticListFindsPassagesWithoutSharedWords) {
  pw::test::TempDir tmp;
  const std::string doc = "# Leave policy\n\nUnused vacation days roll into the next year, up to five days.\n";
  std::filesystem::create_directories(tmp / "docs");
  pw::test::write_file(tmp / "docs" / "leave.md", doc.data(), doc.size());
  const std::string db = (tmp / "lib.sqlite3").string();
  ASSERT_EQ(pw::test::run_cli({"ingest", (tmp / "docs").string(), "--db", db, "--embed-model", bert()}).exit_code, 0);
  auto words_only = pw::test::run_cli({"search", "zebra quantum", "--db", db, "--json"});
  ASSERT_EQ(words_only.exit_code, 0) << words_only.err;
  EXPECT_TRUE(nlohmann::json::parse(words_only.out)["results"].empty());
  auto fused = pw::test::run_cli({"search", "zebra quantum", "--db", db, "--embed-model", bert(), "--json"});
  ASSERT_EQ(fused.exit_code, 0) << fused.err;
  const auto hits = nlohmann::json::parse(fused.out);
  EXPECT_TRUE(hits["semantic_used"].get<bool>());
  ASSERT_FALSE(hits["results"].empty()) << fused.out;
  EXPECT_GT(hits["results"][0]["semantic_rank"].get<int>(), 0);
  EXPECT_EQ(hits["results"][0]["lexical_rank"].get<int>(), 0);
}

}  // namespace
