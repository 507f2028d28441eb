#include "services/totp.hpp"

#include "core/crypto.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace harbour::services {
namespace {

using std::chrono::seconds;
using std::chrono::system_clock;

// RFC 6238 appendix B: the SHA-1 seed is the ASCII string "12345678901234567890".
const std::string kRfcSecret = "12345678901234567890";

system_clock::time_point at(std::int64_t unix_seconds) {
  return system_clock::time_point(seconds(unix_seconds));
}

TEST(Totp, MatchesRfc6238Sha1VectorsAtEightDigits) {
  EXPECT_EQ(totp_code(kRfcSecret, at(59), 8), "94287082");
  EXPECT_EQ(totp_code(kRfcSecret, at(1111111109), 8), "07081804");
  EXPECT_EQ(totp_code(kRfcSecret, at(1111111111), 8), "14050471");
  EXPECT_EQ(totp_code(kRfcSecret, at(1234567890), 8), "89005924");
  EXPECT_EQ(totp_code(kRfcSecret, at(2000000000), 8), "69279037");
  // The RFC's last vector, T = 20000000000 (year 2603), is past what system_clock holds in
  // nanoseconds (year 2262), so it cannot be expressed here.
}

TEST(Totp, SixDigitCodesAreTheLastSixDigitsOfTheRfcVectors) {
  EXPECT_EQ(totp_code(kRfcSecret, at(59)), "287082");
  EXPECT_EQ(totp_code(kRfcSecret, at(1111111109)), "081804");  // leading zero kept
  EXPECT_EQ(totp_code(kRfcSecret, at(1234567890)), "005924");
}

TEST(Totp, VerifyAcceptsTheCurrentCodeAndReturnsItsStep) {
  EXPECT_EQ(verify_totp(kRfcSecret, "287082", at(59), std::nullopt), 1);  // 59 / 30 = step 1
  EXPECT_EQ(verify_totp(kRfcSecret, "005924", at(1234567890), std::nullopt), 1234567890 / 30);
}

TEST(Totp, VerifyAcceptsACodeOneStepEarlyOrLate) {
  // The code for step 1 (30..59 s).
  EXPECT_EQ(verify_totp(kRfcSecret, "287082", at(89), std::nullopt), 1);   // now in step 2
  EXPECT_EQ(verify_totp(kRfcSecret, "287082", at(29), std::nullopt), 1);   // now in step 0
}

TEST(Totp, VerifyRefusesACodeTwoStepsAway) {
  EXPECT_EQ(verify_totp(kRfcSecret, "287082", at(90), std::nullopt), std::nullopt);   // step 3
  EXPECT_EQ(verify_totp(kRfcSecret, "287082", at(-1), std::nullopt), std::nullopt);   // step -1
}

TEST(Totp, VerifyRefusesAWrongCode) {
  EXPECT_EQ(verify_totp(kRfcSecret, "287083", at(59), std::nullopt), std::nullopt);
  EXPECT_EQ(verify_totp("another secret 12345", "287082", at(59), std::nullopt), std::nullopt);
}

TEST(Totp, VerifyRefusesAReplayOfTheLastAcceptedStep) {
  const auto first = verify_totp(kRfcSecret, "287082", at(59), std::nullopt);
  ASSERT_EQ(first, 1);
  EXPECT_EQ(verify_totp(kRfcSecret, "287082", at(60), first), std::nullopt);
}

TEST(Totp, VerifyRefusesAStepOlderThanTheLastAccepted) {
  const std::string step2 = totp_code(kRfcSecret, at(60));
  const std::string step1 = totp_code(kRfcSecret, at(30));
  EXPECT_EQ(verify_totp(kRfcSecret, step1, at(60), std::optional<std::int64_t>(2)),
            std::nullopt);
  EXPECT_EQ(verify_totp(kRfcSecret, step2, at(60), std::optional<std::int64_t>(1)), 2);
}

TEST(Totp, VerifyAcceptsANewerStepAfterTheLastAccepted) {
  const std::string next = totp_code(kRfcSecret, at(90));  // step 3
  EXPECT_EQ(verify_totp(kRfcSecret, next, at(89), std::optional<std::int64_t>(2)), 3);
}

TEST(Totp, VerifyIgnoresSpacesAndHyphensInTheCode) {
  EXPECT_EQ(verify_totp(kRfcSecret, "287 082", at(59), std::nullopt), 1);
  EXPECT_EQ(verify_totp(kRfcSecret, " 287-082 ", at(59), std::nullopt), 1);
}

TEST(Totp, VerifyRefusesCodesThatAreNotSixDigits) {
  for (const char* code : {"", "28708", "2870820", "94287082", "28708a", "287O82", "+287082"}) {
    EXPECT_EQ(verify_totp(kRfcSecret, code, at(59), std::nullopt), std::nullopt) << code;
  }
}

TEST(Totp, WorksWithAGeneratedSecretAtTheRealTime) {
  const std::string secret = new_totp_secret();
  const auto now = system_clock::now();
  const auto step = verify_totp(secret, totp_code(secret, now), now, std::nullopt);
  ASSERT_TRUE(step.has_value());
  EXPECT_EQ(*step, std::chrono::floor<seconds>(now.time_since_epoch()).count() / 30);
}

TEST(Totp, NewSecretIsTwentyRandomBytes) {
  const std::string a = new_totp_secret();
  EXPECT_EQ(a.size(), 20u);
  EXPECT_NE(a, new_totp_secret());
}

TEST(Totp, ManualKeyIsBase32InGroupsOfFour) {
  EXPECT_EQ(totp_manual_key(kRfcSecret), "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ");
  // What a person types back, spaces and all, decodes to the secret.
  EXPECT_EQ(core::base32_decode("gezd gnbv gy3t qojq gezd gnbv gy3t qojq"), kRfcSecret);
}

TEST(Totp, UriCarriesSecretIssuerAndParametersPercentEncoded) {
  EXPECT_EQ(totp_uri(kRfcSecret, "sam smith", "Harbour: Talking Therapies"),
            "otpauth://totp/Harbour%3A%20Talking%20Therapies:sam%20smith"
            "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Harbour%3A%20Talking%20Therapies"
            "&algorithm=SHA1&digits=6&period=30");
}

TEST(Totp, RecoveryCodesAreDistinctAndShownAsTwoGroupsOfFive) {
  const auto codes = new_recovery_codes();
  ASSERT_EQ(codes.size(), 10u);
  const std::regex shape("[A-Z2-7]{5}-[A-Z2-7]{5}");
  for (const auto& c : codes) EXPECT_TRUE(std::regex_match(c, shape)) << c;
  EXPECT_EQ(std::set<std::string>(codes.begin(), codes.end()).size(), codes.size());
  EXPECT_EQ(new_recovery_codes(3).size(), 3u);
}

TEST(Totp, NormaliseRecoveryCodeUppercasesAndDropsSpacesAndHyphens) {
  EXPECT_EQ(normalise_recovery_code("abcde-fghij"), "ABCDEFGHIJ");
  EXPECT_EQ(normalise_recovery_code("  ABCDE FGHIJ "), "ABCDEFGHIJ");
  EXPECT_EQ(normalise_recovery_code("ABCDEFGHIJ"), "ABCDEFGHIJ");
}

TEST(Totp, NormaliseRecoveryCodeReadsDigitsTypedForLookAlikeLetters) {
  EXPECT_EQ(normalise_recovery_code("0o1i8-b2345"), "OOIIBB2345");
}

TEST(Totp, RecoveryCodeHashIsSha256HexOfTheNormalisedCode) {
  const std::string normalised = normalise_recovery_code("abcde-fghij");
  EXPECT_EQ(recovery_code_hash(normalised), core::sha256_hex("ABCDEFGHIJ"));
  EXPECT_EQ(recovery_code_hash(normalise_recovery_code("ABCDE FGHIJ")),
            recovery_code_hash(normalised));
  EXPECT_NE(recovery_code_hash(normalise_recovery_code("ABCDE-FGHIK")),
            recovery_code_hash(normalised));
}

TEST(Totp, EveryNewRecoveryCodeHashesTheSameAsTypedInLowercase) {
  for (const auto& c : new_recovery_codes(5)) {
    std::string typed = c;
    for (char& ch : typed) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    EXPECT_EQ(recovery_code_hash(normalise_recovery_code(typed)),
              recovery_code_hash(normalise_recovery_code(c)));
  }
}

}  // namespace
}  // namespace harbour::services
