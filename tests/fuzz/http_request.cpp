// Fuzz target: the whole HTTP request path from bytes to response, without a socket.
//
// The input is what a client sends on one keep-alive connection (after TLS): up to 8 pipelined
// requests. Each goes through Beast's request parser with Harbour's limits (header_bytes,
// then the route's own body limit as the session applies it before reading the body), the
// session's framing rules themselves (server/net/request_framing: folded lines, Host,
// Transfer-Encoding, bad target 400, declared body too large 413, Expect 417; read errors 431, 413,
// 400), the WebSocket upgrade to /ws through the app's GET /ws check, server/net/beast_convert
// into Harbour's Request, the real App (every route of server/api, the middleware chain, the
// worker pools) on a real SQLite database with the demo community, and back through beast_convert
// into a serialised response.
// Placeholders ${member}, ${member.csrf}, ${staff}, ... stand for live session tokens (see
// support/fuzz_app.hpp), so inputs reach signed-in code.
//
// Properties: see support/checks.hpp check_response (status range, no 5xx but 503, security
// headers, JSON errors, cookie attributes, nothing internal in a body), plus: the serialised
// response has a status line and a body as long as Content-Length says (none for HEAD), and a
// static file answer holds one of the web client's files (support/fuzz_app.hpp).
#include "http/cookies.hpp"
#include "net/beast_convert.hpp"
#include "net/request_framing.hpp"
#include "services/session_service.hpp"
#include "support/checks.hpp"
#include "support/fuzz_app.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <optional>
#include <sstream>
#include <string>

namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using namespace harbour;

constexpr int kMaxRequestsPerInput = 8;

struct Outcome {
  http::Response response;
  bool from_app = false;
  bool head = false;
  bool keep_alive = false;
  std::optional<fuzz::Who> viewer;  // whose session cookie the request carried
};

// An answer of the session itself (no app involved); the connection closes after it.
Outcome net_answer(http::Response r) {
  Outcome out;
  out.response = std::move(r);
  return out;
}

http::Response run_app(const http::App& app, http::Request request) {
  std::promise<http::Response> answer;
  auto future = answer.get_future();
  app.dispatch(std::move(request), [&answer](http::Response r) { answer.set_value(std::move(r)); });
  return future.get();
}

// What HttpSession::on_read_error answers (nullopt: it closes without a word).
std::optional<http::Response> read_error_response(beast::error_code ec) {
  const auto refusal = net::refusal_for_read_error(ec);
  if (!refusal) return std::nullopt;
  return net::net_error(refusal->status, refusal->code, refusal->message, true);
}

// Feeds `rest` to the parser until `done(parser)`; at the end of the input the connection is closed
// (put_eof), as the session's read would see it. Returns the error, if any.
template <class Done>
beast::error_code feed(bhttp::request_parser<bhttp::string_body>& parser, std::string_view& rest, Done done) {
  beast::error_code ec;
  while (!done(parser)) {
    if (rest.empty()) {
      if (parser.got_some()) {
        parser.put_eof(ec);
        if (!ec && !done(parser)) ec = bhttp::error::partial_message;
      } else {
        ec = bhttp::error::end_of_stream;
      }
      return ec;
    }
    const auto used = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
    rest.remove_prefix(used);
    if (ec == bhttp::error::need_more) {
      if (used == 0) {
        // The parser wants more than there is: the client sent everything it had.
        rest = {};
      }
      ec = {};
      continue;
    }
    if (ec) return ec;
  }
  return ec;
}

// One request of the connection; nullopt when the connection ends without an answer.
std::optional<Outcome> one_request(fuzz::AppFixture& fx, std::string_view& rest, const std::string& ip) {
  const auto& limits = fx.config().limits;
  net::RequestParser parser;
  parser.header_limit(static_cast<std::uint32_t>(limits.header_bytes));
  parser.body_limit(boost::none);  // HttpSession::read_header: the route's limit comes with the header

  // HttpSession::parse_header looks for folded lines before the parser sees the header.
  std::size_t scanned = 0;
  if (net::folds_a_header_line(rest, scanned)) {
    return net_answer(net::net_error(400, "bad_request", "Folded header lines are not accepted.", true));
  }
  auto ec = feed(parser, rest, [](const auto& p) { return p.is_header_done(); });
  if (ec) {
    auto r = read_error_response(ec);
    if (!r) return std::nullopt;
    return net_answer(std::move(*r));
  }
  auto& req = parser.get();

  // HttpSession::on_header: the server's own rules, which also set the route's body limit.
  const auto verdict = net::judge_header(parser, fx.app());
  if (verdict.next == net::HeaderVerdict::Next::Refuse) {
    return net_answer(net::net_error(verdict.refusal.status, verdict.refusal.code, verdict.refusal.message, true));
  }
  if (verdict.next == net::HeaderVerdict::Next::Upgrade) {
    // HttpSession::on_upgrade: /ws only; the app's GET /ws route decides (signed in or not).
    std::string path, query;
    if (!http::split_target(req.target(), path, query) || path != "/ws") {
      return net_answer(net::net_error(404, "not_found", "There is no WebSocket endpoint at this address.", true));
    }
    http::Request check;
    if (!net::to_harbour_request(net::BeastRequest(req), ip, true, check)) {
      return net_answer(net::net_error(400, "bad_target", "The request target is not a valid path.", true));
    }
    auto response = run_app(fx.app(), std::move(check));
    if (response.status == 200) {
      // HttpSession::on_upgrade_checked reads the identity from the answer.
      const auto ids = nlohmann::json::parse(response.body_view(), nullptr, false);
      if (!ids.is_object()) fuzz::fail("GET /ws answered 200 without a JSON object", response.body_view());
      (void)ids.value("user_id", std::int64_t{0});
      (void)ids.value("session_id", std::int64_t{0});
      (void)ids.value("expires_in_s", std::int64_t{1});
      if (const auto resume = ids.find("resume"); resume != ids.end()) {
        std::string rpath, rquery;
        if (!resume->is_string() || !http::split_target(resume->get<std::string>(), rpath, rquery)) {
          fuzz::fail("GET /ws named a resume target that is not a path", response.body_view());
        }
      }
    }
    Outcome out = net_answer(std::move(response));
    out.from_app = true;
    return out;
  }

  ec = feed(parser, rest, [](const auto& p) { return p.is_done(); });
  if (ec) {
    auto r = read_error_response(ec);
    if (!r) return std::nullopt;
    return net_answer(std::move(*r));
  }

  // HttpSession::on_request
  Outcome out;
  if (const auto cookie = req[bhttp::field::cookie]; !cookie.empty()) {
    if (const auto token = http::cookie_value(std::string_view(cookie.data(), cookie.size()), services::kSessionCookie)) {
      out.viewer = fx.owner_of(*token);
    }
  }
  out.keep_alive = parser.get().keep_alive();
  out.head = parser.get().method() == bhttp::verb::head;
  http::Request request;
  if (!net::to_harbour_request(parser.release(), ip, true, request)) {
    return net_answer(net::net_error(400, "bad_target", "The request target is not a valid path.", true));
  }
  out.response = run_app(fx.app(), std::move(request));
  out.from_app = true;
  return out;
}

void check_serialised(const Outcome& o, std::string_view what) {
  net::BeastResponse beast_response;
  const bool keep = o.keep_alive && !o.response.close;
  net::to_beast_response(o.response, o.head, keep, beast_response);
  std::ostringstream wire;
  wire << beast_response;
  const auto text = wire.str();
  if (!text.starts_with("HTTP/1.1 " + std::to_string(o.response.status))) fuzz::fail("a serialised response without its status line", std::string(what) + "\n" + text);
  const auto end = text.find("\r\n\r\n");
  if (end == std::string::npos) fuzz::fail("a serialised response without the end of its header", text);
  const auto body = text.size() - end - 4;
  if (o.head && body != 0) fuzz::fail("a HEAD answer with a body", text);
  if (!o.head && beast_response.has_content_length()) {
    const auto length = beast_response[bhttp::field::content_length];
    if (std::to_string(body) != length) fuzz::fail("Content-Length does not match the body", text);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto& fx = fuzz::AppFixture::instance();
  fx.heal();
  const std::string input = fx.expand(std::string_view(reinterpret_cast<const char*>(data), size));
  std::string_view rest = input;
  const auto ip = fx.next_ip();
  const auto secret = fx.folder().string();
  static const bool trace = std::getenv("HARBOUR_FUZZ_TRACE") != nullptr;  // prints every answer
  for (int n = 0; n < kMaxRequestsPerInput; ++n) {
    const auto before = rest;
    auto outcome = one_request(fx, rest, ip);
    if (!outcome) break;
    const auto what = "request " + std::to_string(n + 1) + " of the input: " +
                      fuzz::printable(before.substr(0, before.size() - rest.size()), 300);
    if (trace) {
      std::fprintf(stderr, "[http_request] %d %s\n", outcome->response.status,
                   fuzz::printable(outcome->response.body_view(), 160).c_str());
    }
    fuzz::check_response(outcome->response, {.from_app = outcome->from_app, .tls = true, .secret_path = secret}, what);
    check_serialised(*outcome, what);
    // Keys to rooms: nothing of another network, nor anyone's unpublished words, reaches someone
    // without the key (support/fuzz_app.hpp never_shown_to).
    if (outcome->from_app && outcome->response.status < 300) {
      for (const auto& secret_text : fx.never_shown_to(outcome->viewer)) {
        if (outcome->response.body_view().find(secret_text) != std::string_view::npos) {
          fuzz::fail("content reached someone without its key: \"" + secret_text + "\"", what + "\nbody: " + fuzz::printable(outcome->response.body_view(), 1500));
        }
      }
    }
    // Static files are read into memory at start-up: whatever a path says, an answer with an
    // ETag holds exactly one of the web client's files (never the database beside it).
    if (outcome->response.status == 200 && outcome->response.headers.has("ETag") &&
        !fx.is_web_file(outcome->response.body_view())) {
      fuzz::fail("a static answer that is not one of the web client's files", what);
    }
    if (!outcome->keep_alive || outcome->response.close || rest.empty()) break;
  }
  return 0;
}
