// PasswordHasher (argon2id) and the password policy.
//
// Most hasher tests use small argon2 parameters of their own ({m_kib = 64..1024, t = 1}) so the
// suite stays fast; production code always uses Argon2Params{} (m=19 MiB, t=2, p=1), which the
// tests named "...ProductionParameters..." run for real.
#include "core/app_error.hpp"
#include "services/password_hasher.hpp"
#include "services/password_policy.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace harbour::services {
namespace {

using namespace std::chrono_literals;
using core::AppError;
using core::ErrorKind;

constexpr Argon2Params kSmall{.m_kib = 64, .t = 1, .p = 1};

// ---- PasswordHasher -------------------------------------------------------------------------

TEST(PasswordHasher, DefaultParametersAreTheOwaspMinimum) {
  const Argon2Params p{};
  EXPECT_EQ(p.m_kib, 19456u);
  EXPECT_EQ(p.t, 2u);
  EXPECT_EQ(p.p, 1u);
  EXPECT_TRUE(meets_production_minimum(p));
  EXPECT_TRUE(meets_production_minimum({.m_kib = 65536, .t = 3, .p = 1}));
  EXPECT_FALSE(meets_production_minimum(kSmall));
  EXPECT_FALSE(meets_production_minimum({.m_kib = 19456, .t = 1, .p = 1}));
}

TEST(PasswordHasher, ProductionParametersHashAndVerifyWithArgon2id) {
  PasswordHasher hasher(Argon2Params{}, 2, 5s);
  const std::string encoded = hasher.hash("tidal mauve lantern orchard");
  EXPECT_EQ(encoded.rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u) << encoded;
  EXPECT_TRUE(hasher.verify(encoded, "tidal mauve lantern orchard"));
  EXPECT_FALSE(hasher.verify(encoded, "tidal mauve lantern orchard "));
  EXPECT_FALSE(hasher.verify(encoded, "Tidal mauve lantern orchard"));
  EXPECT_FALSE(hasher.needs_rehash(encoded));

  const double ms = measure_hash_ms(Argon2Params{}, 5);
  std::cout << "[ measured ] argon2id m=19456 KiB, t=2, p=1: " << ms << " ms per hash\n";
  RecordProperty("argon2id_ms_per_hash", std::to_string(ms));
}

TEST(PasswordHasher, SamePasswordGetsADifferentSaltEachTime) {
  PasswordHasher hasher(kSmall, 2, 1s);
  const std::string a = hasher.hash("tidal mauve lantern orchard");
  const std::string b = hasher.hash("tidal mauve lantern orchard");
  EXPECT_NE(a, b);
  EXPECT_TRUE(hasher.verify(a, "tidal mauve lantern orchard"));
  EXPECT_TRUE(hasher.verify(b, "tidal mauve lantern orchard"));
}

TEST(PasswordHasher, SaltIsSixteenBytesAndHashThirtyTwo) {
  PasswordHasher hasher(kSmall, 1, 1s);
  const std::string encoded = hasher.hash("tidal mauve lantern orchard");
  // $argon2id$v=19$m=64,t=1,p=1$<salt b64, 22 chars>$<hash b64, 43 chars>
  const auto salt_start = encoded.find('$', encoded.find("p=")) + 1;
  const auto hash_start = encoded.find('$', salt_start) + 1;
  EXPECT_EQ(hash_start - salt_start - 1, 22u);
  EXPECT_EQ(encoded.size() - hash_start, 43u);
}

TEST(PasswordHasher, VerifyHandlesUnicodeAndEmbeddedNulExactly) {
  PasswordHasher hasher(kSmall, 1, 1s);
  const std::string password = std::string("caf\xc3\xa9 ") + std::string("\0x", 2);
  const std::string encoded = hasher.hash(password);
  EXPECT_TRUE(hasher.verify(encoded, password));
  EXPECT_FALSE(hasher.verify(encoded, "caf\xc3\xa9 "));  // not cut short at the NUL
}

TEST(PasswordHasher, VerifyIsFalseForMalformedEncodedStrings) {
  PasswordHasher hasher(kSmall, 1, 1s);
  for (const std::string& encoded :
       {std::string(), std::string("not a hash"), std::string("$argon2id$v=19$m=64,t=1,p=1$$"),
        std::string("$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$\0abc", 48)}) {
    EXPECT_FALSE(hasher.verify(encoded, "tidal mauve lantern orchard")) << encoded;
  }
}

TEST(PasswordHasher, NeedsRehashOnlyWhenParametersOrAlgorithmDiffer) {
  PasswordHasher small(kSmall, 1, 1s);
  PasswordHasher bigger({.m_kib = 128, .t = 1, .p = 1}, 1, 1s);
  PasswordHasher more_passes({.m_kib = 64, .t = 2, .p = 1}, 1, 1s);
  const std::string encoded = small.hash("tidal mauve lantern orchard");
  EXPECT_FALSE(small.needs_rehash(encoded));
  EXPECT_TRUE(bigger.needs_rehash(encoded));
  EXPECT_TRUE(more_passes.needs_rehash(encoded));
  EXPECT_TRUE(small.needs_rehash(""));
  EXPECT_TRUE(small.needs_rehash("$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaA"));
  EXPECT_TRUE(small.needs_rehash("$argon2id$v=16$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaA"));
  EXPECT_TRUE(small.needs_rehash("$2b$12$abcdefghijklmnopqrstuv"));  // bcrypt
}

TEST(PasswordHasher, VerifyDummyRunsOneRealArgon2Computation) {
  PasswordHasher hasher(kSmall, 1, 1s);
  const auto before = hasher.stats().hashes;
  hasher.verify_dummy("whatever was typed");
  EXPECT_EQ(hasher.stats().hashes, before + 1);
  (void)hasher.verify("$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaA", "x");
  EXPECT_EQ(hasher.stats().hashes, before + 2);
}

TEST(PasswordHasher, RefusesCallersBeyondTheCapWithBusyTryAgain) {
  // One slot, production cost (tens of ms a hash), callers that wait at most 1 ms.
  PasswordHasher hasher(Argon2Params{}, 1, 1ms);
  constexpr int kCallers = 6;
  std::atomic<int> ready{0};
  std::atomic<int> ok{0};
  std::atomic<int> busy{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kCallers; ++i) {
    threads.emplace_back([&] {
      ++ready;
      while (ready.load() < kCallers) std::this_thread::yield();
      try {
        (void)hasher.hash("tidal mauve lantern orchard");
        ++ok;
      } catch (const AppError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::RateLimited);
        EXPECT_EQ(e.code(), "busy_try_again");
        ++busy;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_GE(ok.load(), 1);
  EXPECT_GE(busy.load(), 1);
  EXPECT_EQ(ok.load() + busy.load(), kCallers);
  const auto stats = hasher.stats();
  EXPECT_EQ(stats.rejected_busy, static_cast<std::uint64_t>(busy.load()));
  EXPECT_EQ(stats.hashes, static_cast<std::uint64_t>(ok.load()));
  EXPECT_EQ(stats.in_flight_peak, 1u);
}

TEST(PasswordHasher, CallersWaitForAFreeSlotWithinMaxWait) {
  PasswordHasher hasher({.m_kib = 1024, .t = 1, .p = 1}, 2, 10s);
  constexpr int kCallers = 6;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kCallers; ++i) {
    threads.emplace_back([&] {
      if (hasher.verify(hasher.hash("tidal mauve lantern orchard"), "tidal mauve lantern orchard")) {
        ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), kCallers);
  const auto stats = hasher.stats();
  EXPECT_EQ(stats.rejected_busy, 0u);
  EXPECT_EQ(stats.hashes, 2u * kCallers);
  EXPECT_GE(stats.in_flight_peak, 1u);
  EXPECT_LE(stats.in_flight_peak, 2u);
}

TEST(PasswordHasher, RefusesAnOverlongPasswordWithoutHashingIt) {
  PasswordHasher hasher(kSmall, 1, 1s);
  const std::string huge(PasswordHasher::kMaxPasswordBytes + 1, 'x');
  try {
    (void)hasher.hash(huge);
    FAIL() << "expected password_too_long";
  } catch (const AppError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadRequest);
    EXPECT_EQ(e.code(), "password_too_long");
  }
  const std::string encoded = hasher.hash(std::string(PasswordHasher::kMaxPasswordBytes, 'x'));
  EXPECT_TRUE(hasher.verify(encoded, std::string(PasswordHasher::kMaxPasswordBytes, 'x')));
  EXPECT_FALSE(hasher.verify(encoded, huge));  // same prefix, still false
}

TEST(PasswordHasher, ConstructorRefusesZeroSlotsAndImpossibleParameters) {
  EXPECT_THROW(PasswordHasher(kSmall, 0, 1s), std::invalid_argument);
  EXPECT_THROW(PasswordHasher({.m_kib = 64, .t = 0, .p = 1}, 1, 1s), std::invalid_argument);
  EXPECT_THROW(PasswordHasher({.m_kib = 64, .t = 1, .p = 0}, 1, 1s), std::invalid_argument);
  EXPECT_THROW(PasswordHasher({.m_kib = 7, .t = 1, .p = 1}, 1, 1s), std::invalid_argument);
}

// ---- password policy ------------------------------------------------------------------------

std::string refusal(std::string_view password, std::string_view pseudonym = "") {
  try {
    check_password(password, pseudonym);
  } catch (const AppError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadRequest);
    EXPECT_FALSE(std::string(e.what()).empty());
    return e.code();
  }
  return "accepted";
}

TEST(PasswordPolicy, AcceptsALongUncommonPassphrase) {
  EXPECT_EQ(refusal("tidal mauve lantern orchard", "Quiet Otter"), "accepted");
  EXPECT_EQ(refusal("Kettle-Harp-Violet-92"), "accepted");
}

TEST(PasswordPolicy, CountsCodePointsNotBytesForLength) {
  // 12 code points but 24 bytes: accepted. 11 code points but 22 bytes: too short.
  EXPECT_EQ(refusal("\xc4\x80\xc4\x82\xc4\x84\xc4\x86\xc4\x88\xc4\x8a"
                    "\xc4\x8c\xc4\x8e\xc4\x90\xc4\x92\xc4\x94\xc4\x96"),
            "accepted");
  EXPECT_EQ(refusal("\xc4\x80\xc4\x82\xc4\x84\xc4\x86\xc4\x88\xc4\x8a"
                    "\xc4\x8c\xc4\x8e\xc4\x90\xc4\x92\xc4\x94"),
            "password_too_short");
}

TEST(PasswordPolicy, RefusesFewerThanTwelveCharacters) {
  EXPECT_EQ(refusal("zq8vLm2pXw4"), "password_too_short");  // 11
  EXPECT_EQ(refusal("zq8vLm2pXw4k"), "accepted");           // 12
  EXPECT_EQ(refusal(""), "password_too_short");
}

TEST(PasswordPolicy, RefusesMoreThan128Characters) {
  std::string p;
  while (p.size() < 128) p += "tidal mauve lantern orchard ";
  p.resize(128);
  EXPECT_EQ(refusal(p), "accepted");
  EXPECT_EQ(refusal(p + "x"), "password_too_long");
}

TEST(PasswordPolicy, RefusesInvalidUtf8) {
  EXPECT_EQ(refusal("tidal mauve \xff lantern"), "password_invalid_utf8");
  EXPECT_EQ(refusal("tidal mauve \xc0\xaf lantern"), "password_invalid_utf8");      // overlong
  EXPECT_EQ(refusal("tidal mauve \xed\xa0\x80 lantern"), "password_invalid_utf8");  // surrogate
  EXPECT_EQ(refusal("tidal mauve lantern \xe2\x82"), "password_invalid_utf8");      // truncated
}

TEST(PasswordPolicy, RefusesAListedPasswordWhateverItsCase) {
  EXPECT_EQ(refusal("1qaz2wsx3edc"), "password_too_common");
  EXPECT_EQ(refusal("QWERTY123456"), "password_too_common");
  EXPECT_EQ(refusal("FinalFantasy"), "password_too_common");
}

TEST(PasswordPolicy, RefusesAListedPasswordWithDigitsOrPunctuationAdded) {
  EXPECT_EQ(refusal("Password123!"), "password_too_common");
  EXPECT_EQ(refusal("sunshine2024!!"), "password_too_common");
  EXPECT_EQ(refusal("!!Football2024"), "password_too_common");
  EXPECT_EQ(refusal("iloveyou 12345"), "password_too_common");
}

TEST(PasswordPolicy, RefusesAListedPasswordRepeated) {
  EXPECT_EQ(refusal("passwordpassword"), "password_too_common");
  EXPECT_EQ(refusal("MonkeyMonkeyMonkey"), "password_too_common");
  EXPECT_EQ(refusal("qwertyqwerty1"), "password_too_common");
  EXPECT_EQ(refusal("tiger tiger tiger"), "password_too_common");
  EXPECT_EQ(refusal("Dragon!Dragon!"), "password_too_common");
}

TEST(PasswordPolicy, RefusesAListedPasswordWithCommonCharacterSwaps) {
  EXPECT_EQ(refusal("P@ssw0rd2024!"), "password_too_common");
  EXPECT_EQ(refusal("$unsh1ne2024"), "password_too_common");
  EXPECT_EQ(refusal("f00tb@ll12345"), "password_too_common");
}

TEST(PasswordPolicy, AcceptsAListedWordInsideALongerPassphrase) {
  EXPECT_EQ(refusal("password in the lantern orchard"), "accepted");
  EXPECT_EQ(refusal("monkey violet harp 7"), "accepted");
}

TEST(PasswordPolicy, RefusesAPasswordContainingThePseudonym) {
  EXPECT_EQ(refusal("hello samsmith my old friend", "Sam_Smith"), "password_contains_pseudonym");
  EXPECT_EQ(refusal("Sam Smith rocks 2024", "sam.smith"), "password_contains_pseudonym");
  // Look-alike spellings are compared by skeleton too.
  EXPECT_EQ(refusal("my name is 5AM5M1TH ok", "Sam Smith"), "password_contains_pseudonym");
}

TEST(PasswordPolicy, AcceptsAPasswordWithoutThePseudonym) {
  EXPECT_EQ(refusal("tidal mauve lantern orchard", "Sam_Smith"), "accepted");
  EXPECT_EQ(refusal("samuel smithers lantern", ""), "accepted");
}

TEST(PasswordPolicy, RefusesFewerThanFiveDistinctCharacters) {
  EXPECT_EQ(refusal("aaaaaaaaaaaa"), "password_repetitive");
  EXPECT_EQ(refusal("AaAaAaAaAaAa"), "password_repetitive");  // case does not add variety
  EXPECT_EQ(refusal("121212121212"), "password_repetitive");
  EXPECT_EQ(refusal("kqzvkqzvkqzv"), "password_repetitive");  // 4 distinct
  EXPECT_EQ(refusal("kqzvwkqzvwkq"), "accepted");             // 5 distinct, not listed
}

TEST(PasswordPolicy, RefusesCharactersRunningInSequence) {
  EXPECT_EQ(refusal("abcdefghijkl"), "password_repetitive");
  EXPECT_EQ(refusal("1234567890ab"), "password_repetitive");
  EXPECT_EQ(refusal("ZYXWVUTSRQPO"), "password_repetitive");
  EXPECT_EQ(refusal("abcdwxyz1234"), "password_repetitive");  // two breaks in the run
  EXPECT_EQ(refusal("abcdwxyz1234q"), "accepted");            // three
}

TEST(PasswordPolicy, ChecksLengthBeforeCommonness) {
  EXPECT_EQ(refusal("password"), "password_too_short");
}

TEST(PasswordPolicy, ShippedListIsEmbeddedWhole) {
  EXPECT_EQ(common_password_count(), 49233u);  // server/data/common_passwords.txt, no duplicates
  EXPECT_TRUE(is_common_password("password"));
  EXPECT_TRUE(is_common_password("123456"));
  EXPECT_TRUE(is_common_password("xpcrew"));    // the last line
  EXPECT_TRUE(is_common_password("asdfjkl;"));  // CMake list separators survive embedding
  EXPECT_FALSE(is_common_password("tidal mauve lantern orchard"));
  EXPECT_FALSE(is_common_password(""));
}

TEST(PasswordPolicy, IsCommonPasswordExpectsLowercase) {
  EXPECT_FALSE(is_common_password("Password"));
}

}  // namespace
}  // namespace harbour::services
