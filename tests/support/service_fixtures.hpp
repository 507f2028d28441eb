#pragma once
// Small helpers for tests that call services directly: the error code a call throws, a
// signed-in Principal, and a live subscriber that keeps what it is sent.
#include "live/hub.hpp"
#include "services/principal.hpp"
#include "services/roles.hpp"

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace harbour::test {

// The code of the core::AppError that f throws ("not_allowed", ...), or "" when f returns.
// Any other exception passes through.
std::string error_code_of(const std::function<void()>& f);

// A Principal as the session middleware builds it for someone signed in with the second factor
// done: session id = user id, session_ref "sess<id>", one active key (without slug or name) per
// (network id, role) pair, and an admin flag.
services::Principal principal_with(std::int64_t user_id, std::string pseudonym,
                                   std::vector<std::pair<std::int64_t, services::Role>> keys, bool admin = false);

// Stands in for a socket on the hub: keeps every payload delivered to it, in order, and ignores
// end(). Deliveries may come from any thread.
class RecordingSubscriber final : public live::Subscriber {
 public:
  void deliver(const live::Payload& event) override;
  void end(int code, const std::string& reason) override;
  // A copy of the payloads delivered so far.
  std::vector<std::string> events() const;

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> events_;
};

}  // namespace harbour::test
