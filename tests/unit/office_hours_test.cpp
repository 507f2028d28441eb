// Office hours: the live status in the network's own zone across the clock changes, closures,
// the next change, the rota, and the rules for changing them (OfficeHoursService), on a real
// database with fixed instants.
#include "core/clock.hpp"
#include "services/audit_log.hpp"
#include "services/demo_office_hours.hpp"
#include "services/office_hours.hpp"
#include "services/office_hours_service.hpp"
#include "services/pseudonym_policy.hpp"
#include "store/account_repo.hpp"
#include "store/connection.hpp"
#include "store/database.hpp"
#include "store/network_repo.hpp"
#include "support/database_fixture.hpp"
#include "support/service_fixtures.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

using namespace harbour;
using services::TimePoint;

namespace {

TimePoint at(const char* rfc3339) {
  const auto t = services::parse_instant(rfc3339);
  if (!t) throw std::invalid_argument(std::string("bad instant in test: ") + rfc3339);
  return *t;
}

std::string text(std::optional<TimePoint> t) { return t ? core::format_utc_ms(*t) : "none"; }

class OfficeHoursTest : public test::DatabaseTest {
 protected:
  void SetUp() override {
    db_ = std::make_unique<store::Database>(store::Database::Options{.path = dir_.path() / "harbour.db", .max_readers = 2});
    write([&](store::Connection& c) {
      london_ = store::find_network_by_slug(c, "default")->id;
      c.prepare("UPDATE networks SET time_zone = 'Europe/London' WHERE id = ?1").bind(1, london_).run();
      new_york_ = store::insert_network(c, "nyc", "New York", "America/New_York", "[]");
      empty_ = store::insert_network(c, "empty", "No hours", "Europe/London", "[]");
      nowhere_ = store::insert_network(c, "nowhere", "Bad zone", "Mars/Olympus_Mons", "[]");
      auto user = [&](const char* name, const char* role, bool admin) {
        const auto id = store::insert_user(c, name, services::pseudonym_key(name), "x", admin, "2026-01-01T00:00:00.000Z");
        if (role) store::upsert_membership(c, id, london_, role);
        return id;
      };
      clinician_ = user("Staff Alder", "clinician", false);
      volunteer_ = user("Staff Birch", "volunteer", false);
      member_ = user("Quiet River", "member", false);
      admin_ = user("Admin Cedar", nullptr, true);
    });
    // The usual week: Monday to Friday 09:00-17:00, Saturday 10:00-14:00.
    for (const auto net : {london_, new_york_, nowhere_}) {
      for (int d = 1; d <= 5; ++d) hours(net, d, "09:00", "17:00");
      hours(net, 6, "10:00", "14:00");
    }
  }

  void hours(std::int64_t net, int weekday, const char* opens, const char* closes) {
    write([&](store::Connection& c) {
      c.prepare("INSERT INTO office_hours (network_id, weekday, opens, closes) VALUES (?1, ?2, ?3, ?4)")
          .bind(1, net).bind(2, weekday).bind(3, opens).bind(4, closes).run();
    });
  }
  void closure(std::int64_t net, const char* day) {
    write([&](store::Connection& c) {
      c.prepare("INSERT INTO office_closures (network_id, day, reason) VALUES (?1, ?2, 'Bank holiday')")
          .bind(1, net).bind(2, day).run();
    });
  }
  void shift(std::int64_t user, const char* starts, const char* ends) {
    write([&](store::Connection& c) {
      c.prepare("INSERT INTO rota_shifts (network_id, user_id, starts_at, ends_at, created_at) VALUES (?1, ?2, ?3, ?4, ?3)")
          .bind(1, london_).bind(2, user).bind(3, starts).bind(4, ends).run();
    });
  }

  services::OfficeStatus status(std::int64_t net, const char* when) {
    return db_->read([&](store::Connection& c) { return services::office_status(c, net, at(when)); });
  }
  std::optional<TimePoint> opening(std::int64_t net, const char* when) {
    return db_->read([&](store::Connection& c) { return services::next_opening(c, net, at(when)); });
  }
  std::vector<std::int64_t> on_shift(const char* when) {
    return db_->read([&](store::Connection& c) { return services::on_shift_user_ids(c, london_, at(when)); });
  }


  std::int64_t audit_rows(const char* action) {
    return db_->read([&](store::Connection& c) {
      auto& s = c.prepare("SELECT count(*) FROM audit_log WHERE action = ?1");
      s.bind(1, action);
      s.step();
      const auto n = s.column_int64(0);
      s.reset();
      return n;
    });
  }

  std::int64_t london_ = 0, new_york_ = 0, empty_ = 0, nowhere_ = 0;
  std::int64_t clinician_ = 0, volunteer_ = 0, member_ = 0, admin_ = 0;
};

// ---- the status -----------------------------------------------------------------------------

TEST_F(OfficeHoursTest, OpenOnAWinterWeekdayUntilFiveLocal) {
  const auto s = status(london_, "2026-01-07T12:00:00Z");  // Wednesday, GMT
  EXPECT_TRUE(s.open);
  EXPECT_EQ(text(s.next_change), "2026-01-07T17:00:00.000Z");
  EXPECT_EQ(s.summary, "Moderators are here until 17:00");
  EXPECT_EQ(s.time_zone, "Europe/London");
}

TEST_F(OfficeHoursTest, SummerTimeMovesTheUtcInstantsAnHourEarlier) {
  const auto before = status(london_, "2026-07-01T07:30:00Z");  // Wednesday 08:30 BST
  EXPECT_FALSE(before.open);
  EXPECT_EQ(text(before.next_change), "2026-07-01T08:00:00.000Z");
  EXPECT_EQ(before.summary, "We are back at 09:00 today");
  const auto during = status(london_, "2026-07-01T08:30:00Z");
  EXPECT_TRUE(during.open);
  EXPECT_EQ(text(during.next_change), "2026-07-01T16:00:00.000Z");
  EXPECT_EQ(during.summary, "Moderators are here until 17:00");
}

TEST_F(OfficeHoursTest, OpensExactlyAtOpeningAndClosesExactlyAtClosing) {
  EXPECT_FALSE(status(london_, "2026-01-07T08:59:59.999Z").open);
  EXPECT_TRUE(status(london_, "2026-01-07T09:00:00Z").open);
  EXPECT_TRUE(status(london_, "2026-01-07T16:59:59.999Z").open);
  const auto closed = status(london_, "2026-01-07T17:00:00Z");
  EXPECT_FALSE(closed.open);
  EXPECT_EQ(text(closed.next_change), "2026-01-08T09:00:00.000Z");
  EXPECT_EQ(closed.summary, "We are back at 09:00 tomorrow");
}

TEST_F(OfficeHoursTest, SpringForwardDayKeepsNineOClockLocalOnBothSides) {
  // Europe/London moves from GMT to BST at 01:00 UTC on Sunday 29 March 2026.
  hours(london_, 7, "09:00", "17:00");
  EXPECT_EQ(text(status(london_, "2026-03-28T12:00:00Z").next_change), "2026-03-28T14:00:00.000Z");  // Sat, GMT
  EXPECT_FALSE(status(london_, "2026-03-29T07:59:00Z").open);
  const auto sunday = status(london_, "2026-03-29T08:00:00Z");  // 09:00 BST
  EXPECT_TRUE(sunday.open);
  EXPECT_EQ(text(sunday.next_change), "2026-03-29T16:00:00.000Z");
  EXPECT_EQ(text(status(london_, "2026-03-29T18:00:00Z").next_change), "2026-03-30T08:00:00.000Z");  // Mon 09:00 BST
}

TEST_F(OfficeHoursTest, AnOpeningInTheSpringGapOpensAtTheChangeWithoutFailing) {
  hours(london_, 7, "01:30", "03:00");  // 01:30 does not exist on 29 March 2026
  const auto before = status(london_, "2026-03-29T00:45:00Z");
  EXPECT_FALSE(before.open);
  EXPECT_EQ(text(before.next_change), "2026-03-29T01:00:00.000Z");  // 02:00 BST, the change
  EXPECT_EQ(before.summary, "We are back at 02:00 today");
  const auto open = status(london_, "2026-03-29T01:00:00Z");
  EXPECT_TRUE(open.open);
  EXPECT_EQ(text(open.next_change), "2026-03-29T02:00:00.000Z");  // 03:00 BST
}

TEST_F(OfficeHoursTest, FallBackDayKeepsNineOClockLocalAndOpensAtTheLaterRepeatedTime) {
  // BST ends at 01:00 UTC on Sunday 25 October 2026: 01:00-01:59 local happens twice.
  hours(london_, 7, "09:00", "17:00");
  EXPECT_EQ(text(status(london_, "2026-10-24T12:00:00Z").next_change), "2026-10-24T13:00:00.000Z");  // Sat 14:00 BST
  EXPECT_FALSE(status(london_, "2026-10-25T08:59:00Z").open);
  EXPECT_TRUE(status(london_, "2026-10-25T09:00:00Z").open);  // 09:00 GMT
  hours(london_, 7, "01:30", "03:00");
  const auto first_pass = status(london_, "2026-10-25T00:45:00Z");  // 01:45 BST, the first time round
  EXPECT_FALSE(first_pass.open);
  EXPECT_EQ(text(first_pass.next_change), "2026-10-25T01:30:00.000Z");  // 01:30 GMT, the second time
  EXPECT_TRUE(status(london_, "2026-10-25T01:30:00Z").open);
}

TEST_F(OfficeHoursTest, AClosureDayIsClosedAndTheStatusSkipsIt) {
  closure(london_, "2026-01-07");
  const auto s = status(london_, "2026-01-07T12:00:00Z");
  EXPECT_FALSE(s.open);
  EXPECT_EQ(text(s.next_change), "2026-01-08T09:00:00.000Z");
  EXPECT_EQ(s.summary, "We are back at 09:00 tomorrow");
  // Tuesday evening: Wednesday is skipped as well.
  EXPECT_EQ(text(status(london_, "2026-01-06T18:00:00Z").next_change), "2026-01-08T09:00:00.000Z");
}

TEST_F(OfficeHoursTest, NextChangeCrossesTheWeekendAndABankHolidayMonday) {
  const auto saturday = status(london_, "2026-01-10T15:00:00Z");
  EXPECT_FALSE(saturday.open);
  EXPECT_EQ(text(saturday.next_change), "2026-01-12T09:00:00.000Z");
  EXPECT_EQ(saturday.summary, "We are back at 09:00 on Monday");
  closure(london_, "2026-05-04");  // early May bank holiday
  const auto may = status(london_, "2026-05-02T13:30:00Z");  // Saturday 14:30 BST
  EXPECT_EQ(text(may.next_change), "2026-05-05T08:00:00.000Z");
  EXPECT_EQ(may.summary, "We are back at 09:00 on Tuesday");
}

TEST_F(OfficeHoursTest, MoreThanSixDaysAwayNamesTheDate) {
  for (const auto* d : {"2026-01-05", "2026-01-06", "2026-01-07", "2026-01-08", "2026-01-09", "2026-01-10"}) {
    closure(london_, d);
  }
  const auto s = status(london_, "2026-01-03T15:00:00Z");
  EXPECT_EQ(text(s.next_change), "2026-01-12T09:00:00.000Z");
  EXPECT_EQ(s.summary, "We are back at 09:00 on Monday 12 January");
}

TEST_F(OfficeHoursTest, HoursThroughMidnightAreOneStretch) {
  hours(london_, 7, "20:00", "24:00");
  hours(london_, 1, "00:00", "08:00");
  const auto s = status(london_, "2026-01-04T21:00:00Z");  // Sunday
  EXPECT_TRUE(s.open);
  EXPECT_EQ(text(s.next_change), "2026-01-05T08:00:00.000Z");
  EXPECT_EQ(s.summary, "Moderators are here until 08:00 tomorrow");
}

TEST_F(OfficeHoursTest, OpenAroundTheClockNamesNoClosingTime) {
  for (int d = 1; d <= 7; ++d) hours(empty_, d, "00:00", "24:00");
  const auto s = status(empty_, "2026-03-04T10:00:00Z");
  EXPECT_TRUE(s.open);
  EXPECT_EQ(s.summary, "Moderators are here now");
}

TEST_F(OfficeHoursTest, NoHoursSaysSoAndHasNoNextChange) {
  const auto s = status(empty_, "2026-01-07T12:00:00Z");
  EXPECT_FALSE(s.open);
  EXPECT_FALSE(s.next_change);
  EXPECT_EQ(s.summary, "This community has no office hours set");
  EXPECT_FALSE(opening(empty_, "2026-01-07T12:00:00Z"));
}

TEST_F(OfficeHoursTest, AnUnknownZoneFallsBackToLondon) {
  services::OfficeStatus s;
  ASSERT_NO_THROW(s = status(nowhere_, "2026-07-01T08:30:00Z"));
  EXPECT_EQ(s.time_zone, "Europe/London");
  EXPECT_TRUE(s.open);
  EXPECT_EQ(text(s.next_change), "2026-07-01T16:00:00.000Z");
}

TEST_F(OfficeHoursTest, TheNetworksOwnZoneIsUsed) {
  EXPECT_TRUE(status(london_, "2026-01-07T13:59:00Z").open);
  EXPECT_FALSE(status(new_york_, "2026-01-07T13:59:00Z").open);  // 08:59 EST
  const auto ny = status(new_york_, "2026-01-07T14:00:00Z");
  EXPECT_TRUE(ny.open);
  EXPECT_EQ(ny.time_zone, "America/New_York");
  EXPECT_EQ(text(ny.next_change), "2026-01-07T22:00:00.000Z");
  // New York is on summer time from 8 March, London only from 29 March.
  EXPECT_TRUE(status(new_york_, "2026-03-10T13:00:00Z").open);   // 09:00 EDT
  EXPECT_FALSE(status(london_, "2026-03-10T08:30:00Z").open);    // 08:30 GMT
}

TEST_F(OfficeHoursTest, NextOpeningIsNowWhenOpenElseTheNextOpening) {
  EXPECT_EQ(text(opening(london_, "2026-01-07T12:00:00Z")), "2026-01-07T12:00:00.000Z");
  EXPECT_EQ(text(opening(london_, "2026-01-07T17:00:00Z")), "2026-01-08T09:00:00.000Z");
}

TEST_F(OfficeHoursTest, OnShiftCoversStartButNotEnd) {
  shift(clinician_, "2026-01-07T08:00:00.000Z", "2026-01-07T20:00:00.000Z");
  shift(volunteer_, "2026-01-07T12:00:00.000Z", "2026-01-07T13:00:00.000Z");
  EXPECT_TRUE(on_shift("2026-01-07T07:59:59.999Z").empty());
  EXPECT_EQ(on_shift("2026-01-07T08:00:00Z"), std::vector<std::int64_t>{clinician_});
  EXPECT_EQ(on_shift("2026-01-07T12:30:00Z"), (std::vector<std::int64_t>{clinician_, volunteer_}));
  EXPECT_EQ(on_shift("2026-01-07T19:59:59.999Z"), std::vector<std::int64_t>{clinician_});
  EXPECT_TRUE(on_shift("2026-01-07T20:00:00Z").empty());
}

TEST_F(OfficeHoursTest, InstantsAndTimesAreParsedStrictly) {
  EXPECT_EQ(text(services::parse_instant("2026-03-29T08:00:00.250Z")), "2026-03-29T08:00:00.250Z");
  EXPECT_EQ(text(services::parse_instant("2026-03-29T09:00:00+01:00")), "2026-03-29T08:00:00.000Z");
  EXPECT_FALSE(services::parse_instant("2026-03-29 08:00"));
  EXPECT_FALSE(services::parse_instant("2026-03-29T08:00:00Zjunk"));
  EXPECT_EQ(services::parse_time_of_day("24:00", true), 1440);
  EXPECT_FALSE(services::parse_time_of_day("24:00", false));
  EXPECT_FALSE(services::parse_time_of_day("09:60", false));
  EXPECT_FALSE(services::parse_time_of_day("9:00", false));
  EXPECT_TRUE(services::is_calendar_date("2028-02-29"));
  EXPECT_FALSE(services::is_calendar_date("2026-02-29"));
  EXPECT_FALSE(services::is_calendar_date("2026-13-01"));
}

TEST(LocalWeeks, RunMondayToMondayInTheNetworksZoneAcrossTheClockChange) {
  // Sunday 29 March 2026 the clocks go forward: that week is 167 hours long.
  const auto weeks = services::local_weeks("Europe/London", at("2026-04-01T12:00:00Z"), 2);
  ASSERT_EQ(weeks.size(), 2u);
  EXPECT_EQ(weeks[0].monday, "2026-03-23");
  EXPECT_EQ(text(weeks[0].from), "2026-03-23T00:00:00.000Z");
  EXPECT_EQ(text(weeks[0].to), "2026-03-29T23:00:00.000Z");
  EXPECT_EQ(weeks[1].monday, "2026-03-30");
  EXPECT_EQ(text(weeks[1].from), "2026-03-29T23:00:00.000Z");
  EXPECT_EQ(text(weeks[1].to), "2026-04-05T23:00:00.000Z");
}

TEST(LocalWeeks, HalfPastMidnightOnALondonMondayIsAlreadyTheNewWeek) {
  // 23:30 UTC on Sunday 7 June is 00:30 BST on Monday 8 June.
  const auto weeks = services::local_weeks("Europe/London", at("2026-06-07T23:30:00Z"), 1);
  ASSERT_EQ(weeks.size(), 1u);
  EXPECT_EQ(weeks[0].monday, "2026-06-08");
  EXPECT_EQ(text(weeks[0].from), "2026-06-07T23:00:00.000Z");
  // A zone east of UTC counts its own Monday.
  EXPECT_EQ(services::local_weeks("Australia/Sydney", at("2026-06-07T23:30:00Z"), 1)[0].monday, "2026-06-08");
  EXPECT_EQ(services::local_weeks("America/New_York", at("2026-06-08T02:00:00Z"), 1)[0].monday, "2026-06-01");
}

// ---- changing them --------------------------------------------------------------------------

class OfficeHoursServiceTest : public OfficeHoursTest {
 protected:
  services::OfficeHoursService svc() { return services::OfficeHoursService(*db_, {}); }
  services::RequestMeta meta() const { return {"192.0.2.7", at("2026-01-07T12:00:00Z")}; }
  services::Principal admin() { return test::principal_with(admin_, "someone", {}, /*admin=*/true); }
  services::Principal member() { return test::principal_with(member_, "someone", {{london_, services::Role::Member}}); }
  services::Principal clinician() { return test::principal_with(clinician_, "someone", {{london_, services::Role::Clinician}}); }
};

TEST_F(OfficeHoursServiceTest, AdminReplacesWeekAndClosuresAndItIsAudited) {
  const auto a = admin();
  const auto h = svc().replace(&a, meta(), "default", {{2, "10:00", "12:00"}, {2, "13:00", "16:00"}, {1, "09:00", "17:00"}},
                               {{"2026-12-25", "Christmas Day"}});
  ASSERT_EQ(h.week.size(), 3u);
  EXPECT_EQ(h.week[0].weekday, 1);
  ASSERT_EQ(h.closures.size(), 1u);
  EXPECT_EQ(h.closures[0].reason, "Christmas Day");
  EXPECT_EQ(audit_rows("network.office_hours_update"), 1);
  // The same again changes nothing and records nothing.
  svc().replace(&a, meta(), "default", {{1, "09:00", "17:00"}, {2, "10:00", "12:00"}, {2, "13:00", "16:00"}},
                {{"2026-12-25", "Christmas Day"}});
  EXPECT_EQ(audit_rows("network.office_hours_update"), 1);
  // Everyone with a key reads them; upcoming closures only within 60 days unless asked for all.
  const auto m = member();
  EXPECT_TRUE(svc().get(&m, "default", at("2026-01-07T12:00:00Z"), false).closures.empty());
  EXPECT_EQ(svc().get(&m, "default", at("2026-12-01T12:00:00Z"), false).closures.size(), 1u);
  EXPECT_EQ(svc().get(&m, "default", at("2026-01-07T12:00:00Z"), true).closures.size(), 1u);
}

TEST_F(OfficeHoursServiceTest, InvalidHoursAreRefusedAndNothingChanges) {
  const auto a = admin();
  const auto replace = [&](std::vector<services::WeeklyHours> week, std::vector<services::Closure> closures) {
    return test::error_code_of([&] { svc().replace(&a, meta(), "default", week, closures); });
  };
  EXPECT_EQ(replace({{1, "09:00", "12:00"}, {1, "11:00", "15:00"}}, {}), "invalid_hours");  // overlap
  EXPECT_EQ(replace({{1, "12:00", "09:00"}}, {}), "invalid_hours");
  EXPECT_EQ(replace({{1, "25:00", "26:00"}}, {}), "invalid_hours");
  EXPECT_EQ(replace({{8, "09:00", "10:00"}}, {}), "invalid_hours");
  EXPECT_EQ(replace({{1, "01:00", "02:00"}, {1, "03:00", "04:00"}, {1, "05:00", "06:00"}, {1, "07:00", "08:00"},
                     {1, "09:00", "10:00"}},
                    {}),
            "invalid_hours");
  EXPECT_EQ(replace({}, {{"2026-02-30", ""}}), "invalid_closure");
  EXPECT_EQ(replace({}, {{"2026-01-06", ""}}), "invalid_closure");  // yesterday
  EXPECT_EQ(replace({}, {{"2026-03-01", ""}, {"2026-03-01", ""}}), "invalid_closure");
  EXPECT_EQ(replace({}, {{"2026-03-01", std::string(201, 'a')}}), "invalid_closure");
  EXPECT_EQ(status(london_, "2026-01-07T12:00:00Z").summary, "Moderators are here until 17:00");  // unchanged
  EXPECT_EQ(audit_rows("network.office_hours_update"), 0);
  const auto m = member();
  const auto c = clinician();
  EXPECT_EQ(test::error_code_of([&] { svc().replace(&m, meta(), "default", {}, {}); }), "not_allowed");
  EXPECT_EQ(test::error_code_of([&] { svc().replace(&c, meta(), "default", {}, {}); }), "not_allowed");
  EXPECT_EQ(test::error_code_of([&] { svc().get(&m, "nyc", meta().now, false); }), "network_not_found");
}

TEST_F(OfficeHoursServiceTest, RotaShiftsAreForStaffAndAuditedBothWays) {
  const auto a = admin();
  const auto s = svc().add_shift(&a, meta(), "default", clinician_, "2026-01-07T08:00:00Z", "2026-01-07T20:00:00Z");
  EXPECT_EQ(s.pseudonym, "Staff Alder");
  EXPECT_EQ(s.role, "clinician");
  EXPECT_EQ(s.starts_at, "2026-01-07T08:00:00.000Z");
  EXPECT_EQ(audit_rows("rota.add"), 1);
  EXPECT_EQ(test::error_code_of([&] { svc().add_shift(&a, meta(), "default", member_, "2026-01-07T08:00:00Z", "2026-01-07T20:00:00Z"); }),
            "not_staff");
  EXPECT_EQ(test::error_code_of([&] { svc().add_shift(&a, meta(), "default", volunteer_, "2026-01-07T08:00:00Z", "2026-01-08T08:00:01Z"); }),
            "invalid_shift");  // longer than a day
  EXPECT_EQ(test::error_code_of([&] { svc().add_shift(&a, meta(), "default", clinician_, "2026-01-07T19:00:00Z", "2026-01-07T22:00:00Z"); }),
            "shift_overlaps");
  EXPECT_EQ(test::error_code_of([&] { svc().add_shift(&a, meta(), "default", volunteer_, "yesterday", "2026-01-07T22:00:00Z"); }),
            "invalid_time");
  const auto c = clinician();
  const auto people = svc().on_shift(&c, "default", at("2026-01-07T12:00:00Z"));
  ASSERT_EQ(people.size(), 1u);
  EXPECT_EQ(people[0].id, clinician_);
  EXPECT_EQ(svc().rota(&c, "default", std::nullopt, std::nullopt, at("2026-01-07T12:00:00Z")).size(), 1u);
  const auto m = member();
  EXPECT_EQ(test::error_code_of([&] { svc().rota(&m, "default", std::nullopt, std::nullopt, meta().now); }), "not_allowed");
  EXPECT_EQ(test::error_code_of([&] { svc().remove_shift(&c, meta(), s.id); }), "not_allowed");
  svc().remove_shift(&a, meta(), s.id);
  EXPECT_EQ(audit_rows("rota.remove"), 1);
  EXPECT_EQ(test::error_code_of([&] { svc().remove_shift(&a, meta(), s.id); }), "shift_not_found");
  EXPECT_TRUE(svc().on_shift(&c, "default", at("2026-01-07T12:00:00Z")).empty());
}

TEST_F(OfficeHoursTest, DemoSeedingFillsOnlyNetworksWithoutHoursAndPutsDemoStaffOnShift) {
  const auto demo_clinician = write([&](store::Connection& c) {
    const auto id = store::insert_user(c, "Demo Clinician", services::pseudonym_key("Demo Clinician"), "x", false,
                                       "2026-01-01T00:00:00.000Z");
    store::upsert_membership(c, id, london_, "clinician");
    return id;
  });
  hours(london_, 7, "12:00", "13:00");  // London has hours already: they stay as they are
  for (int i = 0; i < 2; ++i) services::seed_demo_office_hours(*db_, at("2026-01-07T06:00:00Z"));
  EXPECT_EQ(status(empty_, "2026-01-10T10:30:00Z").summary, "Moderators are here until 14:00");  // Saturday
  EXPECT_TRUE(status(london_, "2026-01-11T12:30:00Z").open);  // the Sunday hour London had
  EXPECT_EQ(on_shift("2026-01-07T08:00:00Z"), std::vector<std::int64_t>{demo_clinician});
  EXPECT_EQ(on_shift("2026-01-08T19:59:00Z"), std::vector<std::int64_t>{demo_clinician});
  EXPECT_TRUE(on_shift("2026-01-07T20:00:00Z").empty());
  const auto shifts = db_->read([&](store::Connection& c) {
    auto& s = c.prepare("SELECT count(*) FROM rota_shifts");
    s.step();
    const auto n = s.column_int64(0);
    s.reset();
    return n;
  });
  EXPECT_EQ(shifts, 2);  // twice seeded, two shifts
}

}  // namespace
