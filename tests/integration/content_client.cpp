#include "content_client.hpp"

#include "invitation_links.hpp"

#include "core/crypto.hpp"
#include "services/totp.hpp"

#include <array>
#include <chrono>
#include <cstdio>
#include <map>
#include <stdexcept>
#include <utility>

namespace harbour::test {
namespace {

using nlohmann::json;

std::string origin_of(const ServerProcess& server) { return "https://127.0.0.1:" + std::to_string(server.port()); }

ApiReply reply_of(HttpReply r) {
  ApiReply out;
  out.status = r.status;
  out.body = std::move(r.body);
  out.json = json::parse(out.body, nullptr, false);
  return out;
}

std::unique_ptr<HttpsClient> connected(const ServerProcess& server) {
  auto c = std::make_unique<HttpsClient>(server.port(), TlsOptions{.ca_file = server.ca_file().string()});
  c->connect();
  return c;
}

[[noreturn]] void fail(const std::string& step, const HttpReply& r) {
  throw std::runtime_error(step + ": HTTP " + std::to_string(r.status) + " " + r.body);
}

bool staff_role(const std::string& role) {
  return role == "admin" || role == "clinician" || role == "peer_supporter" || role == "volunteer";
}

}  // namespace

std::string ApiReply::code() const {
  if (!json.is_object()) return {};
  const auto it = json.find("error");
  return it != json.end() && it->is_object() ? it->value("code", "") : std::string();
}

std::string url_encode(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char ch : text) {
    const bool plain = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' ||
                       ch == '_' || ch == '.' || ch == '~';
    if (plain) {
      out.push_back(static_cast<char>(ch));
    } else {
      out.push_back('%');
      out.push_back(kHex[ch >> 4]);
      out.push_back(kHex[ch & 15]);
    }
  }
  return out;
}

Person::Person(const ServerProcess& server, std::string cookie, std::string csrf, std::int64_t id, std::string pseudonym)
    : server_(&server), cookie_(std::move(cookie)), csrf_(std::move(csrf)), id_(id), pseudonym_(std::move(pseudonym)) {}
Person::Person(Person&&) noexcept = default;
Person::~Person() = default;

ApiReply Person::send(const std::string& method, const std::string& target, const std::string& raw_body) {
  std::map<std::string, std::string> headers = {{"Cookie", cookie_}, {"Origin", origin_of(*server_)}};
  if (method != "GET") {
    headers["Content-Type"] = "application/json";
    headers["X-CSRF-Token"] = csrf_;
  }
  if (!client_) client_ = connected(*server_);
  HttpReply r;
  try {
    r = client_->request(method, target, raw_body, headers);
  } catch (...) {
    client_.reset();  // a broken connection is not reused; the test sees the exception
    throw;
  }
  if (!r.keep_alive) client_.reset();
  return reply_of(std::move(r));
}

ApiReply Person::get(const std::string& target) { return send("GET", target, ""); }
ApiReply Person::post(const std::string& target, const json& body) { return send("POST", target, body.dump()); }
ApiReply Person::put(const std::string& target, const json& body) { return send("PUT", target, body.dump()); }
ApiReply Person::patch(const std::string& target, const json& body) { return send("PATCH", target, body.dump()); }
ApiReply Person::del(const std::string& target) { return send("DELETE", target, ""); }

ApiReply Person::send_whole(const std::string& method, const std::string& target, const std::string& raw_body) const {
  const std::string request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(server_->port()) +
                              "\r\nOrigin: " + origin_of(*server_) + "\r\nCookie: " + cookie_ + "\r\nX-CSRF-Token: " + csrf_ +
                              "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(raw_body.size()) +
                              "\r\nConnection: close\r\n\r\n" + raw_body;
  auto c = connected(*server_);
  const auto text = c->raw(request, std::chrono::seconds(5));
  ApiReply out;
  // "HTTP/1.1 413 Content Too Large\r\n...\r\n\r\n{json}"
  if (text.starts_with("HTTP/1.1 ") && text.size() >= 12) out.status = std::stoi(text.substr(9, 3));
  if (const auto end = text.find("\r\n\r\n"); end != std::string::npos) out.body = text.substr(end + 4);
  out.json = json::parse(out.body, nullptr, false);
  return out;
}

std::unique_ptr<WssClient> Person::open_socket() const {
  auto ws = std::make_unique<WssClient>(server_->port(), TlsOptions{.ca_file = server_->ca_file().string()});
  if (ws->connect("/ws", origin_of(*server_), cookie_) != 101) return nullptr;
  if (!next_message_of_type(*ws, "hello", std::chrono::seconds(3))) return nullptr;
  return ws;
}

Person join(const ServerProcess& server, const std::string& pseudonym, const std::string& role, const std::string& network) {
  const auto [code, out] = run_harbour("invite create --data-dir " + server.data_dir().string() + " --network " + network +
                                      " --role " + role);
  const auto token = invitation_token(first_invitation_link(out));
  if (code != 0 || token.empty()) throw std::runtime_error("harbour invite create failed (" + std::to_string(code) + "): " + out);

  auto c = connected(server);
  const std::map<std::string, std::string> headers = {{"Content-Type", "application/json"}, {"Origin", origin_of(server)}};
  auto preview = c->request("POST", "/api/v1/invitations/preview", json{{"token", token}}.dump(), headers);
  if (preview.status != 200) fail("invitation preview", preview);
  const int version = json::parse(preview.body)["guidelines"]["version"].get<int>();
  auto created = c->request("POST", "/api/v1/accounts",
                            json{{"token", token}, {"pseudonym", pseudonym}, {"password", kTestPassword},
                                 {"accepted_guidelines_version", version}}.dump(),
                            headers);
  if (created.status != 201) fail("registration of " + pseudonym, created);
  const auto set_cookie = created.header("set-cookie");
  const auto body = json::parse(created.body);
  Person person(server, set_cookie.substr(0, set_cookie.find(';')), body.value("csrf_token", ""),
                body["user"].value("id", std::int64_t{0}), pseudonym);
  if (!staff_role(role)) return person;

  // Enrol TOTP with the manual key and confirm it with a code computed here, as an app would.
  auto enrol = person.post("/api/v1/account/totp/enrol");
  if (enrol.status != 200) throw std::runtime_error("TOTP enrol: HTTP " + std::to_string(enrol.status) + " " + enrol.body);
  const auto secret = core::base32_decode(enrol.json["manual_key"].get<std::string>());
  if (!secret) throw std::runtime_error("TOTP enrol: the manual key is not base32");
  auto confirm = person.post("/api/v1/account/totp/confirm",
                             {{"code", services::totp_code(*secret, std::chrono::system_clock::now())}});
  if (confirm.status != 200) throw std::runtime_error("TOTP confirm: HTTP " + std::to_string(confirm.status) + " " + confirm.body);
  return person;
}

std::optional<nlohmann::json> next_message_of_type(WssClient& ws, const std::string& type, std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  for (auto now = std::chrono::steady_clock::now(); now < until; now = std::chrono::steady_clock::now()) {
    const auto msg = ws.read(std::chrono::duration_cast<std::chrono::milliseconds>(until - now));
    if (!msg) return std::nullopt;
    auto j = json::parse(*msg, nullptr, false);
    if (j.is_object() && j.value("type", "") == type) return j;
  }
  return std::nullopt;
}

namespace {

std::string hh00(int hour) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:00", hour);
  return buf;
}

}  // namespace

nlohmann::json week_around_now(bool open_now) {
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  const int utc_hour = static_cast<int>(std::chrono::duration_cast<std::chrono::hours>(since_epoch).count() % 24);
  std::array<bool, 24> open{};
  for (int h = 0; h < 24; ++h) {
    const bool in_band = (h - utc_hour + 24) % 24 < 3;
    open[static_cast<std::size_t>(h)] = open_now ? in_band : !in_band;
  }
  nlohmann::json week = nlohmann::json::array();
  for (int day = 1; day <= 7; ++day) {
    for (int h = 0; h < 24;) {
      if (!open[static_cast<std::size_t>(h)]) {
        ++h;
        continue;
      }
      int end = h;
      while (end < 24 && open[static_cast<std::size_t>(end)]) ++end;
      week.push_back({{"weekday", day}, {"opens", hh00(h)}, {"closes", end == 24 ? "24:00" : hh00(end)}});
      h = end;
    }
  }
  return week;
}

}  // namespace harbour::test
