#include "engine/chat/template_lexer.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "engine/chat/utf8_text.h"

namespace pw::chat {

pw::Error template_syntax_error(int line, int column, const std::string& message) {
  return pw::Error(pw::ErrorCode::Corrupt, "chat template",
                   "line " + std::to_string(line) + ", column " + std::to_string(column) + ": " + message);
}

namespace {

// "\r\n" and "\r" become "\n"; one trailing newline is dropped (keep_trailing_newline=False).
std::string normalize_newlines(std::string_view source) {
  std::string out;
  out.reserve(source.size());
  for (size_t i = 0; i < source.size(); ++i) {
    if (source[i] == '\r') {
      out.push_back('\n');
      if (i + 1 < source.size() && source[i + 1] == '\n') ++i;
    } else {
      out.push_back(source[i]);
    }
  }
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

bool is_space_at(std::string_view s, size_t pos, size_t& after) {
  after = pos;
  return pos < s.size() && utf8::is_space(utf8::next(s, after));
}

size_t skip_spaces(std::string_view s, size_t pos) {
  size_t after = 0;
  while (is_space_at(s, pos, after)) pos = after;
  return pos;
}

// Python's str.rstrip() (all Unicode whitespace).
void rstrip_whitespace(std::string& text) { text = utf8::rstrip(text, nullptr); }

bool all_whitespace(std::string_view s) {
  size_t pos = 0;
  while (pos < s.size()) {
    if (!utf8::is_space(utf8::next(s, pos))) return false;
  }
  return true;
}

bool starts_with(std::string_view s, size_t pos, std::string_view prefix) {
  return s.substr(pos, prefix.size()) == prefix;
}

class Lexer {
 public:
  explicit Lexer(std::string_view source) : src_(normalize_newlines(source)) {
    line_starts_.push_back(0);
    for (size_t i = 0; i < src_.size(); ++i) {
      if (src_[i] == '\n') line_starts_.push_back(i + 1);
    }
  }

  pw::Result<LexedTemplate> run() {
    size_t pos = 0;
    bool line_starting = true;
    while (pos < src_.size()) {
      const size_t tag = find_tag_start(pos);
      if (tag == std::string::npos) {
        emit_data(src_.substr(pos), pos);
        break;
      }
      std::string text = src_.substr(pos, tag - pos);
      const char kind = src_[tag + 1];
      size_t after = tag + 2;
      char sign = 0;
      if (after < src_.size() && (src_[after] == '-' || src_[after] == '+')) sign = src_[after++];
      size_t raw_content = 0;
      const bool raw = kind == '%' && match_raw_begin(after, raw_content);
      apply_left_strip(text, sign, kind != '{', line_starting);
      emit_data(text, pos);

      if (kind == '#') {
        auto end = lex_comment(tag, after);
        if (!end) return end.error();
        pos = *end;
      } else if (raw) {
        auto end = lex_raw(tag, raw_content);
        if (!end) return end.error();
        pos = *end;
      } else {
        auto end = lex_tag(tag, after, kind == '%');
        if (!end) return end.error();
        pos = *end;
      }
      line_starting = pos > 0 && src_[pos - 1] == '\n';
    }
    Token eof;
    eof.type = TokenType::Eof;
    locate(src_.size(), eof);
    out_.tokens.push_back(std::move(eof));
    return std::move(out_);
  }

 private:
  size_t find_tag_start(size_t pos) const {
    while (true) {
      pos = src_.find('{', pos);
      if (pos == std::string::npos || pos + 1 >= src_.size()) return std::string::npos;
      const char c = src_[pos + 1];
      if (c == '{' || c == '%' || c == '#') return pos;
      ++pos;
    }
  }

  // Line and column of a byte offset. Tokens come in order, so the column is counted on from
  // the previous token of the same line: recounting from the line start would make a long
  // single-line template quadratic.
  void locate(size_t offset, Token& t) const {
    const auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
    const size_t line_index = static_cast<size_t>(it - line_starts_.begin()) - 1;
    size_t from = line_starts_[line_index];
    size_t column = 1;
    if (cached_line_ == line_index && cached_offset_ <= offset) {
      from = cached_offset_;
      column = cached_column_;
    }
    column += utf8::length(std::string_view(src_).substr(from, offset - from));
    cached_line_ = line_index;
    cached_offset_ = offset;
    cached_column_ = column;
    t.line = static_cast<int>(line_index + 1);
    t.column = static_cast<int>(column);
  }

  pw::Error error_at(size_t offset, const std::string& message) const {
    Token t;
    locate(offset, t);
    return template_syntax_error(t.line, t.column, message);
  }

  void emit(TokenType type, std::string text, size_t offset) {
    Token t;
    t.type = type;
    t.text = std::move(text);
    locate(offset, t);
    out_.tokens.push_back(std::move(t));
  }

  void emit_data(std::string text, size_t offset) {
    if (!text.empty()) emit(TokenType::Data, std::move(text), offset);
  }

  // Whitespace control before a tag: "-" strips everything, lstrip_blocks strips the indentation
  // of a block/comment tag that is alone at the start of its line.
  static void apply_left_strip(std::string& text, char sign, bool lstrip_applies, bool line_starting) {
    if (sign == '-') {
      rstrip_whitespace(text);
      return;
    }
    if (sign == '+' || !lstrip_applies) return;
    const size_t nl = text.rfind('\n');
    const size_t line_start = nl == std::string::npos ? 0 : nl + 1;
    if ((line_start > 0 || line_starting) && line_start < text.size() &&
        all_whitespace(std::string_view(text).substr(line_start))) {
      text.resize(line_start);
    }
  }

  // After "{%" and its sign: "\s*raw\s*" then "-%}\s*" or "%}" (no trim_blocks here, as the reference).
  bool match_raw_begin(size_t pos, size_t& content_start) const {
    pos = skip_spaces(src_, pos);
    if (!starts_with(src_, pos, "raw")) return false;
    pos += 3;  // "{% rawx %}" is no raw block: only spaces may follow the word
    pos = skip_spaces(src_, pos);
    if (starts_with(src_, pos, "-%}")) {
      content_start = skip_spaces(src_, pos + 3);
      return true;
    }
    if (starts_with(src_, pos, "%}")) {
      content_start = pos + 2;
      return true;
    }
    return false;
  }

  pw::Result<size_t> lex_comment(size_t tag, size_t content_start) const {
    const size_t close = src_.find("#}", content_start);
    if (close == std::string::npos) return error_at(tag, "missing end of comment tag");
    const char sign = close > content_start ? src_[close - 1] : 0;
    size_t end = close + 2;
    if (sign == '-') {
      end = skip_spaces(src_, end);
    } else if (sign != '+' && end < src_.size() && src_[end] == '\n') {
      ++end;  // trim_blocks
    }
    return end;
  }

  pw::Result<size_t> lex_raw(size_t tag, size_t content_start) {
    size_t search = content_start;
    while (true) {
      const size_t open = src_.find("{%", search);
      if (open == std::string::npos) return error_at(tag, "missing end of raw directive");
      size_t p = open + 2;
      char sign = 0;
      if (p < src_.size() && (src_[p] == '-' || src_[p] == '+')) sign = src_[p++];
      p = skip_spaces(src_, p);
      if (!starts_with(src_, p, "endraw")) {
        search = open + 2;
        continue;
      }
      p = skip_spaces(src_, p + 6);
      size_t end = 0;
      if (starts_with(src_, p, "+%}")) {
        end = p + 3;
      } else if (starts_with(src_, p, "-%}")) {
        end = skip_spaces(src_, p + 3);
      } else if (starts_with(src_, p, "%}")) {
        end = p + 2;
        if (end < src_.size() && src_[end] == '\n') ++end;
      } else {
        search = open + 2;
        continue;
      }
      std::string text = src_.substr(content_start, open - content_start);
      const bool line_starting = content_start > 0 && src_[content_start - 1] == '\n';
      apply_left_strip(text, sign, true, line_starting);
      emit_data(std::move(text), content_start);
      return end;
    }
  }

  // Tokens inside {{ }} or {% %}; returns the position after the closing tag.
  pw::Result<size_t> lex_tag(size_t tag, size_t pos, bool block) {
    emit(block ? TokenType::BlockBegin : TokenType::VariableBegin, "", tag);
    std::vector<char> balance;
    while (true) {
      if (pos >= src_.size()) {
        return error_at(
            tag, block ? "unexpected end of template, expected '%}'" : "unexpected end of template, expected '}}'");
      }
      if (balance.empty()) {
        size_t end = 0;
        if (block && starts_with(src_, pos, "+%}")) {
          end = pos + 3;
        } else if (starts_with(src_, pos, block ? "-%}" : "-}}")) {
          end = skip_spaces(src_, pos + 3);
        } else if (starts_with(src_, pos, block ? "%}" : "}}")) {
          end = pos + 2;
          if (block && end < src_.size() && src_[end] == '\n') ++end;  // trim_blocks
        }
        if (end != 0) {
          emit(block ? TokenType::BlockEnd : TokenType::VariableEnd, "", pos);
          return end;
        }
      }
      size_t after = 0;
      if (is_space_at(src_, pos, after)) {
        pos = skip_spaces(src_, pos);
        continue;
      }
      auto next = lex_one(pos, balance);
      if (!next) return next.error();
      pos = *next;
    }
  }

  pw::Result<size_t> lex_one(size_t pos, std::vector<char>& balance) {
    const char c = src_[pos];
    if (std::isdigit(static_cast<unsigned char>(c))) return lex_number(pos);
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      size_t end = pos;
      while (end < src_.size() && (std::isalnum(static_cast<unsigned char>(src_[end])) || src_[end] == '_')) ++end;
      emit(TokenType::Name, src_.substr(pos, end - pos), pos);
      return end;
    }
    if (c == '\'' || c == '"') return lex_string(pos);
    static const char* const kTwoChar[] = {"//", "**", "==", "!=", ">=", "<="};
    for (const char* op : kTwoChar) {
      if (starts_with(src_, pos, op)) {
        emit(TokenType::Operator, op, pos);
        return pos + 2;
      }
    }
    if (std::string_view("+-/*%~[](){}<>=.:|,;").find(c) != std::string_view::npos) {
      if (c == '(' || c == '[' || c == '{') {
        balance.push_back(c == '(' ? ')' : c == '[' ? ']' : '}');
      } else if (c == ')' || c == ']' || c == '}') {
        if (balance.empty()) return error_at(pos, std::string("unexpected '") + c + "'");
        if (balance.back() != c) {
          return error_at(pos, std::string("unexpected '") + c + "', expected '" + balance.back() + "'");
        }
        balance.pop_back();
      }
      emit(TokenType::Operator, std::string(1, c), pos);
      return pos + 1;
    }
    size_t end = pos;
    utf8::next(src_, end);
    return error_at(pos, "unexpected character '" + src_.substr(pos, end - pos) + "'");
  }

  size_t digits(size_t pos, int base) const {  // digits with single '_' separators
    auto ok = [&](char ch) {
      const int v = std::isdigit(static_cast<unsigned char>(ch))    ? ch - '0'
                    : std::isxdigit(static_cast<unsigned char>(ch)) ? (std::tolower(ch) - 'a' + 10)
                                                                    : 99;
      return v < base;
    };
    size_t end = pos;
    while (end < src_.size()) {
      if (ok(src_[end])) {
        ++end;
      } else if (src_[end] == '_' && end > pos && end + 1 < src_.size() && ok(src_[end + 1])) {
        ++end;
      } else {
        break;
      }
    }
    return end;
  }

  static std::string without_underscores(std::string_view s) {
    std::string out;
    for (char ch : s) {
      if (ch != '_') out.push_back(ch);
    }
    return out;
  }

  pw::Result<size_t> lex_number(size_t pos) {
    if (src_[pos] == '0' && pos + 1 < src_.size()) {
      const char p = static_cast<char>(std::tolower(src_[pos + 1]));
      const int base = p == 'x' ? 16 : p == 'o' ? 8 : p == 'b' ? 2 : 0;
      if (base != 0) {
        size_t start = pos + 2;
        if (start < src_.size() && src_[start] == '_') ++start;
        const size_t end = digits(start, base);
        if (end > start) return emit_integer(without_underscores(src_.substr(start, end - start)), base, pos, end);
      }
    }
    size_t end = digits(pos, 10);
    const bool after_dot = pos > 0 && src_[pos - 1] == '.';
    size_t float_end = end;
    if (!after_dot) {
      if (float_end + 1 < src_.size() && src_[float_end] == '.' &&
          std::isdigit(static_cast<unsigned char>(src_[float_end + 1]))) {
        float_end = digits(float_end + 1, 10);
      }
      if (float_end < src_.size() && (src_[float_end] == 'e' || src_[float_end] == 'E')) {
        size_t e = float_end + 1;
        if (e < src_.size() && (src_[e] == '+' || src_[e] == '-')) ++e;
        if (e < src_.size() && std::isdigit(static_cast<unsigned char>(src_[e]))) float_end = digits(e, 10);
      }
    }
    if (float_end != end) {
      Token t;
      t.type = TokenType::Float;
      t.text = without_underscores(src_.substr(pos, float_end - pos));
      t.float_value = std::strtod(t.text.c_str(), nullptr);
      locate(pos, t);
      out_.tokens.push_back(std::move(t));
      return float_end;
    }
    return emit_integer(without_underscores(src_.substr(pos, end - pos)), 10, pos, end);
  }

  pw::Result<size_t> emit_integer(const std::string& text, int base, size_t pos, size_t end) {
    errno = 0;
    char* stop = nullptr;
    const long long v = std::strtoll(text.c_str(), &stop, base);
    if (errno == ERANGE) return error_at(pos, "integer literal too large");
    Token t;
    t.type = TokenType::Integer;
    t.text = text;
    t.int_value = v;
    locate(pos, t);
    out_.tokens.push_back(std::move(t));
    return end;
  }

  static int hex_value(char ch) {
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
  }

  // Python "unicode_escape" decoding of a string literal's body, as the reference does.
  pw::Result<size_t> lex_string(size_t pos) {
    const char quote = src_[pos];
    std::string value;
    size_t i = pos + 1;
    while (true) {
      if (i >= src_.size()) return error_at(pos, "unterminated string literal");
      const char ch = src_[i];
      if (ch == quote) break;
      if (ch != '\\') {
        value.push_back(ch);
        ++i;
        continue;
      }
      if (i + 1 >= src_.size()) return error_at(pos, "unterminated string literal");
      const char e = src_[i + 1];
      i += 2;
      switch (e) {
        case '\n': break;  // line continuation
        case '\\': value.push_back('\\'); break;
        case '\'': value.push_back('\''); break;
        case '"': value.push_back('"'); break;
        case 'a': value.push_back('\a'); break;
        case 'b': value.push_back('\b'); break;
        case 'f': value.push_back('\f'); break;
        case 'n': value.push_back('\n'); break;
        case 'r': value.push_back('\r'); break;
        case 't': value.push_back('\t'); break;
        case 'v': value.push_back('\v'); break;
        case 'x':
        case 'u':
        case 'U': {
          const int n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
          char32_t cp = 0;
          for (int k = 0; k < n; ++k) {
            const int h = i + k < src_.size() ? hex_value(src_[i + k]) : -1;
            if (h < 0) return error_at(pos, std::string("truncated \\") + e + " escape in string literal");
            cp = cp * 16 + static_cast<char32_t>(h);
          }
          i += n;
          if (cp > 0x10FFFF) return error_at(pos, "illegal Unicode character in string literal");
          utf8::append(value, cp);
          break;
        }
        case 'N': return error_at(pos, "\\N{...} escapes are not supported");
        default:
          if (e >= '0' && e <= '7') {
            char32_t cp = static_cast<char32_t>(e - '0');
            for (int k = 0; k < 2 && i < src_.size() && src_[i] >= '0' && src_[i] <= '7'; ++k)
              cp = cp * 8 + (src_[i++] - '0');
            utf8::append(value, cp);
          } else {
            value.push_back('\\');
            value.push_back(e);
          }
      }
    }
    Token t;
    t.type = TokenType::String;
    t.text = std::move(value);
    locate(pos, t);
    out_.tokens.push_back(std::move(t));
    return i + 1;
  }

  std::string src_;
  std::vector<size_t> line_starts_;
  mutable size_t cached_line_ = SIZE_MAX, cached_offset_ = 0, cached_column_ = 1;
  LexedTemplate out_;
};

}  // namespace

pw::Result<LexedTemplate> lex_template(std::string_view source) { return Lexer(source).run(); }

}  // namespace pw::chat
