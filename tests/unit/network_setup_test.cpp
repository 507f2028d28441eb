// The operator's network set-up (`harbour network create` / `update`, services/network_service):
// what a new network starts with, what is refused without writing anything, and the audit rows.
#include "core/app_error.hpp"
#include "core/clock.hpp"
#include "live/hub.hpp"
#include "services/audit_log.hpp"
#include "services/network_service.hpp"
#include "services/services.hpp"
#include "store/connection.hpp"
#include "store/database.hpp"
#include "store/network_repo.hpp"
#include "store/sql.hpp"
#include "support/database_fixture.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

using namespace harbour;

namespace {

class NetworkSetupTest : public test::DatabaseTest {
 protected:
  void SetUp() override {
    db_ = std::make_unique<store::Database>(store::Database::Options{.path = dir_.path() / "harbour.db", .max_readers = 2});
    services_ = std::make_unique<services::Services>(*db_, hub_, clock_, services::ServicesOptions{});
  }

  services::NetworkService& networks() { return services_->networks(); }

  std::int64_t count(store::Sql sql) {
    return read([&](store::Connection& c) {
      auto& s = c.prepare(sql);
      s.step();
      const auto n = s.column_int64(0);
      s.reset();
      return n;
    });
  }

  // [action, target_id, reason, details] of the audit rows after `after_id`.
  std::vector<nlohmann::json> audit_after(std::int64_t after_id) {
    return read([&](store::Connection& c) {
      std::vector<nlohmann::json> rows;
      auto& s = c.prepare("SELECT action, target_id, reason, details, actor_role FROM audit_log WHERE id > ?1 ORDER BY id");
      s.bind(1, after_id);
      while (s.step()) {
        rows.push_back({{"action", s.column_text(0)}, {"target", s.column_text(1)}, {"reason", s.column_text(2)},
                        {"details", nlohmann::json::parse(s.column_text(3))}, {"actor_role", s.column_text(4)}});
      }
      s.reset();
      return rows;
    });
  }

  std::int64_t last_audit_id() { return count("SELECT coalesce(max(id), 0) FROM audit_log"); }

  void expect_refused(const char* code, const std::function<void()>& call) {
    const auto networks_before = count("SELECT count(*) FROM networks");
    const auto audit_before = last_audit_id();
    try {
      call();
      ADD_FAILURE() << "expected " << code;
    } catch (const core::AppError& e) {
      EXPECT_EQ(e.code(), code);
    }
    EXPECT_EQ(count("SELECT count(*) FROM networks"), networks_before) << code;
    EXPECT_EQ(last_audit_id(), audit_before) << code;
  }

  static services::NetworkSettings perinatal() {
    services::NetworkSettings s;
    s.name = "Perinatal mental health";
    s.time_zone = "Europe/London";
    s.local_team = core::CrisisTeam{"Perinatal crisis line", "0300 123 4567", "24 hours, every day"};
    return s;
  }

  live::Hub hub_;
  core::RealClock clock_;
  std::unique_ptr<services::Services> services_;
};

TEST_F(NetworkSetupTest, ANewNetworkStartsWithTheNationalContactsItsOwnTeamGuidelinesAndPolicy) {
  const auto before = last_audit_id();
  const auto created = networks().create("perinatal", perinatal(), "new service opens");
  EXPECT_EQ(created.slug, "perinatal");
  EXPECT_EQ(created.name, "Perinatal mental health");

  // The public crisis page shows 999, 111, Samaritans, Shout and the network's own team.
  const auto shown = networks().crisis_contacts("perinatal");
  std::vector<std::string> ids;
  for (const auto& contact : shown.crisis_contacts) ids.push_back(contact.value("id", ""));
  EXPECT_EQ(ids, (std::vector<std::string>{"emergency", "nhs111", "samaritans", "shout", "local_crisis_team"}));
  EXPECT_EQ(shown.crisis_contacts.back().value("number", ""), "0300 123 4567");
  EXPECT_EQ(shown.crisis_contacts.back().value("name", ""), "Perinatal crisis line");

  // Joining needs guidelines to accept; the moderation gate needs its policy row.
  EXPECT_EQ(count("SELECT count(*) FROM guidelines g JOIN networks n ON n.id = g.network_id"
                  " WHERE n.slug = 'perinatal' AND g.version = 1 AND g.body = (SELECT body FROM guidelines"
                  " WHERE network_id = (SELECT id FROM networks WHERE slug = 'default') ORDER BY version DESC LIMIT 1)"),
            1);
  EXPECT_EQ(count("SELECT count(*) FROM moderation_policies p JOIN networks n ON n.id = p.network_id WHERE n.slug = 'perinatal'"), 1);
  // And an invitation to it can be issued and previewed.
  const auto invitation = services_->invitations().issue_as_system("perinatal", "member", std::nullopt, "test");
  EXPECT_EQ(invitation.network_slug, "perinatal");

  const auto rows = audit_after(before);
  ASSERT_GE(rows.size(), 1u);
  EXPECT_EQ(rows[0]["action"], "network.create");
  EXPECT_EQ(rows[0]["target"], "perinatal");
  EXPECT_EQ(rows[0]["reason"], "new service opens");
  EXPECT_EQ(rows[0]["actor_role"], "system");
  EXPECT_EQ(rows[0]["details"]["local_team"]["number"], "0300 123 4567");
  const auto verified = read([](store::Connection& c) { return services::verify_audit_chain(c, std::nullopt); });
  EXPECT_TRUE(verified.ok) << verified.problem;
}

TEST_F(NetworkSetupTest, ATeamWithoutANumberIsNotShownUntilItHasOne) {
  auto settings = perinatal();
  settings.local_team->number = "";
  networks().create("carers", settings, "");
  for (const auto& contact : networks().crisis_contacts("carers").crisis_contacts) {
    EXPECT_NE(contact.value("id", ""), "local_crisis_team");
  }
  // Listed for the operator, so the missing number can be seen and fixed.
  bool listed = false;
  for (const auto& n : networks().list()) {
    for (const auto& contact : n.crisis_contacts) listed |= n.slug == "carers" && contact.value("id", "") == "local_crisis_team";
  }
  EXPECT_TRUE(listed);

  services::NetworkSettings fix;
  fix.local_team = core::CrisisTeam{"Carers crisis line", "+44 (0)300 000-1111", "9am to 5pm"};
  const auto before = last_audit_id();
  networks().update("carers", fix, "number from the trust");
  EXPECT_EQ(networks().crisis_contacts("carers").crisis_contacts.back().value("number", ""), "+44 (0)300 000-1111");
  const auto rows = audit_after(before);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["action"], "network.crisis_contacts_update");
  EXPECT_EQ(rows[0]["reason"], "number from the trust");
}

TEST_F(NetworkSetupTest, RenamingAndMovingTimeZoneAreAuditedWithBeforeAndAfter) {
  networks().create("perinatal", perinatal(), "");
  services::NetworkSettings change;
  change.name = "Perinatal";
  change.time_zone = "Europe/Belfast";
  const auto before = last_audit_id();
  const auto after = networks().update("perinatal", change, "rename");
  EXPECT_EQ(after.name, "Perinatal");
  EXPECT_EQ(after.time_zone, "Europe/Belfast");
  const auto rows = audit_after(before);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["action"], "network.update");
  EXPECT_EQ(rows[0]["details"]["name"]["from"], "Perinatal mental health");
  EXPECT_EQ(rows[0]["details"]["time_zone"]["to"], "Europe/Belfast");

  // The same values again change nothing and write no audit row.
  networks().update("perinatal", change, "again");
  EXPECT_EQ(last_audit_id(), before + 1);
}

TEST_F(NetworkSetupTest, BadInputIsRefusedWithAStableCodeAndNothingWritten) {
  networks().create("perinatal", perinatal(), "");
  expect_refused("network_exists", [&] { networks().create("perinatal", perinatal(), ""); });
  for (const char* slug : {"P", "Perinatal", "peri natal", "a", "../x", "perinatal/x", ""}) {
    expect_refused("invalid_network_slug", [&] { networks().create(slug, perinatal(), ""); });
  }
  auto s = perinatal();
  s.time_zone = "Mars/Olympus_Mons";
  expect_refused("unknown_time_zone", [&] { networks().create("mars", s, ""); });
  s = perinatal();
  s.name = std::string("Peri\nnatal");
  expect_refused("invalid_network_name", [&] { networks().create("peri", s, ""); });
  s.name = std::string(81, 'x');
  expect_refused("invalid_network_name", [&] { networks().create("peri", s, ""); });
  s.name = std::string("\xC3\x28");  // not UTF-8
  expect_refused("invalid_network_name", [&] { networks().create("peri", s, ""); });
  s = perinatal();
  s.name.reset();
  expect_refused("invalid_network_name", [&] { networks().create("peri", s, ""); });
  for (const char* number : {"call me", "12", "0300 123 4567 ext. 2", "++44 300", "0300\n123"}) {
    s = perinatal();
    s.local_team->number = number;
    expect_refused("invalid_crisis_team", [&] { networks().create("peri", s, ""); });
  }
  s = perinatal();
  s.local_team->name = "";
  expect_refused("invalid_crisis_team", [&] { networks().create("peri", s, ""); });

  services::NetworkSettings team;
  team.local_team = core::CrisisTeam{"Team", "0300 000 0000", ""};
  // The configuration owns the default network's team (written at every start).
  expect_refused("invalid_crisis_team", [&] { networks().update("default", team, ""); });
  expect_refused("network_not_found", [&] { networks().update("nowhere", team, ""); });
  services::NetworkSettings zone;
  zone.time_zone = "Not/AZone";
  expect_refused("unknown_time_zone", [&] { networks().update("perinatal", zone, ""); });
  EXPECT_EQ(networks().crisis_contacts("perinatal").time_zone, "Europe/London");
}

}  // namespace
