// extract() on plain text, Markdown and HTML files, and on files it must refuse.
#include "ingest/extract.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ingest/chunker.h"
#include "ingest/file_type.h"
#include "ingest/text_extractor.h"
#include "support/test_support.h"

using pw::ingest::DocumentStatus;
using pw::ingest::ExtractedDocument;
using pw::ingest::extract;

namespace {

ExtractedDocument extract_bytes(const pw::test::TempDir& dir, const std::string& name, const std::string& bytes) {
  const auto path = dir / name;
  pw::test::write_file(path, bytes.data(), bytes.size());
  auto doc = extract(path, {});
  EXPECT_TRUE(doc.ok());
  return doc.ok() ? *doc : ExtractedDocument{};
}

}  // namespace

TEST(ExtractText, PlainUtf8TextIsOnePage) {
  pw::test::TempDir dir;
  const auto doc = extract_bytes(dir, "notes.txt", "Leave Policy Notes\r\n\r\nStaff get 25 days.\r\nThe employ-\r\nment terms apply.\n");
  EXPECT_EQ(doc.status, DocumentStatus::Ok);
  EXPECT_EQ(doc.format, "txt");
  ASSERT_EQ(doc.pages.size(), 1u);
  EXPECT_EQ(doc.pages[0].number, 1);
  EXPECT_EQ(doc.pages[0].text, "Leave Policy Notes\n\nStaff get 25 days.\nThe employment terms apply.");
  EXPECT_EQ(doc.title, "Leave Policy Notes");
}

TEST(ExtractText, CharsetsLatin1AndUtf16) {
  pw::test::TempDir dir;
  auto doc = extract_bytes(dir, "latin1.txt", "Caf\xE9 cr\xE8me \x80 5");
  EXPECT_EQ(doc.pages[0].text, "Caf\xC3\xA9 cr\xC3\xA8me \xE2\x82\xAC 5");
  doc = extract_bytes(dir, "utf16.txt", std::string("\xFF\xFE" "H\0i\0 \0\xE9\0", 10));
  EXPECT_EQ(doc.pages[0].text, "Hi \xC3\xA9");
  doc = extract_bytes(dir, "utf16be.txt", std::string("\xFE\xFF\0O\0K", 6));
  EXPECT_EQ(doc.pages[0].text, "OK");
  doc = extract_bytes(dir, "bom.txt", "\xEF\xBB\xBFwith BOM");
  EXPECT_EQ(doc.pages[0].text, "with BOM");
}

TEST(ExtractText, MarkdownKeepsHeadingsAndReadsFrontMatter) {
  pw::test::TempDir dir;
  const auto doc = extract_bytes(dir, "policy.md",
                                 "---\ntitle: \"Leave policy\"\nauthor: HR\n---\nIntro text.\n\n4.2 Carry-over\n==============\n\n"
                                 "Five days may be carried over.\n\n## Sick leave\nSee your manager.\n");
  EXPECT_EQ(doc.status, DocumentStatus::Ok);
  EXPECT_EQ(doc.format, "md");
  EXPECT_EQ(doc.title, "Leave policy");
  EXPECT_EQ(doc.author, "HR");
  EXPECT_EQ(doc.pages[0].text,
            "Intro text.\n\n# 4.2 Carry-over\n\nFive days may be carried over.\n\n## Sick leave\nSee your manager.");
  pw::ingest::ChunkOptions every_heading;  // each heading starts a chunk (no small-section joining)
  every_heading.join_sections_below = 0;
  const auto chunks = pw::ingest::chunk_document(doc, every_heading);
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[1].heading_path, "4.2 Carry-over");
  EXPECT_EQ(chunks[2].heading_path, "4.2 Carry-over > Sick leave");  // "#" holds "##"
}

TEST(ExtractText, MarkdownTitleFromFirstHeading) {
  pw::test::TempDir dir;
  const auto doc = extract_bytes(dir, "x.md", "Some intro line here\n\n# Real Title\n\ntext");
  EXPECT_EQ(doc.title, "Real Title");
}

TEST(ExtractText, HtmlBecomesTextWithHeadings) {
  pw::test::TempDir dir;
  const auto doc = extract_bytes(dir, "page.html",
                                 "<html><head><title>Benefits</title></head><body><h1>Leave</h1><p>25&nbsp;days.</p>"
                                 "<h2>4.2 Carry-over</h2><p>Five days.</p></body></html>");
  EXPECT_EQ(doc.status, DocumentStatus::Ok);
  EXPECT_EQ(doc.format, "html");
  EXPECT_EQ(doc.title, "Benefits");
  EXPECT_EQ(doc.pages[0].text, "# Leave\n\n25 days.\n\n## 4.2 Carry-over\n\nFive days.");
  pw::ingest::ChunkOptions every_heading;
  every_heading.join_sections_below = 0;
  const auto chunks = pw::ingest::chunk_document(doc, every_heading);
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(chunks[1].heading_path, "Leave > 4.2 Carry-over");
  // Latin-1 HTML without a declared charset.
  const auto latin = extract_bytes(dir, "old.htm", "<p>R\xE9sum\xE9</p>");
  EXPECT_EQ(latin.pages[0].text, "R\xC3\xA9sum\xC3\xA9");
}

TEST(ExtractText, TitleFallsBackToTheFileName) {
  pw::test::TempDir dir;
  const auto doc = extract_bytes(dir, "meeting-notes.txt", "ok\n");
  EXPECT_EQ(doc.title, "meeting-notes");
}

TEST(ExtractRefuses, UnsupportedTypesSayWhatTheyAre) {
  pw::test::TempDir dir;
  auto doc = extract_bytes(dir, "report.docx", std::string("PK\x03\x04rest of a zip", 18));
  EXPECT_EQ(doc.status, DocumentStatus::Unsupported);
  EXPECT_NE(doc.error.find("'report.docx'"), std::string::npos) << doc.error;
  EXPECT_NE(doc.error.find("ZIP"), std::string::npos) << doc.error;
  doc = extract_bytes(dir, "photo.txt", "\x89PNG\r\n\x1A\n....");
  EXPECT_EQ(doc.status, DocumentStatus::Unsupported);
  doc = extract_bytes(dir, "data.csv", "a,b\n1,2\n");
  EXPECT_EQ(doc.status, DocumentStatus::Unsupported);
  EXPECT_NE(doc.error.find(".csv"), std::string::npos);
  doc = extract_bytes(dir, "blob.txt", std::string("text\0\0\0binary", 13));
  EXPECT_EQ(doc.status, DocumentStatus::Unsupported);
}

TEST(ExtractRefuses, EmptyMissingFolderAndTooLarge) {
  pw::test::TempDir dir;
  auto doc = extract_bytes(dir, "empty.txt", "");
  EXPECT_EQ(doc.status, DocumentStatus::Damaged);
  doc = extract_bytes(dir, "blank.md", "  \n\n \t\n");
  EXPECT_EQ(doc.status, DocumentStatus::Damaged);
  auto missing = extract(dir / "nope.pdf", {});
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->status, DocumentStatus::Unreadable);
  EXPECT_NE(missing->error.find("'nope.pdf' does not exist"), std::string::npos) << missing->error;
  auto folder = extract(dir.path(), {});
  ASSERT_TRUE(folder.ok());
  EXPECT_EQ(folder->status, DocumentStatus::Unreadable);
  pw::ingest::ExtractOptions small;
  small.max_text_file_bytes = 10;
  const auto path = dir / "big.txt";
  const std::string text(100, 'a');
  pw::test::write_file(path, text.data(), text.size());
  auto big = extract(path, small);
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(big->status, DocumentStatus::TooLarge);
  small.max_file_bytes = 10;
  big = extract(path, small);
  EXPECT_EQ(big->status, DocumentStatus::TooLarge);
}

TEST(ExtractRefuses, NoReadPermission) {
  pw::test::TempDir dir;
  const auto path = dir / "secret.txt";
  pw::test::write_file(path, "hidden", 6);
  ASSERT_EQ(chmod(path.c_str(), 0), 0);
  ASSERT_EQ(chmod(dir.path().c_str(), 0755), 0);
  // Root reads everything: check as an unprivileged user in a child process then.
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(fds[0]);
    if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) _exit(3);
    auto doc = extract(path, {});
    const std::string out = doc.ok() ? std::string(pw::ingest::to_string(doc->status)) + "|" + doc->error : "error";
    if (write(fds[1], out.data(), out.size()) < 0) _exit(4);
    _exit(0);
  }
  close(fds[1]);
  std::string got;
  char buf[512];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) got.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child failed: " << status;
  EXPECT_EQ(got, "unreadable|no permission to read 'secret.txt'");
}

TEST(FileTypes, ContentBeatsExtensionForPdfs) {
  using pw::ingest::FileKind;
  using pw::ingest::detect_file_type;
  EXPECT_EQ(detect_file_type("a.txt", "junk\n%PDF-1.7\n").kind, FileKind::Pdf);
  EXPECT_EQ(detect_file_type("a.pdf", "not a pdf at all").kind, FileKind::Pdf);  // Poppler says what is wrong
  EXPECT_EQ(detect_file_type("README", "# Title\n").kind, FileKind::Text);
  EXPECT_EQ(detect_file_type("index", "  <!DOCTYPE html><html>").kind, FileKind::Html);
  EXPECT_EQ(detect_file_type("a.MD", "x").kind, FileKind::Markdown);
  EXPECT_EQ(detect_file_type("a.HTM", "x").kind, FileKind::Html);
  EXPECT_EQ(detect_file_type("a.doc", std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8)).kind, FileKind::Unsupported);
  EXPECT_EQ(detect_file_type("a.jpg", "\xFF\xD8\xFF\xE0").kind, FileKind::Unsupported);
}
