#include "ingest/html_text.h"

#include <algorithm>
#include <array>
#include <iterator>

#include "ingest/utf8.h"

namespace pw::ingest {
namespace {

struct Entity {
  std::string_view name;
  char32_t code_point;
};

// The HTML 4 named character references (Python's html.entities.name2codepoint), sorted by
// name for the binary search: keep sorted.
constexpr Entity kEntities[] = {
    {"AElig", 0x00C6}, {"Aacute", 0x00C1}, {"Acirc", 0x00C2}, {"Agrave", 0x00C0}, {"Alpha", 0x0391},
    {"Aring", 0x00C5}, {"Atilde", 0x00C3}, {"Auml", 0x00C4}, {"Beta", 0x0392}, {"Ccedil", 0x00C7},
    {"Chi", 0x03A7}, {"Dagger", 0x2021}, {"Delta", 0x0394}, {"ETH", 0x00D0}, {"Eacute", 0x00C9},
    {"Ecirc", 0x00CA}, {"Egrave", 0x00C8}, {"Epsilon", 0x0395}, {"Eta", 0x0397}, {"Euml", 0x00CB},
    {"Gamma", 0x0393}, {"Iacute", 0x00CD}, {"Icirc", 0x00CE}, {"Igrave", 0x00CC}, {"Iota", 0x0399},
    {"Iuml", 0x00CF}, {"Kappa", 0x039A}, {"Lambda", 0x039B}, {"Mu", 0x039C}, {"Ntilde", 0x00D1},
    {"Nu", 0x039D}, {"OElig", 0x0152}, {"Oacute", 0x00D3}, {"Ocirc", 0x00D4}, {"Ograve", 0x00D2},
    {"Omega", 0x03A9}, {"Omicron", 0x039F}, {"Oslash", 0x00D8}, {"Otilde", 0x00D5}, {"Ouml", 0x00D6},
    {"Phi", 0x03A6}, {"Pi", 0x03A0}, {"Prime", 0x2033}, {"Psi", 0x03A8}, {"Rho", 0x03A1},
    {"Scaron", 0x0160}, {"Sigma", 0x03A3}, {"THORN", 0x00DE}, {"Tau", 0x03A4}, {"Theta", 0x0398},
    {"Uacute", 0x00DA}, {"Ucirc", 0x00DB}, {"Ugrave", 0x00D9}, {"Upsilon", 0x03A5}, {"Uuml", 0x00DC},
    {"Xi", 0x039E}, {"Yacute", 0x00DD}, {"Yuml", 0x0178}, {"Zeta", 0x0396}, {"aacute", 0x00E1},
    {"acirc", 0x00E2}, {"acute", 0x00B4}, {"aelig", 0x00E6}, {"agrave", 0x00E0}, {"alefsym", 0x2135},
    {"alpha", 0x03B1}, {"amp", 0x0026}, {"and", 0x2227}, {"ang", 0x2220}, {"aring", 0x00E5},
    {"asymp", 0x2248}, {"atilde", 0x00E3}, {"auml", 0x00E4}, {"bdquo", 0x201E}, {"beta", 0x03B2},
    {"brvbar", 0x00A6}, {"bull", 0x2022}, {"cap", 0x2229}, {"ccedil", 0x00E7}, {"cedil", 0x00B8},
    {"cent", 0x00A2}, {"chi", 0x03C7}, {"circ", 0x02C6}, {"clubs", 0x2663}, {"cong", 0x2245},
    {"copy", 0x00A9}, {"crarr", 0x21B5}, {"cup", 0x222A}, {"curren", 0x00A4}, {"dArr", 0x21D3},
    {"dagger", 0x2020}, {"darr", 0x2193}, {"deg", 0x00B0}, {"delta", 0x03B4}, {"diams", 0x2666},
    {"divide", 0x00F7}, {"eacute", 0x00E9}, {"ecirc", 0x00EA}, {"egrave", 0x00E8}, {"empty", 0x2205},
    {"emsp", 0x2003}, {"ensp", 0x2002}, {"epsilon", 0x03B5}, {"equiv", 0x2261}, {"eta", 0x03B7},
    {"eth", 0x00F0}, {"euml", 0x00EB}, {"euro", 0x20AC}, {"exist", 0x2203}, {"fnof", 0x0192},
    {"forall", 0x2200}, {"frac12", 0x00BD}, {"frac14", 0x00BC}, {"frac34", 0x00BE}, {"frasl", 0x2044},
    {"gamma", 0x03B3}, {"ge", 0x2265}, {"gt", 0x003E}, {"hArr", 0x21D4}, {"harr", 0x2194},
    {"hearts", 0x2665}, {"hellip", 0x2026}, {"iacute", 0x00ED}, {"icirc", 0x00EE}, {"iexcl", 0x00A1},
    {"igrave", 0x00EC}, {"image", 0x2111}, {"infin", 0x221E}, {"int", 0x222B}, {"iota", 0x03B9},
    {"iquest", 0x00BF}, {"isin", 0x2208}, {"iuml", 0x00EF}, {"kappa", 0x03BA}, {"lArr", 0x21D0},
    {"lambda", 0x03BB}, {"lang", 0x2329}, {"laquo", 0x00AB}, {"larr", 0x2190}, {"lceil", 0x2308},
    {"ldquo", 0x201C}, {"le", 0x2264}, {"lfloor", 0x230A}, {"lowast", 0x2217}, {"loz", 0x25CA},
    {"lrm", 0x200E}, {"lsaquo", 0x2039}, {"lsquo", 0x2018}, {"lt", 0x003C}, {"macr", 0x00AF},
    {"mdash", 0x2014}, {"micro", 0x00B5}, {"middot", 0x00B7}, {"minus", 0x2212}, {"mu", 0x03BC},
    {"nabla", 0x2207}, {"nbsp", 0x00A0}, {"ndash", 0x2013}, {"ne", 0x2260}, {"ni", 0x220B},
    {"not", 0x00AC}, {"notin", 0x2209}, {"nsub", 0x2284}, {"ntilde", 0x00F1}, {"nu", 0x03BD},
    {"oacute", 0x00F3}, {"ocirc", 0x00F4}, {"oelig", 0x0153}, {"ograve", 0x00F2}, {"oline", 0x203E},
    {"omega", 0x03C9}, {"omicron", 0x03BF}, {"oplus", 0x2295}, {"or", 0x2228}, {"ordf", 0x00AA},
    {"ordm", 0x00BA}, {"oslash", 0x00F8}, {"otilde", 0x00F5}, {"otimes", 0x2297}, {"ouml", 0x00F6},
    {"para", 0x00B6}, {"part", 0x2202}, {"permil", 0x2030}, {"perp", 0x22A5}, {"phi", 0x03C6},
    {"pi", 0x03C0}, {"piv", 0x03D6}, {"plusmn", 0x00B1}, {"pound", 0x00A3}, {"prime", 0x2032},
    {"prod", 0x220F}, {"prop", 0x221D}, {"psi", 0x03C8}, {"quot", 0x0022}, {"rArr", 0x21D2},
    {"radic", 0x221A}, {"rang", 0x232A}, {"raquo", 0x00BB}, {"rarr", 0x2192}, {"rceil", 0x2309},
    {"rdquo", 0x201D}, {"real", 0x211C}, {"reg", 0x00AE}, {"rfloor", 0x230B}, {"rho", 0x03C1},
    {"rlm", 0x200F}, {"rsaquo", 0x203A}, {"rsquo", 0x2019}, {"sbquo", 0x201A}, {"scaron", 0x0161},
    {"sdot", 0x22C5}, {"sect", 0x00A7}, {"shy", 0x00AD}, {"sigma", 0x03C3}, {"sigmaf", 0x03C2},
    {"sim", 0x223C}, {"spades", 0x2660}, {"sub", 0x2282}, {"sube", 0x2286}, {"sum", 0x2211},
    {"sup", 0x2283}, {"sup1", 0x00B9}, {"sup2", 0x00B2}, {"sup3", 0x00B3}, {"supe", 0x2287},
    {"szlig", 0x00DF}, {"tau", 0x03C4}, {"there4", 0x2234}, {"theta", 0x03B8}, {"thetasym", 0x03D1},
    {"thinsp", 0x2009}, {"thorn", 0x00FE}, {"tilde", 0x02DC}, {"times", 0x00D7}, {"trade", 0x2122},
    {"uArr", 0x21D1}, {"uacute", 0x00FA}, {"uarr", 0x2191}, {"ucirc", 0x00FB}, {"ugrave", 0x00F9},
    {"uml", 0x00A8}, {"upsih", 0x03D2}, {"upsilon", 0x03C5}, {"uuml", 0x00FC}, {"weierp", 0x2118},
    {"xi", 0x03BE}, {"yacute", 0x00FD}, {"yen", 0x00A5}, {"yuml", 0x00FF}, {"zeta", 0x03B6},
    {"zwj", 0x200D}, {"zwnj", 0x200C},
};

constexpr size_t kMaxEntityName = 10;

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_alnum(char c) { return is_alpha(c) || (c >= '0' && c <= '9'); }
bool is_ws(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f'; }
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower(c);
  return out;
}

// Decodes the reference at text[i] == '&'. Appends to out and returns the length consumed,
// or 0 when it is not a reference (the '&' is then literal).
size_t decode_entity(std::string_view text, size_t i, std::string& out) {
  size_t j = i + 1;
  if (j < text.size() && text[j] == '#') {
    ++j;
    const bool hex = j < text.size() && (text[j] == 'x' || text[j] == 'X');
    if (hex) ++j;
    const size_t digits_start = j;
    uint32_t value = 0;
    while (j < text.size() && j - digits_start < 8) {
      const char c = text[j];
      int d;
      if (c >= '0' && c <= '9')
        d = c - '0';
      else if (hex && (lower(c) >= 'a' && lower(c) <= 'f'))
        d = lower(c) - 'a' + 10;
      else
        break;
      value = value * (hex ? 16 : 10) + static_cast<uint32_t>(d);
      ++j;
    }
    if (j == digits_start) return 0;
    if (j < text.size() && text[j] == ';') ++j;
    if (value >= 0x80 && value <= 0x9F) {  // browsers read these as Windows-1252
      out += utf8::from_cp1252(std::string(1, static_cast<char>(value)));
    } else if (value == 0 || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
      utf8::append(out, utf8::kReplacement);
    } else {
      utf8::append(out, value);
    }
    return j - i;
  }
  while (j < text.size() && is_alnum(text[j]) && j - i - 1 < kMaxEntityName) ++j;
  const std::string_view name = text.substr(i + 1, j - i - 1);
  if (name.empty()) return 0;
  const bool semicolon = j < text.size() && text[j] == ';';
  const auto* it = std::lower_bound(std::begin(kEntities), std::end(kEntities), name,
                                    [](const Entity& e, std::string_view n) { return e.name < n; });
  if (it == std::end(kEntities) || it->name != name) return 0;
  // Without ';' only the classic few are recognised, as browsers do for legacy pages.
  if (!semicolon && name != "amp" && name != "lt" && name != "gt" && name != "quot" && name != "nbsp") return 0;
  utf8::append(out, it->code_point);
  return j - i + (semicolon ? 1 : 0);
}

bool is_skipped_element(std::string_view name) {
  return name == "script" || name == "style" || name == "noscript" || name == "template" || name == "svg" ||
         name == "iframe" || name == "object" || name == "math";
}

bool is_block_element(std::string_view name) {
  static constexpr std::array<std::string_view, 27> kBlocks = {
      "p",       "div",    "section", "article", "header", "footer",     "nav",   "aside",  "main",
      "blockquote", "pre", "ul",      "ol",      "dl",     "dt",         "dd",    "table",  "thead",
      "tbody",   "tfoot",  "form",    "fieldset", "figure", "figcaption", "address", "caption", "body"};
  return std::find(kBlocks.begin(), kBlocks.end(), name) != kBlocks.end();
}

struct Tag {
  std::string name;  // lower case
  bool closing = false;
  std::string attributes;  // raw text between the name and '>'
  size_t length = 0;       // bytes consumed, 0 when not a tag
};

Tag parse_tag(std::string_view html, size_t i) {
  Tag tag;
  size_t j = i + 1;
  if (j < html.size() && html[j] == '/') {
    tag.closing = true;
    ++j;
  }
  const size_t name_start = j;
  if (j >= html.size() || !is_alpha(html[j])) return tag;
  while (j < html.size() && (is_alnum(html[j]) || html[j] == '-' || html[j] == ':')) ++j;
  tag.name = lower_ascii(html.substr(name_start, j - name_start));
  const size_t attributes_start = j;
  char quote = 0;
  while (j < html.size()) {
    const char c = html[j];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '>') {
      break;
    }
    ++j;
  }
  if (j >= html.size()) return tag;  // unterminated: not a tag
  tag.attributes = std::string(html.substr(attributes_start, j - attributes_start));
  tag.length = j + 1 - i;
  return tag;
}

// Value of attribute `name` in raw attribute text (lower-case name match), decoded.
std::string attribute(const std::string& attributes, std::string_view name) {
  const std::string lower_attrs = lower_ascii(attributes);
  size_t pos = 0;
  while ((pos = lower_attrs.find(name, pos)) != std::string::npos) {
    const bool boundary = pos == 0 || is_ws(lower_attrs[pos - 1]);
    size_t j = pos + name.size();
    while (j < lower_attrs.size() && is_ws(lower_attrs[j])) ++j;
    if (!boundary || j >= lower_attrs.size() || lower_attrs[j] != '=') {
      pos += name.size();
      continue;
    }
    ++j;
    while (j < attributes.size() && is_ws(attributes[j])) ++j;
    if (j >= attributes.size()) return {};
    const char quote = attributes[j];
    size_t end;
    if (quote == '"' || quote == '\'') {
      ++j;
      end = attributes.find(quote, j);
      if (end == std::string::npos) end = attributes.size();
    } else {
      end = j;
      while (end < attributes.size() && !is_ws(attributes[end])) ++end;
    }
    return decode_html_entities(std::string_view(attributes).substr(j, end - j));
  }
  return {};
}

size_t find_ignoring_case(std::string_view haystack, std::string_view needle, size_t from) {
  if (needle.empty() || haystack.size() < needle.size()) return std::string_view::npos;
  for (size_t i = from; i + needle.size() <= haystack.size(); ++i) {
    size_t k = 0;
    while (k < needle.size() && lower(haystack[i + k]) == needle[k]) ++k;
    if (k == needle.size()) return i;
  }
  return std::string_view::npos;
}

class TextBuilder {
 public:
  void text(std::string_view s, bool preformatted) {
    for (char c : s) {
      if (!preformatted && is_ws(c)) {
        pending_space_ = true;
        continue;
      }
      if (pending_space_ && !out_.empty() && out_.back() != '\n' && out_.back() != ' ') out_.push_back(' ');
      pending_space_ = false;
      out_.push_back(c);
    }
  }
  void line_break(int count = 1) {
    while (!out_.empty() && out_.back() == ' ') out_.pop_back();
    int have = 0;
    for (auto it = out_.rbegin(); it != out_.rend() && *it == '\n' && have < count; ++it) ++have;
    if (!out_.empty())
      for (int k = have; k < count; ++k) out_.push_back('\n');
    pending_space_ = false;
  }
  void raw(std::string_view s) {
    out_.append(s);
    pending_space_ = false;
  }
  std::string& out() { return out_; }

 private:
  std::string out_;
  bool pending_space_ = false;
};

}  // namespace

std::string decode_html_entities(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    if (text[i] == '&') {
      if (size_t n = decode_entity(text, i, out)) {
        i += n;
        continue;
      }
    }
    out.push_back(text[i++]);
  }
  return out;
}

HtmlText html_to_text(std::string_view html) {
  HtmlText result;
  TextBuilder b;
  int pre_depth = 0;
  bool in_title = false;
  int heading_level = 0;
  size_t heading_text_start = 0;  // where the heading's text begins in the output
  size_t heading_line_start = 0;  // where its "## " prefix begins
  bool first_cell = true;
  std::string chunk;  // decoded text run
  auto flush_text = [&](std::string_view s) {
    if (in_title) {
      result.title.append(s);
      return;
    }
    b.text(s, pre_depth > 0 && heading_level == 0);
  };
  size_t i = 0;
  while (i < html.size()) {
    const char c = html[i];
    if (c == '&') {
      chunk.clear();
      if (size_t n = decode_entity(html, i, chunk)) {
        flush_text(chunk);
        i += n;
        continue;
      }
      flush_text("&");
      ++i;
      continue;
    }
    if (c != '<') {
      size_t j = i;
      while (j < html.size() && html[j] != '<' && html[j] != '&') ++j;
      flush_text(html.substr(i, j - i));
      i = j;
      continue;
    }
    // Markup.
    if (html.substr(i, 4) == "<!--") {
      const size_t end = html.find("-->", i + 4);
      i = end == std::string_view::npos ? html.size() : end + 3;
      continue;
    }
    if (html.substr(i, 9) == "<![CDATA[") {
      const size_t end = html.find("]]>", i + 9);
      const size_t stop = end == std::string_view::npos ? html.size() : end;
      flush_text(html.substr(i + 9, stop - i - 9));
      i = end == std::string_view::npos ? html.size() : end + 3;
      continue;
    }
    if (i + 1 < html.size() && (html[i + 1] == '!' || html[i + 1] == '?')) {
      const size_t end = html.find('>', i);
      i = end == std::string_view::npos ? html.size() : end + 1;
      continue;
    }
    const Tag tag = parse_tag(html, i);
    if (tag.length == 0) {  // a lone '<' in text
      flush_text("<");
      ++i;
      continue;
    }
    i += tag.length;
    const std::string& name = tag.name;
    if (!tag.closing && is_skipped_element(name)) {
      if (!tag.attributes.empty() && tag.attributes.back() == '/') continue;  // <svg ... />
      // Skip to the matching close tag (nesting of the same element is not expected here).
      const size_t close = find_ignoring_case(html, "</" + name, i);
      const size_t end = close == std::string_view::npos ? close : html.find('>', close);
      i = end == std::string_view::npos ? html.size() : end + 1;
      continue;
    }
    if (name == "title") {
      in_title = !tag.closing;
      continue;
    }
    if (name == "meta" && !tag.closing) {
      if (lower_ascii(attribute(tag.attributes, "name")) == "author") result.author = attribute(tag.attributes, "content");
      continue;
    }
    if (name.size() == 2 && name[0] == 'h' && name[1] >= '1' && name[1] <= '6') {
      if (!tag.closing && heading_level == 0) {
        heading_level = name[1] - '0';
        b.line_break(2);
        heading_line_start = b.out().size();
        b.raw(std::string(static_cast<size_t>(heading_level), '#') + " ");
        heading_text_start = b.out().size();
      } else if (tag.closing && heading_level != 0) {
        std::string& out = b.out();
        while (out.size() > heading_text_start && out.back() == ' ') out.pop_back();
        if (out.size() == heading_text_start) out.resize(heading_line_start);  // empty heading
        heading_level = 0;
        b.line_break(2);
      }
      continue;
    }
    if (heading_level != 0) {  // inside a heading everything stays on its line
      if (name == "br") b.text(" ", false);
      continue;
    }
    if (name == "br") {
      b.line_break(1);
    } else if (name == "hr") {
      b.line_break(2);
    } else if (name == "pre") {
      pre_depth = std::max(0, pre_depth + (tag.closing ? -1 : 1));
      b.line_break(2);
    } else if (name == "li") {
      b.line_break(1);
      if (!tag.closing) b.raw("- ");
    } else if (name == "tr") {
      b.line_break(1);
      first_cell = true;
    } else if (name == "td" || name == "th") {
      if (!tag.closing) {
        if (!first_cell) b.raw(" | ");
        first_cell = false;
      }
    } else if (name == "p" || name == "table" || name == "blockquote" || name == "ul" || name == "ol" ||
               name == "dl" || name == "figure") {
      b.line_break(2);
    } else if (is_block_element(name)) {
      b.line_break(1);
    }
  }
  result.text = std::move(b.out());
  return result;
}

}  // namespace pw::ingest
