#include "ingest/running_headers.h"

#include <gtest/gtest.h>

using pw::ingest::remove_running_text;
using pw::ingest::running_text_key;

namespace {

// A body line that differs from page to page in its words, not only its numbers.
std::string body_line(int page, int salt) {
  static const char* a[] = {"cat", "dog", "owl", "fox", "elk", "bee", "ant", "yak", "emu", "eel", "cod", "hen", "ram"};
  static const char* b[] = {"red", "tan", "blue", "gold", "grey", "pink", "teal", "jade", "navy", "rose", "ruby"};
  static const char* c[] = {"box", "cup", "map", "pen", "key", "hat", "jar", "mug", "net", "pot", "rug", "van"};
  return std::string("The ") + a[(page + salt) % 13] + " finds a " + b[(page * 3 + salt) % 11] + " " +
         c[(page * 7 + salt) % 12] + ".";
}

std::vector<std::string> book(int pages) {
  std::vector<std::string> out;
  const char* romans[] = {"i", "ii", "iii", "iv", "v", "vi", "vii", "viii"};
  for (int p = 1; p <= pages; ++p) {
    std::string text = "ACME Corp - Confidential\n";
    text += p <= 3 ? std::string(romans[p - 1]) : std::to_string(p);
    text += "\n" + body_line(p, 0) + "\n" + body_line(p, 5) + "\n";
    text += "Page " + std::to_string(p) + " of " + std::to_string(pages);
    out.push_back(text);
  }
  return out;
}

}  // namespace

TEST(RunningText, KeysIgnoreNumbersAndCase) {
  EXPECT_EQ(running_text_key("Page 12 of 40"), "page # of #");
  EXPECT_EQ(running_text_key("PAGE 3  OF 9"), "page # of #");
  EXPECT_EQ(running_text_key("xiv"), "#");
  EXPECT_EQ(running_text_key("Annual Report 2023 - 14"), "annual report # - #");
}

TEST(RunningText, RemovesHeadersAndFootersWithChangingPageNumbers) {
  auto pages = book(10);
  const auto rt = remove_running_text(pages);
  EXPECT_EQ(rt.header, "ACME Corp - Confidential");  // kept once; page numbers are not kept
  EXPECT_EQ(rt.footer, "");
  EXPECT_EQ(rt.lines_removed, 30);
  for (int p = 1; p <= 10; ++p) {
    EXPECT_EQ(pages[p - 1], body_line(p, 0) + "\n" + body_line(p, 5));
  }
}

TEST(RunningText, AlternatingBookHeadsAreBothRemoved) {
  std::vector<std::string> pages;
  for (int p = 1; p <= 12; ++p)
    pages.push_back(std::string(p % 2 ? "Chapter Title" : "Book Title") + "\n" + body_line(p, 1) + "\n" +
                    body_line(p, 2));
  const auto rt = remove_running_text(pages);
  EXPECT_EQ(rt.header, "Chapter Title\nBook Title");
  EXPECT_EQ(pages[0], body_line(1, 1) + "\n" + body_line(1, 2));
  EXPECT_EQ(pages[1], body_line(2, 1) + "\n" + body_line(2, 2));
}

TEST(RunningText, FootersAtTheBottom) {
  std::vector<std::string> pages;
  for (int p = 1; p <= 5; ++p)
    pages.push_back(body_line(p, 3) + "\n" + body_line(p, 4) + "\nwww.example.org | Policy handbook");
  const auto rt = remove_running_text(pages);
  EXPECT_EQ(rt.footer, "www.example.org | Policy handbook");
  EXPECT_EQ(rt.header, "");
  EXPECT_EQ(pages[4], body_line(5, 3) + "\n" + body_line(5, 4));
}

TEST(RunningText, LinesRepeatedInTheMiddleStay) {
  std::vector<std::string> pages;
  for (int p = 1; p <= 6; ++p)
    pages.push_back("Top " + std::string(p, 'a') + "\nb" + std::string(p, 'c') + "\nd" + std::string(p, 'e') +
                    "\nRepeated middle line\ne" + std::string(p, 'f') + "\ng" + std::string(p, 'h') + "\ni" +
                    std::string(p, 'j'));
  const auto before = pages;
  const auto rt = remove_running_text(pages);
  EXPECT_EQ(rt.lines_removed, 0);
  EXPECT_EQ(pages, before);
}

TEST(RunningText, FewPagesOrContentThatRepeatsIsLeftAlone) {
  std::vector<std::string> two = {"Header\nbody one", "Header\nbody two"};
  remove_running_text(two);
  EXPECT_EQ(two[0], "Header\nbody one");
  // "Potato 1", "Potato 2", ...: the repeated line is all there is, so it is the content.
  std::vector<std::string> potatoes;
  for (int p = 0; p < 30; ++p) potatoes.push_back("Potato " + std::to_string(p));
  const auto rt = remove_running_text(potatoes);
  EXPECT_EQ(rt.lines_removed, 0);
  EXPECT_EQ(potatoes[29], "Potato 29");
}

TEST(RunningText, BlankPagesDoNotCount) {
  auto pages = book(6);
  pages.insert(pages.begin() + 2, 20, std::string());  // 20 blank pages do not dilute the 40%
  const auto rt = remove_running_text(pages);
  EXPECT_EQ(rt.header, "ACME Corp - Confidential");
}
