// The same-site check every unsafe request passes before its CSRF token is looked at
// (api/session_middleware.cpp; the whole router is swept by tests/hardening/headers_authz.py).
#include "api/session_middleware.hpp"

#include <gtest/gtest.h>

namespace harbour::api {
namespace {

http::Request request(bool secure, std::initializer_list<std::pair<const char*, const char*>> headers) {
  http::Request r;
  r.method = http::Method::Post;
  r.secure = secure;
  r.headers.add("Host", "harbour.example:8443");
  for (const auto& [name, value] : headers) r.headers.add(name, value);
  return r;
}

TEST(CsrfOrigin, SameSchemeHostAndPortIsThisSite) {
  EXPECT_TRUE(from_this_site(request(true, {{"Origin", "https://harbour.example:8443"}})));
  EXPECT_TRUE(from_this_site(request(true, {{"Origin", "https://harbour.example:8443"}, {"Sec-Fetch-Site", "same-origin"}})));
  EXPECT_TRUE(from_this_site(request(true, {{"Sec-Fetch-Site", "none"}})));
  EXPECT_TRUE(from_this_site(request(true, {})));  // no browser sent it
}

TEST(CsrfOrigin, PlainHttpOriginOfTheSameHostIsAnotherSiteOverTls) {
  EXPECT_FALSE(from_this_site(request(true, {{"Origin", "http://harbour.example:8443"}})));
  EXPECT_FALSE(from_this_site(request(true, {{"Origin", "ws://harbour.example:8443"}})));
}

TEST(CsrfOrigin, BehindATlsProxyTheBrowsersHttpsOriginIsThisSite) {
  EXPECT_TRUE(from_this_site(request(false, {{"Origin", "https://harbour.example:8443"}})));
  EXPECT_TRUE(from_this_site(request(false, {{"Origin", "http://harbour.example:8443"}})));
}

TEST(CsrfOrigin, ForeignNullOrCrossSiteIsRefused) {
  EXPECT_FALSE(from_this_site(request(true, {{"Origin", "https://evil.example"}})));
  EXPECT_FALSE(from_this_site(request(true, {{"Origin", "https://harbour.example:8443.evil.example"}})));
  EXPECT_FALSE(from_this_site(request(true, {{"Origin", "null"}})));
  EXPECT_FALSE(from_this_site(request(true, {{"Origin", "https://harbour.example:8443"}, {"Sec-Fetch-Site", "cross-site"}})));
  EXPECT_FALSE(from_this_site(request(true, {{"Origin", "https://harbour.example:8443"}, {"Sec-Fetch-Site", "same-site"}})));
  EXPECT_FALSE(from_this_site(request(true, {{"Sec-Fetch-Site", "cross-site"}})));
}

}  // namespace
}  // namespace harbour::api
