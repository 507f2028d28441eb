#include "services/totp.hpp"

#include "core/crypto.hpp"

#include <liboath/oath.h>

#include <ctime>
#include <mutex>
#include <set>
#include <stdexcept>

namespace harbour::services {
namespace {

void ensure_oath() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (oath_init() != OATH_OK) throw std::runtime_error("liboath: oath_init failed");
  });
}

std::int64_t step_of(std::chrono::system_clock::time_point t) {
  const std::int64_t seconds =
      std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
  // Floor division, so times before 1970 do not share step 0.
  return seconds >= 0 ? seconds / kTotpStepSeconds
                      : -((-seconds + kTotpStepSeconds - 1) / kTotpStepSeconds);
}

std::string code_for_step(std::string_view secret, std::int64_t step, int digits) {
  ensure_oath();
  char out[16] = {};
  const int rc = oath_totp_generate(secret.data(), secret.size(),
                                    static_cast<time_t>(step * kTotpStepSeconds),
                                    kTotpStepSeconds, OATH_TOTP_DEFAULT_START_TIME,
                                    static_cast<unsigned>(digits), out);
  if (rc != OATH_OK) {
    throw std::runtime_error(std::string("liboath: ") + oath_strerror(rc));
  }
  return std::string(out);
}

std::string percent_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
        c == '-' || c == '.' || c == '_' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0x0f];
    }
  }
  return out;
}

}  // namespace

std::string new_totp_secret() { return core::random_bytes(20); }

std::string totp_manual_key(std::string_view secret) {
  const std::string plain = core::base32_encode(secret);
  std::string out;
  for (std::size_t i = 0; i < plain.size(); ++i) {
    if (i > 0 && i % 4 == 0) out += ' ';
    out += plain[i];
  }
  return out;
}

std::string totp_uri(std::string_view secret, std::string_view account, std::string_view issuer) {
  const std::string iss = percent_encode(issuer);
  return "otpauth://totp/" + iss + ":" + percent_encode(account) +
         "?secret=" + core::base32_encode(secret) + "&issuer=" + iss +
         "&algorithm=SHA1&digits=" + std::to_string(kTotpDigits) +
         "&period=" + std::to_string(kTotpStepSeconds);
}

std::string totp_code(std::string_view secret, std::chrono::system_clock::time_point at,
                      int digits) {
  if (digits < 6 || digits > 8) throw std::invalid_argument("totp_code: digits must be 6 to 8");
  return code_for_step(secret, step_of(at), digits);
}

std::optional<std::int64_t> verify_totp(std::string_view secret, std::string_view code,
                                        std::chrono::system_clock::time_point now,
                                        std::optional<std::int64_t> last_accepted_step) {
  std::string typed;
  for (const char c : code) {
    if (c == ' ' || c == '-') continue;
    if (c < '0' || c > '9') return std::nullopt;
    typed += c;
  }
  if (typed.size() != static_cast<std::size_t>(kTotpDigits)) return std::nullopt;

  const std::int64_t current = step_of(now);
  std::optional<std::int64_t> accepted;
  // Every step is computed and compared, so timing does not tell which one matched.
  for (std::int64_t step = current - kTotpWindowSteps; step <= current + kTotpWindowSteps;
       ++step) {
    const bool matches = core::constant_time_equal(code_for_step(secret, step, kTotpDigits), typed);
    const bool fresh = !last_accepted_step || step > *last_accepted_step;
    if (matches && fresh) accepted = step;
  }
  return accepted;
}

std::vector<std::string> new_recovery_codes(int n) {
  std::set<std::string> seen;
  std::vector<std::string> codes;
  while (static_cast<int>(codes.size()) < n) {
    // 7 bytes give 56 random bits; the first 10 base32 characters take 50 of them, uniformly.
    const std::string plain = core::base32_encode(core::random_bytes(7)).substr(0, 10);
    if (!seen.insert(plain).second) continue;
    codes.push_back(plain.substr(0, 5) + "-" + plain.substr(5));
  }
  return codes;
}

std::string normalise_recovery_code(std::string_view code) {
  std::string out;
  out.reserve(code.size());
  for (char c : code) {
    if (c == ' ' || c == '-' || c == '\t') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c == '0') c = 'O';
    if (c == '1') c = 'I';
    if (c == '8') c = 'B';
    out += c;
  }
  return out;
}

std::string recovery_code_hash(std::string_view normalised) {
  return core::sha256_hex(normalised);
}

}  // namespace harbour::services
