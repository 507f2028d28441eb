#include "services/pseudonym_policy.hpp"

#include "core/app_error.hpp"

#include <gtest/gtest.h>

#include <string>

namespace harbour::services {
namespace {

// The refusal code, or "accepted".
std::string verdict(std::string_view raw) {
  try {
    (void)check_pseudonym(raw);
  } catch (const core::AppError& e) {
    EXPECT_EQ(e.kind(), core::ErrorKind::BadRequest);
    EXPECT_FALSE(std::string(e.what()).empty());
    return e.code();
  }
  return "accepted";
}

std::string repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

// ---- accepted names and their display form --------------------------------------------------

TEST(PseudonymPolicy, AcceptsOrdinaryNames) {
  for (const char* name : {"Sam", "Quiet Otter", "mary-jane", "o'neil", "Jo.B", "Tea_lover_99",
                           "Night Owl 2", "R2D2 fan"}) {
    EXPECT_EQ(verdict(name), "accepted") << name;
  }
}

TEST(PseudonymPolicy, AcceptsAccentedAndNonLatinNames) {
  for (const char* name : {"Zo\xc3\xab", "Jos\xc3\xa9 M", "\xc5\x81ucja",  // Zoë, José M, Łucja
                           "\xd0\x9e\xd0\xbb\xd0\xb5\xd0\xb3",                  // Олег
                           "\xce\x91\xce\xb8\xce\xb7\xce\xbd\xce\xac",          // Αθηνά
                           "\xe3\x81\x95\xe3\x81\x8f\xe3\x82\x89",              // さくら
                           "\xea\xb9\x80\xeb\xaf\xbc\xec\x88\x98",              // 김민수
                           "\xd9\x85\xd8\xad\xd9\x85\xd8\xaf",                  // محمد
                           "\xe0\xa4\xb0\xe0\xa4\xbe\xe0\xa4\xb9\xe0\xa5\x81\xe0\xa4\xb2",  // राहुल
                           "Sam \xe5\xb1\xb1\xe7\x94\xb0"}) {                    // Sam 山田
    EXPECT_EQ(verdict(name), "accepted") << name;
  }
}

TEST(PseudonymPolicy, DisplayIsNfcTrimmedWithSpacesCollapsed) {
  // "Zoe" + combining diaeresis, padded, with a run of spaces and a no-break space.
  const Pseudonym p = check_pseudonym("  Zoe\xcc\x88   Quiet\xc2\xa0Otter \t");
  EXPECT_EQ(p.display, "Zo\xc3\xab Quiet Otter");
  EXPECT_EQ(p.key, pseudonym_key(p.display));
}

TEST(PseudonymPolicy, CountsUserPerceivedCharactersForLength) {
  // Three graphemes, though six code points before NFC composes them.
  EXPECT_EQ(verdict("e\xcc\x81o\xcc\x81u\xcc\x81"), "accepted");
  EXPECT_EQ(verdict("e\xcc\x81o\xcc\x81"), "pseudonym_too_short");
  // 24 Hangul syllables (3 bytes each) fit; 25 do not.
  EXPECT_EQ(verdict(repeat("\xea\xb0\x80", 24)), "accepted");
  EXPECT_EQ(verdict(repeat("\xea\xb0\x80", 25)), "pseudonym_too_long");
}

TEST(PseudonymPolicy, RefusesFewerThanThreeOrMoreThanTwentyFourCharacters) {
  EXPECT_EQ(verdict("Al"), "pseudonym_too_short");
  EXPECT_EQ(verdict("   Al   "), "pseudonym_too_short");
  EXPECT_EQ(verdict(""), "pseudonym_too_short");
  EXPECT_EQ(verdict("Ali"), "accepted");
  EXPECT_EQ(verdict(std::string(24, 'a')), "accepted");
  EXPECT_EQ(verdict(std::string(25, 'a')), "pseudonym_too_long");
  EXPECT_EQ(verdict(std::string(300, ' ') + "Sam"), "pseudonym_too_long");  // huge input
}

// ---- identifying details --------------------------------------------------------------------

TEST(PseudonymPolicy, RefusesEmailAddresses) {
  EXPECT_EQ(verdict("sam@example.com"), "pseudonym_looks_like_email");
  EXPECT_EQ(verdict("sam.smith@nhs.net"), "pseudonym_looks_like_email");
  EXPECT_EQ(verdict("sam@home"), "pseudonym_invalid_characters");  // not an email, still no '@'
}

TEST(PseudonymPolicy, RefusesSocialMediaHandles) {
  EXPECT_EQ(verdict("@sammy"), "pseudonym_looks_like_handle");
  EXPECT_EQ(verdict("  @sam_smith"), "pseudonym_looks_like_handle");
}

TEST(PseudonymPolicy, RefusesPhoneNumbers) {
  EXPECT_EQ(verdict("07700 900123"), "pseudonym_looks_like_phone");
  EXPECT_EQ(verdict("+44 7700 900123"), "pseudonym_looks_like_phone");
  EXPECT_EQ(verdict("Sam 0770-090-0123"), "pseudonym_looks_like_phone");
  EXPECT_EQ(verdict("sam1234567"), "pseudonym_looks_like_phone");
  EXPECT_EQ(verdict("(0161) 496 0000 Jo"), "pseudonym_looks_like_phone");
}

TEST(PseudonymPolicy, AllowsShortNumbers) {
  EXPECT_EQ(verdict("Sam 123456"), "accepted");       // six digits
  EXPECT_EQ(verdict("Sam 1234 Jo 567"), "accepted");  // letters break the run
}

// ---- characters and scripts -----------------------------------------------------------------

TEST(PseudonymPolicy, RefusesSymbolsEmojiAndControlCharacters) {
  // emoji, tab, zero-width space, ©, right-to-left override
  for (const char* name : {"Sam!", "Sam\xf0\x9f\x98\x80", "Sam\tSmith", "Sam\xe2\x80\x8bSmith",
                           "Sam<b>", "Sam+Jo", "Sam#1", "Sam\xc2\xa9", "Sam/Jo",
                           "Sam\xe2\x80\xaeJo"}) {
    EXPECT_EQ(verdict(name), "pseudonym_invalid_characters") << name;
  }
  EXPECT_EQ(verdict(std::string("Sa\0m", 4)), "pseudonym_invalid_characters");
}

TEST(PseudonymPolicy, RefusesInvalidUtf8) {
  EXPECT_EQ(verdict("Sam\xff"), "pseudonym_invalid_characters");
  EXPECT_EQ(verdict("Sam\xc0\xaf"), "pseudonym_invalid_characters");
}

TEST(PseudonymPolicy, RefusesNamesStartingWithPunctuationOrWithoutLetters) {
  for (const char* name : {".Sam", "_sam", "-sam", "'sam"}) {
    EXPECT_EQ(verdict(name), "pseudonym_invalid_characters") << name;
  }
  EXPECT_EQ(verdict("123"), "pseudonym_invalid_characters");
  EXPECT_EQ(verdict("1-2-3"), "pseudonym_invalid_characters");
  EXPECT_EQ(verdict("1 Sam"), "accepted");
  EXPECT_EQ(verdict("Sam."), "accepted");
}

TEST(PseudonymPolicy, RefusesPilesOfCombiningMarks) {
  // No precomposed q with these accents exists, so NFC leaves every mark in place.
  EXPECT_EQ(verdict("Saq\xcc\x81\xcc\x82\xcc\x83\xcc\x84m"), "pseudonym_invalid_characters");
  EXPECT_EQ(verdict("Saq\xcc\x82\xcc\x83\xcc\x84m"), "accepted");  // three are allowed
  EXPECT_EQ(verdict("\xcc\x81Sam"), "pseudonym_invalid_characters");  // a mark on nothing
}

TEST(PseudonymPolicy, RefusesLatinMixedWithCyrillicOrGreek) {
  // "Ѕаm Smith": Cyrillic Ѕ and а among Latin letters.
  EXPECT_EQ(verdict("\xd0\x85\xd0\xb0m Smith"), "pseudonym_invalid_characters");
  // "Sοphie" with a Greek omicron.
  EXPECT_EQ(verdict("S\xce\xbfphie"), "pseudonym_invalid_characters");
  // Cyrillic О and Greek ε: two look-alike scripts, no Latin at all.
  EXPECT_EQ(verdict("\xd0\x9e\xd0\xbb\xce\xb5\xd0\xb3"), "pseudonym_invalid_characters");
}

TEST(PseudonymPolicy, AllowsLatinWithAScriptThatDoesNotImitateIt) {
  EXPECT_EQ(verdict("Sam \xe3\x81\x95\xe3\x81\x8f\xe3\x82\x89"), "accepted");  // Sam さくら
  EXPECT_EQ(verdict("Sam \xd9\x85\xd8\xad\xd9\x85\xd8\xaf"), "accepted");      // Sam محمد
}

TEST(PseudonymPolicy, RefusesLettersOutsideKnownScripts) {
  EXPECT_EQ(verdict("\xc9\x91lice"), "pseudonym_invalid_characters");      // IPA ɑ
  EXPECT_EQ(verdict("Sam\xca\xbcs"), "pseudonym_invalid_characters");      // modifier ʼ
  EXPECT_EQ(verdict("\xef\xbc\xb3\xef\xbd\x81\xef\xbd\x8d"), "pseudonym_invalid_characters");  // Ｓａｍ
}

TEST(PseudonymPolicy, AcceptsTypographicApostrophe) {
  EXPECT_EQ(verdict("O\xe2\x80\x99Neil"), "accepted");  // O’Neil
}

// ---- staff imitation ------------------------------------------------------------------------

TEST(PseudonymPolicy, RefusesNamesImitatingStaffOrTheService) {
  for (const char* name :
       {"Dr Sam", "Dr. Sam", "D r_Sam", "DrSam", "Sam the Dr", "Drs Sam", "Adm1n", "Admin",
        "admin_jo", "Adminbot", "A d m i n", "Ad Min", "NHS_helper", "NHShelper", "ilovenhs",
        "N H S fan", "nhs", "ModeratorMia", "moderator", "iamthemoderator", "Mo Derator",
        "Mo De Ra Tor", "Mod", "Mods", "Mod99", "Mod_Mia", "M0d Squad", "Mod2Mia", "Staff",
        "Staff Jo", "Nurse Jo", "Nur5e Jo", "Clinician", "Therapist Tom", "Counsellor Kay",
        "Counselor", "Psychiatrist", "Official", "Harbour Team", "TheHarbour", "System",
        "Volunteer Vic", "Support Team", "Peer Supporter", "PeerSupporter", "Doctor Who",
        "D0ctor", "Sysadmin", "Administrator"}) {
    EXPECT_EQ(verdict(name), "pseudonym_imitates_staff") << name;
  }
}

TEST(PseudonymPolicy, AllowsNamesThatMerelyStartLikeAStaffWord) {
  for (const char* name :
       {"Modesty", "Drew", "Andrew", "Dre", "Drummer", "Modern Life", "Modi", "Model Railway",
        "Stafford", "Staffie Lover", "Badminton fan", "Admiral", "Jon Hsu", "Sarah Arbour",
        "Nur Sevim", "Doc", "Sunday Driver", "Arsenal Supporter", "Team Spirit", "Systole",
        "Dream Team"}) {
    EXPECT_EQ(verdict(name), "accepted") << name;
  }
}

// ---- uniqueness key ---------------------------------------------------------------------------

TEST(PseudonymPolicy, LookAlikeSpellingsShareOneKey) {
  const std::string key = pseudonym_key("Sam_Smith");
  EXPECT_EQ(pseudonym_key("sam smith"), key);
  EXPECT_EQ(pseudonym_key("SAM.SMITH"), key);
  EXPECT_EQ(pseudonym_key("5am5mith"), key);
  EXPECT_EQ(pseudonym_key("\xd0\x85\xd0\xb0m Smith"), key);  // Cyrillic Ѕ and а
  EXPECT_EQ(pseudonym_key("S\xc3\xa1m-Sm\xc3\xadth"), key);  // accents
  EXPECT_EQ(pseudonym_key("\xef\xbc\xb3" "am Smith"), key);     // full-width Ｓ
  EXPECT_EQ(pseudonym_key("Sam O\xe2\x80\x99Smith"), pseudonym_key("Sam O'Smith"));
}

TEST(PseudonymPolicy, KeyMapsLetterPairsAndCapitalIToSmallL) {
  EXPECT_EQ(pseudonym_key("Carnie"), pseudonym_key("Camie"));   // rn -> m
  EXPECT_EQ(pseudonym_key("Vvendy"), pseudonym_key("Wendy"));   // vv -> w
  EXPECT_EQ(pseudonym_key("Clan"), pseudonym_key("Dan"));       // cl -> d
  EXPECT_EQ(pseudonym_key("MIA"), pseudonym_key("Mla"));        // I and l
  EXPECT_EQ(pseudonym_key("Mia"), pseudonym_key("MIA"));        // case
  EXPECT_EQ(pseudonym_key("M1a"), pseudonym_key("Mia"));        // digit one
  EXPECT_EQ(pseudonym_key("B0b"), pseudonym_key("Bob"));        // digit zero
  EXPECT_EQ(pseudonym_key("\xce\x9f\xce\xbdo"), pseudonym_key("ovo"));  // Greek Ο ν
}

TEST(PseudonymPolicy, DifferentNamesKeepDifferentKeys) {
  EXPECT_NE(pseudonym_key("Sam Smith"), pseudonym_key("Sam Smyth"));
  EXPECT_NE(pseudonym_key("Quiet Otter"), pseudonym_key("Quiet Oyster"));
  EXPECT_NE(pseudonym_key("\xd0\x9e\xd0\xbb\xd0\xb5\xd0\xb3"), pseudonym_key("Oleg"));  // Олег
}

TEST(PseudonymPolicy, KeyOfInvalidUtf8IsEmpty) { EXPECT_EQ(pseudonym_key("Sam\xff"), ""); }

TEST(PseudonymPolicy, CheckReturnsTheKeyOfTheDisplayForm) {
  const Pseudonym p = check_pseudonym(" Quiet_Otter ");
  EXPECT_EQ(p.display, "Quiet_Otter");
  EXPECT_EQ(p.key, "quletotter");  // lowercase, i -> l, underscore dropped
}

TEST(PseudonymPolicy, GuidanceAsksForANameThatIdentifiesNobody) {
  const std::string text(anonymity_guidance());
  EXPECT_NE(text.find("real name"), std::string::npos);
  EXPECT_NE(text.find("online"), std::string::npos);
  EXPECT_NE(text.find("dates of birth"), std::string::npos);
  EXPECT_NE(text.find("workplaces"), std::string::npos);
}

}  // namespace
}  // namespace harbour::services
