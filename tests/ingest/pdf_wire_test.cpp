#include "ingest/pdf_wire.h"

#include <gtest/gtest.h>

#include <random>

namespace wire = pw::ingest::pdf_wire;
using pw::ingest::PdfInfo;
using pw::ingest::PdfOpenOutcome;
using pw::ingest::PdfPageText;

namespace {

std::string sample_stream(bool with_end) {
  PdfInfo info;
  info.outcome = PdfOpenOutcome::Opened;
  info.page_count = 3;
  info.title = "Leave policy";
  info.author = "HR";
  info.detail = "";
  std::string out;
  wire::append_info(out, info);
  for (int p = 1; p <= 3; ++p) {
    PdfPageText page;
    page.number = p;
    page.label = p == 1 ? "i" : std::to_string(p);
    page.text = "text of page " + std::to_string(p) + std::string(p * 10, '.');
    page.physical_layout = p == 2;
    wire::append_page(out, page);
  }
  if (with_end) wire::append_end(out);
  return out;
}

}  // namespace

TEST(PdfWire, RoundTrip) {
  const auto d = wire::decode(sample_stream(true));
  ASSERT_TRUE(d.info);
  EXPECT_TRUE(d.complete);
  EXPECT_FALSE(d.malformed);
  EXPECT_EQ(d.info->outcome, PdfOpenOutcome::Opened);
  EXPECT_EQ(d.info->page_count, 3);
  EXPECT_EQ(d.info->title, "Leave policy");
  EXPECT_EQ(d.info->author, "HR");
  ASSERT_EQ(d.pages.size(), 3u);
  EXPECT_EQ(d.pages[0].label, "i");
  EXPECT_TRUE(d.pages[1].physical_layout);
  EXPECT_EQ(d.pages[2].text, "text of page 3" + std::string(30, '.'));
}

TEST(PdfWire, EveryTruncationKeepsTheWholeRecordsBeforeIt) {
  const std::string full = sample_stream(true);
  size_t last_pages = 0;
  for (size_t n = 0; n < full.size(); ++n) {
    const auto d = wire::decode(std::string_view(full).substr(0, n));
    EXPECT_FALSE(d.complete) << n;
    EXPECT_FALSE(d.malformed) << n;
    EXPECT_GE(d.pages.size(), last_pages) << n;  // more bytes never lose pages
    last_pages = d.pages.size();
  }
  EXPECT_EQ(last_pages, 3u);
}

TEST(PdfWire, GarbageIsRejectedWithoutCrashing) {
  std::mt19937 rng(42);
  const std::string good = sample_stream(true);
  for (int round = 0; round < 2000; ++round) {
    std::string bytes = good;
    for (int k = 0; k < 3; ++k) bytes[rng() % bytes.size()] = static_cast<char>(rng());
    const auto d = wire::decode(bytes);  // must not crash, hang or allocate wildly
    size_t text_bytes = 0;
    for (const auto& p : d.pages) text_bytes += p.text.size() + p.label.size();
    EXPECT_LE(text_bytes, bytes.size());
  }
  EXPECT_TRUE(wire::decode(std::string("Z\0\0\0\0", 5)).malformed);  // unknown record
  EXPECT_FALSE(wire::decode("Zxxxx").malformed);  // a length past the end: cut short, not malformed
  EXPECT_TRUE(wire::decode(std::string("P\0\0\0\0", 5)).malformed);  // a page before the info
  EXPECT_FALSE(wire::decode("").info);
}
