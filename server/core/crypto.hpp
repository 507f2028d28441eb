#pragma once
// Small cryptographic helpers over OpenSSL 3 (EVP and RAND only, no deprecated APIs): digests,
// HMAC, constant-time comparison, the CSPRNG, and the text encodings that tokens, TOTP secrets
// and recovery codes use. Binary data travels as std::string / std::string_view of raw bytes.
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace harbour::core {

using Sha256Digest = std::array<unsigned char, 32>;

Sha256Digest sha256(std::string_view data);
// Lowercase hex of sha256(data): 64 characters.
std::string sha256_hex(std::string_view data);
Sha256Digest hmac_sha256(std::string_view key, std::string_view data);

// True when both hold the same bytes. Compares in time that depends only on the length (via
// CRYPTO_memcmp), so only the length, never the position of the first difference, can leak.
// Different lengths answer false at once.
bool constant_time_equal(std::string_view a, std::string_view b);

// `count` bytes from OpenSSL's CSPRNG. Throws std::runtime_error when the RNG fails.
std::string random_bytes(std::size_t count);

// The session and invitation token format: 32 random bytes (256 bits) as base64url without
// padding, i.e. 43 characters of [A-Za-z0-9_-].
std::string random_token();

// RFC 4648 section 5 (URL- and filename-safe alphabet), without '=' padding.
std::string base64url_encode(std::string_view bytes);
// Lowercase hex, two characters per byte.
std::string hex_encode(std::string_view bytes);

// RFC 4648 section 6 base32 (A-Z, 2-7), uppercase, without '=' padding.
std::string base32_encode(std::string_view bytes);
// Inverse of base32_encode for text a person typed or pasted: case-insensitive; spaces and
// hyphens anywhere are ignored, and so is '=' padding at the end. Answers nullopt for any other
// character, for a length no encoder produces (1, 3 or 6 characters left over after the last
// full 8-character group) and for non-zero unused trailing bits (non-canonical text).
std::optional<std::string> base32_decode(std::string_view text);

}  // namespace harbour::core
