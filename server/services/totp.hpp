#pragma once
// Time-based one-time passwords (RFC 6238, via liboath) as the second factor of staff accounts
// (DESIGN.md §6), and the one-time recovery codes that stand in for a lost authenticator.
//
// Secrets are raw bytes (20 random bytes, the RFC 4226 recommendation). People type the secret
// into their authenticator app from totp_manual_key(); apps that take a link can use totp_uri().
// No QR code is shown. Codes are 6 digits for 30-second steps, HMAC-SHA1, as every app expects.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harbour::services {

inline constexpr int kTotpDigits = 6;
inline constexpr int kTotpStepSeconds = 30;
inline constexpr int kTotpWindowSteps = 1;  // a code from one step before or after is accepted

// 20 random bytes from RAND_bytes.
std::string new_totp_secret();

// The secret in base32 (RFC 4648, no padding) in groups of four, e.g. "GEZD GNBV ...", for a
// person to type into an authenticator app.
std::string totp_manual_key(std::string_view secret);

// otpauth://totp/<issuer>:<account>?secret=...&issuer=...&algorithm=SHA1&digits=6&period=30,
// with issuer and account percent-encoded (RFC 3986).
std::string totp_uri(std::string_view secret, std::string_view account, std::string_view issuer);

// The code for the step that contains `at`, zero-padded to `digits` (6 to 8). For tests and
// tools; sign-in uses verify_totp.
std::string totp_code(std::string_view secret, std::chrono::system_clock::time_point at,
                      int digits = kTotpDigits);

// Checks a code a person typed (spaces and hyphens ignored; otherwise exactly 6 digits) against
// the steps now-1, now and now+1. Returns the step it matched (seconds since the epoch / 30), to
// store as the account's last accepted step; nullopt when it matches none of them, or only a
// step <= last_accepted_step (a replay, or a code older than one already used). Every candidate
// is compared in constant time.
std::optional<std::int64_t> verify_totp(std::string_view secret, std::string_view code,
                                        std::chrono::system_clock::time_point now,
                                        std::optional<std::int64_t> last_accepted_step);

// `n` distinct codes, each 10 base32 characters (50 random bits) shown as "XXXXX-XXXXX".
std::vector<std::string> new_recovery_codes(int n = 10);

// The form that is hashed and compared: upper case, without spaces or hyphens, and with the
// digits people type for look-alike letters mapped back (0 -> O, 1 -> I, 8 -> B), which base32
// never uses.
std::string normalise_recovery_code(std::string_view code);

// sha256_hex of a normalised code: what is stored.
std::string recovery_code_hash(std::string_view normalised);

}  // namespace harbour::services
