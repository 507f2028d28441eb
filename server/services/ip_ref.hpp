#pragma once
// Audit rows keep a keyed hash of the client IP, not the IP: rows from one address can be linked
// during an investigation, but the log does not hold addresses. The key lives in the data folder.
#include <string>
#include <string_view>

namespace harbour::services {

void set_ip_ref_key(std::string key);
// 16 hex characters of HMAC-SHA-256(key, ip); empty for an empty ip.
std::string audit_ip_ref(std::string_view ip);

}  // namespace harbour::services
