// The rows of shared/corpus/MANIFEST.tsv that describe PDFs, and what extraction should make
// of each (from the corpus README: hostile categories and what the app should do).
//
//   for (const CorpusPdf& pdf : load_corpus_pdfs()) { ... pdf.expected ... }
#pragma once

#include <fstream>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "ingest/document.h"

namespace pw::ingest::test {

struct CorpusPdf {
  std::string path;      // relative to the corpus folder: "pdfs/hostile/huge/huge_twemojis_266pages.pdf"
  std::string kind;      // "real:legal_contract", "hostile:broken_xref", ...
  std::string password;  // for encrypted files
  int pages = -1;        // Poppler's page count (pdfinfo), -1 when pdfinfo failed
  long text_chars = -1;  // pdftotext's non-blank characters, -1 when not recorded
  std::set<DocumentStatus> expected;  // acceptable statuses without a password
  std::string name() const {        // a gtest-friendly name
    std::string n = path.substr(path.rfind('/') + 1);
    for (char& c : n)
      if (!isalnum(static_cast<unsigned char>(c))) c = '_';
    return n;
  }
};

// gtest prints parameters of failing tests with this (instead of a byte dump).
inline void PrintTo(const CorpusPdf& pdf, std::ostream* os) { *os << pdf.path; }

inline std::set<DocumentStatus> expected_statuses(const std::string& kind) {
  using S = DocumentStatus;
  if (kind.rfind("real:", 0) == 0 || kind.rfind("derived:", 0) == 0) return {S::Ok};
  const std::string category = kind.substr(kind.find(':') + 1);
  if (category == "encrypted_user_password") return {S::Encrypted};
  if (category == "encrypted_owner_only" || category == "non_latin" || category == "huge") return {S::Ok};
  if (category == "broken_xref" || category == "truncated_or_not_pdf" || category == "fuzzed_crasher") return {S::Damaged};
  if (category == "scanned_image_only" || category == "forms" || category == "other_structure") return {S::NeedsOcr};
  if (category == "weird_fonts") return {S::Ok, S::NeedsOcr};  // "little or no text"
  return {};  // unknown category: the test fails and asks for an expectation
}

inline std::vector<CorpusPdf> load_corpus_pdfs(const std::string& corpus_dir) {
  std::vector<CorpusPdf> out;
  std::ifstream in(corpus_dir + "/MANIFEST.tsv");
  std::string line;
  std::vector<std::string> header;
  while (std::getline(in, line)) {
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string col;
    while (std::getline(ss, col, '\t')) cols.push_back(col);
    if (header.empty()) {
      header = cols;
      continue;
    }
    auto get = [&](const std::string& name) -> std::string {
      for (size_t i = 0; i < header.size() && i < cols.size(); ++i)
        if (header[i] == name) return cols[i];
      return {};
    };
    CorpusPdf pdf;
    pdf.path = get("path");
    if (pdf.path.rfind("pdfs/", 0) != 0) continue;
    pdf.kind = get("kind");
    pdf.password = get("password");
    const std::string pages = get("pages"), chars = get("text_chars");
    if (!pages.empty() && get("pdfinfo_rc") == "0") pdf.pages = std::stoi(pages);
    if (!chars.empty()) pdf.text_chars = std::stol(chars);
    pdf.expected = expected_statuses(pdf.kind);
    out.push_back(pdf);
  }
  return out;
}

}  // namespace pw::ingest::test
