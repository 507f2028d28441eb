#pragma once
// A WebSocket session's bounded queue of outbound frames (DESIGN.md §5): limited in frames and in
// bytes, so one slow phone never grows the server's memory. When a push would exceed either
// limit the session is told to close the socket. Not thread-safe: used on the session's strand.
#include "live/hub.hpp"

#include <cstddef>
#include <deque>

namespace harbour::live {

class OutboundQueue {
 public:
  OutboundQueue(std::size_t max_frames, std::size_t max_bytes)
      : max_frames_(max_frames), max_bytes_(max_bytes) {}

  // False (and nothing queued) when the frame would exceed a limit: the consumer is too slow.
  bool push(Payload frame) {
    const std::size_t size = frame ? frame->size() : 0;
    if (frames_.size() + 1 > max_frames_ || bytes_ + size > max_bytes_) return false;
    bytes_ += size;
    frames_.push_back(std::move(frame));
    return true;
  }

  bool empty() const noexcept { return frames_.empty(); }
  std::size_t size() const noexcept { return frames_.size(); }
  std::size_t bytes() const noexcept { return bytes_; }
  const Payload& front() const { return frames_.front(); }

  void pop() {
    bytes_ -= frames_.front() ? frames_.front()->size() : 0;
    frames_.pop_front();
  }

  // keep_front: the front frame is being written right now (its buffer is in use until the
  // write completes), so it stays; everything behind it goes.
  void clear(bool keep_front = false) {
    if (keep_front && !frames_.empty()) {
      frames_.erase(frames_.begin() + 1, frames_.end());
      bytes_ = frames_.front() ? frames_.front()->size() : 0;
      return;
    }
    frames_.clear();
    bytes_ = 0;
  }

 private:
  std::size_t max_frames_;
  std::size_t max_bytes_;
  std::size_t bytes_ = 0;
  std::deque<Payload> frames_;
};

}  // namespace harbour::live
