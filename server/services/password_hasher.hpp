#pragma once
// Password hashing with argon2id (libargon2), DESIGN.md §3 and §6.
//
// Each hash or verify allocates m_kib KiB (19 MiB at the defaults) and keeps a core busy for tens
// of milliseconds, so the hasher admits at most `max_concurrent` of them at once. A caller that
// cannot get a slot within `max_wait` is refused with AppError(RateLimited, "busy_try_again")
// instead of queueing without bound: memory stays capped at max_concurrent * m_kib KiB whatever
// the load. Rate limits per account and per address belong in front of this (DESIGN.md §6).
//
// Parameters: Argon2Params{} is the OWASP minimum (m=19 MiB, t=2, p=1) and is what production
// code constructs. Nothing in production lowers it; there is deliberately no "fast" preset or
// flag. Unit tests that only exercise the semaphore or rehash logic construct a hasher with small
// parameters of their own (e.g. {.m_kib = 64, .t = 1}) to stay fast, and say so where they do;
// at least one test runs the production parameters. meets_production_minimum() lets start-up
// code refuse a configuration that would weaken them.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

namespace harbour::services {

struct Argon2Params {
  std::uint32_t m_kib = 19456;  // memory in KiB (19 MiB)
  std::uint32_t t = 2;          // passes over memory
  std::uint32_t p = 1;          // lanes (the hash runs on one thread whatever p says)
};

// True when every parameter is at least the OWASP minimum that Argon2Params{} holds.
bool meets_production_minimum(const Argon2Params& params);

class PasswordHasher {
 public:
  struct Stats {
    std::uint64_t hashes;         // argon2id computations done (hash, verify and verify_dummy)
    std::uint64_t rejected_busy;  // callers refused with busy_try_again
    unsigned in_flight_peak;      // most computations ever running at once
  };

  // Throws std::invalid_argument when max_concurrent is 0 or libargon2 would refuse the params
  // (t < 1, p < 1, m_kib < 8 * p). Computes one hash for verify_dummy().
  PasswordHasher(Argon2Params params, unsigned max_concurrent, std::chrono::milliseconds max_wait);
  PasswordHasher(const PasswordHasher&) = delete;
  PasswordHasher& operator=(const PasswordHasher&) = delete;

  // PHC string "$argon2id$v=19$m=...,t=...,p=...$<salt>$<hash>" with a fresh 16-byte salt from
  // RAND_bytes and a 32-byte hash. Throws AppError(RateLimited, "busy_try_again") when no slot
  // frees up within max_wait, AppError(BadRequest, "password_too_long") past kMaxPasswordBytes.
  std::string hash(std::string_view password);

  // True when `password` matches `encoded` (argon2id_verify compares in constant time). False
  // for a wrong password and for an encoded string that is not a valid argon2id hash. A password
  // longer than kMaxPasswordBytes is false after the same work as a real verify. Throws
  // busy_try_again like hash().
  bool verify(std::string_view encoded, std::string_view password);

  // Same cost as verify() (same parameters, same slot), against a hash of a random password made
  // at construction. Call it when the pseudonym is unknown, so the response time does not tell
  // whether an account exists.
  void verify_dummy(std::string_view password);

  // True when `encoded` was not made with this hasher's algorithm, version and parameters (any
  // of m, t, p differ, or it does not parse): hash the password again after a successful verify.
  bool needs_rehash(std::string_view encoded) const;

  Stats stats() const;
  const Argon2Params& params() const { return params_; }

  // Far above anything the password policy accepts (128 code points <= 512 bytes); bounds the
  // work an attacker can ask for with a huge password.
  static constexpr std::size_t kMaxPasswordBytes = 4096;

 private:
  class Slot;
  Slot acquire_slot();
  bool verify_unlimited(const std::string& encoded, std::string_view password);

  Argon2Params params_;
  unsigned max_concurrent_;
  std::chrono::milliseconds max_wait_;
  std::string dummy_encoded_;

  mutable std::mutex mutex_;
  std::condition_variable slot_freed_;
  unsigned in_flight_ = 0;
  unsigned in_flight_peak_ = 0;
  std::uint64_t rejected_busy_ = 0;
  std::atomic<std::uint64_t> hashes_{0};
};

// Average wall-clock milliseconds of one argon2id hash at `params` over `rounds` hashes (at least
// one), outside any hasher's concurrency cap. For benchmarks and the sizing notes.
double measure_hash_ms(const Argon2Params& params, int rounds);

}  // namespace harbour::services
