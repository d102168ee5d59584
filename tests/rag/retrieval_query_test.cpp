// Query analysis, word tokens and the Porter stemmer (compared with SQLite FTS5's own porter
// tokenizer on the words of a real document).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <map>
#include <set>

#include "ingest/extract.h"
#include "rag/retrieval/porter_stemmer.h"
#include "rag/retrieval/query_analysis.h"
#include "rag/retrieval/word_tokens.h"
#include "retrieval_test_library.h"
#include "support/test_support.h"

namespace {

using pw::rag::analyze_query;

std::vector<std::string> term_texts(const pw::rag::AnalyzedQuery& q) {
  std::vector<std::string> out;
  for (const auto& t : q.terms) out.push_back(t.text);
  return out;
}

TEST(RetrievalQuery, StopwordsDroppedAndTermsDistinctByStem) {
  auto q = analyze_query("What is the carry-over rule for the annual leave? Leaves, leave!");
  EXPECT_EQ(term_texts(q), (std::vector<std::string>{"carry", "over", "rule", "annual", "leave"}));
  ASSERT_EQ(q.phrases.size(), 1u);
  EXPECT_EQ(q.phrases[0].raw, (std::vector<std::string>{"carry", "over"}));
  EXPECT_FALSE(q.only_stopwords);
}

TEST(RetrievalQuery, QuotedPhrasesKeepTheirStopwords) {
  auto q = analyze_query("Is there a \"right of first refusal\" in “the deal”?");
  ASSERT_EQ(q.phrases.size(), 2u);
  EXPECT_EQ(q.phrases[0].raw, (std::vector<std::string>{"right", "of", "first", "refusal"}));
  EXPECT_EQ(q.phrases[1].raw, (std::vector<std::string>{"the", "deal"}));
  // Quoted words are terms even when they are stopwords; unquoted stopwords are not.
  EXPECT_EQ(term_texts(q), (std::vector<std::string>{"right", "of", "first", "refusal", "the", "deal"}));
  EXPECT_EQ(pw::rag::fts_phrase_expression(q), "\"right of first refusal\" OR \"the deal\"");
}

TEST(RetrievalQuery, NumbersWithSeparatorsArePhrasesNotLooseDigits) {
  auto q = analyze_query("servings in a 1,600 to 2.5 plan");
  auto terms = term_texts(q);
  EXPECT_EQ(std::count(terms.begin(), terms.end(), "1"), 0);
  EXPECT_EQ(std::count(terms.begin(), terms.end(), "600"), 0);
  ASSERT_EQ(q.phrases.size(), 2u);
  EXPECT_EQ(q.phrases[0].raw, (std::vector<std::string>{"1", "600"}));
  EXPECT_EQ(q.phrases[1].raw, (std::vector<std::string>{"2", "5"}));
}

TEST(RetrievalQuery, OnlyStopwordsStillSearchesSomething) {
  auto q = analyze_query("What is it?");
  EXPECT_TRUE(q.only_stopwords);
  EXPECT_EQ(term_texts(q), (std::vector<std::string>{"what", "is", "it"}));
  EXPECT_TRUE(analyze_query("?? -- “ ”").empty());
  EXPECT_TRUE(analyze_query("").empty());
}

TEST(RetrievalQuery, ExpressionsAreValidFts5ForHostileInput) {
  pw::rag::testing::TestLibrary lib;
  int64_t c = lib.collection("c");
  lib.add_pages(c, "/d.txt", "D", {"Annual leave may be carried over. NEAR and NOT are words here."});
  const std::string hostile[] = {"NOT OR AND NEAR(a b)", "\"unbalanced", "col:value ^start *", "C++ (x) {y}",
                                 std::string("nul\0byte", 8), "\xff\xfe broken utf8 \xc3", "a-b-c-d-e-f-g-h-i-j-k",
                                 "1,2,3.4.5/6", "“curly” ‘quotes’ — dashes", "AND", "\"\""};
  for (const std::string& text : hostile) {
    auto q = analyze_query(text);
    for (const std::string& e : {pw::rag::fts_any_expression(q), pw::rag::fts_all_expression(q),
                                 pw::rag::fts_phrase_expression(q)}) {
      if (e.empty()) continue;
      auto st = lib.store().database().prepare("SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH ?1");
      ASSERT_TRUE(st.ok());
      st->bind_text(1, e);
      auto row = st->step();
      EXPECT_TRUE(row.ok()) << "expression " << e << " from " << text << ": " << (row.ok() ? "" : row.error().describe());
    }
  }
}

TEST(RetrievalQuery, TermCountIsBounded) {
  std::string many;
  for (int i = 0; i < 200; ++i) many += "word" + std::to_string(i) + " ";
  EXPECT_EQ(analyze_query(many).terms.size(), pw::rag::kMaxQueryTerms);
}

TEST(RetrievalWordTokens, OffsetsPointIntoTheTextAndDiacriticsFold) {
  std::string text = "Élan, naïve—CAFÉ straße 4.2(b) Київ";
  auto words = pw::rag::word_tokens(text);
  std::vector<std::string> seen;
  for (const auto& w : words) seen.push_back(w.text);
  EXPECT_EQ(seen, (std::vector<std::string>{"elan", "naive", "cafe", "strasse", "4", "2", "b", "київ"}));
  EXPECT_EQ(text.substr(words[0].begin, words[0].end - words[0].begin), "Élan");
  EXPECT_EQ(text.substr(words[2].begin, words[2].end - words[2].begin), "CAFÉ");
  // Invalid bytes separate words and never crash.
  auto broken = pw::rag::word_tokens(std::string("ab\xff" "cd\xc3"));
  ASSERT_EQ(broken.size(), 2u);
  EXPECT_EQ(broken[1].text, "cd");
}

TEST(RetrievalPorter, ClassicExamples) {
  const std::map<std::string, std::string> examples = {
      {"caresses", "caress"}, {"ponies", "poni"},       {"cats", "cat"},          {"feed", "feed"},
      {"agreed", "agre"},     {"plastered", "plaster"}, {"motoring", "motor"},    {"sing", "sing"},
      {"conflated", "conflat"}, {"troubled", "troubl"}, {"sized", "size"},        {"hopping", "hop"},
      {"falling", "fall"},    {"filing", "file"},       {"happy", "happi"},       {"relational", "relat"},
      {"generalization", "gener"}, {"electrical", "electr"}, {"adjustable", "adjust"}, {"controlling", "control"},
      {"governed", "govern"}, {"governs", "govern"},    {"connections", "connect"}, {"is", "is"}};
  for (const auto& [word, stem] : examples) EXPECT_EQ(pw::rag::porter_stem(word), stem) << word;
  EXPECT_EQ(pw::rag::porter_stem("Capital"), "Capital");  // not lower case: unchanged
  EXPECT_EQ(pw::rag::porter_stem("b12"), "b12");
}

// Every ASCII word of a real document stems as SQLite FTS5's porter tokenizer stems it: the
// local rescoring must agree with the index about which words match.
TEST(RetrievalPorter, AgreesWithSqliteFts5OnARealDocument) {
  pw::ingest::ExtractOptions options;
  auto doc = pw::ingest::extract(
      pw::test::shared_path("corpus/pdfs/legal_cuad/cuad_DYNAMEXINC_06_06_1996-EX-10.4-TRANSPORTATION_SERVICES_AGREEMENT.pdf"),
      options);
  ASSERT_TRUE(doc.ok());
  std::set<std::string> words;
  for (const auto& p : doc->pages)
    for (const auto& w : pw::rag::word_tokens(p.text)) {
      bool ascii_letters = std::all_of(w.text.begin(), w.text.end(), [](char c) { return c >= 'a' && c <= 'z'; });
      if (ascii_letters) words.insert(w.text);
    }
  ASSERT_GT(words.size(), 500u);

  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "CREATE VIRTUAL TABLE t USING fts5(x, tokenize='porter unicode61 remove_diacritics 2');"
                         "CREATE VIRTUAL TABLE v USING fts5vocab(t, 'row');",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  int mismatches = 0;
  std::string examples;
  for (const std::string& w : words) {
    sqlite3_stmt* st = nullptr;
    sqlite3_exec(db, "DELETE FROM t", nullptr, nullptr, nullptr);
    sqlite3_prepare_v2(db, "INSERT INTO t(x) VALUES (?1)", -1, &st, nullptr);
    sqlite3_bind_text(st, 1, w.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_step(st);
    sqlite3_finalize(st);
    sqlite3_prepare_v2(db, "SELECT term FROM v", -1, &st, nullptr);
    std::string fts_stem;
    if (sqlite3_step(st) == SQLITE_ROW) fts_stem = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (fts_stem != pw::rag::porter_stem(w)) {
      ++mismatches;
      if (examples.size() < 300) examples += w + "->" + fts_stem + "/" + pw::rag::porter_stem(w) + " ";
    }
  }
  sqlite3_close(db);
  EXPECT_EQ(mismatches, 0) << "word->fts5/ours: " << examples;
}

}  // namespace
