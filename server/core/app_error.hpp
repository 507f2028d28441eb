#pragma once
// The one error type that services throw. It names a stable machine-readable code (clients and
// tests rely on it) and a kind; only the http layer turns the kind into a status code.
#include <chrono>
#include <stdexcept>
#include <string>

namespace harbour::core {

enum class ErrorKind {
  BadRequest,         // malformed or invalid input
  Unauthenticated,    // no valid session
  Forbidden,          // signed in, but not allowed
  NotFound,
  Conflict,
  PayloadTooLarge,
  UnsupportedMediaType,
  RateLimited,
  Unavailable,        // storage full, shutting down, dependency down
  Internal,
};

class AppError : public std::runtime_error {
 public:
  AppError(ErrorKind kind, std::string code, const std::string& message)
      : std::runtime_error(message), kind_(kind), code_(std::move(code)) {}

  ErrorKind kind() const noexcept { return kind_; }
  const std::string& code() const noexcept { return code_; }

  // A rate limit that knows when the next try will work (Retry-After, in seconds).
  AppError& retry_after(std::chrono::seconds wait) noexcept {
    retry_after_ = wait;
    return *this;
  }
  std::chrono::seconds retry_after() const noexcept { return retry_after_; }

 private:
  ErrorKind kind_;
  std::string code_;
  std::chrono::seconds retry_after_{0};
};

}  // namespace harbour::core
