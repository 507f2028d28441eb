#include "http/router.hpp"

#include <gtest/gtest.h>

using namespace harbour::http;

namespace {
Handler named(std::string name) {
  return [name](const Request&, Context&) { return Response::text(200, name); };
}
}  // namespace

TEST(Router, MatchesLiteralAndParameterSegments) {
  Router r;
  r.add(Method::Get, "/api/v1/networks/{slug}/crisis-contacts", named("contacts"));
  r.add(Method::Get, "/api/v1/status", named("status"));
  auto m = r.match(Method::Get, "/api/v1/networks/perinatal/crisis-contacts");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/api/v1/networks/{slug}/crisis-contacts");
  EXPECT_EQ(m.params.at("slug"), "perinatal");
  EXPECT_NE(r.match(Method::Get, "/api/v1/status").route, nullptr);
}

TEST(Router, UnknownPathHasNoRouteAndNoAllowedMethods) {
  Router r;
  r.add(Method::Get, "/api/v1/status", named("status"));
  auto m = r.match(Method::Get, "/api/v1/nothing");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_TRUE(m.allowed.empty());
  EXPECT_EQ(r.match(Method::Get, "/api/v1/status/extra").route, nullptr);
  EXPECT_EQ(r.match(Method::Get, "/api/v1").route, nullptr);
}

TEST(Router, WrongMethodListsAllowedMethodsForA405) {
  Router r;
  r.add(Method::Get, "/api/v1/topics/{id}", named("get"));
  r.add(Method::Delete, "/api/v1/topics/{id}", named("delete"));
  auto m = r.match(Method::Post, "/api/v1/topics/7");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_EQ(allow_header(m.allowed), "GET, HEAD, DELETE");
}

TEST(Router, HeadIsServedByTheGetRoute) {
  Router r;
  r.add(Method::Get, "/healthz", named("health"));
  auto m = r.match(Method::Head, "/healthz");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->method, Method::Get);
}

TEST(Router, EmptyParameterSegmentDoesNotMatch) {
  Router r;
  r.add(Method::Get, "/api/v1/networks/{slug}", named("n"));
  EXPECT_EQ(r.match(Method::Get, "/api/v1/networks/").route, nullptr);
}

TEST(Router, DuplicateRouteIsRefusedAtStartup) {
  Router r;
  r.add(Method::Get, "/a/{x}", named("1"));
  EXPECT_THROW(r.add(Method::Get, "/a/{x}", named("2")), std::invalid_argument);
  EXPECT_THROW(r.add(Method::Get, "no-slash", named("3")), std::invalid_argument);
}

TEST(RequestTarget, SplitsAndDecodesPathAndRefusesBadEncoding) {
  std::string path, query;
  ASSERT_TRUE(split_target("/a%20b/c?x=1&y=%41", path, query));
  EXPECT_EQ(path, "/a b/c");
  EXPECT_EQ(query, "x=1&y=%41");
  EXPECT_FALSE(split_target("http://evil.example/", path, query));  // absolute-form
  EXPECT_FALSE(split_target("/bad%zz", path, query));
  EXPECT_FALSE(split_target("/nul%00byte", path, query));
  EXPECT_FALSE(split_target("/trunc%4", path, query));
  EXPECT_FALSE(split_target("", path, query));
}

TEST(RequestTarget, QueryParametersAreDecoded) {
  Request req;
  req.query = "network=perinatal&q=a+b%21&flag";
  EXPECT_EQ(req.query_param("network").value(), "perinatal");
  EXPECT_EQ(req.query_param("q").value(), "a b!");
  EXPECT_EQ(req.query_param("flag").value(), "");
  EXPECT_FALSE(req.query_param("missing").has_value());
}
