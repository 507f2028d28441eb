// Cookie parsing, the session cookie's attributes, and which client address is believed.
#include "api/session_middleware.hpp"
#include "http/cookies.hpp"

#include <gtest/gtest.h>

using namespace harbour;

TEST(Cookies, FindsTheNamedCookieAmongOthers) {
  EXPECT_EQ(http::cookie_value("a=1; __Host-harbour_session=tok; b=2", "__Host-harbour_session").value(), "tok");
  EXPECT_EQ(http::cookie_value("__Host-harbour_session=\"quoted\"", "__Host-harbour_session").value(), "quoted");
  EXPECT_FALSE(http::cookie_value("harbour_session=tok", "__Host-harbour_session").has_value());
  EXPECT_FALSE(http::cookie_value("", "x").has_value());
  EXPECT_FALSE(http::cookie_value("novalue; x", "x").has_value());
}

TEST(Cookies, SessionCookieIsHostOnlySecureHttpOnlyStrict) {
  const auto c = http::session_set_cookie("__Host-harbour_session", "tok", std::chrono::seconds(3600));
  EXPECT_EQ(c, "__Host-harbour_session=tok; Path=/; Max-Age=3600; Secure; HttpOnly; SameSite=Strict");
}

TEST(ClientIp, ForwardedForIsBelievedOnlyFromTheTrustedProxy) {
  http::Request req;
  req.remote_ip = "203.0.113.9";
  req.headers.set("X-Forwarded-For", "198.51.100.7");
  EXPECT_EQ(api::client_ip(req, ""), "203.0.113.9");              // no proxy configured
  EXPECT_EQ(api::client_ip(req, "127.0.0.1"), "203.0.113.9");     // not from the proxy
  req.remote_ip = "127.0.0.1";
  EXPECT_EQ(api::client_ip(req, "127.0.0.1"), "198.51.100.7");
  // The proxy appends what it saw; earlier entries are the client's own claims.
  req.headers.set("X-Forwarded-For", "10.0.0.1, 198.51.100.7");
  EXPECT_EQ(api::client_ip(req, "127.0.0.1"), "198.51.100.7");
  req.headers.set("X-Forwarded-For", "not an address");
  EXPECT_EQ(api::client_ip(req, "127.0.0.1"), "127.0.0.1");
}
