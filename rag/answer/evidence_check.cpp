#include "rag/answer/evidence_check.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace pw::rag {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_blank(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

// Whitespace runs as single spaces: how snippets and answers show PDF text with hard breaks.
std::string collapse_whitespace(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (is_blank(c)) {
      if (!out.empty() && out.back() != ' ') out += ' ';
      continue;
    }
    out += c;
  }
  return out;
}
bool is_alpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }

std::string lower(std::string_view s) {
  std::string out;
  for (char c : s) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string strip_leading_zeros(std::string s) {
  size_t i = 0;
  while (i + 1 < s.size() && s[i] == '0') ++i;
  return s.substr(i);
}

// The unit a word names, normalised; empty when the word is not a unit.
std::string unit_of(std::string_view word) {
  static const std::pair<std::string_view, std::string_view> kUnits[] = {
      {"mg", "mg"}, {"milligram", "mg"}, {"milligrams", "mg"}, {"g", "g"}, {"gram", "g"}, {"grams", "g"},
      {"kg", "kg"}, {"kilogram", "kg"}, {"kilograms", "kg"}, {"mcg", "mcg"}, {"ug", "mcg"},
      {"\xC2\xB5g", "mcg"}, {"\xCE\xBCg", "mcg"}, {"microgram", "mcg"}, {"micrograms", "mcg"},
      {"ml", "ml"}, {"milliliter", "ml"}, {"milliliters", "ml"}, {"millilitre", "ml"}, {"millilitres", "ml"},
      {"l", "l"}, {"liter", "l"}, {"liters", "l"}, {"litre", "l"}, {"litres", "l"}, {"dl", "dl"},
      {"mg/dl", "mg/dl"}, {"mmol/l", "mmol/l"}, {"mmol", "mmol"}, {"mmhg", "mmhg"}, {"iu", "iu"},
      {"unit", "unit"}, {"units", "unit"}, {"percent", "%"}, {"per cent", "%"}, {"%", "%"},
      {"cm", "cm"}, {"mm", "mm"}, {"km", "km"}, {"m", "m"}, {"kcal", "kcal"}, {"calorie", "calorie"},
      {"calories", "calorie"}, {"hour", "hour"}, {"hours", "hour"}, {"hr", "hour"}, {"hrs", "hour"},
      {"h", "hour"}, {"minute", "minute"}, {"minutes", "minute"}, {"min", "minute"}, {"mins", "minute"},
      {"second", "second"}, {"seconds", "second"}, {"day", "day"}, {"days", "day"}, {"week", "week"},
      {"weeks", "week"}, {"month", "month"}, {"months", "month"}, {"year", "year"}, {"years", "year"},
      {"tablet", "tablet"}, {"tablets", "tablet"}, {"capsule", "capsule"}, {"capsules", "capsule"},
      {"dose", "dose"}, {"doses", "dose"}, {"serving", "serving"}, {"servings", "serving"},
      {"cup", "cup"}, {"cups", "cup"}, {"thousand", "thousand"}, {"million", "million"},
      {"billion", "billion"}, {"trillion", "trillion"}, {"bn", "billion"}, {"usd", "usd"},
      {"dollar", "usd"}, {"dollars", "usd"}, {"eur", "eur"}, {"euro", "eur"}, {"euros", "eur"}, {"gbp", "gbp"},
      {"mile", "mile"}, {"miles", "mile"}, {"lb", "lb"}, {"lbs", "lb"}, {"pound", "lb"}, {"pounds", "lb"},
      {"oz", "oz"}, {"ounce", "oz"}, {"ounces", "oz"}, {"times", "times"}};
  std::string w = lower(word);
  for (const auto& [name, unit] : kUnits)
    if (w == name) return std::string(unit);
  // Rates: "mg/kg", "mL/hour", "units/day" (a unit per another unit or word).
  const size_t slash = w.find('/');
  if (slash != std::string::npos && slash > 0 && slash + 1 < w.size() && w.find('/', slash + 1) == std::string::npos) {
    std::string first = unit_of(std::string_view(w).substr(0, slash));
    if (!first.empty()) {
      std::string second = unit_of(std::string_view(w).substr(slash + 1));
      return first + "/" + (second.empty() ? w.substr(slash + 1) : second);
    }
  }
  return {};
}

int month_of(std::string_view word) {
  static constexpr std::array<std::string_view, 12> kLong = {"january", "february", "march", "april", "may", "june",
                                                             "july", "august", "september", "october", "november",
                                                             "december"};
  static constexpr std::array<std::string_view, 12> kShort = {"jan", "feb", "mar", "apr", "may", "jun",
                                                              "jul", "aug", "sep", "oct", "nov", "dec"};
  std::string w = lower(word);
  if (!w.empty() && w.back() == '.') w.pop_back();
  if (w == "sept") return 9;
  for (size_t i = 0; i < 12; ++i)
    if (w == kLong[i] || w == kShort[i]) return static_cast<int>(i) + 1;
  return 0;
}

bool is_section_keyword(std::string_view word) {
  static const std::string_view kWords[] = {"section", "sections", "sec", "article", "articles", "clause",
                                            "clauses", "paragraph", "paragraphs", "para", "schedule", "exhibit",
                                            "appendix", "annex", "chapter", "part", "item"};
  std::string w = lower(word);
  if (!w.empty() && w.back() == '.') w.pop_back();
  for (auto k : kWords)
    if (w == k) return true;
  return false;
}

// Unicode vulgar fractions as "a/b".
std::string_view vulgar_fraction(std::string_view s, size_t i, size_t& width) {
  static const std::pair<std::string_view, std::string_view> kFractions[] = {
      {"\xC2\xBD", "1/2"}, {"\xC2\xBC", "1/4"}, {"\xC2\xBE", "3/4"}, {"\xE2\x85\x93", "1/3"}, {"\xE2\x85\x94", "2/3"}};
  for (const auto& [utf8, text] : kFractions) {
    if (s.compare(i, utf8.size(), utf8) == 0) {
      width = utf8.size();
      return text;
    }
  }
  return {};
}

struct Item {
  Fact fact;
  size_t begin = 0, end = 0;  // in the text
  std::string number;         // for numbers and quantities
};

// Reads a number at s[i] (a digit). Returns the normalised text and advances i.
std::string read_number(std::string_view s, size_t& i) {
  std::string integer, fraction, rest;
  while (i < s.size() && is_digit(s[i])) integer += s[i++];
  // Thousands groups: ",ddd" not followed by another digit.
  while (s.size() >= i + 4 && s[i] == ',' && is_digit(s[i + 1]) && is_digit(s[i + 2]) && is_digit(s[i + 3]) &&
         (s.size() == i + 4 || !is_digit(s[i + 4]))) {
    integer += s.substr(i + 1, 3);
    i += 4;
  }
  if (i + 1 < s.size() && s[i] == '.' && is_digit(s[i + 1])) {
    ++i;
    while (i < s.size() && is_digit(s[i])) fraction += s[i++];
    while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  }
  std::string out = strip_leading_zeros(integer);
  if (!fraction.empty()) out += "." + fraction;
  // Dates and fractions: "11/20/95", "1/2".
  while (i + 1 < s.size() && s[i] == '/' && is_digit(s[i + 1])) {
    ++i;
    std::string part;
    while (i < s.size() && is_digit(s[i])) part += s[i++];
    out += "/" + strip_leading_zeros(part);
  }
  return out;
}

// The word (letters, and '/' between letters as in "mg/dL") starting at s[i], or "%".
std::string_view read_word(std::string_view s, size_t i) {
  if (i < s.size() && s[i] == '%') return s.substr(i, 1);
  size_t j = i;
  while (j < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[j]);
    if (is_alpha(static_cast<char>(c))) {
      ++j;
    } else if (c == '/' && j + 1 < s.size() && is_alpha(s[j + 1]) && j > i) {
      ++j;
    } else if (c >= 0x80 && (s.compare(j, 2, "\xC2\xB5") == 0 || s.compare(j, 2, "\xCE\xBC") == 0)) {
      j += 2;  // µ
    } else {
      break;
    }
  }
  return s.substr(i, j - i);
}

bool at_line_start(std::string_view s, size_t i) {
  while (i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\t')) --i;
  return i == 0 || s[i - 1] == '\n';
}

std::vector<Item> scan(std::string_view s) {
  std::vector<Item> items;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    // Section references: keyword (or §) then an identifier.
    bool section_sign = s.compare(i, 2, "\xC2\xA7") == 0;
    if (section_sign || (is_alpha(c) && (i == 0 || !is_alpha(s[i - 1])))) {
      size_t word_end = i;
      if (section_sign) {
        word_end = i + 2;
        while (s.compare(word_end, 2, "\xC2\xA7") == 0) word_end += 2;  // §§
      } else {
        while (word_end < s.size() && is_alpha(s[word_end])) ++word_end;
        if (word_end < s.size() && s[word_end] == '.') ++word_end;  // "Sec."
      }
      std::string_view word = s.substr(i, word_end - i);
      if (section_sign || is_section_keyword(word)) {
        size_t j = word_end;
        while (j < s.size() && s[j] == ' ') ++j;
        size_t id_start = j;
        while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '.' || s[j] == '(' || s[j] == ')')) {
          if (s[j] == '.' && (j + 1 >= s.size() || !std::isalnum(static_cast<unsigned char>(s[j + 1])))) break;
          if (s[j] == ')' && s.substr(id_start, j - id_start).find('(') == std::string_view::npos) break;
          ++j;
        }
        std::string id = lower(s.substr(id_start, j - id_start));
        bool has_digit = std::any_of(id.begin(), id.end(), [](char d) { return is_digit(d); });
        bool short_id = id.size() >= 1 && id.size() <= 3 && std::all_of(id.begin(), id.end(), [](char d) { return std::isalpha(static_cast<unsigned char>(d)); });
        if (!id.empty() && (has_digit || (short_id && (section_sign || std::isupper(static_cast<unsigned char>(s[id_start])))))) {
          Item it;
          it.fact = Fact{FactKind::SectionRef, "sec:" + id, std::string(s.substr(i, j - i))};
          it.begin = i;
          it.end = j;
          items.push_back(std::move(it));
          i = j;
          continue;
        }
      }
      // A month name next to a number (checked when numbers are read).
      int month = month_of(word);
      if (month > 0) {
        Item it;
        it.fact = Fact{FactKind::Month, "month:" + std::to_string(month), std::string(word)};
        it.begin = i;
        it.end = word_end;
        items.push_back(std::move(it));
      }
      i = word_end;
      continue;
    }
    size_t fraction_width = 0;
    std::string_view fraction = (static_cast<unsigned char>(c) >= 0x80) ? vulgar_fraction(s, i, fraction_width) : std::string_view();
    if (!is_digit(c) && fraction.empty()) {
      ++i;
      continue;
    }
    // Numbers inside words ("COVID-19", "B12", "H1N1") are names, not facts.
    bool in_word = i > 0 && (is_alpha(s[i - 1]) || (s[i - 1] == '-' && i > 1 && is_alpha(s[i - 2])));
    size_t start = i;
    std::string number;
    if (!fraction.empty()) {
      number = std::string(fraction);
      i += fraction_width;
    } else {
      number = read_number(s, i);
    }
    std::string glued = lower(read_word(s, i));  // letters right after the digits
    bool glued_name = !glued.empty() && unit_of(glued).empty() && glued != "st" && glued != "nd" && glued != "rd" &&
                      glued != "th" && glued != "%";
    if (in_word || glued_name) {
      // "B12", "3D", "10am": a name, not a checkable fact.
      while (i < s.size() && std::isalnum(static_cast<unsigned char>(s[i]))) ++i;
      continue;
    }
    // List numbering: "1. " or "2) " at the start of a line.
    if (at_line_start(s, start) && i + 1 < s.size() && (s[i] == '.' || s[i] == ')') && s[i + 1] == ' ' &&
        number.find('.') == std::string::npos && number.size() <= 2) {
      i += 1;
      continue;
    }
    // Ordinal suffix.
    std::string_view next = read_word(s, i);
    std::string next_lower = lower(next);
    if (next_lower == "st" || next_lower == "nd" || next_lower == "rd" || next_lower == "th") {
      i += next.size();
      next = read_word(s, i);
    }
    // A unit right after, with at most one space or hyphen between.
    size_t j = i;
    if (j < s.size() && (is_blank(s[j]) || s[j] == '-') && j + 1 < s.size() && !is_blank(s[j + 1])) ++j;
    std::string_view word = read_word(s, j);
    std::string unit = word.empty() ? std::string() : unit_of(word);
    if (unit.empty() && lower(word) == "per" && s.compare(j, 8, "per cent") == 0) {
      unit = "%";
      word = s.substr(j, 8);
    }
    // A currency sign before the number names its unit when no word after it does ("$10.50").
    if (unit.empty() && start > 0 && (s[start - 1] == '$')) {
      unit = "usd";
      word = {};
      j = i;
    } else if (unit.empty() && start >= 3 && s.compare(start - 3, 3, "\xE2\x82\xAC") == 0) {
      unit = "eur";
      word = {};
      j = i;
    } else if (unit.empty() && start >= 2 && s.compare(start - 2, 2, "\xC2\xA3") == 0) {
      unit = "gbp";
      word = {};
      j = i;
    }
    Item it;
    it.begin = start;
    it.number = number;
    if (!unit.empty()) {
      it.fact = Fact{FactKind::Quantity, number + "|" + unit, std::string(s.substr(start, j + word.size() - start))};
      i = j + word.size();
    } else {
      it.fact = Fact{FactKind::Number, number, std::string(s.substr(start, i - start))};
    }
    it.end = i;
    items.push_back(std::move(it));
  }

  // Ranges share the unit of their second number: "70 to 130 mg/dL", "1,200-1,600 calories".
  for (size_t k = 0; k + 1 < items.size(); ++k) {
    Item& a = items[k];
    const Item& b = items[k + 1];
    if (a.fact.kind != FactKind::Number || b.fact.kind != FactKind::Quantity) continue;
    std::string between = lower(s.substr(a.end, b.begin - a.end));
    std::string trimmed;
    for (char ch : between)
      if (!is_blank(ch)) trimmed += ch;
    if (trimmed == "to" || trimmed == "-" || trimmed == "\xE2\x80\x93" || trimmed == "and" || trimmed == "or" ||
        trimmed == "through") {
      std::string unit = b.fact.key.substr(b.fact.key.find('|') + 1);
      a.fact.kind = FactKind::Quantity;
      a.fact.key = a.number + "|" + unit;
    }
  }
  // Months count only next to a number (dates): "November 20, 1995", "20 November".
  std::vector<Item> kept;
  for (size_t k = 0; k < items.size(); ++k) {
    if (items[k].fact.kind != FactKind::Month) {
      kept.push_back(std::move(items[k]));
      continue;
    }
    auto near_number = [&](size_t other) {
      if (other >= items.size()) return false;
      const Item& o = items[other];
      const Item& m = items[k];
      if (o.fact.kind != FactKind::Number && o.fact.kind != FactKind::Quantity) return false;
      size_t from = 0, to = 0;
      if (o.begin >= m.end) {
        from = m.end;
        to = o.begin;
      } else if (m.begin >= o.end) {
        from = o.end;
        to = m.begin;
      } else {
        return false;
      }
      std::string_view gap = s.substr(from, to - from);
      return gap.size() <= 8 && gap.find('\n') == std::string_view::npos;
    };
    if (near_number(k + 1) || (k > 0 && near_number(k - 1))) kept.push_back(std::move(items[k]));
  }
  return kept;
}

}  // namespace

std::vector<Fact> extract_facts(std::string_view text) {
  std::vector<Fact> out;
  for (Item& it : scan(text)) out.push_back(std::move(it.fact));
  return out;
}

EvidenceIndex::EvidenceIndex(std::string_view source_text) {
  // The text as stored and with its line breaks as spaces: a quote of the source shown on one
  // line ("... leave. 2. Carry-over", "5\nmg" as "5 mg") must find its facts here.
  std::vector<Item> items = scan(source_text);
  for (Item& it : scan(collapse_whitespace(source_text))) items.push_back(std::move(it));
  for (Item& it : items) {
    switch (it.fact.kind) {
      case FactKind::Number:
      case FactKind::Quantity: {
        numbers_.insert(it.number);
        // Parts of dates and fractions count on their own ("1995" of "11/20/1995").
        size_t at = 0;
        while (it.number.find('/', at) != std::string::npos) {
          size_t slash = it.number.find('/', at);
          numbers_.insert(it.number.substr(at, slash - at));
          at = slash + 1;
        }
        if (at > 0) numbers_.insert(it.number.substr(at));
        if (it.fact.kind == FactKind::Quantity) quantities_.insert(it.fact.key);
        break;
      }
      case FactKind::Month:
        months_.insert(it.fact.key);
        break;
      case FactKind::SectionRef:
        sections_.insert(it.fact.key);
        break;
    }
  }
  // Numbered headings at line starts ("4.2 Carry-over", "20.0 NOTICE") name sections too.
  size_t line = 0;
  while (line < source_text.size()) {
    size_t end = source_text.find('\n', line);
    if (end == std::string_view::npos) end = source_text.size();
    std::string_view l = source_text.substr(line, end - line);
    size_t b = 0;
    while (b < l.size() && (l[b] == ' ' || l[b] == '>')) ++b;
    size_t e = b;
    while (e < l.size() && (is_digit(l[e]) || (l[e] == '.' && e + 1 < l.size() && is_digit(l[e + 1])))) ++e;
    if (e > b) {
      std::string id(l.substr(b, e - b));
      sections_.insert("sec:" + id);
      // "4.0" is how some contracts number section 4.
      if (id.size() > 2 && id.compare(id.size() - 2, 2, ".0") == 0) sections_.insert("sec:" + id.substr(0, id.size() - 2));
    }
    line = end + 1;
  }
}

bool EvidenceIndex::supports(const Fact& fact) const {
  switch (fact.kind) {
    case FactKind::Number: return numbers_.count(fact.key) > 0;
    case FactKind::Quantity: return quantities_.count(fact.key) > 0;
    case FactKind::Month: return months_.count(fact.key) > 0;
    case FactKind::SectionRef: return sections_.count(fact.key) > 0;
  }
  return false;
}

EvidenceResult check_evidence(std::string_view sentence, std::span<const EvidenceIndex* const> cited_sources) {
  EvidenceResult result;
  for (const Fact& f : extract_facts(sentence)) {
    bool found = false;
    for (const EvidenceIndex* source : cited_sources)
      if (source && source->supports(f)) {
        found = true;
        break;
      }
    if (!found) {
      result.supported = false;
      if (std::find(result.missing.begin(), result.missing.end(), f.shown) == result.missing.end())
        result.missing.push_back(f.shown);
    }
  }
  return result;
}

}  // namespace pw::rag
