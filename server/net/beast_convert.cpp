#include "net/beast_convert.hpp"

#include "core/random.hpp"
#include "http/middleware.hpp"

#include <boost/beast/http/field.hpp>

#include <ctime>

namespace harbour::net {

namespace bhttp = boost::beast::http;

namespace {

// RFC 9110 §6.6.1: an origin server with a clock sends Date. Formatted once per second per
// thread, so the hot path is a comparison and a copy.
const std::string& http_date() {
  thread_local std::time_t cached_second = 0;
  thread_local std::string cached;
  const std::time_t now = std::time(nullptr);
  if (now != cached_second) {
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[64];
    const auto n = std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    cached.assign(buf, n);
    cached_second = now;
  }
  return cached;
}

}  // namespace

bool to_harbour_request(BeastRequest&& in, const std::string& remote_ip, bool secure, http::Request& out) {
  out.method_text = std::string(in.method_string());
  out.method = http::parse_method(out.method_text);
  out.target = std::string(in.target());
  if (!http::split_target(out.target, out.path, out.query)) return false;
  for (const auto& field : in) {
    out.headers.add(std::string(field.name_string()), std::string(field.value()));
  }
  out.body = std::move(in.body());
  out.remote_ip = remote_ip;
  out.secure = secure;
  out.received_at = std::chrono::steady_clock::now();
  return true;
}

void to_beast_response(const http::Response& in, bool head, bool keep_alive, BeastResponse& out) {
  out = BeastResponse{};
  out.version(11);
  out.result(static_cast<unsigned>(in.status));
  out.set(bhttp::field::date, http_date());
  for (const auto& [name, value] : in.headers) out.insert(name, value);
  const auto body = in.body_view();
  const bool bodiless = in.status == 204 || in.status == 304 || (in.status >= 100 && in.status < 200);
  if (!bodiless) out.content_length(body.size());
  if (!head && !bodiless) out.body() = boost::beast::span<const char>(body.data(), body.size());
  out.keep_alive(keep_alive);
}

http::Response net_error(int status, std::string_view code, std::string_view message, bool tls) {
  http::Response r = http::error_response(status, code, message);
  http::apply_security_headers(r, {.hsts = tls});
  // Answered here, before the app's middleware, so the id every answer carries is set here too.
  r.headers.set("X-Request-Id", core::new_request_id());
  r.close = true;
  return r;
}

}  // namespace harbour::net
