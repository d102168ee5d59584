// HTML to plain text with the headings kept, for ingesting saved web pages and exported docs.
//
//   pw::ingest::HtmlText h = pw::ingest::html_to_text(html_utf8);
//   h.text;    // "# Leave policy\n\nEmployees may ...\n\n## 4.2 Carry-over\n..."
//   h.title;   // <title>, may be empty
//
// Tags are dropped; script, style, noscript, template, svg, iframe and object contents are
// skipped; <h1>..<h6> become Markdown heading lines ("## Title") so the chunker sees them;
// block elements (p, div, li, tr, br, ...) end lines; table cells are joined with " | " so a
// row stays one line; list items start with "- "; whitespace collapses as a browser would,
// except inside <pre>. Character references (&amp; &eacute; &#233; &#xE9;) are decoded, the
// HTML 4 named set (252 names) plus numeric ones; unknown ones stay as written. Not a full
// HTML5 parser: malformed markup degrades to imperfect text, never to an error.
#pragma once

#include <string>
#include <string_view>

namespace pw::ingest {

struct HtmlText {
  std::string text;    // not yet normalised
  std::string title;   // from <title>
  std::string author;  // from <meta name="author" content="...">
};

HtmlText html_to_text(std::string_view html);

std::string decode_html_entities(std::string_view text);

}  // namespace pw::ingest
