#include "support/service_fixtures.hpp"

#include "core/app_error.hpp"

namespace harbour::test {

std::string error_code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const core::AppError& e) {
    return e.code();
  }
  return "";
}

services::Principal principal_with(std::int64_t user_id, std::string pseudonym,
                                   std::vector<std::pair<std::int64_t, services::Role>> keys, bool admin) {
  services::Principal p;
  p.user_id = user_id;
  p.pseudonym = std::move(pseudonym);
  p.is_admin = admin;
  p.totp_enabled = true;
  p.second_factor_done = true;
  p.session_id = user_id;
  p.session_ref = "sess" + std::to_string(user_id);
  for (const auto& [network, role] : keys) p.memberships.push_back({network, "", "", role, true});
  return p;
}

void RecordingSubscriber::deliver(const live::Payload& event) {
  std::lock_guard lock(mutex_);
  events_.push_back(*event);
}

void RecordingSubscriber::end(int, const std::string&) {}

std::vector<std::string> RecordingSubscriber::events() const {
  std::lock_guard lock(mutex_);
  return events_;
}

}  // namespace harbour::test
