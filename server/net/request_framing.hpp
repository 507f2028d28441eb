#pragma once
// The HTTP/1.1 framing rules of a session, as plain functions over Beast's parser: what to do
// with a header once it is whole, and what to answer when reading fails. The session template
// (http_session_impl.hpp) and the http_request fuzz target (tests/fuzz) both call these, so the
// fuzzer drives the rules the server runs rather than a copy of them.
//
// Framing is strict (RFC 9112), because a proxy in front that read the same bytes differently
// could smuggle a second request past it: folded header lines, a Transfer-Encoding other than
// "chunked", and a missing or repeated Host are refused with 400 and the connection closes.
#include "http/app.hpp"

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstddef>
#include <optional>
#include <string_view>

namespace harbour::net {

using RequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

// An answer the session gives itself (net_error); the connection closes after it.
struct Refusal {
  int status = 400;
  std::string_view code;
  std::string_view message;
};

// Whether the header at the start of `bytes` folds a line (a line break followed by a space or a
// tab) before its blank line. `from`: where the previous, shorter look stopped (start at 0); lets
// a session rescan only what arrived since.
bool folds_a_header_line(std::string_view bytes, std::size_t& from);

// What a whole header asks of the session next.
struct HeaderVerdict {
  enum class Next { Refuse, Upgrade, ReadBody };
  Next next = Next::ReadBody;
  Refusal refusal;                // Next::Refuse
  bool send_continue = false;     // Next::ReadBody: answer 100 Continue before reading the body
};

// Checks a parsed header (Host, Transfer-Encoding, WebSocket upgrade, target, declared length,
// Expect) and sets the route's body limit on the parser, before any body byte is parsed.
HeaderVerdict judge_header(RequestParser& parser, const http::App& app);

// The answer to a failed read: 431, 413 or 400 for what the client got wrong; nullopt when the
// connection just ends (closed, reset, timed out, TLS errors).
std::optional<Refusal> refusal_for_read_error(boost::beast::error_code ec);

}  // namespace harbour::net
