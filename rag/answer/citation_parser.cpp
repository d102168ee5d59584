#include "rag/answer/citation_parser.h"

#include <algorithm>
#include <cctype>

namespace pw::rag {
namespace {

constexpr size_t kMaxGroupBytes = 48;
constexpr int kMaxNumber = 9999;

bool is_space(char c) { return c == ' ' || c == '\t'; }

std::string lower(std::string_view s) {
  std::string out;
  for (char c : s) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::vector<int> parse_citation_numbers(std::string_view s) {
  std::vector<int> numbers;
  size_t i = 0;
  auto skip_spaces = [&] {
    while (i < s.size() && is_space(s[i])) ++i;
  };
  skip_spaces();
  // An optional leading word: "Source 2", "sources: 1, 2", "ref 3".
  if (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i]))) {
    size_t w = i;
    while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i]))) ++i;
    std::string word = lower(s.substr(w, i - w));
    if (word != "source" && word != "sources" && word != "ref" && word != "refs" && word != "doc") return {};
    if (i < s.size() && s[i] == ':') ++i;
    skip_spaces();
  }
  bool expect_number = true;
  int range_from = -1;
  while (i < s.size()) {
    if (expect_number) {
      if (!std::isdigit(static_cast<unsigned char>(s[i]))) return {};
      int n = 0;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
        n = std::min(kMaxNumber + 1, n * 10 + (s[i] - '0'));
        ++i;
      }
      if (range_from >= 0) {
        if (n < range_from || n - range_from > 20) return {};
        for (int k = range_from + 1; k <= n; ++k) numbers.push_back(k);
        range_from = -1;
      } else {
        numbers.push_back(n);
      }
      expect_number = false;
      skip_spaces();
      continue;
    }
    char c = s[i];
    if (c == ',' || c == ';') {
      ++i;
    } else if (c == '-') {
      range_from = numbers.back();
      ++i;
    } else if (s.compare(i, 3, "\xE2\x80\x93") == 0) {  // en dash
      range_from = numbers.back();
      i += 3;
    } else if (s.compare(i, 4, "and ") == 0) {  // "[1 and 2]"
      i += 4;
    } else {
      return {};
    }
    expect_number = true;
    skip_spaces();
    // "and" between numbers: "[1 and 2]"
    if (s.compare(i, 4, "and ") == 0) {
      i += 4;
      skip_spaces();
    }
  }
  if (expect_number) return {};  // "[1,]" or "[]"
  return numbers;
}

CitationStreamParser::CitationStreamParser(int source_count) : source_count_(std::max(0, source_count)) {}

void CitationStreamParser::release(std::string_view s, std::string& released) {
  text_ += s;
  released += s;
}

void CitationStreamParser::close_group(std::string& released) {
  // group_ holds "[...]".
  std::vector<int> numbers = parse_citation_numbers(std::string_view(group_).substr(1, group_.size() - 2));
  if (numbers.empty()) {
    abandon_group(released);
    return;
  }
  std::vector<int> kept;
  for (int n : numbers) {
    if (n >= 1 && n <= source_count_) {
      if (std::find(kept.begin(), kept.end(), n) == kept.end()) kept.push_back(n);
    } else if (std::find(dropped_.begin(), dropped_.end(), n) == dropped_.end()) {
      dropped_.push_back(n);
    }
  }
  in_group_ = false;
  group_.clear();
  if (kept.empty()) {
    after_removed_ = true;  // the spaces before it stay held; the next character decides
    return;
  }
  std::string marker = "[";
  for (size_t k = 0; k < kept.size(); ++k) marker += (k ? ", " : "") + std::to_string(kept[k]);
  marker += "]";
  release(held_spaces_, released);
  held_spaces_.clear();
  CitationMark mark{text_.size(), text_.size() + marker.size(), kept};
  release(marker, released);
  marks_.push_back(std::move(mark));
  after_removed_ = false;
}

void CitationStreamParser::abandon_group(std::string& released) {
  // Not a citation: the '[' is text; the rest is read again as ordinary input.
  std::string rest = group_.substr(1);
  in_group_ = false;
  group_.clear();
  release(held_spaces_, released);
  held_spaces_.clear();
  release("[", released);
  after_removed_ = false;
  for (char c : rest) take(c, released);
}

void CitationStreamParser::take(char c, std::string& released) {
  if (in_group_) {
    group_ += c;
    if (c == ']') {
      close_group(released);
    } else if (c == '[' || c == '\n' || group_.size() > kMaxGroupBytes) {
      abandon_group(released);
    }
    return;
  }
  if (c == '[') {
    in_group_ = true;
    group_ = "[";
    return;
  }
  if (is_space(c)) {
    // After a removed marker, one held space is enough ("a [9] b" -> "a b").
    if (!(after_removed_ && !held_spaces_.empty())) held_spaces_ += c;
    return;
  }
  if (after_removed_) {
    // "fact [9]." -> "fact." : punctuation takes no space before it.
    bool punct = c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == ')';
    if (punct) held_spaces_.clear();
    after_removed_ = false;
  }
  release(held_spaces_, released);
  held_spaces_.clear();
  release(std::string_view(&c, 1), released);
}

std::string CitationStreamParser::feed(std::string_view piece) {
  std::string released;
  for (char c : piece) take(c, released);
  return released;
}

std::string CitationStreamParser::finish() {
  std::string released;
  // Each abandon re-reads a strictly shorter rest, so this ends.
  while (in_group_) abandon_group(released);
  held_spaces_.clear();  // trailing spaces carry nothing
  after_removed_ = false;
  return released;
}

}  // namespace pw::rag
