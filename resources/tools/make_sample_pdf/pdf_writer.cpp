#include "resources/tools/make_sample_pdf/pdf_writer.h"

#include <cstdio>

namespace pw::sample_pdf {

namespace {

// Fixed-precision number without trailing zeros ("72", "770.5"): stable across runs.
std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  std::string s = buf;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  if (s == "-0") s = "0";
  return s;
}

// A PDF literal string: escapes the delimiters and writes bytes >= 0x80 as octal.
std::string literal(std::string_view bytes) {
  std::string out = "(";
  for (char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    if (c == '(' || c == ')' || c == '\\') {
      out += '\\';
      out += c;
    } else if (b < 0x20 || b >= 0x80) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\%03o", b);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + ")";
}

// A PDF text string for metadata: plain literal when ASCII, else UTF-16BE with a byte-order mark.
std::string text_string(std::string_view utf8) {
  bool ascii = true;
  for (char c : utf8) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
  if (ascii) return literal(utf8);
  std::string out = "<FEFF";
  char buf[8];
  for (size_t i = 0; i < utf8.size();) {
    const auto b0 = static_cast<unsigned char>(utf8[i]);
    size_t len = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xE ? 3 : 4;
    if (i + len > utf8.size()) break;
    char32_t cp = len == 1 ? b0 : len == 2 ? (b0 & 0x1F) : len == 3 ? (b0 & 0x0F) : (b0 & 0x07);
    for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
    i += len;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      std::snprintf(buf, sizeof buf, "%04X", static_cast<unsigned>(0xD800 + (cp >> 10)));
      out += buf;
      cp = 0xDC00 + (cp & 0x3FF);
    }
    std::snprintf(buf, sizeof buf, "%04X", static_cast<unsigned>(cp));
    out += buf;
  }
  return out + ">";
}

}  // namespace

void PageCanvas::text(double x, double y, Font font, double size, std::string_view winansi, Rgb colour) {
  ops_ += "BT " + num(colour.r) + " " + num(colour.g) + " " + num(colour.b) + " rg /" +
          (font == Font::bold ? "F2 " : "F1 ") + num(size) + " Tf " + num(x) + " " + num(y) + " Td " +
          literal(winansi) + " Tj ET\n";
}

void PageCanvas::rule(double x1, double y1, double x2, double y2, double width, double gray) {
  ops_ += num(gray) + " G " + num(width) + " w " + num(x1) + " " + num(y1) + " m " + num(x2) + " " + num(y2) + " l S\n";
}

void PageCanvas::fill_rect(double x, double y, double w, double h, double gray) {
  ops_ += num(gray) + " g " + num(x) + " " + num(y) + " " + num(w) + " " + num(h) + " re f\n";
}

std::string write_pdf(const std::vector<std::string>& page_streams, const PdfInfo& info) {
  // Object numbers: 1 catalog, 2 page tree, 3 Helvetica, 4 Helvetica-Bold, 5 info,
  // then a page object and its content stream for each page.
  std::vector<std::string> objects;
  std::string kids;
  for (size_t i = 0; i < page_streams.size(); ++i) kids += (i ? " " : "") + std::to_string(6 + 2 * i) + " 0 R";
  objects.push_back("<< /Type /Catalog /Pages 2 0 R >>");
  objects.push_back("<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(page_streams.size()) +
                    " /MediaBox [0 0 " + num(kPageWidth) + " " + num(kPageHeight) + "]" +
                    " /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> >>");
  objects.push_back("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
  objects.push_back("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>");
  std::string info_dict = "<< /Title " + text_string(info.title) + " /Author " + text_string(info.author);
  if (!info.subject.empty()) info_dict += " /Subject " + text_string(info.subject);
  info_dict += " /Creator " + text_string(info.creator) + " /Producer " + text_string(info.creator) + " >>";
  objects.push_back(info_dict);
  for (size_t i = 0; i < page_streams.size(); ++i) {
    objects.push_back("<< /Type /Page /Parent 2 0 R /Contents " + std::to_string(7 + 2 * i) + " 0 R >>");
    objects.push_back("<< /Length " + std::to_string(page_streams[i].size()) + " >>\nstream\n" + page_streams[i] +
                      "\nendstream");
  }

  // The second line holds bytes >= 0x80 so tools treat the file as binary (PDF convention).
  std::string pdf = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  // Cross-reference table: every entry exactly 20 bytes ("nnnnnnnnnn ggggg n \n").
  const size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  char entry[32];
  for (size_t off : offsets) {
    std::snprintf(entry, sizeof entry, "%010zu 00000 n \n", off);
    pdf += entry;
  }
  pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R /Info 5 0 R >>\nstartxref\n" +
         std::to_string(xref) + "\n%%EOF\n";
  return pdf;
}

}  // namespace pw::sample_pdf
