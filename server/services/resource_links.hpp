#pragma once
// The links a resource carries. A `url` is an ordinary http(s) link that a reader's browser
// opens; a video is embedded in our pages, so only a short allowlist of hosts and URL shapes is
// accepted, and the embed goes through each host's privacy-enhanced player (no cookies before
// play on youtube-nocookie.com, "do not track" on Vimeo). The CSP's frame-src names those two.
#include <optional>
#include <string>
#include <string_view>

namespace harbour::services {

inline constexpr std::size_t kLinkMaxBytes = 2000;

// Trims the link and checks it: http or https, a host, no user name or password (they can hide
// where a link really goes: https://nhs.uk@example.com), printable ASCII only, at most
// kLinkMaxBytes. Throws AppError{BadRequest, "invalid_url"}. Returns the trimmed link.
std::string checked_link_url(std::string_view raw);

struct VideoLink {
  std::string provider;  // youtube | vimeo
  std::string id;        // 11 characters [A-Za-z0-9_-] (YouTube) or digits (Vimeo)
};

// Recognises the allowlisted shapes:
//   http(s)://(www.|m.)youtube.com/watch?v=ID   (youtube.com|www.youtube.com)/embed/ID
//   http(s)://youtu.be/ID                        (www.)youtube-nocookie.com/embed/ID
//   http(s)://(www.)vimeo.com/DIGITS             player.vimeo.com/video/DIGITS
// Anything else (another host, a port, credentials, another path) is nullopt.
std::optional<VideoLink> parse_video_link(std::string_view url) noexcept;

// Validated provider and id back to the privacy-enhanced player and to the host's own page.
std::string video_embed_url(const VideoLink& video);
std::string video_watch_url(const VideoLink& video);

}  // namespace harbour::services
