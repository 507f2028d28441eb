#pragma once
// What several microbenchmarks share: a temporary folder, and a small community in a real SQLite
// file (the migrations of the binary, the "default" network, 40 members, one category holding
// 1,000 published topics with reactions, content notes and two pinned ones, office hours, 20
// watched words and a few network risk terms). Built once, on first use, so a filtered run only
// pays for what it uses; released by main() before exit.
#include "core/clock.hpp"
#include "live/hub.hpp"
#include "services/principal.hpp"
#include "services/services.hpp"
#include "store/database.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace harbour::micro {

// A fresh folder under $TMPDIR (or /tmp), removed with its contents.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

inline constexpr int kCommunityTopics = 1000;
inline constexpr int kCommunityMembers = 40;

struct Community {
  Community();
  ~Community();

  TempDir dir;
  std::unique_ptr<store::Database> db;
  live::Hub hub;
  core::RealClock clock;
  std::unique_ptr<services::Services> services;  // after db: goes first
  std::int64_t network_id = 0;
  std::int64_t category_id = 0;
  std::vector<std::int64_t> member_ids;  // all hold a member key to the network
  services::Principal reader;             // a member (not staff) who opened some topics
};

// The shared community, seeded on first call (about a second).
Community& community();

// Closes the shared community (joins the writer and the Wall feed threads, removes the folder).
void release_fixtures();

}  // namespace harbour::micro
