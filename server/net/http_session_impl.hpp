#pragma once
// The HTTP/1.1 session template (plain or TLS stream). Included only by http_session_tls.cpp and
// http_session_plain.cpp, which each instantiate one stream type.
//
// Life of a connection: [TLS handshake] -> wait for bytes (idle_timeout) -> read header
// (header_timeout, header_bytes; for a new connection one header_timeout from accept covers the
// handshake, the wait and the first header) -> pick the route's body limit,
// refuse oversized bodies before reading them -> read body (body_timeout) -> hand the Request to the
// app (inline or worker pool) -> write the Response (write_timeout) -> keep-alive or close.
//
// Framing is strict (net/request_framing.hpp says what is refused and why). The read buffer is
// bounded, so a chunk-size line (with its extensions) or trailer can never grow past the header
// limit plus one read (tests/hardening/hostile_http.py).
#include "http/app.hpp"
#include "net/beast_convert.hpp"
#include "net/request_framing.hpp"
#include "net/sessions.hpp"

#include "core/log.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/read_size.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <type_traits>

namespace harbour::net {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace asio = boost::asio;

template <class Stream>
class HttpSession : public Closable, public std::enable_shared_from_this<HttpSession<Stream>> {
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

 public:
  template <class... StreamArgs>
  HttpSession(ServerContext& ctx, ConnectionLimiter::Slot slot, StreamArgs&&... args)
      : stream_(std::forward<StreamArgs>(args)...),
        ctx_(ctx),
        open_count_(ctx.open_http),
        slot_(std::move(slot)),
        buffer_(ctx.config.limits.header_bytes + kReadChunk) {}

  ~HttpSession() override { ctx_.registry.remove(this); }

  void start() {
    ctx_.registry.add(this->shared_from_this());
    asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] { self->on_start(); });
  }

  void shutdown() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
      // Idle or mid-header: close now. A request in flight finishes, then the connection closes
      // because ctx_.stopping turns keep-alive off.
      if (self->state_ == State::Reading) self->lowest().cancel();
    });
  }

 private:
  enum class State { Reading, Handling, Writing, Closing };

  // beast::tcp_stream, or the TLS stream itself: both keep the same timeout API.
  auto& lowest() { return beast::get_lowest_layer(stream_); }

  void on_start() {
    lowest().expires_after(ctx_.config.limits.header_timeout);
    if constexpr (kTls) {
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (ec) return;  // scanners, plain HTTP on the TLS port, timeouts
                                self->do_read(true);
                              });
    } else {
      do_read(true);
    }
  }

  // Waits for the first byte of the next request with the idle timeout, then gives the header
  // its own (shorter) deadline, so a slow-loris header cannot hide behind keep-alive idleness.
  // The first request keeps on_start's deadline: a client that paused inside the handshake must
  // not get a fresh header_timeout for its header (tests/hardening/slow_clients.py).
  void do_read(bool first) {
    state_ = State::Reading;
    first_request_ = first;
    if (ctx_.stopping) return do_close();
    if (buffer_.size() == 0) {
      if (!first) lowest().expires_after(ctx_.config.limits.idle_timeout);
      stream_.async_read_some(buffer_.prepare(kReadChunk),
                              [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                                if (ec) return self->do_close();
                                self->buffer_.commit(n);
                                self->read_header();
                              });
      return;
    }
    read_header();
  }

  void read_header() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(ctx_.config.limits.header_bytes));
    // No limit yet: Beast compares a declared Content-Length with it as soon as the header ends,
    // which refused bodies over 64 KiB on routes that allow 256 KiB or 1 MiB. on_header sets the
    // route's limit before any body byte is parsed (and refuses a declared length over it).
    parser_->body_limit(boost::none);
    if (!first_request_) lowest().expires_after(ctx_.config.limits.header_timeout);  // once: for the whole header
    fold_scan_from_ = 0;
    parse_header();
  }

  // The header is fed to the parser here rather than by http::async_read_header, so that its raw
  // bytes can be checked for folded lines first: Beast would unfold them (RFC 9112 §5.2 allows
  // that, or a 400), which is exactly where a proxy that does neither reads another request.
  void parse_header() {
    if (buffer_.size() > 0) {
      const std::string_view bytes(static_cast<const char*>(buffer_.data().data()), buffer_.size());
      if (folds_a_header_line(bytes, fold_scan_from_)) {
        return send_error(400, "bad_request", "Folded header lines are not accepted.");
      }
      beast::error_code ec;
      buffer_.consume(parser_->put(buffer_.data(), ec));  // nothing until the header is whole
      if (parser_->is_header_done()) return on_header({});
      if (ec && ec != bhttp::error::need_more) return on_read_error(ec);
    }
    // Beast reports header_limit before the buffer (header_bytes + one read) can fill.
    const auto room = beast::read_size(buffer_, kReadChunk);
    if (room == 0) return on_read_error(bhttp::error::header_limit);
    stream_.async_read_some(buffer_.prepare(room), [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
      if (ec) return self->on_read_error(ec);
      self->buffer_.commit(n);
      self->parse_header();
    });
  }

  void on_header(beast::error_code ec) {
    if (ec) return on_read_error(ec);
    const auto verdict = judge_header(*parser_, ctx_.app);  // sets the route's body limit
    switch (verdict.next) {
      case HeaderVerdict::Next::Refuse:
        return send_error(verdict.refusal.status, verdict.refusal.code, verdict.refusal.message);
      case HeaderVerdict::Next::Upgrade:
        return on_upgrade();
      case HeaderVerdict::Next::ReadBody:
        if (verdict.send_continue) return send_continue();
        return read_body();
    }
  }

  void send_continue() {
    continue_.emplace(bhttp::status::continue_, 11);
    lowest().expires_after(ctx_.config.limits.write_timeout);
    bhttp::async_write(stream_, *continue_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->do_close();
      self->read_body();
    });
  }

  void read_body() {
    if (parser_->is_done()) return on_request();
    lowest().expires_after(ctx_.config.limits.body_timeout);
    bhttp::async_read(stream_, buffer_, *parser_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->on_read_error(ec);
      self->on_request();
    });
  }

  void on_read_error(beast::error_code ec) {
    if (const auto refusal = refusal_for_read_error(ec)) {
      return send_error(refusal->status, refusal->code, refusal->message);
    }
    do_close();  // closed, reset, timed out, TLS errors: nothing useful to say
  }

  void on_request() {
    state_ = State::Handling;
    keep_alive_ = parser_->get().keep_alive();
    head_ = parser_->get().method() == bhttp::verb::head;
    http::Request request;
    if (!to_harbour_request(parser_->release(), slot_.ip(), kTls, request)) {
      return send_error(400, "bad_target", "The request target is not a valid path.");
    }
    ctx_.app.dispatch(std::move(request), [self = this->shared_from_this()](http::Response response) {
      // From a worker thread (or inline): continue on this connection's strand.
      asio::dispatch(self->stream_.get_executor(), [self, r = std::move(response)]() mutable {
        self->write_response(std::move(r));
      });
    });
  }

  void send_error(int status, std::string_view code, std::string_view message) {
    // Counted by method and status like the App's own responses (a framing error may come before
    // the method is known: "other").
    const bool known = parser_ && parser_->is_header_done();
    ctx_.app.count_refused(known ? http::parse_method(parser_->get().method_string()) : http::Method::Other, status);
    keep_alive_ = false;
    head_ = false;
    write_response(net_error(status, code, message, kTls));
  }

  void write_response(http::Response response) {
    state_ = State::Writing;
    response_ = std::move(response);
    const bool keep = keep_alive_ && !response_->close && !ctx_.stopping;
    to_beast_response(*response_, head_, keep, beast_response_);
    lowest().expires_after(ctx_.config.limits.write_timeout);
    bhttp::async_write(stream_, beast_response_,
                       [self = this->shared_from_this(), keep](beast::error_code ec, std::size_t) {
                         self->response_.reset();
                         if (ec || !keep) return self->do_close();
                         self->do_read(false);
                       });
  }

  void on_upgrade() {
    auto& req = parser_->get();
    std::string path, query;
    if (!http::split_target(req.target(), path, query) || path != "/ws") {
      return send_error(404, "not_found", "There is no WebSocket endpoint at this address.");
    }
    if (ctx_.stopping) return send_error(503, "shutting_down", "The server is restarting. Please reconnect shortly.");
    if (!origin_allowed(req)) {
      core::log::warn("ws_origin_refused", {{"ip", slot_.ip()}});
      return send_error(403, "origin_not_allowed", "WebSocket connections are only accepted from this site.");
    }
    // The session must name a signed-in person. That needs the database, so the check runs as
    // the app's "GET /ws" route on a worker thread; the socket is accepted only on its 200.
    state_ = State::Handling;
    http::Request check;
    if (!to_harbour_request(UpgradeRequest(req), slot_.ip(), kTls, check)) {
      return send_error(400, "bad_target", "The request target is not a valid path.");
    }
    ctx_.app.dispatch(std::move(check), [self = this->shared_from_this()](http::Response response) {
      asio::dispatch(self->stream_.get_executor(), [self, r = std::move(response)]() mutable {
        self->on_upgrade_checked(std::move(r));
      });
    });
  }

  void on_upgrade_checked(http::Response response) {
    if (response.status != 200) {
      keep_alive_ = false;
      head_ = false;
      response.close = true;
      return write_response(std::move(response));
    }
    const auto ids = nlohmann::json::parse(response.body_view(), nullptr, false);
    WsIdentity who{ids.value("user_id", std::int64_t{0}), ids.value("session_id", std::int64_t{0}),
                   std::chrono::seconds(ids.value("expires_in_s", std::int64_t{1})), {}, {}};
    if (const auto topics = ids.find("topics"); topics != ids.end() && topics->is_array()) {
      for (const auto& t : *topics) {
        if (t.is_string()) who.topics.push_back(t.get<std::string>());
      }
    }
    if (const auto resume = ids.find("resume"); resume != ids.end() && resume->is_string()) {
      who.resume_target = resume->get<std::string>();
    }
    lowest().expires_never();
    if constexpr (kTls) {
      start_wss_session(std::move(stream_), parser_->release(), ctx_, std::move(slot_), who);
    } else {
      start_ws_session(std::move(stream_), parser_->release(), ctx_, std::move(slot_), who);
    }
  }

  // Browsers always send Origin on WebSocket upgrades; it must be this site (same host as the
  // Host header, or the configured public URL). Clients without Origin (apps) are not browsers
  // and so cannot be used for cross-site WebSocket hijacking.
  bool origin_allowed(const UpgradeRequest& req) const {
    const auto origin = req[bhttp::field::origin];
    if (origin.empty()) return true;
    if (!ctx_.config.public_url.empty() && origin == ctx_.config.public_url) return true;
    const auto scheme_end = origin.find("://");
    if (scheme_end == std::string_view::npos) return false;
    const auto scheme = origin.substr(0, scheme_end);
    if (scheme != (kTls ? "https" : "http") && !(ctx_.config.plain_http && scheme == "https")) return false;
    const auto host = req[bhttp::field::host];
    return !host.empty() && origin.substr(scheme_end + 3) == host;
  }

  void do_close() {
    if (state_ == State::Closing) return;
    state_ = State::Closing;
    if constexpr (kTls) {
      // Send close_notify and wait briefly for the peer's; during shutdown, barely at all.
      lowest().expires_after(ctx_.stopping ? std::chrono::milliseconds(200) : std::chrono::milliseconds(2000));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {
        beast::error_code ignored;
        self->lowest().socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
        self->lowest().close();
      });
    } else {
      beast::error_code ignored;
      lowest().socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
      lowest().close();
    }
  }

  static constexpr std::size_t kReadChunk = 4096;

  Stream stream_;
  ServerContext& ctx_;
  OpenCount open_count_;
  ConnectionLimiter::Slot slot_;
  beast::flat_buffer buffer_;  // bounded: header_bytes + kReadChunk
  std::size_t fold_scan_from_ = 0;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::optional<bhttp::response<bhttp::empty_body>> continue_;
  std::optional<http::Response> response_;
  BeastResponse beast_response_;
  State state_ = State::Reading;
  bool keep_alive_ = true;
  bool head_ = false;
  bool first_request_ = true;  // reading the connection's first request (deadline from accept)
};

}  // namespace harbour::net
