// Lays a parsed sample document out on A4 pages: wrapped paragraphs, headings kept with
// their text, bullets, shaded notices, tables with wrapped cells (the header row repeats on
// each page), a running header and "Page N of M" in the footer.
//
//   std::vector<std::string> pages = pw::sample_pdf::layout(doc);  // content streams
//   std::string pdf = pw::sample_pdf::write_pdf(pages, {.title = doc.title, .author = doc.author});
//
// Deterministic: the same Document always gives the same operators (tests compare bytes).
#pragma once

#include <string>
#include <vector>

#include "resources/tools/make_sample_pdf/markup.h"
#include "resources/tools/make_sample_pdf/winansi.h"

namespace pw::sample_pdf {

std::vector<std::string> layout(const Document& doc);

// Greedy word wrap of WinAnsi text into lines no wider than `width` points. A word wider
// than a whole line is split between characters.
std::vector<std::string> wrap(const std::string& text, Font font, double size, double width);

}  // namespace pw::sample_pdf
