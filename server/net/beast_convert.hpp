#pragma once
// Conversions between Beast's messages and Harbour's own Request/Response (the only place the two
// meet), and the small responses the net layer sends itself (framing errors, 413, redirects).
#include "http/request.hpp"
#include "http/response.hpp"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/span_body.hpp>
#include <boost/beast/http/string_body.hpp>

#include <string>

namespace harbour::net {

using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;
using BeastResponse = boost::beast::http::response<boost::beast::http::span_body<const char>>;

// False when the target is not origin-form or badly encoded (the caller answers 400).
bool to_harbour_request(BeastRequest&& in, const std::string& remote_ip, bool secure, http::Request& out);

// Fills `out` from `in`; `in` must outlive `out` (the body is a view of it). For HEAD the body is
// left empty but Content-Length still states the full size.
void to_beast_response(const http::Response& in, bool head, bool keep_alive, BeastResponse& out);

// A JSON error with security headers, for errors found before the app sees the request.
http::Response net_error(int status, std::string_view code, std::string_view message, bool tls);

}  // namespace harbour::net
