#pragma once
// What a handler gets besides its request: the services it may call and what middleware learned
// about the caller. Handlers are plain functions `Response(const Request&, Context&)`.
#include <memory>
#include <string>

namespace harbour::services {
class Services;
struct Principal;
}  // namespace harbour::services

namespace harbour::http {

struct Context {
  services::Services* services = nullptr;
  // The signed-in person, set by the session middleware; null when anonymous.
  std::shared_ptr<const services::Principal> principal;
  // The client's address (the socket's, or X-Forwarded-For from the trusted proxy).
  std::string client_ip;

  services::Services& svc() const { return *services; }
};

}  // namespace harbour::http
