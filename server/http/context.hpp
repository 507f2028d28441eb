#pragma once
// What a handler gets besides its request: the services it may call and what middleware learned
// about the caller. Handlers are plain functions `Response(const Request&, Context&)`.
#include <optional>
#include <string>

namespace harbour::services {
class Services;
}

namespace harbour::http {

struct Principal {
  // Filled by the session middleware once the accounts issue lands; empty = anonymous.
  std::string session_id;
};

struct Context {
  services::Services* services = nullptr;
  std::optional<Principal> principal;

  services::Services& svc() const { return *services; }
};

}  // namespace harbour::http
