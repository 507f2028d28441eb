#pragma once
// A cache whose entries live until the data they were computed from may have changed.
//
// The caller passes a generation number that moves whenever that data changes (for Harbour, the
// SQLite writer's count of commits, store::Writer::generation()), read BEFORE it reads the data:
// then an entry can only be older than its generation says, never newer, and a lookup with a
// later generation misses. Entries also expire after max_age, which bounds how long a change
// the generation cannot see (one made by another process, such as the harbour CLI, or the clock
// passing a deadline) can go unnoticed.
// A new generation empties the cache (every entry belongs to the old one), so it never holds more
// than one generation's worth, and at most max_entries of that. Thread-safe; values are copied
// out, so keep them cheap to copy (shared pointers).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace harbour::core {

template <class Value>
class GenerationCache {
 public:
  using Clock = std::chrono::steady_clock;

  GenerationCache(std::size_t max_entries, Clock::duration max_age) : max_entries_(max_entries), max_age_(max_age) {}

  std::optional<Value> get(const std::string& key, std::uint64_t generation, Clock::time_point now) const {
    const std::lock_guard lock(mutex_);
    if (generation != generation_) return std::nullopt;
    const auto it = entries_.find(key);
    if (it == entries_.end() || now - it->second.stored_at > max_age_) return std::nullopt;
    return it->second.value;
  }

  // `generation` as read before the value was computed.
  void put(std::string key, Value value, std::uint64_t generation, Clock::time_point now) {
    const std::lock_guard lock(mutex_);
    if (generation < generation_) return;  // computed from data already replaced
    if (generation > generation_) {
      entries_.clear();
      generation_ = generation;
    }
    if (entries_.size() >= max_entries_ && !entries_.contains(key)) {
      // Full within one generation: start again rather than track recency for every read.
      entries_.clear();
    }
    entries_.insert_or_assign(std::move(key), Entry{std::move(value), now});
  }

  void clear() {
    const std::lock_guard lock(mutex_);
    entries_.clear();
  }

  std::size_t size() const {
    const std::lock_guard lock(mutex_);
    return entries_.size();
  }

 private:
  struct Entry {
    Value value;
    Clock::time_point stored_at;
  };
  const std::size_t max_entries_;
  const Clock::duration max_age_;
  mutable std::mutex mutex_;
  std::uint64_t generation_ = 0;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace harbour::core
