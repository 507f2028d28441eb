#include "services/password_hasher.hpp"

#include "core/app_error.hpp"
#include "core/crypto.hpp"

#include <argon2.h>

#include <charconv>
#include <cstring>
#include <stdexcept>

namespace harbour::services {
namespace {

constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;

// The PHC string with a fresh random salt. No concurrency control: callers hold a slot.
std::string argon2id_hash(const Argon2Params& params, std::string_view password) {
  const std::string salt = core::random_bytes(kSaltBytes);
  std::string encoded(argon2_encodedlen(params.t, params.m_kib, params.p, kSaltBytes, kHashBytes,
                                        Argon2_id),
                      '\0');
  const int rc = argon2id_hash_encoded(params.t, params.m_kib, params.p, password.data(),
                                       password.size(), salt.data(), salt.size(), kHashBytes,
                                       encoded.data(), encoded.size());
  if (rc != ARGON2_OK) {
    // Out of memory is the only failure valid parameters can meet.
    throw core::AppError(core::ErrorKind::Unavailable, "hash_failed",
                         "We could not process your password just now. Please try again in a "
                         "minute.");
  }
  encoded.resize(std::strlen(encoded.c_str()));
  return encoded;
}

bool parse_number(std::string_view& s, std::string_view prefix, std::uint32_t& out) {
  if (s.substr(0, prefix.size()) != prefix) return false;
  s.remove_prefix(prefix.size());
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc{} || end == s.data()) return false;
  s.remove_prefix(static_cast<std::size_t>(end - s.data()));
  return true;
}

}  // namespace

bool meets_production_minimum(const Argon2Params& params) {
  const Argon2Params floor{};
  return params.m_kib >= floor.m_kib && params.t >= floor.t && params.p >= floor.p;
}

// One of max_concurrent permits, released on destruction.
class PasswordHasher::Slot {
 public:
  explicit Slot(PasswordHasher& owner) : owner_(owner) {}
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;
  ~Slot() {
    {
      std::lock_guard lock(owner_.mutex_);
      --owner_.in_flight_;
    }
    owner_.slot_freed_.notify_one();
  }

 private:
  PasswordHasher& owner_;
};

PasswordHasher::PasswordHasher(Argon2Params params, unsigned max_concurrent,
                               std::chrono::milliseconds max_wait)
    : params_(params), max_concurrent_(max_concurrent), max_wait_(max_wait) {
  if (max_concurrent_ == 0) throw std::invalid_argument("PasswordHasher: max_concurrent is 0");
  if (params_.t < ARGON2_MIN_TIME || params_.p < ARGON2_MIN_LANES ||
      params_.p > ARGON2_MAX_LANES || params_.m_kib < 8 * params_.p) {
    throw std::invalid_argument("PasswordHasher: argon2id parameters out of range");
  }
  if (max_wait_.count() < 0) max_wait_ = std::chrono::milliseconds(0);
  // The secret behind verify_dummy: a random password nobody knows, hashed once.
  dummy_encoded_ = argon2id_hash(params_, core::random_token());
}

PasswordHasher::Slot PasswordHasher::acquire_slot() {
  std::unique_lock lock(mutex_);
  if (!slot_freed_.wait_for(lock, max_wait_, [&] { return in_flight_ < max_concurrent_; })) {
    ++rejected_busy_;
    throw core::AppError(core::ErrorKind::RateLimited, "busy_try_again",
                         "We are busy just now. Please wait a moment and try again.");
  }
  ++in_flight_;
  if (in_flight_ > in_flight_peak_) in_flight_peak_ = in_flight_;
  return Slot(*this);  // guaranteed copy elision: the permit is released exactly once
}

std::string PasswordHasher::hash(std::string_view password) {
  if (password.size() > kMaxPasswordBytes) {
    throw core::AppError(core::ErrorKind::BadRequest, "password_too_long",
                         "That password is too long. Please use at most 128 characters.");
  }
  Slot slot = acquire_slot();
  hashes_.fetch_add(1, std::memory_order_relaxed);
  return argon2id_hash(params_, password);
}

bool PasswordHasher::verify_unlimited(const std::string& encoded, std::string_view password) {
  Slot slot = acquire_slot();
  hashes_.fetch_add(1, std::memory_order_relaxed);
  return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

bool PasswordHasher::verify(std::string_view encoded, std::string_view password) {
  if (password.size() > kMaxPasswordBytes) {
    verify_dummy(password.substr(0, kMaxPasswordBytes));
    return false;
  }
  // argon2id_verify reads a C string; an embedded NUL would silently cut it short.
  if (encoded.find('\0') != std::string_view::npos) return false;
  return verify_unlimited(std::string(encoded), password);
}

void PasswordHasher::verify_dummy(std::string_view password) {
  if (password.size() > kMaxPasswordBytes) password = password.substr(0, kMaxPasswordBytes);
  (void)verify_unlimited(dummy_encoded_, password);
}

bool PasswordHasher::needs_rehash(std::string_view encoded) const {
  std::string_view s = encoded;
  constexpr std::string_view kPrefix = "$argon2id$";
  if (s.substr(0, kPrefix.size()) != kPrefix) return true;
  s.remove_prefix(kPrefix.size());
  std::uint32_t version = 0, m = 0, t = 0, p = 0;
  if (!parse_number(s, "v=", version) || !parse_number(s, "$m=", m) ||
      !parse_number(s, ",t=", t) || !parse_number(s, ",p=", p) || s.substr(0, 1) != "$") {
    return true;
  }
  return version != ARGON2_VERSION_NUMBER || m != params_.m_kib || t != params_.t ||
         p != params_.p;
}

PasswordHasher::Stats PasswordHasher::stats() const {
  std::lock_guard lock(mutex_);
  return Stats{hashes_.load(std::memory_order_relaxed), rejected_busy_, in_flight_peak_};
}

double measure_hash_ms(const Argon2Params& params, int rounds) {
  if (rounds < 1) rounds = 1;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < rounds; ++i) (void)argon2id_hash(params, "correct horse battery staple");
  const std::chrono::duration<double, std::milli> elapsed =
      std::chrono::steady_clock::now() - start;
  return elapsed.count() / rounds;
}

}  // namespace harbour::services
