#pragma once
// Publish/subscribe for live events (DESIGN.md §5). Topics are strings such as "wall:3",
// "staff:3", "user:42" or "heartbeat". An event is serialised once and shared by every
// subscriber; subscribers are held weakly so a closed socket never keeps itself alive here.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace harbour::live {

using Payload = std::shared_ptr<const std::string>;

// Implemented by WebSocket sessions. deliver() is called from any thread, must not block, and
// must not call back into the Hub.
class Subscriber {
 public:
  virtual ~Subscriber() = default;
  virtual void deliver(const Payload& event) = 0;
  // Several events at once, in order (a busy Wall's feed publishes what piled up together): a
  // socket can then send them in one write. Same rules as deliver().
  virtual void deliver_all(const std::vector<Payload>& events) {
    for (const auto& e : events) deliver(e);
  }
  // The subscriber must go away (its session ended, its account was suspended): close with
  // `code`. Same threading rules as deliver().
  virtual void end(int code, const std::string& reason) = 0;
  // The person it belongs to (0: nobody in particular), so presence counts people, not tabs.
  virtual std::int64_t owner_id() const noexcept { return 0; }
};

class Hub {
 public:
  void subscribe(const std::string& topic, const std::shared_ptr<Subscriber>& subscriber);
  void unsubscribe(const std::string& topic, const Subscriber* subscriber);
  // Removes `subscriber` from every topic (a closing socket).
  void unsubscribe_all(const Subscriber* subscriber);

  // Delivers to the topic's live subscribers; returns how many it reached. Subscribers are
  // snapshotted under the lock and called outside it, so a slow deliver() never blocks others.
  std::size_t publish(const std::string& topic, const Payload& event);
  // The same for several events, delivered to each subscriber together and in order.
  std::size_t publish_all(const std::string& topic, const std::vector<Payload>& events);

  // Ends every subscriber of the topic (e.g. "session:42") and forgets the topic.
  std::size_t end_topic(const std::string& topic, int code, const std::string& reason);

  std::size_t subscriber_count(const std::string& topic) const;
  // The distinct owners (Subscriber::owner_id, 0 left out) of the topic's live subscribers.
  std::vector<std::int64_t> owners_of(const std::string& topic) const;
  std::size_t topic_count() const;

 private:
  struct Entry {
    const Subscriber* key;
    std::weak_ptr<Subscriber> ref;
    std::int64_t owner = 0;
  };
  std::vector<std::shared_ptr<Subscriber>> live_subscribers(const std::string& topic);
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::vector<Entry>> topics_;
};

Payload make_payload(std::string text);

// The "event_id" of a stored event's frame (the Wall's events), 0 for any other frame. Such
// frames are written by nlohmann::json, whose objects keep their keys sorted, so "event_id" is
// always the first key: a prefix check, no parse, cheap enough for every frame of every socket.
std::int64_t event_id_of(const std::string& frame) noexcept;

}  // namespace harbour::live
