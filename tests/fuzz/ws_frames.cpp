// Fuzz target: WebSocket frames from a client into Harbour's real WebSocket session.
//
// net::WsSession (server/net/ws_session_impl.hpp, the same template the server instantiates for
// TLS and plain TCP) runs over Beast's in-memory test stream instead of a socket, with the limits
// of a default configuration (read_message_max = limits.ws_message_bytes, no permessage-deflate,
// queue bounds) and the live hub. The upgrade request is accepted as the server would after its
// GET /ws check; then the input's bytes arrive as what the client sends, the client closes its
// side, and everything runs until nothing is left to do.
//
// Input: byte 0 is a set of flags, the rest the client's bytes (frames must be masked; the seed
// corpus uses the zero mask so payloads stay readable):
//   bit 0  a burst of ws_queue_frames + 8 events is published to the person's topic first
//          (the slow-consumer path: close 1013)
//   bit 1  three Wall events are published after the client's bytes
//   bit 2  the person's session ends (close 4001) after the client's bytes
//   bit 3  the server shuts down (close 1001) after the client's bytes
// The session decodes the client's text messages ({"type":"ping"|"echo",...}, anything else an
// error reply).
//
// Properties (besides ASan/UBSan/LSan): the server answers the upgrade with 101; every frame it
// sends is unmasked, final, without RSV bits, of a known opcode, complete; every text frame is
// UTF-8 and parses as a JSON object with a "type"; a close frame carries no or a valid code and
// nothing follows it.
#include "core/config.hpp"
#include "core/log.hpp"
#include "http/app.hpp"
#include "live/hub.hpp"
#include "net/server_context.hpp"
#include "net/ws_session_impl.hpp"
#include "support/checks.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/_experimental/test/stream.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <memory>
#include <string>

// Boost's assertions stay on (they catch misuse such as overlapping writes), through this handler
// (BOOST_ENABLE_ASSERT_HANDLER is set for this target in CMakeLists.txt). One known defect of
// Beast 1.81 is let through: with a read pending in the middle of a fragmented message and a close
// started after a write, a malformed frame from the client leaves read_op asking
// read_size_hint_pmd for the rest of a "final" frame that has none (rd_remain > 0, then
// result != 0, in websocket/detail/impl_base.hpp). Without assertions (NDEBUG, every release
// build) the read ends with operation_aborted and the session closes normally; a Beast-only
// reproducer is in regressions/README.md (input: regressions/ws_frames/beast-rd-remain-assert).
namespace boost {
void assertion_failed(char const* expr, char const* function, char const* file, long line) {
  const std::string_view e(expr), f(file);
  if (f.ends_with("boost/beast/websocket/detail/impl_base.hpp") && (e == "rd_remain > 0" || e == "result != 0")) return;
  std::fprintf(stderr, "Boost assertion failed: %s in %s (%s:%ld)\n", expr, function, file, line);
  std::abort();
}
void assertion_failed_msg(char const* expr, char const* msg, char const* function, char const* file, long line) {
  std::fprintf(stderr, "Boost assertion failed: %s (%s) in %s (%s:%ld)\n", expr, msg, function, file, line);
  std::abort();
}
}  // namespace boost

namespace {

namespace beast = boost::beast;
namespace asio = boost::asio;
using namespace harbour;
using TestStream = beast::test::stream;

struct World {
  core::Config config;
  live::Hub hub;
  http::App app{http::Router{}, {}, nullptr, http::Context{}, nullptr, {}};
  net::ServerContext ctx{config, app, hub, std::make_shared<net::ConnectionLimiter>(100, 100)};
};

net::UpgradeRequest upgrade_request() {
  net::UpgradeRequest req{beast::http::verb::get, "/ws", 11};
  req.set(beast::http::field::host, "harbour.test");
  req.set(beast::http::field::upgrade, "websocket");
  req.set(beast::http::field::connection, "upgrade");
  req.set(beast::http::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
  req.set(beast::http::field::sec_websocket_version, "13");
  req.set(beast::http::field::origin, "https://harbour.test");
  return req;
}

void settle(asio::io_context& ioc) {
  for (int rounds = 0; rounds < 10000; ++rounds) {
    ioc.restart();
    if (ioc.poll() == 0) return;
  }
  fuzz::fail("the session never settles (more than 10,000 rounds of handlers)");
}

// Codes a close frame may carry on the wire (RFC 6455 7.4), as Beast judges them: it also accepts
// (and echoes back) codes of 5000 and above, which the RFC leaves undefined.
bool valid_close_code(unsigned code) {
  if (code < 1000 || code == 1004 || code == 1005 || code == 1006 || code == 1015) return false;
  return !(code >= 1016 && code <= 2999);
}

// The server's side of the conversation as the client received it.
void check_server_output(std::string_view out, std::string_view input) {
  const auto context = "client sent: " + fuzz::printable(input, 600) + "\nserver sent: " + fuzz::printable(out, 1200);
  if (!out.starts_with("HTTP/1.1 101")) fuzz::fail("the upgrade was not answered with 101", context);
  const auto end = out.find("\r\n\r\n");
  if (end == std::string_view::npos) fuzz::fail("the 101 answer has no end", context);
  std::string_view rest = out.substr(end + 4);
  bool closed = false;
  while (!rest.empty()) {
    if (closed) fuzz::fail("a frame after the close frame", context);
    if (rest.size() < 2) fuzz::fail("a cut-off frame header", context);
    const auto b0 = static_cast<unsigned char>(rest[0]), b1 = static_cast<unsigned char>(rest[1]);
    if (!(b0 & 0x80)) fuzz::fail("a fragmented frame (auto_fragment is off)", context);
    if (b0 & 0x70) fuzz::fail("a frame with RSV bits (no extension is on)", context);
    if (b1 & 0x80) fuzz::fail("a masked frame from the server", context);
    const unsigned opcode = b0 & 0x0f;
    std::uint64_t len = b1 & 0x7f;
    std::size_t header = 2;
    if (len == 126) {
      if (rest.size() < 4) fuzz::fail("a cut-off frame length", context);
      len = (static_cast<unsigned char>(rest[2]) << 8) | static_cast<unsigned char>(rest[3]);
      header = 4;
    } else if (len == 127) {
      if (rest.size() < 10) fuzz::fail("a cut-off frame length", context);
      len = 0;
      for (int i = 2; i < 10; ++i) len = (len << 8) | static_cast<unsigned char>(rest[i]);
      header = 10;
    }
    if (rest.size() - header < len) fuzz::fail("a cut-off frame payload", context);
    const auto payload = rest.substr(header, static_cast<std::size_t>(len));
    rest.remove_prefix(header + static_cast<std::size_t>(len));
    switch (opcode) {
      case 0x1: {
        if (!fuzz::valid_utf8(payload)) fuzz::fail("a text frame that is not UTF-8", context);
        const auto j = nlohmann::json::parse(payload, nullptr, false);
        if (!j.is_object() || !j.contains("type") || !j["type"].is_string()) {
          // The resume answer and events are objects with a "type"; so are hello/pong/echo/error.
          fuzz::fail("a text frame that is not a JSON object with a \"type\"", std::string(payload) + "\n" + context);
        }
        break;
      }
      case 0x8: {
        if (payload.size() == 1) fuzz::fail("a close frame with a one-byte payload", context);
        if (payload.size() >= 2) {
          const unsigned code = (static_cast<unsigned char>(payload[0]) << 8) | static_cast<unsigned char>(payload[1]);
          if (!valid_close_code(code)) fuzz::fail("a close frame with an invalid code " + std::to_string(code), context);
          if (!fuzz::valid_utf8(payload.substr(2))) fuzz::fail("a close reason that is not UTF-8", context);
        }
        if (payload.size() > 125) fuzz::fail("a control frame over 125 bytes", context);
        closed = true;
        break;
      }
      case 0x9:
      case 0xA:
        if (payload.size() > 125) fuzz::fail("a control frame over 125 bytes", context);
        break;
      default:
        fuzz::fail("a frame with opcode " + std::to_string(opcode) + " (the server sends text and control frames)", context);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static World* world = [] {
    core::log::set_level(core::log::Level::Error);  // ws_slow_consumer warnings are expected here
    return new World();  // never destroyed: sessions refer to it until the end
  }();
  const unsigned flags = data[0];
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);

  asio::io_context ioc;
  TestStream client(ioc);
  {
    TestStream server(ioc);
    server.connect(client);
    net::WsIdentity who{42, 7, std::chrono::hours(1), {"wall:1", "wall_author:1:42"}, {}};
    auto session = std::make_shared<net::WsSession<TestStream>>(std::move(server), world->ctx, net::ConnectionLimiter::Slot{}, who);
    session->start(upgrade_request());
    settle(ioc);

    if (flags & 1) {
      for (std::size_t i = 0; i < world->config.limits.ws_queue_frames + 8; ++i) {
        world->hub.publish("user:42", live::make_payload(R"({"type":"notification","unread_count":)" + std::to_string(i) + "}"));
      }
    }
    beast::error_code ec;
    asio::write(client, asio::buffer(input.data(), input.size()), ec);
    settle(ioc);
    if (flags & 2) {
      for (int id = 1; id <= 3; ++id) {
        world->hub.publish("wall:1", live::make_payload(R"({"event_id":)" + std::to_string(id) + R"(,"type":"wall.message","message":{"id":)" +
                                                        std::to_string(id) + R"(,"body_html":"<p>hello</p>"}})"));
      }
      settle(ioc);
    }
    if (flags & 4) {
      session->end(4001, "session ended");
      settle(ioc);
    }
    if (flags & 8) {
      session->shutdown();
      settle(ioc);
    }
    client.close();
    settle(ioc);
  }
  check_server_output(client.str(), input);
  return 0;
}
