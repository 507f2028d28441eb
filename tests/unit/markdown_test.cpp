#include "services/markdown.hpp"

#include "core/app_error.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

using harbour::services::allowed_link_url;
using harbour::services::render_markdown;

namespace {
std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}
}  // namespace

TEST(Markdown, RendersCommonMark) {
  EXPECT_EQ(render_markdown("Hello *there*"), "<p>Hello <em>there</em></p>\n");
  EXPECT_EQ(render_markdown("- one\n- two"), "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n");
}

TEST(Markdown, AllowedLinksStayAndTextIsEscaped) {
  EXPECT_EQ(render_markdown("[Mind](https://www.mind.org.uk/)"), "<p><a href=\"https://www.mind.org.uk/\">Mind</a></p>\n");
  EXPECT_NE(render_markdown("[write](mailto:team@example.org)").find("href=\"mailto:team@example.org\""), std::string::npos);
  EXPECT_NE(render_markdown("[forum](/forums/3)").find("href=\"/forums/3\""), std::string::npos);
  EXPECT_EQ(render_markdown("a < b & \"c\""), "<p>a &lt; b &amp; &quot;c&quot;</p>\n");
}

TEST(Markdown, OutputNeverHoldsScriptHandlersOrDangerousUrls) {
  const char* hostile[] = {
      "<script>alert(1)</script>",
      "<img src=x onerror=alert(1)>",
      "<a href=\"javascript:alert(1)\">x</a>",
      "[x](javascript:alert(1))",
      "[x](JaVaScRiPt:alert(1))",
      "[x](java\tscript:alert(1))",
      "[x](&#106;avascript:alert(1))",
      "[x](data:text/html;base64,PHNjcmlwdD4=)",
      "[x](vbscript:msgbox)",
      "[x](//evil.example/)",
      "![x](https://tracker.example/pixel.png)",
      "![x](javascript:alert(1))",
      "<iframe src=https://evil.example></iframe>",
      "<div style=\"background:url(javascript:alert(1))\">x</div>",
      "[x]: javascript:alert(1)\n\n[y][x]",
      "<svg onload=alert(1)>",
  };
  for (const char* text : hostile) {
    const auto html = lower(render_markdown(text));
    EXPECT_EQ(html.find("<script"), std::string::npos) << text << " -> " << html;
    EXPECT_EQ(html.find("<img"), std::string::npos) << text << " -> " << html;
    EXPECT_EQ(html.find("<iframe"), std::string::npos) << text << " -> " << html;
    EXPECT_EQ(html.find("<svg"), std::string::npos) << text << " -> " << html;
    EXPECT_EQ(html.find(" on"), std::string::npos) << text << " -> " << html;
    EXPECT_EQ(html.find("javascript:"), std::string::npos) << text << " -> " << html;
    EXPECT_EQ(html.find("vbscript:"), std::string::npos) << text << " -> " << html;
    EXPECT_EQ(html.find("href=\"data:"), std::string::npos) << text << " -> " << html;
    EXPECT_EQ(html.find("href=\"//"), std::string::npos) << text << " -> " << html;
  }
}

TEST(Markdown, ImagesBecomeTheirDescription) {
  EXPECT_EQ(render_markdown("![a calm beach](https://example.org/beach.jpg)"), "<p>a calm beach</p>\n");
}

TEST(Markdown, RefusedLinksKeepTheirText) {
  EXPECT_EQ(render_markdown("[press here](javascript:alert(1))"), "<p>press here</p>\n");
}

TEST(Markdown, InvalidUtf8IsRefused) {
  EXPECT_THROW(render_markdown(std::string("bad \xff byte")), harbour::core::AppError);
  EXPECT_THROW(render_markdown(std::string("overlong \xc0\xaf")), harbour::core::AppError);
  EXPECT_NO_THROW(render_markdown("caf\xc3\xa9"));
}

TEST(Markdown, LinkAllowlist) {
  EXPECT_TRUE(allowed_link_url("https://nhs.uk"));
  EXPECT_TRUE(allowed_link_url("HTTP://nhs.uk"));
  EXPECT_TRUE(allowed_link_url("mailto:a@b.c"));
  EXPECT_TRUE(allowed_link_url("/resources/2"));
  EXPECT_TRUE(allowed_link_url("#section"));
  EXPECT_FALSE(allowed_link_url("//evil.example"));
  EXPECT_FALSE(allowed_link_url("javascript:alert(1)"));
  EXPECT_FALSE(allowed_link_url(" javascript:alert(1)"));
  EXPECT_FALSE(allowed_link_url("data:text/html,x"));
  EXPECT_FALSE(allowed_link_url("ftp://x"));
  EXPECT_FALSE(allowed_link_url("relative/path"));
  EXPECT_FALSE(allowed_link_url(""));
}
