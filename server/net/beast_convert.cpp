#include "net/beast_convert.hpp"

#include "http/middleware.hpp"

#include <boost/beast/http/field.hpp>

namespace harbour::net {

namespace bhttp = boost::beast::http;

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
  r.close = true;
  return r;
}

}  // namespace harbour::net
