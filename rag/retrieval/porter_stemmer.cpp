#include "rag/retrieval/porter_stemmer.h"

#include <array>
#include <utility>

namespace pw::rag {
namespace {

// The word being stemmed, with the algorithm's tests on it. `k` is the length of the current
// word (suffixes are removed by shrinking it); `j` marks where a matched suffix starts.
class Stemmer {
 public:
  explicit Stemmer(std::string_view w) : b_(w), k_(w.size()) {}

  std::string run() {
    step1a();
    step1b();
    step1c();
    step2();
    step3();
    step4();
    step5();
    return b_.substr(0, k_);
  }

 private:
  // b_[i] is a consonant: not a vowel, and 'y' only when it follows a vowel (or starts).
  bool consonant(size_t i) const {
    switch (b_[i]) {
      case 'a': case 'e': case 'i': case 'o': case 'u': return false;
      case 'y': return i == 0 || !consonant(i - 1);
      default: return true;
    }
  }
  // m(): the number of vowel-consonant sequences in b_[0, end).
  int measure(size_t end) const {
    int n = 0;
    size_t i = 0;
    while (i < end && consonant(i)) ++i;
    while (i < end) {
      while (i < end && !consonant(i)) ++i;
      if (i >= end) break;
      while (i < end && consonant(i)) ++i;
      ++n;
    }
    return n;
  }
  bool has_vowel(size_t end) const {
    for (size_t i = 0; i < end; ++i)
      if (!consonant(i)) return true;
    return false;
  }
  bool double_consonant(size_t end) const {
    return end >= 2 && b_[end - 1] == b_[end - 2] && consonant(end - 1);
  }
  // consonant-vowel-consonant ending, the last consonant not w, x or y ("hop", not "snow").
  bool cvc(size_t end) const {
    if (end < 3 || !consonant(end - 1) || consonant(end - 2) || !consonant(end - 3)) return false;
    char c = b_[end - 1];
    return c != 'w' && c != 'x' && c != 'y';
  }
  bool ends(std::string_view s) {
    if (s.size() > k_ || b_.compare(k_ - s.size(), s.size(), s) != 0) return false;
    j_ = k_ - s.size();
    return true;
  }
  // Replaces the matched suffix (from j_) with s.
  void set_to(std::string_view s) {
    b_.replace(j_, k_ - j_, s);
    k_ = j_ + s.size();
    b_.resize(k_);
  }
  // Replaces the matched suffix when the stem before it has m() > 0.
  void replace_if_measure(std::string_view s) {
    if (measure(j_) > 0) set_to(s);
  }

  void step1a() {
    if (b_[k_ - 1] != 's') return;
    if (ends("sses")) set_to("ss");
    else if (ends("ies")) set_to("i");
    else if (k_ >= 2 && b_[k_ - 2] != 's') { j_ = k_ - 1; set_to(""); }
  }

  void step1b() {
    if (ends("eed")) {
      if (measure(j_) > 0) set_to("ee");
      return;
    }
    if (!((ends("ed") || ends("ing")) && has_vowel(j_))) return;
    set_to("");
    if (ends("at")) set_to("ate");
    else if (ends("bl")) set_to("ble");
    else if (ends("iz")) set_to("ize");
    else if (double_consonant(k_)) {
      char c = b_[k_ - 1];
      if (c != 'l' && c != 's' && c != 'z') { --k_; b_.resize(k_); }
    } else if (measure(k_) == 1 && cvc(k_)) {
      j_ = k_;
      set_to("e");
    }
  }

  void step1c() {
    if (ends("y") && has_vowel(j_)) set_to("i");
  }

  // Longest-suffix tables: the first match in a group decides (its condition may then fail).
  using Rule = std::pair<std::string_view, std::string_view>;

  bool apply_first(std::initializer_list<Rule> rules) {
    for (const auto& [from, to] : rules) {
      if (ends(from)) {
        replace_if_measure(to);
        return true;
      }
    }
    return false;
  }

  void step2() {
    if (k_ < 3) return;
    switch (b_[k_ - 2]) {
      case 'a': apply_first({{"ational", "ate"}, {"tional", "tion"}}); break;
      case 'c': apply_first({{"enci", "ence"}, {"anci", "ance"}}); break;
      case 'e': apply_first({{"izer", "ize"}}); break;
      case 'l': apply_first({{"bli", "ble"}, {"alli", "al"}, {"entli", "ent"}, {"eli", "e"}, {"ousli", "ous"}}); break;
      case 'o': apply_first({{"ization", "ize"}, {"ation", "ate"}, {"ator", "ate"}}); break;
      case 's': apply_first({{"alism", "al"}, {"iveness", "ive"}, {"fulness", "ful"}, {"ousness", "ous"}}); break;
      case 't': apply_first({{"aliti", "al"}, {"iviti", "ive"}, {"biliti", "ble"}}); break;
      case 'g': apply_first({{"logi", "log"}}); break;
      default: break;
    }
  }

  void step3() {
    switch (b_[k_ - 1]) {
      case 'e': apply_first({{"icate", "ic"}, {"ative", ""}, {"alize", "al"}}); break;
      case 'i': apply_first({{"iciti", "ic"}}); break;
      case 'l': apply_first({{"ical", "ic"}, {"ful", ""}}); break;
      case 's': apply_first({{"ness", ""}}); break;
      default: break;
    }
  }

  void step4() {
    if (k_ < 2) return;
    bool matched = false;
    switch (b_[k_ - 2]) {
      case 'a': matched = ends("al"); break;
      case 'c': matched = ends("ance") || ends("ence"); break;
      case 'e': matched = ends("er"); break;
      case 'i': matched = ends("ic"); break;
      case 'l': matched = ends("able") || ends("ible"); break;
      case 'n': matched = ends("ant") || ends("ement") || ends("ment") || ends("ent"); break;
      case 'o':
        if (ends("ion")) matched = j_ > 0 && (b_[j_ - 1] == 's' || b_[j_ - 1] == 't');
        else matched = ends("ou");
        break;
      case 's': matched = ends("ism"); break;
      case 't': matched = ends("ate") || ends("iti"); break;
      case 'u': matched = ends("ous"); break;
      case 'v': matched = ends("ive"); break;
      case 'z': matched = ends("ize"); break;
      default: break;
    }
    if (matched && measure(j_) > 1) set_to("");
  }

  void step5() {
    if (b_[k_ - 1] == 'e') {
      int m = measure(k_ - 1);
      if (m > 1 || (m == 1 && !cvc(k_ - 1))) { --k_; b_.resize(k_); }
    }
    if (k_ >= 2 && b_[k_ - 1] == 'l' && double_consonant(k_) && measure(k_) > 1) { --k_; b_.resize(k_); }
  }

  std::string b_;
  size_t k_ = 0;
  size_t j_ = 0;
};

}  // namespace

std::string porter_stem(std::string_view word) {
  if (word.size() <= 2 || word.size() > 64) return std::string(word);
  for (char c : word)
    if (c < 'a' || c > 'z') return std::string(word);
  return Stemmer(word).run();
}

}  // namespace pw::rag
