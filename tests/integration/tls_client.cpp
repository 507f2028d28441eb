#include "tls_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <openssl/ssl.h>

#include <stdexcept>

namespace harbour::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = asio::ip::tcp;

namespace {

void configure(asio::ssl::context& ctx, const TlsOptions& o) {
  if (!o.ca_file.empty()) {
    ctx.load_verify_file(o.ca_file);
    ctx.set_verify_mode(asio::ssl::verify_peer);
  }
  if (o.min_version) SSL_CTX_set_min_proto_version(ctx.native_handle(), o.min_version);
  if (o.max_version) SSL_CTX_set_max_proto_version(ctx.native_handle(), o.max_version);
  if (!o.tls12_ciphers.empty()) SSL_CTX_set_cipher_list(ctx.native_handle(), o.tls12_ciphers.c_str());
  // Legacy protocol versions need security level 0 in OpenSSL 3 to even be offered.
  if (o.max_version && o.max_version < TLS1_2_VERSION) SSL_CTX_set_security_level(ctx.native_handle(), 0);
  static const unsigned char kAlpn[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  SSL_CTX_set_alpn_protos(ctx.native_handle(), kAlpn, sizeof kAlpn);
}

// Runs the io_context until `done` or the deadline; throws on timeout.
template <class Pred>
void run_until(asio::io_context& ioc, Pred done, std::chrono::milliseconds timeout, const char* what) {
  ioc.restart();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) throw std::runtime_error(std::string("timeout: ") + what);
    ioc.run_for(std::chrono::milliseconds(10));
    if (ioc.stopped()) ioc.restart();
  }
}

}  // namespace

struct HttpsClient::Impl {
  asio::io_context ioc;
  asio::ssl::context ctx{asio::ssl::context::tls_client};
  // Created after the context is configured: OpenSSL copies settings into each SSL at creation.
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> stream;
  beast::flat_buffer buffer;
  std::uint16_t port;
};

HttpsClient::HttpsClient(std::uint16_t port, TlsOptions tls) : impl_(std::make_unique<Impl>()) {
  configure(impl_->ctx, tls);
  impl_->stream = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(impl_->ioc, impl_->ctx);
  impl_->port = port;
  impl_->stream->set_verify_callback(asio::ssl::host_name_verification("127.0.0.1"));
}

HttpsClient::HttpsClient(HttpsClient&&) noexcept = default;
HttpsClient::~HttpsClient() = default;

void HttpsClient::connect() {
  auto& s = *impl_->stream;
  beast::get_lowest_layer(s).connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), impl_->port));
  bool done = false;
  beast::error_code result;
  beast::get_lowest_layer(s).expires_after(std::chrono::seconds(5));
  s.async_handshake(asio::ssl::stream_base::client, [&](beast::error_code ec) { result = ec; done = true; });
  run_until(impl_->ioc, [&] { return done; }, std::chrono::seconds(6), "TLS handshake");
  if (result) throw std::runtime_error("TLS handshake failed: " + result.message());
}

std::string HttpsClient::negotiated_protocol() const { return SSL_get_version(impl_->stream->native_handle()); }

HttpReply HttpsClient::request(const std::string& method, const std::string& target, const std::string& body,
                               const std::map<std::string, std::string>& headers) {
  auto& s = *impl_->stream;
  bhttp::request<bhttp::string_body> req;
  req.method_string(method);
  req.target(target);
  req.version(11);
  req.set(bhttp::field::host, "127.0.0.1:" + std::to_string(impl_->port));
  for (const auto& [k, v] : headers) req.set(k, v);
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    req.body() = body;
    req.prepare_payload();
  }
  req.keep_alive(true);
  bool done = false;
  beast::error_code result;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64u << 20);
  if (method == "HEAD") parser.skip(true);
  beast::get_lowest_layer(s).expires_after(std::chrono::seconds(10));
  bhttp::async_write(s, req, [&](beast::error_code ec, std::size_t) {
    if (ec) { result = ec; done = true; return; }
    bhttp::async_read(s, impl_->buffer, parser, [&](beast::error_code ec2, std::size_t) { result = ec2; done = true; });
  });
  run_until(impl_->ioc, [&] { return done; }, std::chrono::seconds(11), "HTTP exchange");
  if (result) throw std::runtime_error("HTTP exchange failed: " + result.message());
  HttpReply reply;
  auto res = parser.release();
  reply.status = static_cast<int>(res.result_int());
  for (const auto& f : res) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    reply.headers[name] = std::string(f.value());
  }
  reply.body = std::move(res.body());
  reply.keep_alive = res.keep_alive();
  return reply;
}

std::string HttpsClient::raw(const std::string& bytes, std::chrono::milliseconds timeout) {
  auto& s = *impl_->stream;
  bool wrote = false;
  beast::error_code werr;
  asio::async_write(s, asio::buffer(bytes), [&](beast::error_code ec, std::size_t) { werr = ec; wrote = true; });
  run_until(impl_->ioc, [&] { return wrote; }, timeout, "raw write");
  std::string out;
  bool finished = false;
  char buf[4096];
  std::function<void()> read_more = [&] {
    s.async_read_some(asio::buffer(buf), [&](beast::error_code ec, std::size_t n) {
      out.append(buf, n);
      if (ec) { finished = true; return; }
      read_more();
    });
  };
  read_more();
  try {
    run_until(impl_->ioc, [&] { return finished; }, timeout, "raw read");
  } catch (const std::runtime_error&) {
    beast::get_lowest_layer(s).cancel();
    run_until(impl_->ioc, [&] { return finished; }, std::chrono::seconds(2), "raw cancel");
  }
  return out;
}

bool HttpsClient::closed_by_server(std::chrono::milliseconds timeout) {
  auto& s = *impl_->stream;
  bool finished = false;
  beast::error_code result;
  char buf[256];
  s.async_read_some(asio::buffer(buf), [&](beast::error_code ec, std::size_t) { result = ec; finished = true; });
  try {
    run_until(impl_->ioc, [&] { return finished; }, timeout, "wait for close");
  } catch (const std::runtime_error&) {
    beast::get_lowest_layer(s).cancel();
    run_until(impl_->ioc, [&] { return finished; }, std::chrono::seconds(2), "cancel");
    return false;
  }
  return result == asio::error::eof || result == asio::ssl::error::stream_truncated ||
         result == asio::error::connection_reset || result == beast::error::timeout;
}

struct WssClient::Impl {
  asio::io_context ioc;
  asio::ssl::context ctx{asio::ssl::context::tls_client};
  std::unique_ptr<websocket::stream<beast::ssl_stream<beast::tcp_stream>>> ws;
  beast::flat_buffer buffer;
  std::uint16_t port;
  std::optional<WsClose> closed;
  bool read_pending = false;
  bool read_done = false;
  beast::error_code read_ec;
};

WssClient::WssClient(std::uint16_t port, TlsOptions tls) : impl_(std::make_unique<Impl>()) {
  configure(impl_->ctx, tls);
  impl_->port = port;
  impl_->ws = std::make_unique<websocket::stream<beast::ssl_stream<beast::tcp_stream>>>(impl_->ioc, impl_->ctx);
}

WssClient::~WssClient() = default;

int WssClient::connect(const std::string& target, const std::optional<std::string>& origin, const std::string& cookie) {
  auto& ws = *impl_->ws;
  beast::get_lowest_layer(ws).connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), impl_->port));
  const std::string host = "127.0.0.1:" + std::to_string(impl_->port);
  ws.set_option(websocket::stream_base::decorator([origin, cookie](websocket::request_type& req) {
    if (origin) req.set(bhttp::field::origin, *origin);
    if (!cookie.empty()) req.set(bhttp::field::cookie, cookie);
  }));
  bool done = false;
  beast::error_code result;
  websocket::response_type response;
  beast::get_lowest_layer(ws).expires_after(std::chrono::seconds(5));
  ws.next_layer().async_handshake(asio::ssl::stream_base::client, [&](beast::error_code ec) {
    if (ec) { result = ec; done = true; return; }
    beast::get_lowest_layer(ws).expires_never();
    ws.async_handshake(response, host, target, [&](beast::error_code ec2) { result = ec2; done = true; });
  });
  run_until(impl_->ioc, [&] { return done; }, std::chrono::seconds(6), "WebSocket handshake");
  if (result && response.result_int() == 101) throw std::runtime_error("WebSocket handshake failed: " + result.message());
  return static_cast<int>(response.result_int());
}

void WssClient::send_text(const std::string& text) {
  auto& ws = *impl_->ws;
  ws.text(true);
  bool done = false;
  beast::error_code result;
  ws.async_write(asio::buffer(text), [&](beast::error_code ec, std::size_t) { result = ec; done = true; });
  run_until(impl_->ioc, [&] { return done; }, std::chrono::seconds(5), "WebSocket write");
  if (result) throw std::runtime_error("WebSocket write failed: " + result.message());
}

std::optional<std::string> WssClient::read(std::chrono::milliseconds timeout) {
  auto& impl = *impl_;
  if (impl.closed) return std::nullopt;
  if (!impl.read_pending) {
    impl.read_pending = true;
    impl.read_done = false;
    impl.ws->async_read(impl.buffer, [&impl](beast::error_code ec, std::size_t) {
      impl.read_ec = ec;
      impl.read_done = true;
    });
  }
  try {
    run_until(impl.ioc, [&] { return impl.read_done; }, timeout, "WebSocket read");
  } catch (const std::runtime_error&) {
    return std::nullopt;  // the read stays pending for the next call
  }
  impl.read_pending = false;
  if (impl.read_ec) {
    const auto& reason = impl.ws->reason();
    impl.closed = WsClose{static_cast<int>(reason.code), std::string(reason.reason.c_str())};
    return std::nullopt;
  }
  auto text = beast::buffers_to_string(impl.buffer.data());
  impl.buffer.consume(impl.buffer.size());
  return text;
}

std::optional<WsClose> WssClient::close_info() const { return impl_->closed; }

std::string plain_exchange(std::uint16_t port, const std::string& bytes, std::chrono::milliseconds timeout) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  asio::write(stream.socket(), asio::buffer(bytes));
  std::string out;
  bool finished = false;
  char buf[4096];
  std::function<void()> read_more = [&] {
    stream.async_read_some(asio::buffer(buf), [&](beast::error_code ec, std::size_t n) {
      out.append(buf, n);
      if (ec) { finished = true; return; }
      read_more();
    });
  };
  stream.expires_after(timeout);
  read_more();
  run_until(ioc, [&] { return finished; }, timeout + std::chrono::seconds(1), "plain read");
  return out;
}

}  // namespace harbour::test
