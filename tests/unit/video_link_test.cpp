// Links a resource may carry: which video addresses are embedded (and how), and which links
// are refused outright.
#include "core/app_error.hpp"
#include "services/resource_links.hpp"

#include <gtest/gtest.h>

using namespace harbour::services;

namespace {

TEST(VideoLink, RecognisesEveryAllowlistedYoutubeShape) {
  for (const char* url : {"https://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://youtube.com/watch?v=dQw4w9WgXcQ",
                          "http://m.youtube.com/watch?feature=share&v=dQw4w9WgXcQ#t=10", "https://youtu.be/dQw4w9WgXcQ?si=abc",
                          "https://www.youtube.com/embed/dQw4w9WgXcQ", "https://youtube.com/embed/dQw4w9WgXcQ",
                          "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", "https://youtube-nocookie.com/embed/dQw4w9WgXcQ",
                          "HTTPS://WWW.YOUTUBE.COM/watch?v=dQw4w9WgXcQ"}) {
    const auto v = parse_video_link(url);
    ASSERT_TRUE(v) << url;
    EXPECT_EQ(v->provider, "youtube");
    EXPECT_EQ(v->id, "dQw4w9WgXcQ");
    EXPECT_EQ(video_embed_url(*v), "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ");
  }
  const auto dash = parse_video_link("https://youtu.be/a-b_c-D_e1Z");
  ASSERT_TRUE(dash);
  EXPECT_EQ(dash->id, "a-b_c-D_e1Z");
}

TEST(VideoLink, RecognisesVimeoAndEmbedsWithDoNotTrack) {
  for (const char* url : {"https://vimeo.com/76979871", "https://www.vimeo.com/76979871", "https://player.vimeo.com/video/76979871?h=x"}) {
    const auto v = parse_video_link(url);
    ASSERT_TRUE(v) << url;
    EXPECT_EQ(v->provider, "vimeo");
    EXPECT_EQ(v->id, "76979871");
    EXPECT_EQ(video_embed_url(*v), "https://player.vimeo.com/video/76979871?dnt=1");
    EXPECT_EQ(video_watch_url(*v), "https://vimeo.com/76979871");
  }
}

TEST(VideoLink, RefusesEverythingElse) {
  for (const char* url : {
           "https://www.youtube.com/watch?v=dQw4w9WgXc",          // 10 characters
           "https://www.youtube.com/watch?v=dQw4w9WgXcQQ",        // 12 characters
           "https://www.youtube.com/watch?v=dQw4w9WgX%51",        // escaped
           "https://www.youtube.com/watch?list=dQw4w9WgXcQ",      // no v
           "https://www.youtube.com/shorts/dQw4w9WgXcQ",          // not in the list
           "https://www.youtube.com:8443/watch?v=dQw4w9WgXcQ",    // a port
           "https://user@www.youtube.com/watch?v=dQw4w9WgXcQ",    // credentials
           "https://www.youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
           "https://evil.example/?u=https://youtu.be/dQw4w9WgXcQ",
           "https://youtu.be/dQw4w9WgXcQ/extra",
           "https://youtu.be/",
           "https://m.youtube.com/embed/dQw4w9WgXcQ",
           "https://vimeo.com/channels/staffpicks/76979871",
           "https://vimeo.com/76979871a",
           "https://vimeo.com/1234567890123456",                  // 16 digits
           "https://player.vimeo.com/76979871",
           "javascript://www.youtube.com/watch?v=dQw4w9WgXcQ",
           "ftp://youtu.be/dQw4w9WgXcQ",
           "//youtu.be/dQw4w9WgXcQ",
           "https://youtu.be\\dQw4w9WgXcQ",
           "https://youtu.be/dQw4w9WgXcQ\n",
           "",
       }) {
    EXPECT_FALSE(parse_video_link(url)) << url;
  }
}

std::string url_error(std::string_view url) {
  try {
    checked_link_url(url);
  } catch (const harbour::core::AppError& e) {
    return e.code();
  }
  return "accepted";
}

TEST(LinkUrl, AcceptsOrdinaryWebAddresses) {
  EXPECT_EQ(checked_link_url(" https://www.nhs.uk/mental-health/ "), "https://www.nhs.uk/mental-health/");
  EXPECT_EQ(url_error("http://localhost:8080/a?b=c#d"), "accepted");
  EXPECT_EQ(url_error("https://[2001:db8::1]/leaflet.pdf"), "accepted");
  EXPECT_EQ(url_error("https://example.org/path%20with%20spaces"), "accepted");
}

TEST(LinkUrl, RefusesOtherSchemesCredentialsAndOddCharacters) {
  for (const std::string& url : std::vector<std::string>{"", "   ", "javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,x", "mailto:a@b.example",
                                "ftp://example.org/", "https://", "https:///path", "https://user:pass@example.org/",
                                "https://nhs.uk@evil.example/", "https://example.org\\@evil.example/", "https://exa mple.org/",
                                "https://example.org/\x01", "https://ex\xc3\xa4mple.org/", "https://example.org:99999999/",
                                "https://.example.org/", "https://example.org:/", "https://example.org/<script>",
                                "https://example.org/" + std::string(1990, 'a')}) {
    EXPECT_EQ(url_error(url), "invalid_url") << url;
  }
}

}  // namespace
