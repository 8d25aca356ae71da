// SHA-256 against the FIPS 180-4 example vectors, including input split across blocks.
#include "core/sha256.h"

#include <gtest/gtest.h>

#include <fstream>

#include "core/error.h"

namespace immimic::core {
namespace {

TEST(Sha256, MatchesTheStandardsVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  Sha256 million;
  const std::string a(1000, 'a');
  for (int i = 0; i < 1000; ++i) million.Update(a);
  EXPECT_EQ(million.HexDigest(),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, PiecesHashAsTheWholeAndFilesAsTheirBytes) {
  const std::string text(300, 'x');
  Sha256 pieces;
  for (size_t i = 0; i < text.size(); i += 7) pieces.Update(text.substr(i, 7));
  EXPECT_EQ(pieces.HexDigest(), Sha256Hex(text));
  const std::string path = ::testing::TempDir() + "/sha256_input.bin";
  std::ofstream(path, std::ios::binary) << text;
  EXPECT_EQ(Sha256OfFile(path), Sha256Hex(text));
  EXPECT_THROW(Sha256OfFile(path + ".missing"), InputError);
}

}  // namespace
}  // namespace immimic::core
