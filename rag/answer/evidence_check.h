// The evidence check run on every answer sentence after generation: each number, dose, unit,
// date and section reference in the sentence must appear in one of the sources it cites.
//
//   pw::rag::EvidenceIndex source(source_text);              // once per source
//   std::vector<const pw::rag::EvidenceIndex*> cited = {&source};
//   pw::rag::EvidenceResult r = pw::rag::check_evidence("Take 5mg twice daily.", cited);
//   r.supported;   // true when the source says "5 mg" (or "5mg")
//   r.missing;     // {"10 mg"} for a dose the source does not give
//
// Normalised on both sides: thousands separators ("1,000" = "1000"), trailing decimal zeros
// ("2.50" = "2.5"), units with or without a space and in long form ("5 mg" = "5mg" =
// "5 milligrams", "12%" = "12 percent"), ordinals ("20th" = "20"), section references
// ("Section 4.2" = "§ 4.2" = a "4.2 ..." heading). A number followed by a range to a number
// with a unit shares the unit ("70 to 130 mg/dL"). A month counts as a fact only next to a
// number (a date), so the verb "may" is never taken for May. Numbers inside words ("COVID-19",
// "B12") and list numbering ("1. ") are not facts. Must not change: a sentence with facts
// that cites nothing is unsupported — nothing backs it.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace pw::rag {

enum class FactKind { Number, Quantity, Month, SectionRef };

struct Fact {
  FactKind kind = FactKind::Number;
  std::string key;    // normalised: "1000", "5|mg", "month:11", "sec:4.2(b)"
  std::string shown;  // as written in the text
};

std::vector<Fact> extract_facts(std::string_view text);

class EvidenceIndex {
 public:
  EvidenceIndex() = default;
  explicit EvidenceIndex(std::string_view source_text);
  bool supports(const Fact& fact) const;

 private:
  std::unordered_set<std::string> numbers_, quantities_, months_, sections_;
};

struct EvidenceResult {
  bool supported = true;
  std::vector<std::string> missing;  // the facts (as written) no cited source has
};

EvidenceResult check_evidence(std::string_view sentence, std::span<const EvidenceIndex* const> cited_sources);

}  // namespace pw::rag
