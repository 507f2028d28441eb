#include "services/wall_feed.hpp"

#include "core/clock.hpp"
#include "core/log.hpp"
#include "live/hub.hpp"
#include "services/office_hours.hpp"
#include "services/wall_service.hpp"
#include "store/database.hpp"
#include "store/network_repo.hpp"
#include "store/wall_events_repo.hpp"

#include <nlohmann/json.hpp>

#include <utility>
#include <vector>

namespace harbour::services {
namespace {

constexpr int kBatch = 500;

struct Outgoing {
  std::vector<std::string> topics;
  live::Payload payload;
};

}  // namespace

WallFeed::WallFeed(store::Database& db, live::Hub& hub, const core::Clock& clock, std::chrono::milliseconds tick)
    : db_(db), hub_(hub), clock_(clock), tick_(tick) {
  last_published_ = db_.read([](store::Connection& c) { return store::last_wall_event_id(c); });
}

WallFeed::~WallFeed() { stop(); }

void WallFeed::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { run(); });
}

void WallFeed::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void WallFeed::poke() noexcept {
  {
    std::lock_guard lock(mutex_);
    poked_ = true;
  }
  wake_.notify_one();
}

void WallFeed::run() {
  auto next_state = std::chrono::steady_clock::now();
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_until(lock, next_state, [&] { return stopping_ || poked_; });
    if (stopping_) break;
    poked_ = false;
    lock.unlock();
    try {
      publish_pending();  // also on a plain tick: a wake-up that was lost costs one tick, no more
      if (std::chrono::steady_clock::now() >= next_state) {
        publish_state();
        next_state = std::chrono::steady_clock::now() + tick_;
      }
    } catch (const std::exception& e) {
      core::log::error("wall_feed_failed", {{"error", e.what()}});
      next_state = std::chrono::steady_clock::now() + tick_;
    }
    lock.lock();
  }
}

void WallFeed::publish_pending() {
  std::lock_guard publishing(publish_mutex_);
  for (;;) {
    // Read and render under one reader; publish after it is returned to the pool.
    std::vector<Outgoing> out;
    std::int64_t newest = last_published_;
    db_.read([&](store::Connection& c) {
      const auto rows = store::wall_events_after(c, std::nullopt, last_published_, kBatch);
      if (rows.empty()) return;
      std::map<std::int64_t, std::string> slugs;
      for (const auto& n : store::list_networks(c)) slugs[n.id] = n.slug;
      for (const auto& e : rows) {
        newest = e.id;
        auto event = wall_event_json(c, e, slugs[e.network_id]);
        if (!event) continue;
        Outgoing o;
        if (e.audience == "all") {
          o.topics.push_back(wall_topic(e.network_id));
        } else {
          o.topics.push_back(wall_staff_topic(e.network_id));
          o.topics.push_back(wall_author_topic(e.network_id, e.author_id));
        }
        o.payload = live::make_payload(event->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
        out.push_back(std::move(o));
      }
    });
    // Runs of events for the same topics go out together (Hub::publish_all), so a socket gets
    // what piled up in one write; runs keep the id order every socket sees.
    for (std::size_t i = 0; i < out.size();) {
      std::size_t end = i + 1;
      while (end < out.size() && out[end].topics == out[i].topics) ++end;
      std::vector<live::Payload> run;
      run.reserve(end - i);
      for (std::size_t k = i; k < end; ++k) run.push_back(out[k].payload);
      for (const auto& topic : out[i].topics) hub_.publish_all(topic, run);
      i = end;
    }
    if (newest == last_published_) return;
    last_published_ = newest;
  }
}

void WallFeed::publish_state() {
  std::lock_guard publishing(publish_mutex_);
  const auto now = clock_.system_now();
  std::vector<std::pair<std::string, live::Payload>> out;
  db_.read([&](store::Connection& c) {
    for (const auto& n : store::list_networks(c)) {
      const auto topic = wall_topic(n.id);
      const bool listened = hub_.subscriber_count(topic) > 0;
      const auto status = office_status(c, n.id, now);
      const bool open = status.open || !status.next_change;
      const auto seen = open_seen_.find(n.id);
      if (seen != open_seen_.end() && seen->second != open && listened) {
        const nlohmann::json hours = {{"type", "wall_hours"}, {"network", n.slug}, {"open", open}, {"summary", status.summary},
                                      {"next_change", status.next_change ? nlohmann::json(core::format_utc_ms(*status.next_change))
                                                                         : nlohmann::json()}};
        out.emplace_back(topic, live::make_payload(hours.dump()));
      }
      open_seen_[n.id] = open;
      if (!listened) {
        presence_sent_.erase(n.id);
        sockets_seen_.erase(n.id);
        continue;
      }
      // Sent when it changed, and when more sockets joined (a new tab learns who is here too).
      auto text = wall_presence_json(c, hub_, n.id, n.slug, now).dump();
      const auto sockets = hub_.subscriber_count(topic);
      if (presence_sent_[n.id] != text || sockets > sockets_seen_[n.id]) {
        presence_sent_[n.id] = text;
        out.emplace_back(topic, live::make_payload(std::move(text)));
      }
      sockets_seen_[n.id] = sockets;
    }
  });
  for (const auto& [topic, payload] : out) hub_.publish(topic, payload);
}

}  // namespace harbour::services
