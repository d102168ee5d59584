// The library API on a temporary copy of part of shared/corpus: every hostile PDF plus a few
// real ones. Statuses follow MANIFEST.tsv (via the ingest tests' expectations), page counts
// match Poppler's, encrypted files open with the password from MANIFEST on a later run, and
// a rerun without changes reads nothing.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "ingest/corpus_manifest.h"
#include "rag/library/library.h"
#include "support/test_support.h"

namespace {

namespace fs = std::filesystem;
using pw::ingest::DocumentStatus;
using pw::ingest::test::CorpusPdf;
using pw::rag::IngestAction;
using pw::rag::IngestOptions;
using pw::rag::Library;

// Real documents added to the hostile ones: small, but several pages and kinds.
const char* const kRealDocuments[] = {
    "pdfs/finance_financebench/fin_FOOTLOCKER_2022_8K_dated-2022-05-20.pdf",
    "pdfs/legal_cuad/cuad_DYNAMEXINC_06_06_1996-EX-10.4-TRANSPORTATION_SERVICES_AGREEMENT.pdf",
    "pdfs/medical_medquad_rendered/medquad_GARD_0004375.pdf",
};

bool wanted(const CorpusPdf& pdf) {
  if (pdf.path.rfind("pdfs/hostile/", 0) == 0) return pdf.path.find("/huge/") == std::string::npos;  // huge: the crash test
  for (const char* p : kRealDocuments)
    if (pdf.path == p) return true;
  return false;
}

TEST(LibraryCorpus, StatusesFollowTheManifestAndPasswordsOpenEncryptedFiles) {
  const fs::path corpus = pw::test::shared_path("corpus");
  std::vector<CorpusPdf> pdfs;
  for (const auto& pdf : pw::ingest::test::load_corpus_pdfs(corpus.string()))
    if (wanted(pdf)) pdfs.push_back(pdf);
  ASSERT_EQ(pdfs.size(), 12u + 3u) << "the corpus changed: 12 hostile files (huge aside) and 3 real ones expected";

  pw::test::TempDir tmp;
  std::map<std::string, CorpusPdf> by_path;  // library path -> manifest row
  for (const auto& pdf : pdfs) {
    const fs::path target = tmp / "corpus" / pdf.path;
    fs::create_directories(target.parent_path());
    fs::copy_file(corpus / pdf.path, target);
    by_path[target.string()] = pdf;
  }
  auto library = Library::open(tmp / "library.sqlite3");
  ASSERT_TRUE(library) << library.error().describe();
  IngestOptions options;
  options.threads = 2;

  auto first = library->add_paths("Corpus", {tmp / "corpus"}, options);
  ASSERT_TRUE(first) << first.error().describe();
  EXPECT_TRUE(first->all_known()) << "every document ends in a known state";
  ASSERT_EQ(first->documents.size(), pdfs.size());
  std::vector<std::string> encrypted;
  for (const auto& d : first->documents) {
    const CorpusPdf& pdf = by_path.at(d.path);
    EXPECT_EQ(d.action, IngestAction::Added) << pdf.path;
    EXPECT_TRUE(pdf.expected.count(d.status)) << pdf.path << " came back " << to_string(d.status) << ": " << d.error;
    if (d.status != DocumentStatus::Ok) {
      EXPECT_FALSE(d.error.empty()) << pdf.path << " needs a reason";
    }
    if (d.status == DocumentStatus::Ok && pdf.pages > 0) {
      EXPECT_EQ(d.pages, pdf.pages) << pdf.path;
    }
    if (d.status == DocumentStatus::Ok && pdf.text_chars > 100) {
      EXPECT_GT(d.chunks, 0) << pdf.path;
    }
    if (d.status == DocumentStatus::Damaged || d.status == DocumentStatus::Encrypted) {
      EXPECT_EQ(d.chunks, 0) << pdf.path;
    }
    if (d.status == DocumentStatus::Encrypted) encrypted.push_back(d.path);

    // The store holds the same status, reason and chunk count as the report.
    auto c = library->store().collection_by_name("Corpus");
    ASSERT_TRUE(c && *c);
    auto record = library->store().document_by_path((*c)->id, d.path);
    ASSERT_TRUE(record && *record);
    EXPECT_EQ((*record)->status, d.status);
    EXPECT_EQ((*record)->error, d.error);
    EXPECT_EQ((*record)->chunk_count, d.chunks);
  }
  EXPECT_EQ(encrypted.size(), 2u);

  // Without changes and without passwords: nothing is read again.
  auto second = library->add_paths("Corpus", {tmp / "corpus"}, options);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->count(IngestAction::Unchanged), static_cast<int>(pdfs.size()));
  EXPECT_EQ(second->pages_extracted, 0);

  // With the passwords from MANIFEST (one of them non-ASCII): only the encrypted files are
  // read again, and now they open.
  for (const auto& pdf : pdfs)
    if (!pdf.password.empty()) options.passwords.push_back(pdf.password);
  ASSERT_EQ(options.passwords.size(), 2u);
  auto third = library->add_paths("Corpus", {tmp / "corpus"}, options);
  ASSERT_TRUE(third) << third.error().describe();
  EXPECT_TRUE(third->all_known());
  EXPECT_EQ(third->count(IngestAction::Replaced), 2);
  EXPECT_EQ(third->count(IngestAction::Unchanged), static_cast<int>(pdfs.size()) - 2);
  for (const auto& d : third->documents) {
    if (d.action != IngestAction::Replaced) continue;
    const CorpusPdf& pdf = by_path.at(d.path);
    EXPECT_FALSE(pdf.password.empty()) << pdf.path;
    EXPECT_EQ(d.status, DocumentStatus::Ok) << pdf.path << ": " << d.error;
    EXPECT_EQ(d.pages, pdf.pages) << pdf.path;
    EXPECT_GT(d.chunks, 0) << pdf.path;
  }
}

TEST(LibraryCorpus, AWrongPasswordLeavesTheFileEncryptedWithAReason) {
  const fs::path corpus = pw::test::shared_path("corpus");
  pw::test::TempDir tmp;
  const fs::path file = tmp / "qpdf_c-r4.pdf";
  fs::copy_file(corpus / "pdfs/hostile/encrypted_user_password/qpdf_c-r4.pdf", file);
  auto library = Library::open(tmp / "library.sqlite3");
  ASSERT_TRUE(library);
  IngestOptions options;
  options.passwords = {"not-it", "also wrong"};
  auto r = library->add_paths("X", {file}, options);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->documents.size(), 1u);
  EXPECT_EQ(r->documents[0].status, DocumentStatus::Encrypted);
  EXPECT_NE(r->documents[0].error.find("password"), std::string::npos) << r->documents[0].error;
  EXPECT_TRUE(r->all_known()) << "encrypted is a known state";
}

}  // namespace
