#include "services/resource_links.hpp"

#include "core/app_error.hpp"

#include <algorithm>
#include <cctype>

namespace harbour::services {
namespace {

using core::AppError;
using core::ErrorKind;

constexpr std::size_t kYoutubeIdChars = 11;
constexpr std::size_t kVimeoIdMaxDigits = 15;

AppError invalid_url(const std::string& message) { return AppError(ErrorKind::BadRequest, "invalid_url", message); }

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return out;
}

// Printable ASCII minus the characters RFC 3986 never allows unescaped. The backslash matters
// most: browsers read it as '/', so "https://a.example\@b.example" would go somewhere unexpected.
bool url_char(unsigned char ch) {
  if (ch <= 0x20 || ch >= 0x7f) return false;
  switch (ch) {
    case '"': case '<': case '>': case '\\': case '^': case '`': case '{': case '|': case '}': return false;
    default: return true;
  }
}

struct UrlParts {
  std::string_view scheme;  // "http" or "https" as written
  std::string_view authority;
  std::string_view path;   // "" or starting with '/'
  std::string_view query;  // without '?'
};

std::optional<UrlParts> split_url(std::string_view url) {
  UrlParts p;
  std::size_t rest = 0;
  if (starts_with_nocase(url, "https://")) {
    p.scheme = url.substr(0, 5);
    rest = 8;
  } else if (starts_with_nocase(url, "http://")) {
    p.scheme = url.substr(0, 4);
    rest = 7;
  } else {
    return std::nullopt;
  }
  if (!std::all_of(url.begin(), url.end(), [](char ch) { return url_char(static_cast<unsigned char>(ch)); })) {
    return std::nullopt;
  }
  const auto after = url.substr(rest);
  const auto auth_end = std::min(after.find_first_of("/?#"), after.size());
  p.authority = after.substr(0, auth_end);
  auto tail = after.substr(auth_end);
  tail = tail.substr(0, std::min(tail.find('#'), tail.size()));
  const auto q = tail.find('?');
  p.path = tail.substr(0, std::min(q, tail.size()));
  if (q != std::string_view::npos) p.query = tail.substr(q + 1);
  return p;
}

bool valid_host(std::string_view authority) {
  if (authority.empty() || authority.find('@') != std::string_view::npos) return false;
  std::string_view host = authority;
  std::string_view port;
  if (host.front() == '[') {
    const auto close = host.find(']');
    if (close == std::string_view::npos || close < 3) return false;
    const auto inner = host.substr(1, close - 1);
    if (!std::all_of(inner.begin(), inner.end(), [](char ch) { return std::isxdigit(static_cast<unsigned char>(ch)) || ch == ':' || ch == '.'; })) {
      return false;
    }
    const auto after = host.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return false;
      port = after.substr(1);
      if (port.empty()) return false;
    }
  } else {
    const auto colon = host.find(':');
    if (colon != std::string_view::npos) {
      port = host.substr(colon + 1);
      host = host.substr(0, colon);
      if (port.empty()) return false;
    }
    if (host.empty() || host.front() == '.' || host.front() == '-') return false;
    if (!std::all_of(host.begin(), host.end(), [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '-'; })) {
      return false;
    }
  }
  return port.size() <= 5 && std::all_of(port.begin(), port.end(), [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)); });
}

bool youtube_id(std::string_view id) {
  return id.size() == kYoutubeIdChars && std::all_of(id.begin(), id.end(), [](char ch) {
           return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-';
         });
}

bool vimeo_id(std::string_view id) {
  return !id.empty() && id.size() <= kVimeoIdMaxDigits &&
         std::all_of(id.begin(), id.end(), [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)); });
}

// The value of `name` in a query string (first occurrence), as written.
std::optional<std::string_view> query_value(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) return pair.substr(eq + 1);
  }
  return std::nullopt;
}

std::optional<std::string_view> after_prefix(std::string_view path, std::string_view prefix) {
  if (!path.starts_with(prefix)) return std::nullopt;
  return path.substr(prefix.size());
}

}  // namespace

std::string checked_link_url(std::string_view raw) {
  const auto first = raw.find_first_not_of(" \t\r\n");
  const auto last = raw.find_last_not_of(" \t\r\n");
  const std::string_view url = first == std::string_view::npos ? std::string_view() : raw.substr(first, last - first + 1);
  if (url.size() > kLinkMaxBytes) throw invalid_url("A link can be at most 2000 characters long.");
  const auto parts = split_url(url);
  if (!parts) throw invalid_url("Give a whole web address starting with https:// (or http://), without spaces.");
  if (parts->authority.find('@') != std::string_view::npos) {
    throw invalid_url("A link cannot carry a user name or password.");
  }
  if (!valid_host(parts->authority)) throw invalid_url("That web address has no valid site name.");
  return std::string(url);
}

std::optional<VideoLink> parse_video_link(std::string_view url) noexcept {
  try {
    const auto parts = split_url(url);
    if (!parts || url.size() > kLinkMaxBytes) return std::nullopt;
    // No port, no credentials: an exact host name from the list, in any letter case.
    const auto host = lower(parts->authority);
    if (host == "youtube.com" || host == "www.youtube.com" || host == "m.youtube.com") {
      if (parts->path == "/watch") {
        const auto v = query_value(parts->query, "v");
        if (v && youtube_id(*v)) return VideoLink{"youtube", std::string(*v)};
        return std::nullopt;
      }
      if (host != "m.youtube.com") {
        if (const auto id = after_prefix(parts->path, "/embed/"); id && youtube_id(*id)) return VideoLink{"youtube", std::string(*id)};
      }
      return std::nullopt;
    }
    if (host == "youtu.be") {
      if (const auto id = after_prefix(parts->path, "/"); id && youtube_id(*id)) return VideoLink{"youtube", std::string(*id)};
      return std::nullopt;
    }
    if (host == "youtube-nocookie.com" || host == "www.youtube-nocookie.com") {
      if (const auto id = after_prefix(parts->path, "/embed/"); id && youtube_id(*id)) return VideoLink{"youtube", std::string(*id)};
      return std::nullopt;
    }
    if (host == "vimeo.com" || host == "www.vimeo.com") {
      if (const auto id = after_prefix(parts->path, "/"); id && vimeo_id(*id)) return VideoLink{"vimeo", std::string(*id)};
      return std::nullopt;
    }
    if (host == "player.vimeo.com") {
      if (const auto id = after_prefix(parts->path, "/video/"); id && vimeo_id(*id)) return VideoLink{"vimeo", std::string(*id)};
      return std::nullopt;
    }
    return std::nullopt;
  } catch (...) {
    return std::nullopt;  // allocation failure: not a video we accept
  }
}

std::string video_embed_url(const VideoLink& video) {
  if (video.provider == "vimeo") return "https://player.vimeo.com/video/" + video.id + "?dnt=1";
  return "https://www.youtube-nocookie.com/embed/" + video.id;
}

std::string video_watch_url(const VideoLink& video) {
  if (video.provider == "vimeo") return "https://vimeo.com/" + video.id;
  return "https://www.youtube.com/watch?v=" + video.id;
}

}  // namespace harbour::services
