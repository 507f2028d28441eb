#include "core/random.hpp"

#include <openssl/rand.h>

#include <atomic>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace harbour::core {

std::string random_hex(std::size_t bytes) {
  std::vector<unsigned char> raw(bytes);
  if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) {
    throw std::runtime_error("OpenSSL RAND_bytes failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(bytes * 2, '\0');
  for (std::size_t i = 0; i < bytes; ++i) {
    out[2 * i] = kHex[raw[i] >> 4];
    out[2 * i + 1] = kHex[raw[i] & 0x0f];
  }
  return out;
}

std::string new_request_id() {
  // A random per-process prefix plus a counter: unique across restarts and instances, yet one
  // atomic increment per request instead of a call into the CSPRNG (ids are not secrets).
  static const std::string prefix = random_hex(6);
  static std::atomic<std::uint64_t> counter{0};
  const auto n = counter.fetch_add(1, std::memory_order_relaxed);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id = prefix;
  id.resize(prefix.size() + 12);
  for (int i = 0; i < 12; ++i) id[id.size() - 1 - i] = kHex[(n >> (4 * i)) & 0xf];
  return id;
}

}  // namespace harbour::core
