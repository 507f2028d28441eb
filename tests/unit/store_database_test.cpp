#include "store/database.hpp"
#include "store/db_error.hpp"
#include "store/network_repo.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace harbour::store {
namespace {

using namespace std::chrono_literals;

nlohmann::json contacts_of(Database& db, std::string_view slug) {
  const auto row = db.read([&](Connection& c) { return find_network_by_slug(c, slug); });
  if (!row) return nullptr;
  return nlohmann::json::parse(row->crisis_contacts_json);
}

const nlohmann::json* find_contact(const nlohmann::json& contacts, std::string_view id) {
  for (const auto& contact : contacts) {
    if (contact.value("id", "") == id) return &contact;
  }
  return nullptr;
}

TEST(StoreDatabase, OpeningMigratesAndReopeningIsANoOp) {
  test::TempDir dir;
  const int latest = static_cast<int>(embedded_migrations().size());
  {
    Database db({.path = dir.file("h.db")});
    EXPECT_EQ(db.schema_version(), latest);
  }
  Database again({.path = dir.file("h.db")});
  EXPECT_EQ(again.schema_version(), latest);
  EXPECT_EQ(again.read([](Connection& c) { return list_networks(c).size(); }), 1u);
}

TEST(StoreDatabase, NewerFileIsRefusedAtOpen) {
  test::TempDir dir;
  {
    Connection c = Connection::open(dir.file("h.db"), Connection::Mode::ReadWrite);
    c.exec("PRAGMA user_version = 1000");
  }
  EXPECT_THROW(Database({.path = dir.file("h.db")}), NewerDatabaseError);
}

TEST(StoreDatabase, MigrateFileBringsAFileUpToDateOnce) {
  test::TempDir dir;
  const int latest = static_cast<int>(embedded_migrations().size());
  const MigrationResult first = migrate_file(dir.file("h.db"));
  EXPECT_EQ(first.from, 0);
  EXPECT_EQ(first.to, latest);
  const MigrationResult second = migrate_file(dir.file("h.db"));
  EXPECT_EQ(second.from, latest);
  EXPECT_EQ(second.to, latest);
}

TEST(StoreDatabase, PingAnswersWhileOpenAndNotAfterClose) {
  test::TempDir dir;
  Database db({.path = dir.file("h.db")});
  EXPECT_TRUE(db.ping());
  db.close();
  EXPECT_FALSE(db.ping());
  EXPECT_THROW(db.read([](Connection&) { return 0; }), DbError);
  EXPECT_NO_THROW(db.close());  // idempotent
}

TEST(StoreDatabase, CloseCheckpointsAndRemovesTheWal) {
  test::TempDir dir;
  {
    Database db({.path = dir.file("h.db")});
    db.writer().run([](Connection& c) { insert_network(c, "wal-test", "W", "Europe/London", "[]"); }).get();
    db.read([](Connection& c) { return list_networks(c).size(); });
    db.close();
  }
  EXPECT_FALSE(std::filesystem::exists(dir.file("h.db-wal")));
}

TEST(StoreDatabase, ReadsRunConcurrentlyOnSeparateConnections) {
  test::TempDir dir;
  constexpr std::size_t kReaders = 4;
  Database db({.path = dir.file("h.db"), .max_readers = kReaders});

  // Every reader waits inside read() until all of them are inside at once: that can only
  // happen with kReaders connections leased at the same time.
  std::mutex mutex;
  std::condition_variable all_in;
  std::size_t inside = 0;
  std::atomic<int> met{0};
  std::vector<const Connection*> used(kReaders);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < kReaders; ++i) {
    threads.emplace_back([&, i] {
      db.read([&](Connection& c) {
        used[i] = &c;
        std::unique_lock lock(mutex);
        ++inside;
        all_in.notify_all();
        if (all_in.wait_for(lock, 10s, [&] { return inside == kReaders; })) met.fetch_add(1);
        return list_networks(c).size();
      });
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(met.load(), static_cast<int>(kReaders));
  std::sort(used.begin(), used.end());
  EXPECT_EQ(std::unique(used.begin(), used.end()), used.end());  // all distinct
}

TEST(StoreDatabase, ReadPoolNeverExceedsMaxReaders) {
  test::TempDir dir;
  constexpr std::size_t kMax = 2;
  Database db({.path = dir.file("h.db"), .max_readers = kMax});
  std::atomic<int> now{0};
  std::atomic<int> peak{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        db.read([&](Connection& c) {
          const int current = now.fetch_add(1) + 1;
          int seen = peak.load();
          while (current > seen && !peak.compare_exchange_weak(seen, current)) {
          }
          std::this_thread::sleep_for(200us);
          const auto n = list_networks(c).size();
          now.fetch_sub(1);
          return n;
        });
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_LE(peak.load(), static_cast<int>(kMax));
  EXPECT_GE(peak.load(), 1);
}

TEST(StoreDatabase, ReadSeesWhatTheWriterCommitted) {
  test::TempDir dir;
  Database db({.path = dir.file("h.db")});
  EXPECT_FALSE(db.read([](Connection& c) { return find_network_by_slug(c, "carers"); }));
  db.writer().run([](Connection& c) { insert_network(c, "carers", "Carers", "Europe/London", "[]"); }).get();
  const auto row = db.read([](Connection& c) { return find_network_by_slug(c, "carers"); });
  ASSERT_TRUE(row);
  EXPECT_EQ(row->name, "Carers");
}

TEST(StoreDatabase, LeaseReturnedMidResultDoesNotPinAStaleSnapshot) {
  test::TempDir dir;
  Database db({.path = dir.file("h.db"), .max_readers = 1});
  db.read([](Connection& c) {
    Statement& s = c.prepare("SELECT slug FROM networks UNION ALL SELECT 'x'");
    return s.step();  // stops after the first row
  });
  db.read([](Connection& c) {
    c.exec("BEGIN");  // and never commits
    return list_networks(c).size();
  });
  db.writer().run([](Connection& c) { insert_network(c, "later", "Later", "Europe/London", "[]"); }).get();
  EXPECT_EQ(db.read([](Connection& c) { return list_networks(c).size(); }), 2u);
}

TEST(StoreDatabase, DefaultNetworkIsFoundBySlug) {
  test::TempDir dir;
  Database db({.path = dir.file("h.db")});
  const auto row = db.read([](Connection& c) { return find_network_by_slug(c, "default"); });
  ASSERT_TRUE(row);
  EXPECT_GT(row->id, 0);
  EXPECT_EQ(row->slug, "default");
  EXPECT_EQ(row->name, "Talking Therapies");
  EXPECT_EQ(row->time_zone, "Europe/London");
  EXPECT_TRUE(nlohmann::json::parse(row->crisis_contacts_json).is_array());
  EXPECT_FALSE(db.read([](Connection& c) { return find_network_by_slug(c, "nope"); }));
}

TEST(StoreDatabase, InsertNetworkIsIdempotentAndReturnsTheSameId) {
  test::TempDir dir;
  Database db({.path = dir.file("h.db")});
  const auto insert = [&](std::string_view name) {
    return db.writer()
        .run([name](Connection& c) {
          return insert_network(c, "perinatal", name, "Europe/London", R"([ {"id": "x", "name": "X"} ])");
        })
        .get();
  };
  const std::int64_t first = insert("Perinatal");
  const std::int64_t second = insert("Another name");
  EXPECT_EQ(first, second);

  const auto rows = db.read([](Connection& c) { return list_networks(c); });
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].slug, "default");
  EXPECT_EQ(rows[1].slug, "perinatal");
  EXPECT_EQ(rows[1].name, "Perinatal");  // the first insert wins
  EXPECT_EQ(rows[1].crisis_contacts_json, R"([{"id":"x","name":"X"}])");  // stored minified
}

TEST(StoreDatabase, InsertNetworkRefusesContactsThatAreNotAJsonArray) {
  test::TempDir dir;
  Database db({.path = dir.file("h.db")});
  for (const char* bad : {"{}", "[", "not json", "", "[1] [2]"}) {
    auto future = db.writer().run(
        [bad](Connection& c) { return insert_network(c, "bad-json", "Bad", "Europe/London", bad); });
    try {
      future.get();
      ADD_FAILURE() << "accepted " << bad;
    } catch (const DbError& e) {
      EXPECT_TRUE(e.is_constraint()) << bad << ": " << e.what();
    }
  }
  EXPECT_FALSE(db.read([](Connection& c) { return find_network_by_slug(c, "bad-json"); }));
}

TEST(StoreDatabase, SetLocalCrisisTeamUpdatesInPlaceAndKeepsJsonValid) {
  test::TempDir dir;
  Database db({.path = dir.file("h.db")});
  const auto before = contacts_of(db, "default");
  const std::string tricky_name = R"(Crisis "team" \ north, ]}{)";
  db.writer()
      .run([&](Connection& c) { set_local_crisis_team(c, "default", tricky_name, "0300 123 4567", "Weekdays 9 to 5"); })
      .get();

  EXPECT_EQ(db.read([](Connection& c) {
              Statement& s = c.prepare("SELECT json_valid(crisis_contacts) FROM networks WHERE slug = 'default'");
              return s.step() ? s.column_int64(0) : -1;
            }),
            1);
  const auto after = contacts_of(db, "default");
  ASSERT_EQ(after.size(), before.size());
  for (std::size_t i = 0; i + 1 < after.size(); ++i) EXPECT_EQ(after[i], before[i]);  // others untouched
  const auto& team = after.back();  // still in its place, last
  EXPECT_EQ(team.at("id"), "local_crisis_team");
  EXPECT_EQ(team.at("name"), tricky_name);
  EXPECT_EQ(team.at("number"), "0300 123 4567");
  EXPECT_EQ(team.at("available"), "Weekdays 9 to 5");
  EXPECT_EQ(team.at("action"), "call");
  EXPECT_EQ(team.at("description"), before.back().at("description"));

  // Again, with different values: still one entry.
  db.writer().run([](Connection& c) { set_local_crisis_team(c, "default", "Team", "111", ""); }).get();
  const auto again = contacts_of(db, "default");
  EXPECT_EQ(again.size(), before.size());
  EXPECT_EQ(again.back().at("number"), "111");
}

TEST(StoreDatabase, SetLocalCrisisTeamAppendsTheEntryWhenMissing) {
  test::TempDir dir;
  Database db({.path = dir.file("h.db")});
  db.writer()
      .run([](Connection& c) {
        insert_network(c, "no-team", "No team", "Europe/London", R"([{"id":"emergency","number":"999"}])");
        set_local_crisis_team(c, "no-team", "Local team", "0300 000 0000", "24 hours");
      })
      .get();
  const auto contacts = contacts_of(db, "no-team");
  ASSERT_EQ(contacts.size(), 2u);
  const auto* team = find_contact(contacts, "local_crisis_team");
  ASSERT_NE(team, nullptr);
  EXPECT_EQ(team->at("number"), "0300 000 0000");
  EXPECT_EQ(team->at("action"), "call");
}

TEST(StoreDatabase, SetLocalCrisisTeamOnAnUnknownNetworkThrows) {
  test::TempDir dir;
  Database db({.path = dir.file("h.db")});
  auto future = db.writer().run([](Connection& c) { set_local_crisis_team(c, "nowhere", "T", "1", ""); });
  EXPECT_THROW(future.get(), DbError);
}

}  // namespace
}  // namespace harbour::store
