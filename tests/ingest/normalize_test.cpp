#include "ingest/normalize.h"

#include <gtest/gtest.h>

#include "ingest/utf8.h"

using pw::ingest::HyphenationLexicon;
using pw::ingest::join_hyphenated_lines;
using pw::ingest::normalize_text;

TEST(Normalize, SpellsOutLigatures) {
  EXPECT_EQ(normalize_text("\xEF\xAC\x81nance \xEF\xAC\x82ow o\xEF\xAC\x80 su\xEF\xAC\x83x ba\xEF\xAC\x84" "e"),
            "finance flow off suffix baffle");
}

TEST(Normalize, SoftHyphensVanishAndJoinWordsAcrossLines) {
  EXPECT_EQ(normalize_text("employ\xC2\xADment"), "employment");
  EXPECT_EQ(normalize_text("the employ\xC2\xAD\nment contract"), "the employment contract");
  EXPECT_EQ(normalize_text("the employ\xC2\xAD  \r\n   ment"), "the employment");
}

TEST(Normalize, WhitespaceCollapsesAndLinesAreTrimmed) {
  EXPECT_EQ(normalize_text("  a \t b  \r\nc\r\rd\f\n\n\n\n  e  \xC2\xA0 f\xE2\x80\x83g  \n"), "a b\nc\n\nd\n\ne f g");
  EXPECT_EQ(normalize_text(" \n \t\n"), "");
}

TEST(Normalize, DropsControlsZeroWidthAndPrivateUse) {
  const std::string raw = std::string("a\0b\x01" "c\x7F" "d\xE2\x80\x8B" "e\xEF\xBB\xBF" "f\xEE\x80\x80g\xC2\x85h", 23);
  EXPECT_EQ(normalize_text(raw), "abcdefg\nh");
}

TEST(Normalize, RepairsInvalidUtf8) {
  const std::string out = normalize_text(std::string("bad \xFF\xFE bytes \xC3", 14));
  EXPECT_TRUE(pw::ingest::utf8::is_valid(out));
  EXPECT_EQ(out, "bad \xEF\xBF\xBD\xEF\xBF\xBD bytes \xEF\xBF\xBD");
}

TEST(Normalize, ComposesCommonAccentsIncludingTexDotlessI) {
  EXPECT_EQ(normalize_text("na\xC4\xB1\xCC\x88ve cafe\xCC\x81 Zu\xCC\x88rich"), "na\xC3\xAFve caf\xC3\xA9 Z\xC3\xBCrich");
  // No composition exists: the mark stays, attached to its letter.
  EXPECT_EQ(normalize_text("q\xCC\x81"), "q\xCC\x81");
}

TEST(Normalize, IsIdempotent) {
  const std::string once = normalize_text("  Ti\xEF\xAC\x81tle\r\n\n\n\nbody  text\xC2\xAD\nmore \x01 end ");
  EXPECT_EQ(normalize_text(once), once);
}

TEST(Normalize, NeverGrowsPastThreeTimesTheInput) {
  std::string many;
  for (int i = 0; i < 1000; ++i) many += "\xEF\xAC\x83";  // ffi ligature: 3 bytes -> 3 bytes
  EXPECT_LE(normalize_text(many).size(), many.size() * 3);
}

TEST(Hyphenation, JoinsLineEndHyphenationAndKeepsRealHyphens) {
  EXPECT_EQ(join_hyphenated_lines("the employ-\nment of staff", nullptr), "the employment of staff");
  EXPECT_EQ(join_hyphenated_lines("a well-known fact", nullptr), "a well-known fact");  // mid-line: untouched
  EXPECT_EQ(join_hyphenated_lines("Anglo-\nSaxon law", nullptr), "Anglo-Saxon law");    // capital: a compound
  EXPECT_EQ(join_hyphenated_lines("COVID-\n19 rules", nullptr), "COVID-19 rules");      // digit: a compound
  EXPECT_EQ(join_hyphenated_lines("items -\nnext", nullptr), "items -\nnext");          // a dash, not a hyphen
  EXPECT_EQ(join_hyphenated_lines("end-\n\nnew paragraph", nullptr), "end-\n\nnew paragraph");
}

TEST(Hyphenation, TheDocumentsOwnSpellingDecides) {
  HyphenationLexicon lexicon;
  lexicon.add_text("This is a well-known result. Our long-term plan. The long-\nterm view.");
  EXPECT_TRUE(lexicon.has_hyphenated("well-known"));
  EXPECT_FALSE(lexicon.has_plain("long"));  // "long-" broken at a line end is half a word: not recorded
  EXPECT_EQ(join_hyphenated_lines("a well-\nknown result", &lexicon), "a well-known result");
  EXPECT_EQ(join_hyphenated_lines("the long-\nterm view", &lexicon), "the long-term view");
  EXPECT_EQ(join_hyphenated_lines("the employ-\nment", &lexicon), "the employment");
  // Both spellings seen: the plain one wins (hyphenation is the more common cause).
  lexicon.add_text("data-base and database");
  EXPECT_EQ(join_hyphenated_lines("a data-\nbase", &lexicon), "a database");
}

TEST(Hyphenation, DetectsCandidates) {
  EXPECT_TRUE(pw::ingest::has_line_end_hyphen("employ-\nment"));
  EXPECT_FALSE(pw::ingest::has_line_end_hyphen("2019-\n2020"));
  EXPECT_FALSE(pw::ingest::has_line_end_hyphen("no hyphen\nhere"));
}

TEST(CharacterClasses, LettersAndCase) {
  using namespace pw::ingest;
  EXPECT_TRUE(is_letter(U'a') && is_letter(U'Ж') && is_letter(U'한') && is_letter(U'é'));
  EXPECT_FALSE(is_letter(U'1') || is_letter(U'-') || is_letter(U'\u2013') || is_letter(U'\u00D7'));
  EXPECT_TRUE(is_upper_letter(U'Ä') && is_lower_letter(U'ä') && is_upper_letter(U'Ж') && is_lower_letter(U'ж'));
  EXPECT_EQ(to_lower_utf8("ÄBC Жук"), "äbc жук");
}
