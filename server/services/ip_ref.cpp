#include "services/ip_ref.hpp"

#include "core/crypto.hpp"

#include <mutex>

namespace harbour::services {
namespace {
std::mutex g_mutex;
std::string g_key = "harbour-unset-ip-key";
}  // namespace

void set_ip_ref_key(std::string key) {
  std::lock_guard lock(g_mutex);
  g_key = std::move(key);
}

std::string audit_ip_ref(std::string_view ip) {
  if (ip.empty()) return {};
  std::string key;
  {
    std::lock_guard lock(g_mutex);
    key = g_key;
  }
  const auto mac = core::hmac_sha256(key, ip);
  return core::hex_encode(std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size())).substr(0, 16);
}

std::string keyed_hash_hex(std::string_view purpose, std::string_view value) {
  std::string key;
  {
    std::lock_guard lock(g_mutex);
    key = g_key;
  }
  std::string message(purpose);
  message.push_back('\0');
  message.append(value);
  const auto mac = core::hmac_sha256(key, message);
  return core::hex_encode(std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()));
}

}  // namespace harbour::services
