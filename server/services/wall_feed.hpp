#pragma once
// Publishes the Wall's stored events live, strictly in event-id order, exactly once each
// (DESIGN.md section 5). The writer wakes it after every commit (poke); it reads what was
// committed after the last event it published and publishes each to its audience's topics. One
// thread does this, so two commits never race to the sockets out of order, and a lost wake-up
// costs at most one tick: every tick reads again. Each tick also publishes a network's presence
// (who is on its Wall) when it changed, and wall_hours when its office opens or closes.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace harbour::core {
class Clock;
}
namespace harbour::live {
class Hub;
}
namespace harbour::store {
class Database;
}

namespace harbour::services {

class WallFeed {
 public:
  WallFeed(store::Database& db, live::Hub& hub, const core::Clock& clock,
           std::chrono::milliseconds tick = std::chrono::seconds(2));
  ~WallFeed();  // stop()
  WallFeed(const WallFeed&) = delete;
  WallFeed& operator=(const WallFeed&) = delete;

  // Starts after the newest stored event (older ones were live before this process).
  void start();
  void stop();
  // Something was committed: look for new events now. Any thread; never blocks for long.
  void poke() noexcept;

  // One round of work, for tests that drive the feed by hand (no thread needed).
  void publish_pending();
  void publish_state();

 private:
  void run();

  store::Database& db_;
  live::Hub& hub_;
  const core::Clock& clock_;
  std::chrono::milliseconds tick_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool poked_ = false;
  bool stopping_ = false;
  std::thread thread_;
  std::mutex publish_mutex_;  // one publisher at a time (the thread, or a test)
  std::int64_t last_published_ = 0;
  std::map<std::int64_t, std::string> presence_sent_;  // network -> last wall_presence text
  std::map<std::int64_t, bool> open_seen_;             // network -> office open at the last tick
  std::map<std::int64_t, std::size_t> sockets_seen_;   // network -> sockets on its Wall at the last tick
};

}  // namespace harbour::services
