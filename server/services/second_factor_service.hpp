#pragma once
// The staff second factor: TOTP (RFC 6238) with a manual key (no QR code: nothing to photograph
// over a shoulder, and no image library), single-use recovery codes, and the per-session step
// that unlocks staff capabilities. Codes are rate limited and never accepted twice.
#include "core/rate_limiter.hpp"
#include "services/principal.hpp"
#include "services/request_meta.hpp"

#include <functional>
#include <string>
#include <vector>

namespace harbour::store {
class Database;
}

namespace harbour::services {

struct TotpEnrolment {
  std::string manual_key;  // base32 in groups of four, to type into an authenticator app
  std::string uri;         // otpauth:// for apps that accept one
};

class SecondFactorService {
 public:
  SecondFactorService(store::Database& db, std::function<void()> audit_written)
      : db_(db), audit_written_(std::move(audit_written)) {}

  // Starts (or restarts) enrolment: a new secret, not yet enabled.
  TotpEnrolment enrol(const Principal* who, const RequestMeta& meta);
  // Confirms with a first code: enables TOTP, completes this session, returns recovery codes
  // (shown once; only their hashes are kept).
  std::vector<std::string> confirm(const Principal* who, std::string_view code, const RequestMeta& meta);
  // Completes the second factor for this session with a TOTP code or a recovery code.
  void verify(const Principal* who, std::string_view code, std::string_view recovery_code, const RequestMeta& meta);

 private:
  void limit(const Principal& who);

  store::Database& db_;
  std::function<void()> audit_written_;
  core::RateLimiter attempts_{5, 5};  // per account per minute
};

}  // namespace harbour::services
