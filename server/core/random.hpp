#pragma once
// Unpredictable identifiers from OpenSSL's CSPRNG (tokens, request ids).
#include <cstddef>
#include <string>

namespace harbour::core {

// `bytes` random bytes as lowercase hex (2 * bytes characters). Throws on RNG failure.
std::string random_hex(std::size_t bytes);

// Short id for correlating log lines of one request (96 bits, not a secret).
std::string new_request_id();

}  // namespace harbour::core
