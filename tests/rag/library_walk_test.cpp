// Folder walks for the library: which files are taken, hidden entries, symlink loops, paths.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

#include "rag/library/file_walk.h"
#include "support/test_support.h"

namespace {

namespace fs = std::filesystem;
using pw::rag::walk_documents;

void touch(const fs::path& p, const std::string& text = "some text") {
  fs::create_directories(p.parent_path());
  pw::test::write_file(p, text.data(), text.size());
}

std::vector<std::string> names_under(const pw::rag::WalkResult& w, const fs::path& root) {
  std::vector<std::string> out;
  for (const auto& f : w.files) out.push_back(fs::path(f.path).lexically_relative(root).string());
  return out;
}

TEST(LibraryWalk, TakesDocumentTypesRecursivelySkipsHiddenAndOtherFiles) {
  pw::test::TempDir dir;
  const fs::path root = dir / "docs";
  touch(root / "b.pdf");
  touch(root / "a.md");
  touch(root / "sub" / "c.TXT");
  touch(root / "sub" / "deeper" / "d.html");
  touch(root / "report.docx");             // a document type we do not read: taken (shows as unsupported)
  touch(root / "photo.jpg");               // not a document type
  touch(root / "archive.tar.gz");
  touch(root / "noextension");
  touch(root / ".hidden.pdf");             // hidden file
  touch(root / ".git" / "e.md");           // hidden folder
  touch(root / "~$report.docx");           // office lock file
  const auto w = walk_documents(root);
  EXPECT_TRUE(w.problems.empty());
  EXPECT_TRUE(w.root_is_folder);
  EXPECT_EQ(names_under(w, root),
            (std::vector<std::string>{"a.md", "b.pdf", "report.docx", "sub/c.TXT", "sub/deeper/d.html"}));
  for (const auto& f : w.files) {
    EXPECT_EQ(f.size, 9);
    EXPECT_GT(f.mtime_ns, 1600000000LL * 1000000000LL);
  }
  EXPECT_EQ(w.folders.size(), 3u);  // docs, docs/sub, docs/sub/deeper (not .git)
}

TEST(LibraryWalk, AnExplicitFileIsTakenWhateverItsNameAndPathsAreNormal) {
  pw::test::TempDir dir;
  touch(dir / ".secret notes");
  const auto w = walk_documents(dir.path() / "sub" / ".." / ".secret notes");
  ASSERT_EQ(w.files.size(), 1u);
  EXPECT_EQ(w.files[0].path, (dir / ".secret notes").string());
  EXPECT_FALSE(w.root_is_folder);
  EXPECT_FALSE(w.root_missing);
}

TEST(LibraryWalk, SymlinkLoopsEndAndEachFolderIsEnteredOnce) {
  pw::test::TempDir dir;
  const fs::path root = dir / "docs";
  touch(root / "a.pdf");
  touch(root / "sub" / "b.pdf");
  fs::create_directory_symlink(root, root / "sub" / "loop");      // back to the top
  fs::create_directory_symlink(root / "sub", root / "again");     // the same folder twice
  fs::create_symlink(root / "missing.pdf", root / "dangling.pdf");  // points nowhere: ignored
  const auto w = walk_documents(root);
  EXPECT_EQ(names_under(w, root), (std::vector<std::string>{"a.pdf", "again/b.pdf"}))
      << "'again' sorts before 'sub', so sub/ is reached through the link first and not entered twice";
}

TEST(LibraryWalk, MissingRootIsReportedNotAnError) {
  pw::test::TempDir dir;
  const auto w = walk_documents(dir / "nope");
  EXPECT_TRUE(w.root_missing);
  EXPECT_TRUE(w.files.empty());
  ASSERT_EQ(w.problems.size(), 1u);
  EXPECT_EQ(w.problems[0].code(), pw::ErrorCode::NotFound);
  EXPECT_NE(w.problems[0].describe().find("nope"), std::string::npos);
}

TEST(LibraryWalk, CancelStopsTheWalk) {
  pw::test::TempDir dir;
  for (int i = 0; i < 20; ++i) touch(dir / ("d" + std::to_string(i)) / "a.pdf");
  std::atomic<bool> cancel{true};
  const auto w = walk_documents(dir.path(), &cancel);
  EXPECT_TRUE(w.files.empty());
}

TEST(LibraryWalk, PathHelpers) {
  EXPECT_TRUE(pw::rag::path_is_under("/a/b/c.pdf", "/a/b"));
  EXPECT_TRUE(pw::rag::path_is_under("/a/b", "/a/b"));
  EXPECT_FALSE(pw::rag::path_is_under("/a/bc/d.pdf", "/a/b"));
  EXPECT_TRUE(pw::rag::path_is_under("/a/b.pdf", "/"));
  EXPECT_EQ(pw::rag::library_path_of("/a/b/../c/"), "/a/c");
  EXPECT_EQ(pw::rag::library_path_of("/"), "/");
  EXPECT_TRUE(pw::rag::library_path_of("rel/x.pdf").front() == '/');
  EXPECT_TRUE(pw::rag::is_document_extension(".pdf"));
  EXPECT_FALSE(pw::rag::is_document_extension(".png"));
}

}  // namespace
