#include "http/static_files.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <fstream>

using namespace harbour::http;

namespace {
struct Site {
  harbour::test::TempDir dir;
  Site() {
    std::filesystem::create_directories(dir.path() / "assets");
    std::ofstream(dir.path() / "index.html") << "<!doctype html><title>Harbour</title>";
    std::ofstream(dir.path() / "app.js") << "console.log(1)";
    std::ofstream(dir.path() / "assets" / "logo.svg") << "<svg/>";
    std::ofstream(dir.path() / ".secret") << "never";
  }
};

Request get(std::string path) {
  Request r;
  r.method = Method::Get;
  r.path = std::move(path);
  return r;
}
}  // namespace

TEST(StaticFiles, ServesFilesWithMimeTypeAndEtag) {
  Site site;
  StaticFiles files(site.dir.path());
  auto r = files.serve(get("/app.js"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->headers.get("Content-Type").value(), "text/javascript; charset=utf-8");
  EXPECT_EQ(r->body_view(), "console.log(1)");
  EXPECT_TRUE(r->headers.get("ETag").value().starts_with("\""));
  auto svg = files.serve(get("/assets/logo.svg"));
  ASSERT_TRUE(svg);
  EXPECT_EQ(svg->headers.get("Content-Type").value(), "image/svg+xml");
}

TEST(StaticFiles, MatchingIfNoneMatchAnswers304WithoutBody) {
  Site site;
  StaticFiles files(site.dir.path());
  const auto etag = std::string(files.serve(get("/app.js"))->headers.get("ETag").value());
  auto req = get("/app.js");
  req.headers.set("If-None-Match", "\"other\", W/" + etag);
  auto r = files.serve(req);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 304);
  EXPECT_TRUE(r->body_view().empty());
}

TEST(StaticFiles, ClientRoutesFallBackToIndexButMissingFilesDoNot) {
  Site site;
  StaticFiles files(site.dir.path());
  auto route = files.serve(get("/urgent-help"));
  ASSERT_TRUE(route);
  EXPECT_NE(route->body_view().find("<title>Harbour"), std::string_view::npos);
  EXPECT_FALSE(files.serve(get("/missing.js")));
  EXPECT_TRUE(files.serve(get("/")));
}

TEST(StaticFiles, TraversalAndDotfilesAreNeverServed) {
  Site site;
  StaticFiles files(site.dir.path());
  EXPECT_FALSE(files.serve(get("/.secret")));
  EXPECT_FALSE(files.serve(get("/../../etc/passwd")));
  EXPECT_FALSE(files.serve(get("/assets/../../etc/hostname")));
  auto post = get("/app.js");
  post.method = Method::Post;
  EXPECT_FALSE(files.serve(post));
}

TEST(StaticFiles, FolderWithoutIndexIsRefusedAtStartup) {
  harbour::test::TempDir dir;
  EXPECT_THROW(StaticFiles{dir.path()}, std::runtime_error);
  EXPECT_THROW(StaticFiles{dir.path() / "nope"}, std::runtime_error);
}
