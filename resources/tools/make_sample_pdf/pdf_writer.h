// Page drawing and the PDF 1.4 file around it, for the sample-PDF generator.
//
//   pw::sample_pdf::PageCanvas page;
//   page.text(72, 770, Font::bold, 14, "Leave policy");   // WinAnsi text, origin bottom-left
//   page.rule(72, 760, 523, 760, 0.5, 0.6);
//   std::string pdf = pw::sample_pdf::write_pdf({page.ops()}, {.title = "Handbook"});
//
// Output is byte-for-byte reproducible: no dates, no IDs, numbers printed with fixed
// precision, so regenerating a sample gives the committed file back (a test checks this).
// Fonts are the base-14 Helvetica (/F1) and Helvetica-Bold (/F2) with WinAnsiEncoding.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "resources/tools/make_sample_pdf/winansi.h"

namespace pw::sample_pdf {

inline constexpr double kPageWidth = 595.0;   // A4 in points
inline constexpr double kPageHeight = 842.0;

struct Rgb {
  double r = 0, g = 0, b = 0;
};

// Collects the content-stream operators of one page.
class PageCanvas {
 public:
  void text(double x, double y, Font font, double size, std::string_view winansi, Rgb colour = {});
  void rule(double x1, double y1, double x2, double y2, double width, double gray);
  void fill_rect(double x, double y, double w, double h, double gray);
  const std::string& ops() const { return ops_; }

 private:
  std::string ops_;
};

struct PdfInfo {
  std::string title;    // UTF-8
  std::string author;   // UTF-8
  std::string subject;  // UTF-8, optional
  std::string creator = "Pagewise make_sample_pdf";
};

// One content stream per page, in order. Returns the complete PDF file.
std::string write_pdf(const std::vector<std::string>& page_streams, const PdfInfo& info);

}  // namespace pw::sample_pdf
