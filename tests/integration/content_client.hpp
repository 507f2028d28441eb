#pragma once
// People who speak the JSON API to the real server over TLS, for the content tests: each one is
// made from an invitation printed by `harbour invite create` (any network, any role), signed in
// by registering, and staff have completed their second factor, so every route is open to them
// that their role allows. Requests return the status with the body parsed.
#include "server_process.hpp"
#include "tls_client.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace harbour::test {

struct ApiReply {
  int status = 0;
  std::string body;     // as it came
  nlohmann::json json;  // parsed body (discarded when it was not JSON)
  // error.code of an error body, "" otherwise.
  std::string code() const;
};

// "a b&c" -> "a%20b%26c", for query values.
std::string url_encode(const std::string& text);

class Person {
 public:
  Person(const ServerProcess& server, std::string cookie, std::string csrf, std::int64_t id, std::string pseudonym);
  Person(Person&&) noexcept;
  ~Person();

  std::int64_t id() const { return id_; }
  const std::string& pseudonym() const { return pseudonym_; }
  const std::string& cookie() const { return cookie_; }

  ApiReply get(const std::string& target);
  ApiReply post(const std::string& target, const nlohmann::json& body = nlohmann::json::object());
  ApiReply put(const std::string& target, const nlohmann::json& body = nlohmann::json::object());
  ApiReply patch(const std::string& target, const nlohmann::json& body);
  ApiReply del(const std::string& target);
  // Any bytes as a JSON body (invalid UTF-8, oversized text), with the session and CSRF headers.
  ApiReply send(const std::string& method, const std::string& target, const std::string& raw_body);

  // Writes the whole request on a fresh connection even when the server answers early and closes
  // (a refused oversized body), then reads whatever answer came back.
  ApiReply send_whole(const std::string& method, const std::string& target, const std::string& raw_body) const;

  // A live socket of this session, read past its hello (nullptr when the upgrade was refused).
  std::unique_ptr<WssClient> open_socket() const;

 private:
  const ServerProcess* server_;
  std::unique_ptr<HttpsClient> client_;  // keep-alive; replaced when the server closes it
  std::string cookie_;
  std::string csrf_;
  std::int64_t id_;
  std::string pseudonym_;
};

// A new account with a key of `role` to `network` ("admin": a deployment admin holding a
// clinician's key there), signed in. Staff and admins have enrolled and confirmed TOTP.
// Throws std::runtime_error (with the server's answer) when any step fails.
Person join(const ServerProcess& server, const std::string& pseudonym, const std::string& role,
            const std::string& network = "default");

// The next message of `type` ("notification") on the socket within `timeout`; nullopt when none
// came. Other messages (hello, heartbeats) are skipped.
std::optional<nlohmann::json> next_message_of_type(WssClient& ws, const std::string& type,
                                                   std::chrono::milliseconds timeout);

// Weekly office hours, the same on all seven days, that either cover the next three hours or
// leave exactly them out (the body's "week" for PUT /networks/{slug}/office-hours). Written for
// Europe/London, which is UTC or UTC+1: a band of three local hours starting at the current UTC
// hour holds local "now" either way, with at least an hour to spare, so no time-zone library is
// needed here.
nlohmann::json week_around_now(bool open_now);

}  // namespace harbour::test
