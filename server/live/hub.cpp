#include "live/hub.hpp"

#include <algorithm>
#include <charconv>
#include <string_view>
#include <system_error>

namespace harbour::live {

Payload make_payload(std::string text) { return std::make_shared<const std::string>(std::move(text)); }

std::int64_t event_id_of(const std::string& frame) noexcept {
  constexpr std::string_view prefix = "{\"event_id\":";
  if (frame.size() <= prefix.size() || frame.compare(0, prefix.size(), prefix) != 0) return 0;
  std::int64_t id = 0;
  const auto* first = frame.data() + prefix.size();
  const auto [end, ec] = std::from_chars(first, frame.data() + frame.size(), id);
  return ec == std::errc() && end != first ? id : 0;
}

void Hub::subscribe(const std::string& topic, const std::shared_ptr<Subscriber>& subscriber) {
  std::lock_guard lock(mutex_);
  auto& entries = topics_[topic];
  const auto* key = subscriber.get();
  // An expired entry may share the address of a new subscriber: drop those first.
  std::erase_if(entries, [](const Entry& e) { return e.ref.expired(); });
  if (std::none_of(entries.begin(), entries.end(), [&](const Entry& e) { return e.key == key; })) {
    entries.push_back({key, subscriber, subscriber->owner_id()});
  }
}

void Hub::unsubscribe(const std::string& topic, const Subscriber* subscriber) {
  std::lock_guard lock(mutex_);
  auto it = topics_.find(topic);
  if (it == topics_.end()) return;
  std::erase_if(it->second, [&](const Entry& e) { return e.key == subscriber; });
  if (it->second.empty()) topics_.erase(it);
}

void Hub::unsubscribe_all(const Subscriber* subscriber) {
  std::lock_guard lock(mutex_);
  for (auto it = topics_.begin(); it != topics_.end();) {
    std::erase_if(it->second, [&](const Entry& e) { return e.key == subscriber; });
    it = it->second.empty() ? topics_.erase(it) : std::next(it);
  }
}

std::vector<std::shared_ptr<Subscriber>> Hub::live_subscribers(const std::string& topic) {
  std::vector<std::shared_ptr<Subscriber>> live;
  std::lock_guard lock(mutex_);
  auto it = topics_.find(topic);
  if (it == topics_.end()) return live;
  live.reserve(it->second.size());
  // Drop entries whose subscriber is gone while we hold the lock anyway.
  std::erase_if(it->second, [&](const Entry& e) {
    auto strong = e.ref.lock();
    if (!strong) return true;
    live.push_back(std::move(strong));
    return false;
  });
  if (it->second.empty()) topics_.erase(it);
  return live;
}

std::size_t Hub::publish(const std::string& topic, const Payload& event) {
  const auto live = live_subscribers(topic);
  for (const auto& s : live) s->deliver(event);
  return live.size();
}

std::size_t Hub::publish_all(const std::string& topic, const std::vector<Payload>& events) {
  if (events.empty()) return 0;
  if (events.size() == 1) return publish(topic, events.front());
  const auto live = live_subscribers(topic);
  for (const auto& s : live) s->deliver_all(events);
  return live.size();
}

std::size_t Hub::end_topic(const std::string& topic, int code, const std::string& reason) {
  std::vector<std::shared_ptr<Subscriber>> live;
  {
    std::lock_guard lock(mutex_);
    auto it = topics_.find(topic);
    if (it == topics_.end()) return 0;
    for (const auto& e : it->second) {
      if (auto strong = e.ref.lock()) live.push_back(std::move(strong));
    }
    topics_.erase(it);
  }
  for (const auto& s : live) s->end(code, reason);
  return live.size();
}

std::size_t Hub::subscriber_count(const std::string& topic) const {
  std::lock_guard lock(mutex_);
  auto it = topics_.find(topic);
  return it == topics_.end() ? 0 : it->second.size();
}

std::vector<std::int64_t> Hub::owners_of(const std::string& topic) const {
  std::vector<std::int64_t> owners;
  {
    std::lock_guard lock(mutex_);
    auto it = topics_.find(topic);
    if (it == topics_.end()) return owners;
    for (const auto& e : it->second) {
      if (e.owner != 0 && !e.ref.expired()) owners.push_back(e.owner);
    }
  }
  std::sort(owners.begin(), owners.end());
  owners.erase(std::unique(owners.begin(), owners.end()), owners.end());
  return owners;
}

std::size_t Hub::topic_count() const {
  std::lock_guard lock(mutex_);
  return topics_.size();
}

}  // namespace harbour::live
