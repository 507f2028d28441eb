#pragma once
// Every open session, so a graceful shutdown can ask each to finish (HTTP) or close with 1001
// (WebSocket). Sessions register themselves at start and leave in their destructor.
#include <cstddef>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace harbour::net {

class Closable {
 public:
  virtual ~Closable() = default;
  // Called from any thread; the session posts the work onto its own strand.
  virtual void shutdown() = 0;
};

class SessionRegistry {
 public:
  void add(const std::shared_ptr<Closable>& session) {
    std::lock_guard lock(mutex_);
    sessions_[session.get()] = session;
  }
  void remove(const Closable* session) {
    std::lock_guard lock(mutex_);
    sessions_.erase(session);
  }
  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return sessions_.size();
  }
  void shutdown_all() {
    std::vector<std::shared_ptr<Closable>> live;
    {
      std::lock_guard lock(mutex_);
      for (auto& [key, weak] : sessions_) {
        if (auto s = weak.lock()) live.push_back(std::move(s));
      }
    }
    for (auto& s : live) s->shutdown();
  }

 private:
  mutable std::mutex mutex_;
  std::unordered_map<const Closable*, std::weak_ptr<Closable>> sessions_;
};

}  // namespace harbour::net
