#pragma once
// Unpredictable identifiers from OpenSSL's CSPRNG (tokens, request ids).
#include <cstddef>
#include <string>

namespace harbour::core {

// `bytes` random bytes as lowercase hex (2 * bytes characters). Throws on RNG failure.
std::string random_hex(std::size_t bytes);

// Id for correlating the log lines of one request (24 hex characters, unique, not a secret).
std::string new_request_id();

}  // namespace harbour::core
