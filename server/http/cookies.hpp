#pragma once
// Cookie header parsing (RFC 6265 §5.4) and Set-Cookie for the session cookie.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace harbour::http {

// The value of cookie `name` in a Cookie header ("a=1; b=2"), or nullopt.
std::optional<std::string_view> cookie_value(std::string_view cookie_header, std::string_view name);

// "name=value; Path=/; Max-Age=N; Secure; HttpOnly; SameSite=Strict" (a __Host- cookie needs
// Secure, Path=/ and no Domain). max_age 0 deletes it.
std::string session_set_cookie(std::string_view name, std::string_view value, std::chrono::seconds max_age);

}  // namespace harbour::http
