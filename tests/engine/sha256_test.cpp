#include "engine/util/sha256.h"

#include <gtest/gtest.h>

#include <random>
#include <regex>

#include "support/test_support.h"

namespace {

// FIPS 180-4 / NIST CSRC "SHA256.pdf" example vectors (also what `sha256sum` prints).
TEST(Sha256, FipsExampleVectors) {
  EXPECT_EQ(pw::Sha256::hex_of(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(pw::Sha256::hex_of("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(pw::Sha256::hex_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(pw::Sha256::hex_of("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnop"
                               "qrlmnopqrsmnopqrstnopqrstu"),
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

TEST(Sha256, OneMillionAsInUnevenPieces) {
  pw::Sha256 h;
  std::string piece(997, 'a');  // prime length: pieces straddle block boundaries
  size_t left = 1000000;
  while (left > 0) {
    size_t n = std::min(left, piece.size());
    h.update(piece.data(), n);
    left -= n;
  }
  EXPECT_EQ(pw::Sha256::to_hex(h.finish()), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, StreamingEqualsOneShotAroundPaddingBoundaries) {
  std::mt19937 rng(7);
  for (size_t len : {0u, 1u, 55u, 56u, 57u, 63u, 64u, 65u, 119u, 120u, 128u, 1000u}) {
    std::string data(len, '\0');
    for (auto& c : data) c = static_cast<char>(rng());
    std::string expected = pw::Sha256::hex_of(data);
    pw::Sha256 h;
    size_t pos = 0;
    while (pos < len) {
      size_t n = std::min<size_t>(len - pos, 1 + rng() % 70);
      h.update(data.data() + pos, n);
      pos += n;
    }
    EXPECT_EQ(pw::Sha256::to_hex(h.finish()), expected) << "length " << len;
  }
  // finish() resets: the object hashes anew.
  pw::Sha256 h;
  h.update("garbage");
  (void)h.finish();
  h.update("abc");
  EXPECT_EQ(pw::Sha256::to_hex(h.finish()), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

// The golden JSON records the model file's checksum as computed by the fixture builder
// (sha256sum); our streaming file hash must agree on the whole 1.2 MB file.
TEST(Sha256, FileMatchesRecordedChecksumOfFixture) {
  auto golden = pw::test::read_text(pw::test::shared_path("fixtures/models/stories260K.golden.json"));
  std::smatch m;
  ASSERT_TRUE(std::regex_search(golden, m, std::regex("\"model_sha256\"\\s*:\\s*\"([0-9a-f]{64})\"")));
  auto digest = pw::sha256_file(pw::test::shared_path("fixtures/models/stories260K.gguf"));
  ASSERT_TRUE(digest.ok()) << digest.error().describe();
  EXPECT_EQ(*digest, m[1].str());
}

TEST(Sha256, MissingFileIsNotFoundNamingTheFile) {
  pw::test::TempDir dir;
  auto digest = pw::sha256_file(dir / "nope.pdf");
  ASSERT_FALSE(digest.ok());
  EXPECT_EQ(digest.error().code(), pw::ErrorCode::NotFound);
  EXPECT_NE(digest.error().describe().find("nope.pdf"), std::string::npos);
}

}  // namespace
