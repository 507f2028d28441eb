#include "core/crypto.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace harbour::core {
namespace {

std::string hex_of(const Sha256Digest& d) {
  return hex_encode({reinterpret_cast<const char*>(d.data()), d.size()});
}

TEST(Crypto, Sha256MatchesFips180Vectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex_of(sha256("abc")), sha256_hex("abc"));
}

TEST(Crypto, HmacSha256MatchesRfc4231Vectors) {
  EXPECT_EQ(hex_of(hmac_sha256(std::string(20, '\x0b'), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(hex_of(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // A key longer than the block size is hashed first.
  EXPECT_EQ(hex_of(hmac_sha256(std::string(131, '\xaa'),
                               "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(Crypto, HmacSha256AcceptsAnEmptyKey) {
  EXPECT_EQ(hex_of(hmac_sha256("", "")),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(Crypto, ConstantTimeEqualIsTrueOnlyForIdenticalBytes) {
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_TRUE(constant_time_equal("token", "token"));
  EXPECT_TRUE(constant_time_equal(std::string("a\0b", 3), std::string("a\0b", 3)));
  EXPECT_FALSE(constant_time_equal("token", "tokem"));
  EXPECT_FALSE(constant_time_equal("token", "Token"));
  EXPECT_FALSE(constant_time_equal(std::string("a\0b", 3), std::string("a\0c", 3)));
}

TEST(Crypto, ConstantTimeEqualIsFalseForDifferentLengths) {
  EXPECT_FALSE(constant_time_equal("token", "token2"));
  EXPECT_FALSE(constant_time_equal("", "x"));
}

TEST(Crypto, RandomBytesHaveTheRequestedLengthAndDiffer) {
  EXPECT_EQ(random_bytes(0).size(), 0u);
  EXPECT_EQ(random_bytes(1).size(), 1u);
  const std::string a = random_bytes(32);
  const std::string b = random_bytes(32);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
}

TEST(Crypto, RandomTokenIs43Base64UrlCharactersWithoutPadding) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string token = random_token();
    ASSERT_EQ(token.size(), 43u);  // 256 bits
    for (const char c : token) {
      EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << token;
    }
    seen.insert(token);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(Crypto, Base64UrlEncodeMatchesRfc4648VectorsWithoutPadding) {
  EXPECT_EQ(base64url_encode(""), "");
  EXPECT_EQ(base64url_encode("f"), "Zg");
  EXPECT_EQ(base64url_encode("fo"), "Zm8");
  EXPECT_EQ(base64url_encode("foo"), "Zm9v");
  EXPECT_EQ(base64url_encode("foob"), "Zm9vYg");
  EXPECT_EQ(base64url_encode("fooba"), "Zm9vYmE");
  EXPECT_EQ(base64url_encode("foobar"), "Zm9vYmFy");
}

TEST(Crypto, Base64UrlUsesHyphenAndUnderscoreNotPlusAndSlash) {
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");  // standard base64 would be "+/8="
}

TEST(Crypto, HexEncodeIsLowercaseTwoCharactersPerByte) {
  EXPECT_EQ(hex_encode(""), "");
  EXPECT_EQ(hex_encode(std::string("\x00\x0f\xab\xff", 4)), "000fabff");
}

TEST(Crypto, Base32EncodeMatchesRfc4648VectorsWithoutPadding) {
  EXPECT_EQ(base32_encode(""), "");
  EXPECT_EQ(base32_encode("f"), "MY");
  EXPECT_EQ(base32_encode("fo"), "MZXQ");
  EXPECT_EQ(base32_encode("foo"), "MZXW6");
  EXPECT_EQ(base32_encode("foob"), "MZXW6YQ");
  EXPECT_EQ(base32_encode("fooba"), "MZXW6YTB");
  EXPECT_EQ(base32_encode("foobar"), "MZXW6YTBOI");
}

TEST(Crypto, Base32DecodeIgnoresCaseSpacesHyphensAndTrailingPadding) {
  EXPECT_EQ(base32_decode("MZXW6YTBOI"), "foobar");
  EXPECT_EQ(base32_decode("mzxw 6ytb-oi"), "foobar");
  EXPECT_EQ(base32_decode("MZXW6YQ="), "foob");
  EXPECT_EQ(base32_decode("MZXW6YTBOI======"), "foobar");
  EXPECT_EQ(base32_decode(""), "");
}

TEST(Crypto, Base32DecodeRefusesCharactersOutsideTheAlphabet) {
  EXPECT_EQ(base32_decode("MZXW1"), std::nullopt);  // 0, 1, 8 and 9 are not base32
  EXPECT_EQ(base32_decode("MZXW6!"), std::nullopt);
  EXPECT_EQ(base32_decode("MZ=XW6"), std::nullopt);  // padding only at the end
  EXPECT_EQ(base32_decode("MZXW\n6YQ"), std::nullopt);
}

TEST(Crypto, Base32DecodeRefusesLengthsNoEncoderProduces) {
  EXPECT_EQ(base32_decode("M"), std::nullopt);
  EXPECT_EQ(base32_decode("MZX"), std::nullopt);
  EXPECT_EQ(base32_decode("MZXW6Y"), std::nullopt);
}

TEST(Crypto, Base32DecodeRefusesNonZeroUnusedBits) {
  EXPECT_EQ(base32_decode("MY"), "f");
  EXPECT_EQ(base32_decode("MZ"), std::nullopt);  // same byte, but a stray low bit
}

TEST(Crypto, Base32RoundTripsEveryLength) {
  for (std::size_t n = 0; n <= 40; ++n) {
    const std::string bytes = random_bytes(n);
    EXPECT_EQ(base32_decode(base32_encode(bytes)), bytes) << n;
  }
}

}  // namespace
}  // namespace harbour::core
