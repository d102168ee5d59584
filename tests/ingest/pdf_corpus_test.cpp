// Every PDF of shared/corpus through extract() + chunk_document(): a known status for each
// (hostile files included, none may crash or hang us), the page counts Poppler's pdfinfo
// reported, the chunk invariants on every document with text, and the clause/evidence texts
// of the eval sets on the pages the annotators found them.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>

#include "chunk_invariants.h"
#include "corpus_manifest.h"
#include "ingest/chunker.h"
#include "ingest/extract.h"
#include "ingest/normalize.h"
#include "ingest/utf8.h"
#include "support/test_support.h"

using pw::ingest::DocumentStatus;
using pw::ingest::test::CorpusPdf;

namespace {

std::string corpus_dir() { return std::string(PAGEWISE_SHARED_DIR) + "/corpus"; }

std::vector<CorpusPdf> corpus_params() {
  auto pdfs = pw::ingest::test::load_corpus_pdfs(corpus_dir());
  if (pdfs.empty()) {  // makes the suite fail loudly rather than test nothing
    CorpusPdf missing;
    missing.path = "pdfs/MANIFEST_MISSING";
    pdfs.push_back(missing);
  }
  return pdfs;
}

// Lower-cased words: runs of letters and digits; everything else (quotes of any style,
// apostrophes, punctuation) separates them.
std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> out;
  std::string w;
  size_t i = 0;
  while (i < text.size()) {
    const size_t start = i;
    char32_t cp;
    pw::ingest::utf8::next(text, i, cp);
    if (pw::ingest::is_letter(cp) || (cp >= '0' && cp <= '9')) {
      w += pw::ingest::to_lower_utf8(text.substr(start, i - start));
    } else if (!w.empty()) {
      out.push_back(std::move(w));
      w.clear();
    }
  }
  if (!w.empty()) out.push_back(std::move(w));
  return out;
}

bool contains_run(const std::vector<std::string>& haystack, const std::vector<std::string>& needle) {
  if (needle.empty()) return true;
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) != haystack.end();
}

struct Evidence {
  std::string text;
  std::vector<int> pages;
  std::string source;
};

// Exact-match evidence from the eval sets, by document file name.
std::map<std::string, std::vector<Evidence>> exact_evidence() {
  std::map<std::string, std::vector<Evidence>> out;
  std::ifstream cuad(corpus_dir() + "/eval/cuad_clauses.jsonl");
  std::string line;
  while (std::getline(cuad, line)) {
    const auto row = nlohmann::json::parse(line);
    for (const auto& e : row["evidence"])
      if (e.value("match", "") == "exact")
        out[row["doc"]].push_back({e["text"], e["pages"].get<std::vector<int>>(), row["id"]});
  }
  std::ifstream fin(corpus_dir() + "/eval/financebench_qa.jsonl");
  while (std::getline(fin, line)) {
    const auto row = nlohmann::json::parse(line);
    for (const auto& e : row["evidence"])
      if (e.value("located_match", "") == "exact")
        out[row["doc"]].push_back({e["text"], e["located_pages"].get<std::vector<int>>(), row["id"]});
  }
  return out;
}

class CorpusPdfTest : public ::testing::TestWithParam<CorpusPdf> {};

}  // namespace

TEST_P(CorpusPdfTest, KnownStatusPagesAndChunks) {
  const CorpusPdf& pdf = GetParam();
  const auto path = pw::test::shared_path("corpus/" + pdf.path);
  ASSERT_FALSE(pdf.expected.empty()) << "no expectation for corpus kind '" << pdf.kind << "'";
  auto result = pw::ingest::extract(path, {});
  ASSERT_TRUE(result.ok()) << result.error().describe();
  const auto& doc = *result;
  EXPECT_TRUE(pdf.expected.count(doc.status)) << pdf.path << " came back " << to_string(doc.status) << ": " << doc.error;
  EXPECT_EQ(doc.format, "pdf");
  EXPECT_FALSE(doc.title.empty());
  EXPECT_TRUE(pw::ingest::utf8::is_valid(doc.title) && pw::ingest::utf8::is_valid(doc.author) &&
              pw::ingest::utf8::is_valid(doc.error) && pw::ingest::utf8::is_valid(doc.running_header));
  if (doc.status != DocumentStatus::Ok) {
    EXPECT_NE(doc.error.find(path.filename().string()), std::string::npos) << "the message names the file: " << doc.error;
  } else {
    EXPECT_EQ(doc.error, "");
  }
  if (doc.status == DocumentStatus::Ok || doc.status == DocumentStatus::NeedsOcr) {
    if (pdf.pages > 0) {
      EXPECT_EQ(static_cast<int>(doc.pages.size()), pdf.pages);
    }
    for (size_t i = 0; i < doc.pages.size(); ++i) {
      EXPECT_EQ(doc.pages[i].number, static_cast<int>(i + 1));
      EXPECT_FALSE(doc.pages[i].label.empty());
      EXPECT_TRUE(pw::ingest::utf8::is_valid(doc.pages[i].text)) << "page " << i + 1;
      EXPECT_EQ(pw::ingest::normalize_text(doc.pages[i].text), doc.pages[i].text) << "page " << i + 1 << " is normalised";
    }
  }
  if (doc.status == DocumentStatus::NeedsOcr) {
    EXPECT_FALSE(doc.pages_without_text.empty());
  }
  if (doc.status == DocumentStatus::Ok && pdf.text_chars > 100) {
    long chars = 0;
    for (const auto& p : doc.pages) chars += static_cast<long>(std::count_if(p.text.begin(), p.text.end(), [](char c) { return c != ' ' && c != '\n'; }));
    EXPECT_GT(chars, pdf.text_chars / 2) << "much less text than pdftotext found";
  }
  pw::ingest::ChunkOptions options;
  const auto chunks = pw::ingest::chunk_document(doc, options);
  pw::ingest::test::check_chunk_invariants(doc, chunks, options);
  if (doc.status == DocumentStatus::Ok && pdf.text_chars != 0) {
    EXPECT_FALSE(chunks.empty());
  }

  // The annotated passages are on the pages the annotators found them on.
  static const auto evidence = exact_evidence();
  const auto it = evidence.find(path.filename().string());
  if (it == evidence.end()) return;
  int found = 0;
  for (const Evidence& e : it->second) {
    auto w = words(e.text);
    if (w.size() > 4) w = std::vector<std::string>(w.begin() + 1, w.end() - 1);  // the ends may be cut mid-word
    const size_t n = std::min<size_t>(8, w.size());
    const std::vector<std::string> head(w.begin(), w.begin() + static_cast<long>(n));
    const std::vector<std::string> tail(w.end() - static_cast<long>(n), w.end());
    const int first = e.pages.front(), last = e.pages.back();
    ASSERT_LE(last, static_cast<int>(doc.pages.size()));
    std::string span;  // a passage may run over several pages
    for (int p = first; p <= last; ++p) span += doc.pages[p - 1].text + "\n";
    const bool ok = contains_run(words(doc.pages[first - 1].text), head) && contains_run(words(span), tail);
    EXPECT_TRUE(ok) << e.source << ": \"" << e.text.substr(0, 80) << "\" not found on page " << first;
    found += ok;
  }
  EXPECT_EQ(found, static_cast<int>(it->second.size()));
}

INSTANTIATE_TEST_SUITE_P(Corpus, CorpusPdfTest, ::testing::ValuesIn(corpus_params()),
                         [](const ::testing::TestParamInfo<CorpusPdf>& info) { return info.param.name(); });
