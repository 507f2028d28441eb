// TlsSocketStream (server/net/tls_socket_stream.hpp) over real loopback TCP: the server side is
// the lean stream with the server's TLS settings (configure_tls_context), the client side is
// asio::ssl::stream, so each end is checked against an independent TLS implementation.
#include "net/tls_context.hpp"
#include "net/tls_socket_stream.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/stream_traits.hpp>

#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using harbour::net::TlsSocketStream;
using error_code = boost::system::error_code;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

// A throw-away ECDSA P-256 certificate, written once into a temporary folder for
// configure_tls_context (which reads files, as the server does).
struct TestCertificate {
  std::filesystem::path dir;
  std::filesystem::path cert;
  std::filesystem::path key;

  TestCertificate() {
    dir = std::filesystem::temp_directory_path() / ("harbour-tls-stream-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    cert = dir / "cert.pem";
    key = dir / "key.pem";
    EVP_PKEY* pkey = EVP_EC_gen("P-256");
    X509* x509 = X509_new();
    X509_set_version(x509, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x509), 1);
    X509_gmtime_adj(X509_getm_notBefore(x509), 0);
    X509_gmtime_adj(X509_getm_notAfter(x509), 3600);
    X509_set_pubkey(x509, pkey);
    X509_NAME* name = X509_get_subject_name(x509);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
    X509_set_issuer_name(x509, name);
    X509_sign(x509, pkey, EVP_sha256());
    FILE* f = std::fopen(cert.c_str(), "w");
    PEM_write_X509(f, x509);
    std::fclose(f);
    f = std::fopen(key.c_str(), "w");
    PEM_write_PrivateKey(f, pkey, nullptr, nullptr, 0, nullptr, nullptr);
    std::fclose(f);
    X509_free(x509);
    EVP_PKEY_free(pkey);
  }
  ~TestCertificate() {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
};

const TestCertificate& certificate() {
  static const TestCertificate instance;
  return instance;
}

std::string pattern(std::size_t size, unsigned seed) {
  std::string s(size, '\0');
  unsigned x = seed * 2654435761u + 1;
  for (auto& c : s) {
    x = x * 1664525u + 1013904223u;
    c = static_cast<char>(x >> 24);
  }
  return s;
}

// Counts the encrypted records the client receives (TLS 1.3 sends everything as type 23).
void count_records(int write_p, int, int content_type, const void* buf, std::size_t len, SSL*, void* arg) {
  if (write_p == 0 && content_type == SSL3_RT_HEADER && len >= 1 &&
      static_cast<const unsigned char*>(buf)[0] == SSL3_RT_APPLICATION_DATA) {
    ++*static_cast<int*>(arg);
  }
}

struct TlsSocketStreamTest : ::testing::Test {
  asio::io_context io;
  asio::ssl::context server_ctx{asio::ssl::context::tls_server};
  asio::ssl::context client_ctx{asio::ssl::context::tls_client};
  std::optional<TlsSocketStream> server;
  std::optional<asio::ssl::stream<tcp::socket>> client;
  int client_records = 0;

  TlsSocketStreamTest() {
    harbour::net::configure_tls_context(server_ctx, certificate().cert, certificate().key);
    client_ctx.set_verify_mode(asio::ssl::verify_none);
  }

  // TCP connected, no TLS yet.
  void connect(TlsSocketStream::Options options = {}) {
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    client.emplace(io, client_ctx);
    client->next_layer().connect(acceptor.local_endpoint());
    tcp::socket accepted(io);
    acceptor.accept(accepted);
    server.emplace(std::move(accepted), server_ctx, options);
    SSL_set_msg_callback(client->native_handle(), count_records);
    SSL_set_msg_callback_arg(client->native_handle(), &client_records);
  }

  void handshake(TlsSocketStream::Options options = {}) {
    connect(options);
    std::optional<error_code> s, c;
    server->async_handshake(asio::ssl::stream_base::server, [&](error_code ec) { s = ec; });
    client->async_handshake(asio::ssl::stream_base::client, [&](error_code ec) { c = ec; });
    run_until([&] { return s && c; });
    ASSERT_FALSE(*s) << s->message();
    ASSERT_FALSE(*c) << c->message();
  }

  // Small socket buffers: a client that does not read then blocks the server's writes after a
  // few hundred KiB, whatever the machine's TCP autotuning limits.
  void shrink_socket_buffers() {
    server->socket().set_option(asio::socket_base::send_buffer_size(64 * 1024));
    client->next_layer().set_option(asio::socket_base::receive_buffer_size(64 * 1024));
  }

  // Runs the io_context until `done` holds; fails the test after `limit`.
  void run_until(const std::function<bool()>& done, std::chrono::milliseconds limit = 10s) {
    const auto end = std::chrono::steady_clock::now() + limit;
    io.restart();
    while (!done()) {
      if (std::chrono::steady_clock::now() > end) {
        ADD_FAILURE() << "timed out waiting";
        return;
      }
      io.run_one_for(10ms);
    }
  }
  // Runs the io_context for `time`, even with nothing else to do.
  void run_for(std::chrono::milliseconds time) {
    asio::steady_timer timer(io, time);
    bool done = false;
    timer.async_wait([&](error_code) { done = true; });
    run_until([&] { return done; });
  }
};

TEST_F(TlsSocketStreamTest, HandshakesAsServerAndAnswersAlpnFromTheServerSettings) {
  connect();
  const unsigned char protos[] = {2, 'h', '2', 8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  SSL_set_alpn_protos(client->native_handle(), protos, sizeof protos);
  std::optional<error_code> s, c;
  server->async_handshake(asio::ssl::stream_base::server, [&](error_code ec) { s = ec; });
  client->async_handshake(asio::ssl::stream_base::client, [&](error_code ec) { c = ec; });
  run_until([&] { return s && c; });
  ASSERT_FALSE(*s) << s->message();
  ASSERT_FALSE(*c) << c->message();
  const unsigned char* selected = nullptr;
  unsigned len = 0;
  SSL_get0_alpn_selected(server->native_handle(), &selected, &len);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(selected), len), "http/1.1");
  EXPECT_EQ(SSL_version(server->native_handle()), TLS1_3_VERSION);
}

TEST_F(TlsSocketStreamTest, Tls12ClientsWork) {
  SSL_CTX_set_max_proto_version(client_ctx.native_handle(), TLS1_2_VERSION);
  handshake();
  EXPECT_EQ(SSL_version(server->native_handle()), TLS1_2_VERSION);
  const auto up = pattern(100000, 1);
  const auto down = pattern(100000, 2);
  std::string got_up(up.size(), '\0'), got_down(down.size(), '\0');
  int done = 0;
  asio::async_write(*client, asio::buffer(up), [&](error_code ec, std::size_t) { EXPECT_FALSE(ec); ++done; });
  asio::async_read(*server, asio::buffer(got_up), [&](error_code ec, std::size_t) { EXPECT_FALSE(ec); ++done; });
  asio::async_write(*server, asio::buffer(down), [&](error_code ec, std::size_t) { EXPECT_FALSE(ec); ++done; });
  asio::async_read(*client, asio::buffer(got_down), [&](error_code ec, std::size_t) { EXPECT_FALSE(ec); ++done; });
  run_until([&] { return done == 4; });
  EXPECT_TRUE(got_up == up);
  EXPECT_TRUE(got_down == down);
}

// Both directions at once, a MiB each, while the client also asks for a key update (TLS 1.3):
// the server's read handles it and its next write answers with its own, on the one SSL object.
TEST_F(TlsSocketStreamTest, AMebibyteEachWayAtOnceWithAKeyUpdateArrivesIntact) {
  handshake();
  const auto up = pattern(1 << 20, 3);
  const auto down = pattern(1 << 20, 4);
  std::string got_up(up.size(), '\0'), got_down(down.size(), '\0');
  // The server writes many small buffers, as Beast's serializers do.
  std::vector<asio::const_buffer> pieces;
  for (std::size_t at = 0; at < down.size(); at += 1000) {
    pieces.emplace_back(down.data() + at, std::min<std::size_t>(1000, down.size() - at));
  }
  ASSERT_EQ(SSL_key_update(client->native_handle(), SSL_KEY_UPDATE_REQUESTED), 1);
  std::optional<error_code> wc, rs, ws, rc;
  asio::async_write(*client, asio::buffer(up), [&](error_code ec, std::size_t) { wc = ec; });
  asio::async_read(*server, asio::buffer(got_up), [&](error_code ec, std::size_t) { rs = ec; });
  asio::async_write(*server, pieces, [&](error_code ec, std::size_t) { ws = ec; });
  asio::async_read(*client, asio::buffer(got_down), [&](error_code ec, std::size_t) { rc = ec; });
  run_until([&] { return wc && rs && ws && rc; });
  EXPECT_FALSE(*wc) << wc->message();
  EXPECT_FALSE(*rs) << rs->message();
  EXPECT_FALSE(*ws) << ws->message();
  EXPECT_FALSE(*rc) << rc->message();
  EXPECT_TRUE(got_up == up) << "bytes from the client differ";
  EXPECT_TRUE(got_down == down) << "bytes from the server differ";
}

TEST_F(TlsSocketStreamTest, SmallBuffersOfOneWriteLeaveAsOneRecord) {
  handshake();
  // Let the client take in what follows the handshake (TLS 1.3 session tickets) first.
  std::string first(1, '\0');
  std::optional<error_code> w, r;
  asio::async_write(*server, asio::buffer("x", 1), [&](error_code ec, std::size_t) { w = ec; });
  asio::async_read(*client, asio::buffer(first), [&](error_code ec, std::size_t) { r = ec; });
  run_until([&] { return w && r; });
  client_records = 0;

  const std::string header = "HTTP/1.1 200 OK\r\nContent-Length: 12000\r\n\r\n";
  const auto body = pattern(12000, 5);
  const std::vector<asio::const_buffer> buffers{asio::buffer(header), asio::const_buffer(), asio::buffer(body)};
  std::optional<std::size_t> written;
  server->async_write_some(buffers, [&](error_code ec, std::size_t n) {
    EXPECT_FALSE(ec);
    written = n;
  });
  std::string got(header.size() + body.size(), '\0');
  r.reset();
  asio::async_read(*client, asio::buffer(got), [&](error_code ec, std::size_t) { r = ec; });
  run_until([&] { return written && r; });
  EXPECT_EQ(*written, header.size() + body.size()) << "one call takes all of it";
  EXPECT_TRUE(got == header + body);
  EXPECT_EQ(client_records, 1) << "header and body share one TLS record";
}

// The client stops reading: the server's write fills the socket buffers, waits for the socket to
// become writable, and completes once the client reads again.
TEST_F(TlsSocketStreamTest, AWriteToAPeerThatStopsReadingCompletesOnceItReadsAgain) {
  handshake();
  shrink_socket_buffers();
  const auto data = pattern(4 << 20, 6);
  std::optional<error_code> w;
  std::size_t written = 0;
  asio::async_write(*server, asio::buffer(data), [&](error_code ec, std::size_t n) {
    w = ec;
    written = n;
  });
  run_for(300ms);
  ASSERT_FALSE(w) << "4 MiB cannot fit in the socket buffers";
  std::string got(data.size(), '\0');
  std::optional<error_code> r;
  asio::async_read(*client, asio::buffer(got), [&](error_code ec, std::size_t) { r = ec; });
  run_until([&] { return w && r; }, 30s);
  EXPECT_FALSE(*w) << w->message();
  EXPECT_EQ(written, data.size());
  EXPECT_TRUE(got == data);
}

TEST_F(TlsSocketStreamTest, AReadTimesOutWithBeastsTimeoutError) {
  handshake();
  server->expires_after(150ms);
  const auto start = std::chrono::steady_clock::now();
  std::optional<error_code> r;
  char buf[100];
  server->async_read_some(asio::buffer(buf), [&](error_code ec, std::size_t) { r = ec; });
  run_until([&] { return r.has_value(); });
  EXPECT_EQ(*r, beast::error::timeout);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 140ms);
  EXPECT_FALSE(server->socket().is_open()) << "a timeout closes the connection, as tcp_stream does";
}

TEST_F(TlsSocketStreamTest, AWriteToAPeerThatNeverReadsTimesOut) {
  handshake();
  shrink_socket_buffers();
  const auto data = pattern(4 << 20, 7);
  server->expires_after(300ms);
  std::optional<error_code> w;
  asio::async_write(*server, asio::buffer(data), [&](error_code ec, std::size_t) { w = ec; });
  run_until([&] { return w.has_value(); });
  EXPECT_EQ(*w, beast::error::timeout);
}

TEST_F(TlsSocketStreamTest, AnUnfinishedHandshakeTimesOut) {
  connect();  // the client never sends its hello
  server->expires_after(150ms);
  std::optional<error_code> s;
  server->async_handshake(asio::ssl::stream_base::server, [&](error_code ec) { s = ec; });
  run_until([&] { return s.has_value(); });
  EXPECT_EQ(*s, beast::error::timeout);
}

// As with tcp_stream, a deadline counts only while operations run: the time a request spends in
// the application does not use up its read deadline...
TEST_F(TlsSocketStreamTest, ADeadlineThatPassesWhileIdleIsReplacedByTheNextOne) {
  handshake();
  server->expires_after(100ms);
  std::string got(5, '\0');
  std::optional<error_code> r;
  asio::async_read(*server, asio::buffer(got), [&](error_code ec, std::size_t) { r = ec; });
  asio::async_write(*client, asio::buffer("hello", 5), [](error_code, std::size_t) {});
  run_until([&] { return r.has_value(); });
  ASSERT_FALSE(*r) << r->message();
  run_for(200ms);  // the deadline passes while nothing runs
  server->expires_after(5s);
  r.reset();
  asio::async_read(*server, asio::buffer(got), [&](error_code ec, std::size_t) { r = ec; });
  asio::async_write(*client, asio::buffer("world", 5), [](error_code, std::size_t) {});
  run_until([&] { return r.has_value(); });
  EXPECT_FALSE(*r) << r->message();
  EXPECT_EQ(got, "world");
  EXPECT_TRUE(server->socket().is_open());
}

// ...but when nothing replaces it, the next operation times out at once.
TEST_F(TlsSocketStreamTest, AnOperationStartedAfterTheDeadlineTimesOutAtOnce) {
  handshake();
  server->expires_after(30ms);
  run_for(80ms);
  std::optional<error_code> r;
  char buf[10];
  server->async_read_some(asio::buffer(buf), [&](error_code ec, std::size_t) { r = ec; });
  EXPECT_FALSE(r) << "never completes inside the initiating call";
  run_until([&] { return r.has_value(); }, 1s);
  EXPECT_EQ(*r, beast::error::timeout);
}

TEST_F(TlsSocketStreamTest, ExpiresNeverKeepsAReadWaiting) {
  handshake();
  server->expires_after(50ms);
  server->expires_never();
  std::optional<error_code> r;
  char buf[10];
  server->async_read_some(asio::buffer(buf), [&](error_code ec, std::size_t) { r = ec; });
  run_for(150ms);
  EXPECT_FALSE(r);
  server->cancel();
  run_until([&] { return r.has_value(); });
  EXPECT_EQ(*r, asio::error::operation_aborted);
}

TEST_F(TlsSocketStreamTest, CloseEndsAPendingReadAndWrite) {
  handshake();
  shrink_socket_buffers();
  const auto data = pattern(4 << 20, 8);
  std::optional<error_code> r, w;
  char buf[10];
  server->async_read_some(asio::buffer(buf), [&](error_code ec, std::size_t) { r = ec; });
  asio::async_write(*server, asio::buffer(data), [&](error_code ec, std::size_t) { w = ec; });
  run_for(100ms);
  ASSERT_FALSE(r || w);
  server->close();
  run_until([&] { return r && w; });
  EXPECT_EQ(*r, asio::error::operation_aborted);
  EXPECT_EQ(*w, asio::error::operation_aborted);
}

TEST_F(TlsSocketStreamTest, ShutdownSendsCloseNotifyAndCompletesOnThePeersAnswer) {
  handshake();
  std::optional<error_code> s, r;
  char buf[10];
  server->async_shutdown([&](error_code ec) { s = ec; });
  client->async_read_some(asio::buffer(buf), [&](error_code ec, std::size_t) { r = ec; });
  run_until([&] { return r.has_value(); });
  EXPECT_EQ(*r, asio::error::eof) << "the client reads the server's close_notify";
  EXPECT_FALSE(s) << "the server waits for the client's close_notify";
  std::optional<error_code> c;
  client->async_shutdown([&](error_code ec) { c = ec; });
  run_until([&] { return s && c; });
  EXPECT_FALSE(*s) << s->message();
}

TEST_F(TlsSocketStreamTest, APeersCloseNotifyEndsAReadWithEof) {
  handshake();
  std::optional<error_code> r, c;
  char buf[10];
  server->async_read_some(asio::buffer(buf), [&](error_code ec, std::size_t) { r = ec; });
  client->async_shutdown([&](error_code ec) { c = ec; });
  run_until([&] { return r.has_value(); });
  EXPECT_EQ(*r, asio::error::eof);
  std::optional<error_code> s;
  server->async_shutdown([&](error_code ec) { s = ec; });
  run_until([&] { return s && c; });
  EXPECT_FALSE(*s) << "close_notify already received: ours goes out and that is all";
}

TEST_F(TlsSocketStreamTest, APeerThatClosesWithoutCloseNotifyTruncatesTheStream) {
  handshake();
  std::optional<error_code> r;
  char buf[10];
  server->async_read_some(asio::buffer(buf), [&](error_code ec, std::size_t) { r = ec; });
  // A FIN, not a reset: closing would reset, as the client has not read the session tickets.
  client->next_layer().shutdown(tcp::socket::shutdown_send);
  run_until([&] { return r.has_value(); });
  EXPECT_EQ(*r, asio::ssl::error::stream_truncated);
}

// The WebSocket closing handshake's last step: close_notify both ways, then the TCP teardown.
TEST_F(TlsSocketStreamTest, TeardownExchangesCloseNotifyAndClosesOnceThePeerHas) {
  handshake();
  std::optional<error_code> t, r;
  char buf[10];
  harbour::net::async_teardown(beast::role_type::server, *server, [&](error_code ec) { t = ec; });
  client->async_read_some(asio::buffer(buf), [&](error_code ec, std::size_t) { r = ec; });
  run_until([&] { return r.has_value(); });
  EXPECT_EQ(*r, asio::error::eof);
  std::optional<error_code> c;
  client->async_shutdown([&](error_code ec) { c = ec; });
  run_until([&] { return c.has_value(); });
  EXPECT_FALSE(t) << "the server waits for the client to close TCP";
  client->next_layer().close();
  run_until([&] { return t.has_value(); });
  EXPECT_FALSE(*t) << t->message();
  EXPECT_FALSE(server->socket().is_open());
}

TEST_F(TlsSocketStreamTest, BeastCloseSocketClosesTheConnection) {
  handshake();
  std::optional<error_code> r;
  char buf[10];
  server->async_read_some(asio::buffer(buf), [&](error_code ec, std::size_t) { r = ec; });
  beast::close_socket(beast::get_lowest_layer(*server));
  run_until([&] { return r.has_value(); });
  EXPECT_EQ(*r, asio::error::operation_aborted);
}

// A WebSocket upgrade moves the stream from the HTTP session into the WebSocket session.
TEST_F(TlsSocketStreamTest, AMovedStreamKeepsItsConnection) {
  handshake();
  server->expires_after(20ms);
  server->expires_never();
  TlsSocketStream moved(std::move(*server));
  EXPECT_TRUE(server->get_executor() == moved.get_executor()) << "work can still be posted through the old one";
  server.reset();
  run_for(50ms);
  std::string got(4, '\0');
  std::optional<error_code> r, w;
  asio::async_read(moved, asio::buffer(got), [&](error_code ec, std::size_t) { r = ec; });
  asio::async_write(*client, asio::buffer("ping", 4), [&](error_code ec, std::size_t) { w = ec; });
  run_until([&] { return r && w; });
  EXPECT_FALSE(*r) << r->message();
  EXPECT_EQ(got, "ping");
}

TEST_F(TlsSocketStreamTest, WithoutReadAheadTooEveryByteArrives) {
  handshake(TlsSocketStream::Options{.read_ahead = false});
  const auto up = pattern(300000, 9);
  std::string got(up.size(), '\0');
  std::optional<error_code> w, r;
  asio::async_write(*client, asio::buffer(up), [&](error_code ec, std::size_t) { w = ec; });
  asio::async_read(*server, asio::buffer(got), [&](error_code ec, std::size_t) { r = ec; });
  run_until([&] { return w && r; });
  EXPECT_FALSE(*r);
  EXPECT_TRUE(got == up);
}

}  // namespace
