#include "micro_fixture.hpp"

#include "core/clock.hpp"
#include "store/account_repo.hpp"
#include "store/category_repo.hpp"
#include "store/moderation_repo.hpp"
#include "store/network_repo.hpp"
#include "store/office_hours_repo.hpp"
#include "store/post_repo.hpp"
#include "store/risk_terms_repo.hpp"

#include <stdlib.h>  // mkdtemp (POSIX)

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <system_error>

namespace harbour::micro {
namespace {

using namespace std::chrono;

constexpr std::array<const char*, 12> kTitles{
    "Finding it hard to sleep since the move",
    "Small wins thread: what went right this week?",
    "How do you explain anxiety to family?",
    "First week back at work after time off",
    "Does anyone else feel worse on Sunday evenings?",
    "Walking helped me more than I expected",
    "Waiting for my next appointment and feeling stuck",
    "Ideas for calming down before a busy day",
    "Feeling low after the holidays",
    "Trying journalling for the first time",
    "Struggling with motivation lately",
    "What helps you on a bad morning?",
};

constexpr std::array<const char*, 4> kBodies{
    "I have been finding the evenings **really hard** lately. Once everyone else is asleep my mind starts "
    "racing and I go over every conversation from the day. A few things have helped a little:\n\n"
    "- writing down three things before bed\n- keeping the phone in another room\n- a short walk after dinner\n\n"
    "Does anyone have other ideas? I would be grateful for anything that has worked for you.",
    "Just wanted to say thank you to everyone who replied to my last post. It made a *real* difference to know "
    "I am not the only one. I went to the group session on Tuesday and it was easier than I feared. Still a long "
    "way to go, but today feels a bit lighter than last week did.",
    "My therapist suggested the [breathing exercise from the library](/resources/12) and I was sceptical, but "
    "after two weeks I think it is helping. The trick for me was doing it at the same time every day, not only "
    "when things already felt too much. Has anyone tried the longer version?",
    "Some days I manage everything on my list and other days getting dressed feels like climbing a hill. I am "
    "learning not to judge the second kind of day so harshly. How do you all deal with the guilt when you "
    "cannot do what you planned?",
};

constexpr std::array<const char*, 4> kNotesCycle{"", "", "medication", "bereavement distressing"};

constexpr std::array<const char*, 20> kWatchedWords{
    "buy followers", "cheap pills",   "payday loan",    "crypto",       "telegram",
    "whatsapp me",   "dm me",         "onlyfans",       "bitcoin",      "investment opportunity",
    "click here",    "free money",    "forex",          "loan shark",   "add me on snap",
    "my number is",  "meet up alone", "private chat",   "gift card",    "work from home",
};
constexpr std::array<const char*, 20> kWatchedActions{
    "refuse", "refuse", "refuse", "hold", "hold", "hold", "flag", "refuse", "hold", "hold",
    "flag",   "refuse", "hold",   "hold", "hold", "hold", "hold", "flag",   "hold", "flag",
};

Community* g_community = nullptr;

}  // namespace

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/harbour-micro-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
  }
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

Community::Community() {
  db = std::make_unique<store::Database>(store::Database::Options{.path = dir.path() / "harbour.db", .max_readers = 4});
  services = std::make_unique<services::Services>(*db, hub, clock, services::ServicesOptions{});
  // Topics of the last weeks, one every 7 minutes, newest last.
  const auto t0 = sys_days(year(2026) / 1 / 5) + hours(8);
  const auto at = [&](int minute) { return core::format_utc_ms(t0 + minutes(minute)); };
  db->writer()
      .run([&](store::Connection& c) {
        network_id = store::find_network_by_slug(c, "default")->id;
        const auto admin = store::insert_user(c, "Bench Admin", "bench admin", "x", true, at(0));
        for (int i = 0; i < kCommunityMembers; ++i) {
          const std::string name = "Quiet Harbour " + std::to_string(i);
          const auto id = store::insert_user(c, name, "quiet harbour " + std::to_string(i), "x", false, at(0));
          store::upsert_membership(c, id, network_id, i % 10 == 9 ? "volunteer" : "member");
          member_ids.push_back(id);
        }
        category_id = store::insert_category(
            c, {network_id, "Coping day to day", "Everyday ways of getting through.", 0, 31, 31}, at(0));
        const auto reader_id = member_ids.front();
        for (int i = 0; i < kCommunityTopics; ++i) {
          const auto author = member_ids[static_cast<std::size_t>(i) % member_ids.size()];
          store::NewPost p;
          p.network_id = network_id;
          p.kind = "topic";
          p.author_id = author;
          p.author_role = i % 10 == 9 ? "volunteer" : "member";
          p.category_id = category_id;
          p.title = std::string(kTitles[static_cast<std::size_t>(i) % kTitles.size()]);
          p.body = kBodies[static_cast<std::size_t>(i) % kBodies.size()];
          p.content_notes = kNotesCycle[static_cast<std::size_t>(i) % kNotesCycle.size()];
          p.state = "published";
          const auto when = at(7 * i);
          const auto id = store::insert_post(c, p, when);
          if (i % 3 == 0) {
            for (int k = 0; k < 1 + i % 7; ++k) {
              static constexpr std::array<const char*, 3> kinds{"support", "me_too", "thank_you"};
              store::add_reaction(c, id, member_ids[static_cast<std::size_t>(i + k) % member_ids.size()],
                                  kinds[static_cast<std::size_t>(k) % kinds.size()], when);
            }
          }
          if (i == 10 || i == 500) store::set_topic_flags(c, id, true, std::nullopt);
          if (i % 4 == 0) store::mark_topic_read(c, reader_id, id, id, when);
        }
        std::vector<store::OfficeHoursRow> week;
        for (int day = 1; day <= 5; ++day) week.push_back({day, "09:00", "17:00"});
        store::replace_office_hours(c, network_id, week, {}, "2026-01-01");
        for (std::size_t i = 0; i < kWatchedWords.size(); ++i) {
          store::insert_watched_word(c, network_id, kWatchedWords[i], kWatchedActions[i], admin, at(0));
        }
        store::insert_risk_term(c, network_id, "no way out", "concern", {"no way out of the car park"}, admin, at(0));
        store::insert_risk_term(c, network_id, "stockpiling tablets", "urgent", {}, admin, at(0));
        store::insert_risk_term(c, network_id, "not safe at home", "concern", {}, admin, at(0));
      })
      .get();
  reader.user_id = member_ids.front();
  reader.pseudonym = "Quiet Harbour 0";
  reader.session_id = 1;
  reader.session_ref = "benchsession";
  reader.memberships.push_back({network_id, "default", "Default", services::Role::Member, true});
}

Community::~Community() {
  services.reset();
  if (db) db->close();
}

Community& community() {
  if (g_community == nullptr) g_community = new Community();
  return *g_community;
}

void release_fixtures() {
  delete g_community;
  g_community = nullptr;
}

}  // namespace harbour::micro
