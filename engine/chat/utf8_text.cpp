#include "engine/chat/utf8_text.h"

#include "engine/tokenizer/unicode.h"

#include <algorithm>

namespace pw::chat::utf8 {

char32_t next(std::string_view s, size_t& pos) {
  if (static_cast<unsigned char>(s[pos]) < 0x80) return static_cast<unsigned char>(s[pos++]);
  const auto c = tokenizer::unicode::decode_utf8_strict(s, pos);
  pos += c.len;
  return c.cp;
}

void append(std::string& out, char32_t cp) { tokenizer::unicode::append_utf8_strict(out, static_cast<uint32_t>(cp)); }

bool is_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

std::vector<size_t> boundaries(std::string_view s) {
  std::vector<size_t> cuts;
  cuts.reserve(s.size() + 1);
  size_t pos = 0;
  while (pos < s.size()) {
    cuts.push_back(pos);
    next(s, pos);
  }
  cuts.push_back(s.size());
  return cuts;
}

size_t length(std::string_view s) {
  size_t n = 0, pos = 0;
  while (pos < s.size()) {
    next(s, pos);
    ++n;
  }
  return n;
}

bool is_space(char32_t cp) {
  return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20) || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

bool is_digit(char32_t cp) { return cp >= '0' && cp <= '9'; }

char32_t to_upper(char32_t cp) {
  if (cp < 0x80) return (cp >= 'a' && cp <= 'z') ? cp - 32 : cp;
  if (cp >= 0xE0 && cp <= 0xFE && cp != 0xF7) return cp - 32;
  if (cp == 0xFF) return 0x178;
  if (cp >= 0x100 && cp <= 0x17F) {
    if (cp == 0x131) return 'I';
    if ((cp <= 0x137 || (cp >= 0x14A && cp <= 0x177)) && (cp & 1) && cp != 0x130) return cp - 1;
    if (((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E)) && !(cp & 1)) return cp - 1;
    return cp;
  }
  if (cp >= 0x3B1 && cp <= 0x3C9) return cp == 0x3C2 ? 0x3A3 : cp - 32;
  if (cp == 0x3AC) return 0x386;
  if (cp >= 0x3AD && cp <= 0x3AF) return cp - 37;
  if (cp == 0x3CC) return 0x38C;
  if (cp == 0x3CD || cp == 0x3CE) return cp - 63;
  if (cp >= 0x430 && cp <= 0x44F) return cp - 32;
  if (cp >= 0x450 && cp <= 0x45F) return cp - 80;
  if (cp >= 0x460 && cp <= 0x481 && (cp & 1)) return cp - 1;
  return cp;
}

char32_t to_lower(char32_t cp) {
  if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
  if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return cp + 32;
  if (cp == 0x178) return 0xFF;
  if (cp >= 0x100 && cp <= 0x17F) {
    if (cp == 0x130) return 'i';
    if ((cp <= 0x137 || (cp >= 0x14A && cp <= 0x177)) && !(cp & 1)) return cp + 1;
    if (((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E)) && (cp & 1)) return cp + 1;
    return cp;
  }
  if (cp >= 0x391 && cp <= 0x3A9 && cp != 0x3A2) return cp + 32;
  if (cp == 0x386) return 0x3AC;
  if (cp >= 0x388 && cp <= 0x38A) return cp + 37;
  if (cp == 0x38C) return 0x3CC;
  if (cp == 0x38E || cp == 0x38F) return cp + 63;
  if (cp >= 0x410 && cp <= 0x42F) return cp + 32;
  if (cp >= 0x400 && cp <= 0x40F) return cp + 80;
  if (cp >= 0x460 && cp <= 0x481 && !(cp & 1)) return cp + 1;
  return cp;
}

bool is_alpha(char32_t cp) {
  if (cp < 0x80) return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
  if (to_upper(cp) != cp || to_lower(cp) != cp) return true;
  if (is_space(cp)) return false;
  // Approximation for scripts without case: everything that is not a known punctuation,
  // symbol or control block counts as a letter.
  if (cp < 0xC0) return cp == 0xAA || cp == 0xB5 || cp == 0xBA;
  if (cp == 0xD7 || cp == 0xF7) return false;
  if (cp >= 0x2000 && cp <= 0x2BFF) return false;
  if (cp >= 0x3000 && cp <= 0x303F) return false;
  if (cp >= 0xFE30 && cp <= 0xFE4F) return false;
  if (cp >= 0xFF00 && cp <= 0xFF20) return false;
  if (cp >= 0x1F000 && cp <= 0x1FAFF) return false;
  if (cp == 0xFFFD) return false;
  return true;
}

namespace {

template <typename F>
std::string map_code_points(std::string_view s, F f) {
  std::string out;
  out.reserve(s.size());
  size_t pos = 0;
  while (pos < s.size()) {
    const size_t start = pos;
    const char32_t cp = next(s, pos);
    const char32_t mapped = f(cp);
    if (mapped == cp) {
      out.append(s.substr(start, pos - start));  // keeps invalid bytes as they were
    } else {
      append(out, mapped);
    }
  }
  return out;
}

bool in_set(char32_t cp, const std::string* chars) {
  if (chars == nullptr) return is_space(cp);
  size_t pos = 0;
  while (pos < chars->size()) {
    if (next(*chars, pos) == cp) return true;
  }
  return false;
}

size_t strip_left_end(std::string_view s, const std::string* chars) {
  size_t pos = 0;
  while (pos < s.size()) {
    size_t after = pos;
    if (!in_set(next(s, after), chars)) break;
    pos = after;
  }
  return pos;
}

size_t strip_right_start(std::string_view s, const std::string* chars) {
  const auto cuts = boundaries(s);
  size_t i = cuts.size() - 1;  // index of the end
  while (i > 0) {
    size_t at = cuts[i - 1];
    if (!in_set(next(s, at), chars)) break;
    --i;
  }
  return cuts[i];
}

// Position and length of the next whitespace run at or after pos, or npos.
bool next_space_run(std::string_view s, size_t from, size_t& run_start, size_t& run_end) {
  size_t pos = from;
  while (pos < s.size()) {
    const size_t start = pos;
    if (is_space(next(s, pos))) {
      run_start = start;
      run_end = pos;
      while (run_end < s.size()) {
        size_t after = run_end;
        if (!is_space(next(s, after))) break;
        run_end = after;
      }
      return true;
    }
  }
  return false;
}

}  // namespace

std::string upper(std::string_view s) { return map_code_points(s, to_upper); }
std::string lower(std::string_view s) { return map_code_points(s, to_lower); }

std::string capitalize(std::string_view s) {
  bool first = true;
  return map_code_points(s, [&](char32_t cp) {
    const char32_t r = first ? to_upper(cp) : to_lower(cp);
    first = false;
    return r;
  });
}

std::string python_title(std::string_view s) {
  bool prev_cased = false;
  return map_code_points(s, [&](char32_t cp) {
    const bool cased = to_upper(cp) != cp || to_lower(cp) != cp;
    const char32_t r = cased ? (prev_cased ? to_lower(cp) : to_upper(cp)) : cp;
    prev_cased = cased;
    return r;
  });
}

std::string strip(std::string_view s, const std::string* chars) {
  const size_t left = strip_left_end(s, chars);
  const std::string_view rest = s.substr(left);
  return std::string(rest.substr(0, strip_right_start(rest, chars)));
}

std::string lstrip(std::string_view s, const std::string* chars) {
  return std::string(s.substr(strip_left_end(s, chars)));
}

std::string rstrip(std::string_view s, const std::string* chars) {
  return std::string(s.substr(0, strip_right_start(s, chars)));
}

std::vector<std::string> split(std::string_view s, const std::string* sep, int64_t maxsplit) {
  std::vector<std::string> parts;
  if (sep != nullptr) {
    size_t pos = 0;
    while (maxsplit < 0 || static_cast<int64_t>(parts.size()) < maxsplit) {
      const size_t hit = s.find(*sep, pos);
      if (hit == std::string_view::npos) break;
      parts.emplace_back(s.substr(pos, hit - pos));
      pos = hit + sep->size();
    }
    parts.emplace_back(s.substr(pos));
    return parts;
  }
  size_t pos = strip_left_end(s, nullptr);
  while (pos < s.size()) {
    if (maxsplit >= 0 && static_cast<int64_t>(parts.size()) >= maxsplit) {
      parts.emplace_back(s.substr(pos));
      return parts;
    }
    size_t run_start = 0, run_end = 0;
    if (!next_space_run(s, pos, run_start, run_end)) {
      parts.emplace_back(s.substr(pos));
      return parts;
    }
    parts.emplace_back(s.substr(pos, run_start - pos));
    pos = run_end;
  }
  return parts;
}

std::vector<std::string> rsplit(std::string_view s, const std::string* sep, int64_t maxsplit) {
  if (maxsplit < 0) return split(s, sep, -1);
  std::vector<std::string> parts;
  if (sep != nullptr) {
    size_t end = s.size();
    while (static_cast<int64_t>(parts.size()) < maxsplit && end >= sep->size()) {
      const size_t hit = s.substr(0, end).rfind(*sep);
      if (hit == std::string_view::npos) break;
      parts.emplace_back(s.substr(hit + sep->size(), end - hit - sep->size()));
      end = hit;
    }
    parts.emplace_back(s.substr(0, end));
    std::reverse(parts.begin(), parts.end());
    return parts;
  }
  std::string_view rest = s.substr(0, strip_right_start(s, nullptr));
  while (!rest.empty()) {
    if (static_cast<int64_t>(parts.size()) >= maxsplit) {
      parts.emplace_back(rest);
      break;
    }
    const auto cuts = boundaries(rest);
    size_t i = cuts.size() - 1;
    while (i > 0) {  // find the start of the last word
      size_t at = cuts[i - 1];
      if (is_space(next(rest, at))) break;
      --i;
    }
    parts.emplace_back(rest.substr(cuts[i]));
    rest = rest.substr(0, strip_right_start(rest.substr(0, cuts[i]), nullptr));
  }
  std::reverse(parts.begin(), parts.end());
  return parts;
}

std::vector<std::string> splitlines(std::string_view s) {
  std::vector<std::string> lines;
  size_t pos = 0, line_start = 0;
  while (pos < s.size()) {
    const size_t start = pos;
    const char32_t cp = next(s, pos);
    const bool breaks = cp == '\n' || cp == '\r' || cp == 0x0B || cp == 0x0C || (cp >= 0x1C && cp <= 0x1E) ||
                        cp == 0x85 || cp == 0x2028 || cp == 0x2029;
    if (!breaks) continue;
    lines.emplace_back(s.substr(line_start, start - line_start));
    if (cp == '\r' && pos < s.size() && s[pos] == '\n') ++pos;
    line_start = pos;
  }
  if (line_start < s.size()) lines.emplace_back(s.substr(line_start));
  return lines;
}

std::string replace(std::string_view s, std::string_view from, std::string_view to, int64_t count) {
  std::string out;
  int64_t done = 0;
  if (from.empty()) {
    const auto cuts = boundaries(s);
    for (size_t i = 0; i + 1 < cuts.size(); ++i) {
      if (count < 0 || done < count) {
        out.append(to);
        ++done;
      }
      out.append(s.substr(cuts[i], cuts[i + 1] - cuts[i]));
    }
    if (count < 0 || done < count) out.append(to);
    return out;
  }
  size_t pos = 0;
  while (count < 0 || done < count) {
    const size_t hit = s.find(from, pos);
    if (hit == std::string_view::npos) break;
    out.append(s.substr(pos, hit - pos));
    out.append(to);
    pos = hit + from.size();
    ++done;
  }
  out.append(s.substr(pos));
  return out;
}

int64_t count(std::string_view s, std::string_view sub) {
  if (sub.empty()) return static_cast<int64_t>(length(s)) + 1;
  int64_t n = 0;
  size_t pos = 0;
  while ((pos = s.find(sub, pos)) != std::string_view::npos) {
    ++n;
    pos += sub.size();
  }
  return n;
}

int64_t find(std::string_view s, std::string_view sub, bool from_right) {
  const size_t hit = from_right ? s.rfind(sub) : s.find(sub);
  if (hit == std::string_view::npos) return -1;
  return static_cast<int64_t>(length(s.substr(0, hit)));
}

std::string reverse(std::string_view s) {
  const auto cuts = boundaries(s);
  std::string out;
  out.reserve(s.size());
  for (size_t i = cuts.size() - 1; i > 0; --i) out.append(s.substr(cuts[i - 1], cuts[i] - cuts[i - 1]));
  return out;
}

}  // namespace pw::chat::utf8
