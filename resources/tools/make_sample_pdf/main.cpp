// make_sample_pdf: turns a sample document written in the markup of markup.h into a
// reproducible PDF 1.4 file. Built by CMake; used to (re)make resources/samples/*.pdf.
//
//   make_sample_pdf resources/samples/src/northwind-employee-handbook.txt handbook.pdf
//
// Exit codes: 0 written, 1 bad input or cannot write, 2 bad usage.
#include <fstream>
#include <iostream>
#include <sstream>

#include "resources/tools/make_sample_pdf/layout.h"
#include "resources/tools/make_sample_pdf/markup.h"
#include "resources/tools/make_sample_pdf/pdf_writer.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: make_sample_pdf INPUT.txt OUTPUT.pdf\n";
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::cerr << "make_sample_pdf: cannot read " << argv[1] << "\n";
    return 1;
  }
  std::stringstream text;
  text << in.rdbuf();
  pw::sample_pdf::Document doc;
  std::string error;
  if (!pw::sample_pdf::parse_markup(text.str(), argv[1], doc, error)) {
    std::cerr << "make_sample_pdf: " << error << "\n";
    return 1;
  }
  const std::string pdf = pw::sample_pdf::write_pdf(
      pw::sample_pdf::layout(doc), {.title = doc.title, .author = doc.author, .subject = doc.subject});
  std::ofstream out(argv[2], std::ios::binary | std::ios::trunc);
  out.write(pdf.data(), static_cast<std::streamsize>(pdf.size()));
  out.close();
  if (!out) {
    std::cerr << "make_sample_pdf: cannot write " << argv[2] << "\n";
    return 1;
  }
  return 0;
}
