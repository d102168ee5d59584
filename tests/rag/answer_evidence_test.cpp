// The evidence check: numbers, doses, units, dates and section references of an answer
// sentence must be in a source it cites. Literal answer sentences are the test input.
#include <gtest/gtest.h>

#include "rag/answer/evidence_check.h"

namespace {

using pw::rag::check_evidence;
using pw::rag::EvidenceIndex;
using pw::rag::extract_facts;
using pw::rag::FactKind;

std::vector<std::string> keys(const std::string& text) {
  std::vector<std::string> out;
  for (const auto& f : extract_facts(text)) out.push_back(f.key);
  return out;
}

pw::rag::EvidenceResult check(const std::string& sentence, const std::string& source) {
  EvidenceIndex index(source);
  std::vector<const EvidenceIndex*> cited{&index};
  return check_evidence(sentence, cited);
}

TEST(AnswerEvidence, FactsAreNormalised) {
  EXPECT_EQ(keys("1,000 or 1000.0 or 2.50 or 007"), (std::vector<std::string>{"1000", "1000", "2.5", "7"}));
  EXPECT_EQ(keys("5 mg, 5mg, 5 milligrams, 5-mg"), (std::vector<std::string>{"5|mg", "5|mg", "5|mg", "5|mg"}));
  EXPECT_EQ(keys("12% and 12 percent and 12 per cent"), (std::vector<std::string>{"12|%", "12|%", "12|%"}));
  EXPECT_EQ(keys("70 to 130 mg/dL"), (std::vector<std::string>{"70|mg/dl", "130|mg/dl"}));
  EXPECT_EQ(keys("1,200-1,600 calories"), (std::vector<std::string>{"1200|calorie", "1600|calorie"}));
  EXPECT_EQ(keys("on November 20th, 1995"), (std::vector<std::string>{"month:11", "20", "1995"}));
  EXPECT_EQ(keys("Section 4.2(b), § 12 and Article VII"),
            (std::vector<std::string>{"sec:4.2(b)", "sec:12", "sec:vii"}));
  EXPECT_EQ(keys("$10.2 billion"), (std::vector<std::string>{"10.2|billion"}));
  EXPECT_EQ(keys("\xC2\xBD cup"), (std::vector<std::string>{"1/2|cup"}));
}

TEST(AnswerEvidence, NamesListNumbersAndTheVerbMayAreNotFacts) {
  EXPECT_TRUE(keys("COVID-19 and vitamin B12 and H1N1 and 3D").empty());
  EXPECT_TRUE(keys("1. Take the tablets\n2) Rest").empty());
  EXPECT_TRUE(keys("You may stop in March if you wish.").empty());  // months only next to numbers
  EXPECT_EQ(keys("Stop in May 2024."), (std::vector<std::string>{"month:5", "2024"}));
}

TEST(AnswerEvidence, SupportedWhenTheSourceHasTheFactsInAnyNotation) {
  const std::string source =
      "Adults may take 5mg twice daily, up to 1,000 mg a day. Target: 70 to 130 mg/dL before meals. "
      "Signed on the 20 day of November, 1995.\n4.2 Carry-over\nUnused days expire.";
  EXPECT_TRUE(check("Take 5 mg twice a day.", source).supported);
  EXPECT_TRUE(check("Never more than 1000 milligrams daily.", source).supported);
  EXPECT_TRUE(check("Aim for 70-130 mg/dl.", source).supported);
  EXPECT_TRUE(check("It was signed on November 20, 1995.", source).supported);
  EXPECT_TRUE(check("Section 4.2 covers carry-over.", source).supported);
  EXPECT_TRUE(check("Unused days expire.", source).supported);  // nothing to check
}

TEST(AnswerEvidence, UnsupportedNumbersUnitsDatesAndSectionsAreFlagged) {
  const std::string source = "Adults may take 5 mg twice daily. The agreement is governed by Section 12.";
  auto dose = check("Adults may take 10 mg twice daily.", source);
  EXPECT_FALSE(dose.supported);
  EXPECT_EQ(dose.missing, (std::vector<std::string>{"10 mg"}));
  auto unit = check("Adults may take 5 g twice daily.", source);  // right number, wrong unit
  EXPECT_FALSE(unit.supported);
  EXPECT_EQ(unit.missing, (std::vector<std::string>{"5 g"}));
  auto section = check("See Section 14.", source);
  EXPECT_FALSE(section.supported);
  EXPECT_EQ(section.missing, (std::vector<std::string>{"Section 14"}));
  auto date = check("Signed in June 2001.", source);
  EXPECT_FALSE(date.supported);
  EXPECT_EQ(date.missing.size(), 2u);
}

TEST(AnswerEvidence, QuotesOfPdfTextOnOneLineCheckOut) {
  // PDF text breaks lines anywhere; quotes of it (snippets, extractive answers) are shown on
  // one line. Both must give the same facts.
  const std::string source =
      "Give 15\nmg/kg every 6 hours, at most 1,000\nmg per dose.\n2. Maximum daily dose\nNever more than 4\ng in "
      "24\nhours. Reviewed 3\nMarch 2025.";
  EXPECT_TRUE(check("Give 15 mg/kg every 6 hours, at most 1,000 mg per dose.", source).supported);
  EXPECT_TRUE(check("2. Maximum daily dose Never more than 4 g in 24 hours.", source).supported);
  EXPECT_TRUE(check("Reviewed 3 March 2025.", source).supported);
  EXPECT_FALSE(check("Never more than 5 g in 24 hours.", source).supported);
  // Tricky notations on the answer side.
  EXPECT_TRUE(check("At most 1000mg per dose.", source).supported);
  EXPECT_TRUE(check("Every 6 hrs.", source).supported);
  EXPECT_FALSE(check("At most 1,000 mcg per dose.", source).supported);   // mg is not mcg
  EXPECT_FALSE(check("At most 100 mg per dose.", source).supported);      // 100 is not 1,000
  EXPECT_FALSE(check("Give 1.5 mg/kg.", source).supported);               // 1.5 is not 15
}

TEST(AnswerEvidence, DecimalsDatesAndSectionsAreNotConfused) {
  const std::string source = "Version 2.1, approved 3 March 2025. See section 4.2(b). The fee is $10.50.";
  EXPECT_TRUE(check("Version 2.10 was approved on March 3, 2025.", source).supported);
  EXPECT_TRUE(check("The fee is 10.5 dollars per Section 4.2(b).", source).supported);
  EXPECT_FALSE(check("Version 21 was approved.", source).supported);
  EXPECT_FALSE(check("Approved 3 May 2025.", source).supported);
  EXPECT_FALSE(check("See Section 4.2(c).", source).supported);
  EXPECT_FALSE(check("See Section 2.4.", source).supported);
}

TEST(AnswerEvidence, FactsWithoutACitedSourceAreUnsupported) {
  std::vector<const EvidenceIndex*> none;
  auto r = check_evidence("The limit is 40 hours a week.", none);
  EXPECT_FALSE(r.supported);
  EXPECT_TRUE(check_evidence("Ask your manager first.", none).supported);
}

TEST(AnswerEvidence, AnyCitedSourceMaySupportAFact) {
  EvidenceIndex a("The garage opens at 7 am."), b("Permits cost 20 dollars.");
  std::vector<const EvidenceIndex*> both{&a, &b};
  EXPECT_TRUE(check_evidence("It opens at 7 and permits cost 20 dollars.", both).supported);
  std::vector<const EvidenceIndex*> only_a{&a};
  EXPECT_FALSE(check_evidence("Permits cost 20 dollars.", only_a).supported);
}

TEST(AnswerEvidence, HostileTextNeverBreaksTheScanner) {
  std::string junk;
  for (int i = 0; i < 5000; ++i) junk += static_cast<char>((i * 7919) % 256);
  junk += "§§§ Section Section 1.2.3.4.5.6.7.8.9( ((( 1,0,0,0 ½½½ per";
  EvidenceIndex index(junk);
  std::vector<const EvidenceIndex*> cited{&index};
  EXPECT_TRUE(check_evidence(junk, cited).supported);  // a text supports its own facts
  auto huge = extract_facts(std::string(100000, '9'));
  ASSERT_EQ(huge.size(), 1u);
  EXPECT_EQ(huge[0].key.size(), 100000u);
}

}  // namespace
