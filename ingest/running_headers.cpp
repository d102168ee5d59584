#include "ingest/running_headers.h"

#include <algorithm>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "ingest/normalize.h"

namespace pw::ingest {
namespace {

constexpr size_t kMaxKeyBytes = 200;  // longer lines are body text, not running heads

struct LineSpan {
  size_t start;
  size_t end;  // exclusive, before '\n'
};

std::vector<LineSpan> non_blank_lines(const std::string& text) {
  std::vector<LineSpan> lines;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    if (eol > pos) lines.push_back({pos, eol});
    pos = eol + 1;
  }
  return lines;
}

bool is_roman_numeral(std::string_view s) {
  if (s.empty() || s.size() > 7) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    c = static_cast<char>(c | 0x20);
    return c == 'i' || c == 'v' || c == 'x' || c == 'l' || c == 'c';
  });
}

// True when the key carries no words beyond page numbering ("#", "page # of #", "- # -").
bool is_page_number_key(const std::string& key) {
  std::string letters;
  for (char c : key)
    if ((c >= 'a' && c <= 'z') || static_cast<unsigned char>(c) >= 0x80) letters.push_back(c);
  return letters.empty() || letters == "page" || letters == "pageof" || letters == "p" || letters == "pof";
}

}  // namespace

std::string running_text_key(const std::string& line) {
  if (is_roman_numeral(line)) return "#";
  std::string key;
  key.reserve(line.size());
  bool in_digits = false;
  for (char c : to_lower_utf8(line)) {
    if (c >= '0' && c <= '9') {
      if (!in_digits) key.push_back('#');
      in_digits = true;
      continue;
    }
    in_digits = false;
    if (c == ' ' && (key.empty() || key.back() == ' ')) continue;
    key.push_back(c);
  }
  while (!key.empty() && key.back() == ' ') key.pop_back();
  return key;
}

RunningText remove_running_text(std::vector<std::string>& pages) {
  RunningText result;
  const int zone = kRunningTextZoneLines;
  std::vector<std::vector<LineSpan>> lines(pages.size());
  std::vector<std::vector<std::string>> top_keys(pages.size()), bottom_keys(pages.size());
  std::unordered_map<std::string, int> top_count, bottom_count;
  int pages_with_text = 0;
  for (size_t p = 0; p < pages.size(); ++p) {
    lines[p] = non_blank_lines(pages[p]);
    const auto& ls = lines[p];
    if (ls.empty()) continue;
    ++pages_with_text;
    const size_t n = ls.size();
    // The zones never overlap: on a short page the first half is the top, the rest the bottom.
    const size_t top_n = std::min<size_t>(zone, (n + 1) / 2);
    const size_t bottom_n = std::min<size_t>(zone, n - top_n);
    std::unordered_set<std::string> seen_top, seen_bottom;
    for (size_t i = 0; i < n; ++i) {
      const bool in_top = i < top_n;
      const bool in_bottom = i >= n - bottom_n;
      std::string key;
      if ((in_top || in_bottom) && ls[i].end - ls[i].start <= kMaxKeyBytes)
        key = running_text_key(pages[p].substr(ls[i].start, ls[i].end - ls[i].start));
      top_keys[p].push_back(in_top ? key : std::string());
      bottom_keys[p].push_back(in_bottom ? key : std::string());
      if (key.empty()) continue;
      if (in_top && seen_top.insert(key).second) ++top_count[key];
      if (in_bottom && seen_bottom.insert(key).second) ++bottom_count[key];
    }
  }
  if (pages_with_text < 3) return result;
  const int threshold = std::max(3, (pages_with_text * 2 + 4) / 5);  // ceil(40%)
  auto frequent = [&](const std::unordered_map<std::string, int>& counts) {
    std::unordered_set<std::string> keys;
    for (const auto& [key, count] : counts)
      if (count >= threshold) keys.insert(key);
    return keys;
  };
  const auto header_keys = frequent(top_count);
  const auto footer_keys = frequent(bottom_count);
  if (header_keys.empty() && footer_keys.empty()) return result;

  // If removing them would empty most pages, the repeated lines are the content itself
  // (a deck of one-line slides, "Potato 1", "Potato 2", ...): keep everything.
  int emptied = 0;
  for (size_t p = 0; p < pages.size(); ++p) {
    const auto& ls = lines[p];
    if (ls.empty()) continue;
    bool all = true;
    for (size_t i = 0; i < ls.size() && all; ++i) {
      const bool header = !top_keys[p][i].empty() && header_keys.count(top_keys[p][i]);
      const bool footer = !bottom_keys[p][i].empty() && footer_keys.count(bottom_keys[p][i]);
      all = header || footer;
    }
    emptied += all;
  }
  if (emptied * 2 > pages_with_text) return result;

  std::unordered_set<std::string> kept_header, kept_footer;
  auto keep_once = [](std::string& out, std::unordered_set<std::string>& kept, const std::string& key,
                      std::string_view original) {
    if (is_page_number_key(key) || !kept.insert(key).second) return;
    if (!out.empty()) out.push_back('\n');
    out.append(original);
  };
  for (size_t p = 0; p < pages.size(); ++p) {
    const auto& ls = lines[p];
    if (ls.empty()) continue;
    std::vector<bool> remove(ls.size(), false);
    bool any = false;
    for (size_t i = 0; i < ls.size(); ++i) {
      const std::string_view original(pages[p].data() + ls[i].start, ls[i].end - ls[i].start);
      if (!top_keys[p][i].empty() && header_keys.count(top_keys[p][i])) {
        remove[i] = any = true;
        keep_once(result.header, kept_header, top_keys[p][i], original);
      } else if (!bottom_keys[p][i].empty() && footer_keys.count(bottom_keys[p][i])) {
        remove[i] = any = true;
        keep_once(result.footer, kept_footer, bottom_keys[p][i], original);
      }
    }
    if (!any) continue;
    std::string rebuilt;
    rebuilt.reserve(pages[p].size());
    size_t copied_to = 0;
    for (size_t i = 0; i < ls.size(); ++i) {
      if (!remove[i]) continue;
      rebuilt.append(pages[p], copied_to, ls[i].start - copied_to);
      copied_to = std::min(pages[p].size(), ls[i].end + 1);
      ++result.lines_removed;
    }
    rebuilt.append(pages[p], copied_to, std::string::npos);
    pages[p] = normalize_text(rebuilt);  // re-trims and collapses the blank lines left behind
  }
  return result;
}

}  // namespace pw::ingest
