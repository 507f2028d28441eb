#include "net/request_framing.hpp"

#include "http/request.hpp"

#include <boost/beast/http/error.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <string>

namespace harbour::net {

namespace bhttp = boost::beast::http;

bool folds_a_header_line(std::string_view bytes, std::size_t& from) {
  for (auto i = bytes.find('\n', from); i != std::string_view::npos; i = bytes.find('\n', i + 1)) {
    if (i + 1 == bytes.size()) {
      from = i;  // what follows has not arrived yet
      return false;
    }
    const char next = bytes[i + 1];
    if (next == ' ' || next == '\t') return true;
    if (next == '\r' || next == '\n') {
      from = i;  // the blank line: the body, if any, follows
      return false;
    }
  }
  from = bytes.size();
  return false;
}

HeaderVerdict judge_header(RequestParser& parser, const http::App& app) {
  const auto refuse = [](int status, std::string_view code, std::string_view message) {
    return HeaderVerdict{HeaderVerdict::Next::Refuse, Refusal{status, code, message}, false};
  };
  const auto& req = parser.get();

  // RFC 9112 §3.2: an HTTP/1.1 request carries exactly one Host, an HTTP/1.0 one at most one.
  const auto hosts = req.count(bhttp::field::host);
  if (hosts > 1 || (hosts == 0 && req.version() >= 11)) {
    return refuse(400, "bad_request", "The request needs exactly one Host header.");
  }
  // §6.3: with any transfer coding but a lone "chunked" the body's length is not known here.
  if (req.count(bhttp::field::transfer_encoding) != 0 &&
      !http::iequals(req[bhttp::field::transfer_encoding], "chunked")) {
    return refuse(400, "bad_request", "Only Transfer-Encoding: chunked is accepted.");
  }

  if (boost::beast::websocket::is_upgrade(req)) return {HeaderVerdict::Next::Upgrade, {}, false};

  std::string path, query;
  if (!http::split_target(req.target(), path, query)) {
    return refuse(400, "bad_target", "The request target is not a valid path.");
  }
  const auto limit = app.body_limit(http::parse_method(req.method_string()), path);
  parser.body_limit(limit);
  // Refuse a declared body over the limit before reading a byte of it.
  if (auto declared = parser.content_length(); declared && *declared > limit) {
    return refuse(413, "body_too_large", "The request body is larger than this address accepts.");
  }
  const auto expect = req[bhttp::field::expect];
  if (!expect.empty() && !http::iequals(expect, "100-continue")) {
    return refuse(417, "expectation_failed", "Only Expect: 100-continue is supported.");
  }
  return {HeaderVerdict::Next::ReadBody, {}, !expect.empty() && !parser.is_done()};
}

std::optional<Refusal> refusal_for_read_error(boost::beast::error_code ec) {
  if (ec == bhttp::error::header_limit) return Refusal{431, "header_too_large", "The request headers are too large."};
  if (ec == bhttp::error::body_limit) {
    return Refusal{413, "body_too_large", "The request body is larger than this address accepts."};
  }
  // Every other parse error (bad method, bad chunk, bad field, a message cut short, ...) shares
  // the parser's category; end_of_stream is in it too but means the client went away between
  // requests.
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
      ec != bhttp::error::end_of_stream) {
    return Refusal{400, "bad_request", "The request could not be understood."};
  }
  return std::nullopt;
}

}  // namespace harbour::net
