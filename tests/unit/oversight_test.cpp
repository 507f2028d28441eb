// The dashboard and the weekly service report: percentiles, small-number suppression, CSV, and
// counts that follow the queue and cases.
#include "library_test_fixture.hpp"

#include "core/app_error.hpp"
#include "services/oversight_service.hpp"
#include "store/category_repo.hpp"
#include "store/moderation_repo.hpp"
#include "store/post_repo.hpp"

using namespace harbour;
using services::OversightService;

namespace {

class OversightTest : public test::LibraryFixture {
 protected:
  void SetUp() override {
    LibraryFixture::SetUp();
    category_ = db_->writer().run([&](store::Connection& c) { return store::insert_category(c, {net_a_, "Space", "", 0, 31, 31}, "x"); }).get();
  }

  // A member's held topic with its queue item, created `minutes_ago` before `now_`, decided
  // `review` minutes later when given.
  void held_item(int minutes_ago, std::optional<int> review = std::nullopt) {
    db_->writer()
        .run([&](store::Connection& c) {
          const auto at = core::format_utc_ms(now_ - std::chrono::minutes(minutes_ago));
          const auto post = store::insert_post(
              c, {net_a_, "topic", ids_[0], "member", category_, std::nullopt, std::string("T"), "B", "", "held"}, at);
          const auto item = store::insert_moderation_item(c, net_a_, post, "new_member", std::nullopt, at);
          if (review) {
            c.prepare("UPDATE moderation_items SET state = 'approved', decided_at = ?2 WHERE id = ?1")
                .bind(1, item)
                .bind(2, core::format_utc_ms(now_ - std::chrono::minutes(minutes_ago) + std::chrono::minutes(*review)))
                .run();
          }
        })
        .get();
  }

  std::int64_t category_ = 0;
  std::chrono::system_clock::time_point now_ = std::chrono::sys_days(std::chrono::year{2026} / 11 / 18) + std::chrono::hours(12);
};

}  // namespace

TEST(OversightMath, PercentileNeedsFiveValuesAndUsesNearestRank) {
  EXPECT_FALSE(services::percentile({1, 2, 3, 4}, 0.5));
  EXPECT_EQ(services::percentile({1, 2, 3, 4, 5}, 0.5), 3.0);
  EXPECT_EQ(services::percentile({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.9), 9.0);
  EXPECT_EQ(services::percentile({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.5), 5.0);
}

TEST(OversightMath, SmallCountsAreSuppressedButZeroIsNot) {
  EXPECT_EQ(services::suppress_small(0), 0);
  for (int n = 1; n < 5; ++n) EXPECT_FALSE(services::suppress_small(n)) << n;
  EXPECT_EQ(services::suppress_small(5), 5);
}

TEST(OversightMath, CsvWritesSuppressedCellsAsLessThanFive) {
  services::WeekRow r;
  r.week_start = "2026-11-16";
  r.members_active = 12;
  r.posts = 40;
  r.held = std::nullopt;
  r.cases_opened = 0;
  r.cases_answered_in_time = 0;
  r.cases_closed = 0;
  const auto csv = services::weekly_report_csv({r});
  EXPECT_NE(csv.find("week_start,members_active,posts,held,"), std::string::npos);
  EXPECT_NE(csv.find("2026-11-16,12,40,<5,,,0,0,0\r\n"), std::string::npos) << csv;
}

TEST_F(OversightTest, DashboardCountsTheQueueAndReviewTimes) {
  held_item(90);
  held_item(30);
  for (int i = 0; i < 5; ++i) held_item(600 + i, 10 * (i + 1));  // reviews of 10..50 minutes
  OversightService oversight(*db_);
  const auto staff = clinician();
  const auto d = oversight.dashboard(&staff, "default", now_);
  EXPECT_EQ(d.open_items, 2);
  EXPECT_EQ(d.oldest_item_minutes.value_or(-1), 90);
  EXPECT_EQ(d.review_last_7_days.sample, 5);
  EXPECT_NEAR(d.review_last_7_days.median_minutes.value_or(-1), 30.0, 0.01);
  EXPECT_NEAR(d.review_last_7_days.p90_minutes.value_or(-1), 50.0, 0.01);
  const auto m = member();
  EXPECT_THROW(oversight.dashboard(&m, "default", now_), core::AppError);
}

TEST_F(OversightTest, WeeklyReportSuppressesSmallNumbersAndIsForClinicians) {
  for (int i = 0; i < 3; ++i) held_item(60 + i);
  OversightService oversight(*db_);
  const auto staff = clinician();
  const auto rows = oversight.weekly_report(&staff, "default", 2, now_);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows.back().week_start, "2026-11-16");  // the Monday of the week of 18 November 2026
  EXPECT_FALSE(rows.back().posts) << "3 posts must not be published";
  EXPECT_FALSE(rows.back().held_share);
  EXPECT_EQ(rows.front().posts, 0);
  const auto v = volunteer();
  EXPECT_THROW(oversight.weekly_report(&v, "default", 2, now_), core::AppError);
  EXPECT_THROW(oversight.weekly_report(&staff, "default", 27, now_), core::AppError);
}
