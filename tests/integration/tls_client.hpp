#pragma once
// Test clients that speak real TLS to the server: an HTTPS/1.1 keep-alive client, a raw TLS byte
// pipe for malformed requests, and a wss client. Every operation has a deadline so a hung server
// fails the test instead of hanging it. Implementation details (Beast) stay in the .cpp.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace harbour::test {

struct TlsOptions {
  std::string ca_file;             // verify the server against this certificate
  int min_version = 0;             // e.g. TLS1_2_VERSION; 0 = library default
  int max_version = 0;
  std::string tls12_ciphers;       // empty = default
};

struct HttpReply {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  bool keep_alive = false;
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

class HttpsClient {
 public:
  HttpsClient(std::uint16_t port, TlsOptions tls);
  HttpsClient(HttpsClient&&) noexcept;
  ~HttpsClient();
  // Throws std::runtime_error when the TLS handshake fails.
  void connect();
  HttpReply request(const std::string& method, const std::string& target, const std::string& body = "",
                    const std::map<std::string, std::string>& headers = {});
  // Sends raw bytes over TLS and returns what comes back until close or timeout.
  std::string raw(const std::string& bytes, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // True once the server has closed the connection (read returns EOF within `timeout`).
  bool closed_by_server(std::chrono::milliseconds timeout);
  std::string negotiated_protocol() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct WsClose {
  int code = 0;
  std::string reason;
};

class WssClient {
 public:
  WssClient(std::uint16_t port, TlsOptions tls);
  ~WssClient();
  // Upgrades at `target`. Returns the HTTP status of a refused upgrade, 101 on success.
  int connect(const std::string& target = "/ws", const std::optional<std::string>& origin = std::nullopt,
              const std::string& cookie = "");
  void send_text(const std::string& text);
  // Next text message, or nullopt on timeout or close (then close_info() tells why).
  std::optional<std::string> read(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  std::optional<WsClose> close_info() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Sends raw bytes to a plain TCP port and returns the reply text.
std::string plain_exchange(std::uint16_t port, const std::string& bytes, std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace harbour::test
