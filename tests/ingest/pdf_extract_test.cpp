// PDF extraction behaviours on chosen corpus files: passwords, budgets, labels, titles, the
// protected and in-process paths giving the same result, the text on the right page.
#include <gtest/gtest.h>

#include "ingest/extract.h"
#include "ingest/pdf_extractor.h"
#include "support/test_support.h"

using pw::ingest::DocumentStatus;
using pw::ingest::ExtractOptions;
using pw::ingest::extract;

namespace {

pw::ingest::ExtractedDocument must_extract(const std::string& corpus_path, const ExtractOptions& options = {}) {
  auto r = extract(pw::test::shared_path("corpus/pdfs/" + corpus_path), options);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().describe());
  return r.ok() ? *r : pw::ingest::ExtractedDocument{};
}

}  // namespace

TEST(PdfExtract, EncryptedFilesOpenWithTheirPassword) {
  ExtractOptions options;
  auto doc = must_extract("hostile/encrypted_user_password/qpdf_c-r4.pdf");
  EXPECT_EQ(doc.status, DocumentStatus::Encrypted);
  EXPECT_NE(doc.error.find("password"), std::string::npos);
  options.password = "wrong";
  doc = must_extract("hostile/encrypted_user_password/qpdf_c-r4.pdf", options);
  EXPECT_EQ(doc.status, DocumentStatus::Encrypted);
  EXPECT_NE(doc.error.find("does not open"), std::string::npos) << doc.error;
  options.password = "user2";
  doc = must_extract("hostile/encrypted_user_password/qpdf_c-r4.pdf", options);
  EXPECT_EQ(doc.status, DocumentStatus::Ok) << doc.error;
  EXPECT_EQ(doc.pages.size(), 30u);
  options.password = "\xC3\xA6\xC3\xB8\xC3\xA5";  // "æøå", UTF-8 as the GUI/CLI hands it over
  doc = must_extract("hostile/encrypted_user_password/pdfjs_issue6010_2.pdf", options);
  EXPECT_EQ(doc.status, DocumentStatus::Ok) << doc.error;
  EXPECT_EQ(doc.pages.size(), 1u);
}

TEST(PdfExtract, TimeBudgetStopsALongDocument) {
  ExtractOptions options;
  options.time_budget = std::chrono::milliseconds(150);
  const auto doc = must_extract("hostile/huge/huge_twemojis_266pages.pdf", options);
  EXPECT_EQ(doc.status, DocumentStatus::TooLarge);
  EXPECT_NE(doc.error.find("'huge_twemojis_266pages.pdf' took longer than the 150 ms time budget"), std::string::npos)
      << doc.error;
  EXPECT_TRUE(doc.pages.empty());
}

TEST(PdfExtract, MemoryBudgetStopsAHungryDocument) {
  if (pw::test::built_with_asan()) GTEST_SKIP() << "SKIPPED: memory budgets (RLIMIT_AS) cannot be tested under AddressSanitizer";
  ExtractOptions options;
  options.memory_budget = size_t{256} << 10;  // far too little for Poppler (it needs a few MiB)
  const auto doc = must_extract("general_real/gen_FHS-3.0.pdf", options);
  EXPECT_EQ(doc.status, DocumentStatus::TooLarge);
  EXPECT_NE(doc.error.find("'gen_FHS-3.0.pdf' needs more than the 256 KiB memory budget"), std::string::npos)
      << doc.error;
}

TEST(PdfExtract, PageLimit) {
  ExtractOptions options;
  options.max_pages = 10;
  const auto doc = must_extract("general_real/gen_FHS-3.0.pdf", options);
  EXPECT_EQ(doc.status, DocumentStatus::TooLarge);
  EXPECT_NE(doc.error.find("50 pages"), std::string::npos) << doc.error;
}

TEST(PdfExtract, ProtectedAndInProcessReadingAgree) {
  ExtractOptions in_process;
  in_process.isolate_pdf = false;
  const auto a = must_extract("medical_real/med_WHO_EMRO_Healthy_diet_2019.pdf");
  const auto b = must_extract("medical_real/med_WHO_EMRO_Healthy_diet_2019.pdf", in_process);
  ASSERT_EQ(a.pages.size(), b.pages.size());
  for (size_t i = 0; i < a.pages.size(); ++i) {
    EXPECT_EQ(a.pages[i].text, b.pages[i].text);
    EXPECT_EQ(a.pages[i].label, b.pages[i].label);
  }
  EXPECT_EQ(a.title, b.title);
  EXPECT_EQ(a.running_header, b.running_header);
}

TEST(PdfExtract, PageLabelsComeFromThePdf) {
  const auto doc = must_extract("general_real/gen_debian-reference.pdf");
  ASSERT_EQ(doc.pages.size(), 261u);
  EXPECT_EQ(doc.pages[1].label, "i");     // front matter in Roman numerals (after the cover)
  EXPECT_EQ(doc.pages[28].label, "1");    // chapter 1 starts the Arabic numbering
  EXPECT_EQ(doc.title, "Debian Reference");
  EXPECT_EQ(doc.running_header, "Debian Reference");  // removed from every page, kept once
  for (const auto& p : doc.pages) EXPECT_NE(p.text.rfind("Debian Reference\n", 0), 0u) << "page " << p.number;
}

TEST(PdfExtract, TwoColumnsComeOutInReadingOrder) {
  const auto doc = must_extract("general_real/gen_tracemonkey_paper.pdf");
  ASSERT_GE(doc.pages.size(), 2u);
  const std::string& p1 = doc.pages[0].text;
  // The left column's abstract ends before the right column's introduction starts.
  const size_t abstract = p1.find("Abstract");
  const size_t intro = p1.find("Introduction");
  ASSERT_NE(abstract, std::string::npos);
  ASSERT_NE(intro, std::string::npos);
  EXPECT_LT(abstract, intro);
  EXPECT_NE(p1.find("Dynamic languages such as JavaScript, Python, and Ruby, are popular"), std::string::npos);
}

TEST(PdfExtract, ScatteredTablesAreReadRowByRow) {
  const auto doc = must_extract("finance_financebench/fin_AMCOR_2023Q4_EARNINGS.pdf");
  ASSERT_GE(doc.pages.size(), 8u);
  EXPECT_NE(doc.pages[7].text.find("Net sales 3,909 3,673 14,544 14,694"), std::string::npos);
}

TEST(PdfExtract, ScansNeedOcrWithPageNumbers) {
  const auto doc = must_extract("hostile/scanned_image_only/ocrmypdf_skew.pdf");
  EXPECT_EQ(doc.status, DocumentStatus::NeedsOcr);
  EXPECT_EQ(doc.pages_without_text, std::vector<int>{1});
  EXPECT_NE(doc.error.find("OCR"), std::string::npos);
}

TEST(PdfExtract, NotAPdfAtAll) {
  pw::test::TempDir dir;
  const auto path = dir / "fake.pdf";
  pw::test::write_file(path, "this is not a PDF\n", 18);
  auto doc = extract(path, {});
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->status, DocumentStatus::Damaged);
  EXPECT_NE(doc->error.find("'fake.pdf'"), std::string::npos);
}

TEST(PdfExtract, PageRangesForMessages) {
  EXPECT_EQ(pw::ingest::page_ranges({3, 5, 6, 7, 9, 12, 13}), "3, 5-7, 9, 12-13");
  EXPECT_EQ(pw::ingest::page_ranges({}), "");
}

TEST(PdfExtract, BuildDocumentSkipsPagesTheReaderLost) {
  pw::ingest::PdfInfo info;
  info.outcome = pw::ingest::PdfOpenOutcome::Opened;
  info.page_count = 3;
  std::vector<pw::ingest::PdfPageText> pages(2);
  pages[0].number = 1;
  pages[0].text = "First page with enough words.";
  pages[1].number = 3;
  pages[1].text = "Third page with enough words.";
  const auto doc = pw::ingest::build_pdf_document("/x/report.pdf", info, pages, {2});
  EXPECT_EQ(doc.status, DocumentStatus::Ok);
  ASSERT_EQ(doc.pages.size(), 3u);
  EXPECT_EQ(doc.pages[1].text, "");
  EXPECT_EQ(doc.pages[1].label, "2");
  EXPECT_EQ(doc.pages_without_text, std::vector<int>{2});
  EXPECT_EQ(doc.error, "the PDF reader crashed on page 2 of 'report.pdf', which was skipped");
}
