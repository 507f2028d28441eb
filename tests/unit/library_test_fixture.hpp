#pragma once
// A database with two networks and people holding keys to them, for the resources library and
// search tests: real SQLite on a temporary file, Principals built as the session middleware
// would build them.
#include "core/clock.hpp"
#include "services/principal.hpp"
#include "services/request_meta.hpp"
#include "store/account_repo.hpp"
#include "store/database.hpp"
#include "store/network_repo.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace harbour::test {

class LibraryFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::make_unique<store::Database>(store::Database::Options{.path = dir_.path() / "harbour.db", .max_readers = 4});
    db_->writer()
        .run([&](store::Connection& c) {
          net_a_ = store::find_network_by_slug(c, "default")->id;
          net_b_ = store::insert_network(c, "perinatal", "Perinatal", "Europe/London", "[]");
          for (const char* name : {"Lib Member", "Lib Carer", "Lib Clinician", "Lib Volunteer", "Lib Admin", "Lib Member B",
                                   "Lib Clinician B"}) {
            ids_.push_back(store::insert_user(c, name, name, "x", std::string(name) == "Lib Admin", "2026-01-01T00:00:00.000Z"));
          }
        })
        .get();
  }

  services::Principal person(std::size_t index, std::vector<std::pair<std::int64_t, services::Role>> keys, bool admin = false,
                             bool second_factor = true) {
    services::Principal p;
    p.user_id = ids_.at(index);
    p.pseudonym = "Person " + std::to_string(index);
    p.is_admin = admin;
    p.second_factor_done = second_factor;
    p.totp_enabled = second_factor;
    p.session_id = 1;
    p.session_ref = "testsession";
    for (const auto& [network, role] : keys) {
      p.memberships.push_back({network, network == net_a_ ? "default" : "perinatal", "Network", role, true});
    }
    return p;
  }

  services::Principal member() { return person(0, {{net_a_, services::Role::Member}}); }
  services::Principal carer() { return person(1, {{net_a_, services::Role::Carer}}); }
  services::Principal clinician(bool second_factor = true) {
    return person(2, {{net_a_, services::Role::Clinician}}, false, second_factor);
  }
  services::Principal volunteer() { return person(3, {{net_a_, services::Role::Volunteer}}); }
  services::Principal admin(bool second_factor = true) { return person(4, {}, true, second_factor); }
  services::Principal member_b() { return person(5, {{net_b_, services::Role::Member}}); }
  services::Principal clinician_b() { return person(6, {{net_b_, services::Role::Clinician}}); }

  // Requests a minute apart, so "most recently updated" has a clear order.
  services::RequestMeta meta(int minute = 0) {
    return {"192.0.2.1", std::chrono::system_clock::time_point(std::chrono::hours(24 * 365 * 56) + std::chrono::minutes(minute))};
  }

  std::int64_t count(store::Sql sql) {
    return db_->read([&](store::Connection& c) {
      auto& s = c.prepare(sql);
      const auto n = s.step() ? s.column_int64(0) : -1;
      s.reset();
      return n;
    });
  }

  TempDir dir_;
  std::unique_ptr<store::Database> db_;
  std::int64_t net_a_ = 0;
  std::int64_t net_b_ = 0;
  std::vector<std::int64_t> ids_;
};

}  // namespace harbour::test
