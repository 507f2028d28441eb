#pragma once
// Harbour's own response type. A body is either owned text or a shared immutable buffer (static
// files, cached JSON), so serving a file never copies it per request.
#include "http/headers.hpp"

#include <nlohmann/json_fwd.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace harbour::http {

struct Response {
  int status = 200;
  Headers headers;
  std::string body;
  std::shared_ptr<const std::string> shared_body;  // used instead of `body` when set
  bool close = false;  // close the connection after sending (e.g. after a framing error)

  std::string_view body_view() const noexcept {
    return shared_body ? std::string_view(*shared_body) : std::string_view(body);
  }

  static Response json(int status, const nlohmann::json& value);
  // An already-serialised JSON body, shared (a cached answer): no copy per response.
  static Response json(int status, std::shared_ptr<const std::string> serialised);
  static Response text(int status, std::string body, std::string_view content_type = "text/plain; charset=utf-8");
  static Response no_content();
};

// {"error":{"code":code,"message":message}} with that status.
Response error_response(int status, std::string_view code, std::string_view message);

std::string_view reason_phrase(int status) noexcept;

}  // namespace harbour::http
