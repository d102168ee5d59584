// WinAnsiEncoding text and Helvetica metrics for the sample-PDF generator.
//
//   std::string bytes;  std::string bad;
//   if (!pw::sample_pdf::to_winansi("Carry-over – 5 days", bytes, bad)) report(bad);
//   double w = pw::sample_pdf::text_width(bytes, pw::sample_pdf::Font::regular, 10.0);
//
// The PDFs use the base-14 fonts Helvetica and Helvetica-Bold, which every PDF reader has,
// so nothing is embedded. Their glyph widths are needed to wrap lines; the tables in
// winansi.cpp hold them for WinAnsi codes 32..255 (1/1000 em).
#pragma once

#include <string>
#include <string_view>

namespace pw::sample_pdf {

enum class Font { regular, bold };

// Converts UTF-8 to WinAnsiEncoding bytes. Returns false (and the offending character in
// `unmappable`) when the text holds a character WinAnsi cannot show or is not valid UTF-8.
bool to_winansi(std::string_view utf8, std::string& out, std::string& unmappable);

// Width in points of WinAnsi-encoded text set in `font` at `size` points.
double text_width(std::string_view winansi, Font font, double size);

}  // namespace pw::sample_pdf
