#pragma once
// The web client's built files (web/dist), read into memory once at start-up: the folder is small,
// so every request is a map lookup with no file I/O (no I/O thread ever blocks on disk), and path
// traversal is impossible by construction because only files found at start-up can be served.
#include "http/request.hpp"
#include "http/response.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

namespace harbour::http {

struct StaticFile {
  std::shared_ptr<const std::string> content;
  std::string content_type;
  std::string etag;           // strong ETag: quoted SHA-256 prefix of the content
  std::string cache_control;  // "no-cache" (revalidate) for HTML, longer for assets
};

class StaticFiles {
 public:
  // Loads every regular file below `root` (symlinks are not followed). Throws when the folder is
  // missing, has no index.html, or holds more than `max_total_bytes`.
  explicit StaticFiles(const std::filesystem::path& root, std::size_t max_total_bytes = 64u << 20);

  // GET/HEAD for `path` (decoded, starting with '/'). Paths without a file extension fall back to
  // index.html so client-side routes deep-link. nullopt when nothing matches (caller sends 404).
  std::optional<Response> serve(const Request& request) const;

  std::size_t file_count() const noexcept { return files_.size(); }
  const std::filesystem::path& root() const noexcept { return root_; }

 private:
  const StaticFile* find(const std::string& path) const;

  std::filesystem::path root_;
  std::unordered_map<std::string, StaticFile> files_;  // key: "/app.js"
};

std::string_view mime_type_for(std::string_view extension) noexcept;

}  // namespace harbour::http
