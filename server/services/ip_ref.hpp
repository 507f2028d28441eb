#pragma once
// Audit rows keep a keyed hash of the client IP, not the IP: rows from one address can be linked
// during an investigation, but the log does not hold addresses. The key lives in the data folder.
#include <string>
#include <string_view>

namespace harbour::services {

void set_ip_ref_key(std::string key);
// 16 hex characters of HMAC-SHA-256(key, ip); empty for an empty ip.
std::string audit_ip_ref(std::string_view ip);
// HMAC-SHA-256(key, purpose || 0 || value) as hex: for short secrets stored for comparison
// (recovery codes), so a copy of the database alone cannot brute-force them.
std::string keyed_hash_hex(std::string_view purpose, std::string_view value);

}  // namespace harbour::services
