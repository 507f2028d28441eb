#include "http/static_files.hpp"

#include <openssl/evp.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace harbour::http {
namespace {

std::string etag_of(const std::string& content) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(content.data(), content.size(), digest, &len, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string tag = "\"";
  for (unsigned i = 0; i < 12 && i < len; ++i) {
    tag.push_back(kHex[digest[i] >> 4]);
    tag.push_back(kHex[digest[i] & 0xf]);
  }
  tag.push_back('"');
  return tag;
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  // A list of entity tags, possibly weak ("W/"), or "*".
  std::size_t pos = 0;
  while (pos < if_none_match.size()) {
    auto comma = if_none_match.find(',', pos);
    auto item = if_none_match.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.starts_with("W/")) item.remove_prefix(2);
    if (item == "*" || item == etag) return true;
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return false;
}

}  // namespace

std::string_view mime_type_for(std::string_view ext) noexcept {
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json" || ext == ".map") return "application/json";
  if (ext == ".webmanifest") return "application/manifest+json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".jpg" || ext == ".jpeg") return "image/jpeg";
  if (ext == ".webp") return "image/webp";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".woff") return "font/woff";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

StaticFiles::StaticFiles(const std::filesystem::path& root, std::size_t max_total_bytes) : root_(root) {
  namespace fs = std::filesystem;
  if (!fs::is_directory(root)) throw std::runtime_error("web root " + root.string() + " is not a folder (build the web client: cd web && npm run build)");
  std::size_t total = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file() || entry.is_symlink()) continue;
    const auto rel = fs::relative(entry.path(), root).generic_string();
    if (rel.empty() || rel.front() == '.') continue;  // dotfiles are never served
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream buf;
    buf << in.rdbuf();
    auto content = buf.str();
    total += content.size();
    if (total > max_total_bytes) throw std::runtime_error("web root " + root.string() + " is larger than expected");
    const auto ext = entry.path().extension().string();
    StaticFile file;
    file.etag = etag_of(content);
    file.content_type = std::string(mime_type_for(ext));
    // HTML and the app bundle revalidate every time (cheap 304s) so a deploy is seen at once.
    file.cache_control = "no-cache";
    file.content = std::make_shared<const std::string>(std::move(content));
    files_.emplace("/" + rel, std::move(file));
  }
  if (!files_.contains("/index.html")) throw std::runtime_error("web root " + root.string() + " has no index.html");
}

const StaticFile* StaticFiles::find(const std::string& path) const {
  auto it = files_.find(path);
  return it == files_.end() ? nullptr : &it->second;
}

std::optional<Response> StaticFiles::serve(const Request& request) const {
  if (request.method != Method::Get && request.method != Method::Head) return std::nullopt;
  const std::string& path = request.path;
  // Dot segments ("/../x", "/.env") never name a file here; answer 404 rather than the index.
  if (path.find("/.") != std::string::npos) return std::nullopt;
  const StaticFile* file = nullptr;
  if (path == "/") {
    file = find("/index.html");
  } else {
    file = find(path);
    if (!file) {
      // Client-side route: no dot in the last segment ("/urgent-help", "/forums/3").
      const auto last = path.substr(path.rfind('/') + 1);
      if (last.find('.') == std::string::npos) file = find("/index.html");
    }
  }
  if (!file) return std::nullopt;

  Response r;
  r.headers.set("ETag", file->etag);
  r.headers.set("Cache-Control", file->cache_control);
  if (auto inm = request.headers.get("If-None-Match"); inm && etag_matches(*inm, file->etag)) {
    r.status = 304;
    return r;
  }
  r.status = 200;
  r.headers.set("Content-Type", file->content_type);
  r.shared_body = file->content;
  return r;
}

}  // namespace harbour::http
