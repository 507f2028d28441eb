// The anonymity guard both ways: what looks identifying is found (with the excerpt as written),
// and ordinary writing (times, dates, money, years, helplines, book titles, @mentions of
// pseudonyms) is left alone. Then the content check built on it: who may ask, the advice, and
// that it never says anything about the risk lexicon.
#include "core/clock.hpp"
#include "live/hub.hpp"
#include "services/anonymity_guard.hpp"
#include "services/content_check.hpp"
#include "services/pseudonym_policy.hpp"
#include "services/services.hpp"
#include "store/account_repo.hpp"
#include "store/connection.hpp"
#include "store/database.hpp"
#include "store/network_repo.hpp"
#include "support/fixed_time.hpp"
#include "support/service_fixtures.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

using namespace harbour;
using services::find_identifying_details;

namespace {

struct Positive {
  const char* text;
  const char* kind;
  const char* excerpt;
};

const Positive kPositives[] = {
    {"Email me at jane.smith92@gmail.com if you want to talk", "email", "jane.smith92@gmail.com"},
    {"my work address is J.Doe@nhs.net.", "email", "J.Doe@nhs.net"},
    {"Text me on 07700 900123 any time", "phone", "07700 900123"},
    {"call 07700900123", "phone", "07700900123"},
    {"ring me: 07700-900-123", "phone", "07700-900-123"},
    {"my number is +44 7700 900123", "phone", "+44 7700 900123"},
    {"or +44 (0)7700 900 123", "phone", "+44 (0)7700 900 123"},
    {"landline 020 7946 0018", "phone", "020 7946 0018"},
    {"the office is 0161 496 0000.", "phone", "0161 496 0000"},
    {"(01632) 960 123 is my home", "phone", "(01632) 960 123"},
    {"0300 555 0123 is my direct line", "phone", "0300 555 0123"},
    {"call me on 0044 7700 900123", "phone", "0044 7700 900123"},
    {"my US number is +1 415 555 0132", "phone", "+1 415 555 0132"},
    {"07700.900.123 is my mobile", "phone", "07700.900.123"},
    {"I live near SW1A 1AA", "postcode", "SW1A 1AA"},
    {"postcode M1 1AE", "postcode", "M1 1AE"},
    {"B33 8TH is where I grew up", "postcode", "B33 8TH"},
    {"send it to ec1a1bb", "postcode", "ec1a1bb"},
    {"my postcode is cr2 6xh", "postcode", "cr2 6xh"},
    {"find me on instagram @quietowl", "handle", "@quietowl"},
    {"insta: jane_doe92", "handle", "jane_doe92"},
    {"follow @jane_doe92", "handle", "@jane_doe92"},
    {"my snapchat is sam.b.1", "handle", "sam.b.1"},
    {"add me on tiktok @sammyb", "handle", "@sammyb"},
    {"facebook.com/jane.smith.1985", "handle", "facebook.com/jane.smith.1985"},
    {"see https://www.instagram.com/janesmith/ for my art", "handle", "https://www.instagram.com/janesmith/"},
    {"tiktok.com/@sammyb", "handle", "tiktok.com/@sammyb"},
    {"my name is Jane Smith", "full_name", "Jane Smith"},
    {"Hi, I'm Tom O'Brien from Leeds", "full_name", "Tom O'Brien"},
    {"Hi, I’m Tom Brady-Jones", "full_name", "Tom Brady-Jones"},
    {"I am Priya Patel", "full_name", "Priya Patel"},
    {"my daughter is called Emily Johnson", "full_name", "Emily Johnson"},
    {"my name's Sarah McDonald", "full_name", "Sarah McDonald"},
    {"my therapist's name is Anna Kowalski", "full_name", "Anna Kowalski"},
    {"I live at 12 Acacia Avenue", "address", "12 Acacia Avenue"},
    {"we moved to 3 Hill Top Road last year", "address", "3 Hill Top Road"},
    {"Flat 2, 45b Mill Lane", "address", "45b Mill Lane"},
};

const char* const kNegatives[] = {
    "I had a really hard day but I'm still here.",
    "See you at 10 30 tomorrow, the group starts at 10:30.",
    "My appointment is on 12/03/2024 at 9am.",
    "It was 01 02 2024 when it all started.",
    "I spent £1,250.00 on the car repairs in 2019 and 2020.",
    "Between 2015 and 2018 I was in and out of hospital.",
    "Call Samaritans on 116 123 any time, or text SHOUT to 85258.",
    "If you are in danger call 999, or NHS 111 and choose option 2.",
    "Mind's infoline is 0300 123 3393.",
    "CALM is on 0800 58 58 58 every day.",
    "Thanks @Quiet Owl for your kind reply.",
    "@Sam thank you, that helped.",
    "I'm Not Okay and that's fine.",
    "I'm So Tired Of This",
    "I Am Feeling Better Today",
    "I read a book called Reasons To Stay Alive.",
    "Took my meds at 8pm and again at 6am.",
    "I walked 5 miles down the road today.",
    "I have 2 Close Friends who help.",
    "I ran 10k in 55 minutes!",
    "It's been 3 years since my diagnosis.",
    "Version 2.0 of the app came out.",
    "The M6 was closed so I was late.",
    "My PHQ9 score went from 22 to 8, and my GAD7 is 12.",
    "I'm on 50mg sertraline, up from 25mg.",
    "The film was rated 12A.",
    "covid19 knocked me for six.",
    "My step count was 10453 today.",
    "We had 1000000 views lol",
    "Meet me @ the park",
    "Instagram is making me feel worse, so I deleted it.",
    "I emailed my GP at the surgery.",
    "I called Mum Today and it helped.",
    "My fax.com/something link is broken",
    "Read instagram.com/explore for ideas",
    "Order number 12345678901 arrived.",
    "I was born in 1990, diagnosed 2011, better by 2020.",
    "",
};

TEST(AnonymityGuard, FindsIdentifyingDetailsWithTheirExcerpts) {
  ASSERT_GE(std::size(kPositives), 25u);
  for (const auto& p : kPositives) {
    const auto found = find_identifying_details(p.text);
    ASSERT_EQ(found.size(), 1u) << p.text;
    EXPECT_EQ(found[0].kind, p.kind) << p.text;
    EXPECT_EQ(found[0].excerpt, p.excerpt) << p.text;
  }
}

TEST(AnonymityGuard, LeavesOrdinaryWritingAlone) {
  ASSERT_GE(std::size(kNegatives), 25u);
  for (const auto* text : kNegatives) {
    const auto found = find_identifying_details(text);
    EXPECT_TRUE(found.empty()) << text << " => " << (found.empty() ? "" : found[0].kind + ": " + found[0].excerpt);
  }
}

TEST(AnonymityGuard, ReportsSeveralDetailsInOrderAndEachOnce) {
  const auto found = find_identifying_details(
      "My name is Jane Smith, I live at 12 Acacia Avenue, London SW1A 1AA. Call 07700 900123 or 07700 900123, "
      "or email jane@example.org. Insta @jane_smith92 (instagram.com/jane_smith92).");
  std::vector<std::string> kinds;
  for (const auto& d : found) kinds.push_back(d.kind);
  EXPECT_EQ(kinds, (std::vector<std::string>{"full_name", "address", "postcode", "phone", "email", "handle", "handle"}));
}

TEST(AnonymityGuard, AProfileAddressIsOneDetailNotTwo) {
  const auto found = find_identifying_details("tiktok.com/@sam_92 is me");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].excerpt, "tiktok.com/@sam_92");
}

TEST(AnonymityGuard, HugeOrStrangeInputIsHandled) {
  std::string big;
  for (int i = 0; i < 20000; ++i) big += "07700 9 @@ 1a ";  // long runs of almost-matches
  EXPECT_NO_THROW(find_identifying_details(big));
  EXPECT_TRUE(find_identifying_details(std::string("\xff\xfe@\x80 07700", 10)).empty());
  const auto many = find_identifying_details(std::string(200, ' ') + [] {
    std::string s;
    for (int i = 0; i < 100; ++i) s += "user" + std::to_string(i) + "@example.org ";
    return s;
  }());
  EXPECT_EQ(many.size(), 50u);  // capped
}

// ---- The content check -------------------------------------------------------------------------

using harbour::test::kNow;

class ContentCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::make_unique<store::Database>(store::Database::Options{.path = dir_.path() / "harbour.db", .max_readers = 2});
    db_->writer()
        .run([&](store::Connection& c) {
          net_ = store::find_network_by_slug(c, "default")->id;
          other_ = store::insert_network(c, "perinatal", "Perinatal", "Europe/London", "[]");
          member_ = store::insert_user(c, "Quiet River", services::pseudonym_key("Quiet River"), "x", false, kNow);
          store::upsert_membership(c, member_, net_, "carer");
        })
        .get();
  }

  services::Principal carer() const {
    services::Principal p;
    p.user_id = member_;
    p.memberships.push_back({net_, "default", "Default", services::Role::Carer, true});
    return p;
  }

  test::TempDir dir_;
  std::unique_ptr<store::Database> db_;
  std::int64_t net_ = 0, other_ = 0, member_ = 0;
};

TEST_F(ContentCheckTest, AnyKeyHolderGetsTheDetailsAndKindAdvice) {
  const auto p = carer();
  const auto check = services::check_content(*db_, &p, "default", "Call me", "on 07700 900123 or jane@example.org");
  ASSERT_EQ(check.identifying.size(), 2u);
  EXPECT_EQ(check.identifying[0].kind, "phone");
  EXPECT_NE(check.advice.find("a phone number and an email address"), std::string::npos) << check.advice;
  EXPECT_NE(check.advice.find("moderator"), std::string::npos);

  const auto clean = services::check_content(*db_, &p, "default", "", "A quiet day, thank you all.");
  EXPECT_TRUE(clean.identifying.empty());
  EXPECT_EQ(clean.advice, "");
}

TEST_F(ContentCheckTest, NeverSaysAnythingAboutRisk) {
  const auto p = carer();
  const auto check = services::check_content(*db_, &p, "default", "I want to die", "I am going to kill myself");
  EXPECT_TRUE(check.identifying.empty());
  EXPECT_EQ(check.advice, "");
}

TEST_F(ContentCheckTest, OnlyKeyHoldersOfTheNetworkMayAsk) {
  auto p = carer();
  EXPECT_EQ(test::error_code_of([&] { services::check_content(*db_, nullptr, "default", "", "hi"); }), "sign_in_required");
  EXPECT_EQ(test::error_code_of([&] { services::check_content(*db_, &p, "perinatal", "", "hi"); }), "network_not_found");
  EXPECT_EQ(test::error_code_of([&] { services::check_content(*db_, &p, "nowhere", "", "hi"); }), "network_not_found");
  p.memberships[0].active = false;
  EXPECT_EQ(test::error_code_of([&] { services::check_content(*db_, &p, "default", "", "hi"); }), "account_suspended");
  services::Principal admin;
  admin.is_admin = true;
  EXPECT_EQ(test::error_code_of([&] { services::check_content(*db_, &admin, "perinatal", "", "hi"); }), "second_factor_required");
  admin.second_factor_done = true;
  EXPECT_EQ(test::error_code_of([&] { services::check_content(*db_, &admin, "perinatal", "", "hi"); }), "");
}

}  // namespace
