// Rules of the lexical ranking added for FAQ-like documents and large libraries: the section
// heading match H (lexical_retriever.h), the split any-term query of libraries larger than the
// bm25 budget (same list as the one query over all items), and PassageScorer's first-byte
// filter before stemming (the same terms found as by word_tokens).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rag/retrieval/lexical_retriever.h"
#include "rag/retrieval/passage_scorer.h"
#include "rag/retrieval/porter_stemmer.h"
#include "rag/retrieval/word_tokens.h"
#include "retrieval_test_library.h"

namespace {

using pw::rag::LexicalHit;
using pw::rag::LexicalOptions;
using pw::rag::SearchFilter;
using pw::rag::testing::TestLibrary;

std::vector<LexicalHit> search(TestLibrary& lib, int64_t collection, const std::string& question,
                               const LexicalOptions& options = {}) {
  auto hits = pw::rag::lexical_search(lib.store(), pw::rag::analyze_query(question),
                                      SearchFilter::in_collections({collection}), options);
  EXPECT_TRUE(hits.ok()) << hits.error().describe();
  return hits.ok() ? *hits : std::vector<LexicalHit>{};
}

int page_of(TestLibrary& lib, const LexicalHit& h) {
  auto c = lib.store().chunk(h.chunk_id);
  return c ? c->page_start : -1;
}

// An FAQ article as MedQuAD lays it out: one question heading and its answer per page. The
// short "treatments" answer repeats the topic more densely than the definition does.
class LexicalFaq : public ::testing::Test {
 protected:
  void SetUp() override {
    faq_ = lib_.collection("faq");
    lib_.add_pages(
        faq_, "/faq/stenosis.txt", "supravalvular aortic stenosis",
        {"What is (are) supravalvular aortic stenosis?\nSupravalvular aortic stenosis is a heart defect that "
         "develops before birth: the aorta is narrowed just above the aortic valve, and the heart must work "
         "harder.",
         "What are the treatments for supravalvular aortic stenosis?\nThese resources address the management "
         "of supravalvular aortic stenosis: surgery, registries.",
         "How many people are affected by supravalvular aortic stenosis?\nIt occurs in 1 in 20,000 newborns."});
    lib_.add_pages(faq_, "/faq/pain.txt", "Pain relievers",
                   {"Summary: these medicines reduce or relieve headaches, sore muscles, arthritis or other "
                    "aches. Each person may respond differently to each medicine for pain."});
    lib_.add_pages(faq_, "/faq/bones.txt", "Bone health",
                   {"Summary: bones get weaker with age; aches in the back can be a first sign. Walking and "
                    "calcium keep bones strong."});
  }

  TestLibrary lib_;
  int64_t faq_ = 0;
};

TEST_F(LexicalFaq, TheAnswerWhoseQuestionIsAskedComesFirst) {
  // Without the heading match, the denser treatments answer wins: that is what H corrects.
  LexicalOptions off;
  off.section_heading_weight = 0;
  auto plain = search(lib_, faq_, "What is supravalvular aortic stenosis?", off);
  ASSERT_FALSE(plain.empty());
  EXPECT_EQ(page_of(lib_, plain.front()), 2);

  auto hits = search(lib_, faq_, "What is supravalvular aortic stenosis?");
  ASSERT_GE(hits.size(), 3u);
  std::string scores;
  for (const LexicalHit& h : hits)
    scores += "p" + std::to_string(page_of(lib_, h)) + " S " + std::to_string(h.score) + " G " +
              std::to_string(h.fts_score) + " L " + std::to_string(h.local_score) + " H " +
              std::to_string(h.heading_score) + "\n";
  EXPECT_EQ(page_of(lib_, hits.front()), 1) << scores;
  EXPECT_GT(hits.front().heading_score, 0.0);
  // The same question words in every heading of the document: the definition's heading holds
  // nothing else, the others hold "treatments", "people affected".
  for (size_t i = 1; i < hits.size(); ++i) EXPECT_LT(hits[i].heading_score, hits.front().heading_score);
}

TEST_F(LexicalFaq, ADocumentWithoutHeadingsIsHeadedByItsTitle) {
  auto hits = search(lib_, faq_, "which pain medicine for aches?");
  ASSERT_FALSE(hits.empty());
  bool pain = false, bones = false;
  for (const LexicalHit& h : hits) {
    auto doc = lib_.store().document(h.document_id);
    ASSERT_TRUE(doc.ok() && *doc);
    if ((*doc)->title == "Pain relievers") {
      pain = true;
      EXPECT_GT(h.heading_score, 0.0);  // its title holds "pain" (a word of its text, so it has a weight)
    } else if ((*doc)->title == "Bone health") {
      bones = true;
      EXPECT_EQ(h.heading_score, 0.0);  // "aches" is in its text, its title holds no question word
    }
  }
  EXPECT_TRUE(pain);
  EXPECT_TRUE(bones);
  auto doc = lib_.store().document(hits.front().document_id);
  EXPECT_EQ((*doc)->title, "Pain relievers");
}

// A library larger than the bm25 budget (the budget made small): the any-term list is built
// from the rarest item alone plus (rarest AND the others); it must equal the one query over all
// items on the rows holding the rare item, here every row of the list.
TEST(LexicalLargeLibrary, SplitAnyTermQueryGivesTheSameList) {
  TestLibrary lib;
  const int64_t c = lib.collection("many");
  for (int i = 0; i < 40; ++i) {
    std::string text = "Note " + std::to_string(i) + " about the weather and the garden.";
    if (i % 8 == 0) text += " A zebra was seen near the gate.";                 // 5 rows
    if (i % 3 == 0) text += " The apple tree flowered early this spring.";      // 14 rows
    if (i % 16 == 0) text += " Another apple fell; the zebra ate the apple.";  // 3 rows, both again
    lib.add_pages(c, "/notes/" + std::to_string(i) + ".txt", "Note " + std::to_string(i), {text});
  }
  LexicalOptions split;
  split.max_ranked_matches = 30;  // the library (40 chunks) is "large"; zebra + apple (19) fit
  split.anchor_matches = 1;       // anchors: zebra alone (5 rows fill a list of 4)
  split.any_term_candidates = 4;
  LexicalOptions one = split;
  one.anchor_matches = 1000;      // anchors: every item, one query
  for (const char* q : {"zebra apple", "apple zebra garden"}) {
    auto a = search(lib, c, q, split);
    auto b = search(lib, c, q, one);
    ASSERT_EQ(a.size(), b.size()) << q;
    ASSERT_FALSE(a.empty()) << q;
    for (size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].chunk_id, b[i].chunk_id) << q << " rank " << i;
      EXPECT_DOUBLE_EQ(a[i].fts_score, b[i].fts_score) << q << " rank " << i;
    }
  }
}

// PassageScorer stems a word only when its first byte starts a query stem; this holds because
// Porter stemming only rewrites a word's ending. Checked on words built from every suffix rule.
TEST(LexicalPassageScorer, StemsKeepTheFirstLetter) {
  const std::vector<std::string> bases = {"a", "ab", "relat", "condit", "valen", "hesit", "digit", "conform",
                                          "radic", "differ", "vile", "analog", "vietnam", "predic", "oper",
                                          "feud", "decis", "hope", "formal", "sensitiv", "sens", "y", "i", "e",
                                          "s", "ss", "fail", "caress", "pony", "sky", "agree", "ied", "ing"};
  const std::vector<std::string> suffixes = {
      "", "ational", "tional", "enci", "anci", "izer", "bli", "alli", "entli", "eli", "ousli", "ization", "ation",
      "ator", "alism", "iveness", "fulness", "ousness", "aliti", "iviti", "biliti", "logi", "icate", "ative",
      "alize", "iciti", "ical", "ful", "ness", "al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement",
      "ment", "ent", "ion", "sion", "tion", "ou", "ism", "ate", "iti", "ous", "ive", "ize", "sses", "ies", "ss",
      "s", "eed", "ed", "ing", "y", "e", "ll", "ied", "ying", "ly", "edly", "ingly"};
  int checked = 0;
  for (const auto& b : bases)
    for (const auto& s : suffixes)
      for (const auto& s2 : {std::string(), std::string("s"), std::string("ed"), std::string("ing")}) {
        const std::string w = b + s + s2;
        const std::string stem = pw::rag::porter_stem(w);
        ASSERT_FALSE(stem.empty()) << w;
        EXPECT_EQ(stem[0], w[0]) << w << " -> " << stem;
        ++checked;
      }
  EXPECT_GT(checked, 5000);
}

// The scorer's terms found against word_tokens' (every word stemmed) on real text, with queries
// made of that text's own words.
TEST(LexicalPassageScorer, FindsTheSameTermsAsWordTokens) {
  const std::string text =
      "Pain relievers are medicines that reduce or relieve headaches, sore muscles, arthritis, or other aches "
      "and pains. There are many different pain medicines, and each one has advantages and risks. Some types "
      "of pain respond better to certain medicines than others. Over-the-counter (OTC) medicines are good for "
      "many types of pain; naproxen (Aleve) and ibuprofen are examples. Élan, naïve café owners' 1,600 "
      "relational conditionally hopefulness generalizations.";
  const auto words = pw::rag::word_tokens(text);
  ASSERT_GT(words.size(), 60u);
  for (size_t start = 0; start < words.size(); start += 3) {
    std::string question;
    for (size_t k = start; k < words.size() && k < start + 5; ++k) question += words[k].text + " ";
    const auto query = pw::rag::analyze_query(question);
    if (query.terms.empty()) continue;
    pw::rag::PassageScorer scorer(query);
    const pw::rag::PassageText passage{text, "Pain > Relievers", 0};
    auto m = scorer.score(std::span<const pw::rag::PassageText>(&passage, 1));
    const auto heading = pw::rag::word_tokens("Pain > Relievers");
    std::vector<pw::rag::WordToken> all = words;
    all.insert(all.end(), heading.begin(), heading.end());
    EXPECT_EQ(m[0].terms_present, pw::rag::terms_present(query, all)) << question;
    EXPECT_GT(m[0].score, 0.0) << question;
  }
}

}  // namespace
