// The Wall (schema/api/wall.md) live through the real binary over TLS, with many real WebSocket
// clients: one message reaches every socket exactly once; a held message reaches only its author
// and staff until a moderator approves it; removals and reactions arrive live; a client that was
// away resumes with exactly what it missed (also while messages pour in and it keeps
// reconnecting); the HTTP history says what the socket said; a slow consumer is closed with 1013
// without holding anyone else back; suspension and sign-out close the socket; office hours make
// the Wall read-only for members; and the limits (rate, length, carers, other networks, Origin).
//
// Every Wall frame any socket receives, and every event of the HTTP history, passes
// wall_frame_problems: the shapes of wall.md's event tables, in one place, to be swapped for the
// ws-events schema once it holds the Wall events.
//
// The server trusts 127.0.0.1 as a proxy so members can register from addresses of their own
// (X-Forwarded-For): registration allows ten at once per address, and the fan-out needs twenty.
#include "content_client.hpp"
#include "invitation_links.hpp"
#include "json_checks.hpp"
#include "server_process.hpp"
#include "tls_client.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <openssl/ssl.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

using namespace harbour::test;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

const std::string kWall = "/api/v1/networks/default/wall";
const std::string kWallMessages = kWall + "/messages";

std::string origin_of(const ServerProcess& s) { return "https://127.0.0.1:" + std::to_string(s.port()); }
std::chrono::milliseconds left_until(Clock::time_point until) {
  return std::max(std::chrono::milliseconds(0), std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()));
}

// ---- the shapes of Wall events (wall.md "Events") -------------------------------------------
// Everything that checks a Wall frame is here: a JSON-schema validator can replace it later.

using Problems = std::vector<std::string>;

bool is_id(const json& v) { return v.is_number_integer() && v.get<std::int64_t>() >= 1; }
bool is_count(const json& v) { return v.is_number_integer() && v.get<std::int64_t>() >= 0; }
bool is_text(const json& v) { return v.is_string() && !v.get<std::string>().empty(); }

// `o` has exactly these keys (as the schema's other events: additionalProperties false).
void exact_keys(const json& o, const std::vector<std::string>& keys, const std::string& what, Problems& p) {
  if (!o.is_object()) {
    p.push_back(what + ": not an object");
    return;
  }
  for (const auto& k : keys) {
    if (!o.contains(k)) p.push_back(what + ": missing '" + k + "'");
  }
  for (const auto& item : o.items()) {
    if (std::find(keys.begin(), keys.end(), item.key()) == keys.end()) p.push_back(what + ": unexpected '" + item.key() + "'");
  }
}

void check_reactions(const json& r, const std::string& what, Problems& p) {
  exact_keys(r, {"support", "me_too", "thank_you"}, what, p);
  if (!r.is_object()) return;
  for (const auto& item : r.items()) {
    if (!is_count(item.value())) p.push_back(what + "." + item.key() + ": not a count");
  }
}

// A Post of kind wall_message or wall_reply "as any reader sees it" (content.md, wall.md).
void check_wall_post(const json& m, const std::string& network, Problems& p) {
  if (!m.is_object()) {
    p.push_back("message: not an object");
    return;
  }
  if (!is_id(m.value("id", json()))) p.push_back("message.id: not an id");
  const auto kind = m.value("kind", json());
  if (kind != "wall_message" && kind != "wall_reply") p.push_back("message.kind: " + kind.dump());
  if (m.value("network", json()) != network) p.push_back("message.network is not the event's network");
  const auto author = m.value("author", json());
  if (!author.is_object()) {
    p.push_back("message.author: not an object");
  } else {
    if (!is_id(author.value("id", json()))) p.push_back("message.author.id: not an id");
    if (!is_text(author.value("pseudonym", json()))) p.push_back("message.author.pseudonym: not a name");
    const auto badge = author.value("badge", json(-1));
    if (!badge.is_null() && badge != "Clinician" && badge != "Peer supporter" && badge != "Volunteer") {
      p.push_back("message.author.badge: " + badge.dump());
    }
    if (!author.value("muted", json()).is_boolean()) p.push_back("message.author.muted: not a boolean");
  }
  if (!m.value("title", json(0)).is_null()) p.push_back("message.title: a Wall message has none");
  if (!is_text(m.value("body", json()))) p.push_back("message.body: empty or missing");
  if (!is_text(m.value("body_html", json()))) p.push_back("message.body_html: empty or missing");
  if (!m.value("excerpt", json()).is_string()) p.push_back("message.excerpt: not text");
  if (!m.value("content_notes", json()).is_array()) p.push_back("message.content_notes: not a list");
  const auto state = m.value("state", json());
  if (state != "published" && state != "held") p.push_back("message.state: " + state.dump() + " is never shown live");
  if (!is_text(m.value("created_at", json()))) p.push_back("message.created_at: missing");
  check_reactions(m.value("reactions", json()), "message.reactions", p);
  if (m.value("my_reactions", json()) != json::array()) p.push_back("message.my_reactions: not empty");
  if (m.value("can_edit", json()) != false) p.push_back("message.can_edit: not false");
  if (m.value("can_delete", json()) != false) p.push_back("message.can_delete: not false");
  const auto parent = m.value("parent_id", json());
  if (kind == "wall_reply" && !is_id(parent)) p.push_back("message.parent_id: a reply without its message");
  if (kind == "wall_message" && !parent.is_null()) p.push_back("message.parent_id: a message is not a reply");
}

// One stored event (wall_message, wall_removed, wall_reactions), live or inside a resume.
void check_stored_event(const json& e, Problems& p) {
  const auto type = e.value("type", "");
  if (type == "wall_message") {
    exact_keys(e, {"type", "event_id", "network", "message"}, type, p);
  } else if (type == "wall_removed") {
    exact_keys(e, {"type", "event_id", "network", "message_id", "parent_id"}, type, p);
    if (!is_id(e.value("message_id", json()))) p.push_back("wall_removed.message_id: not an id");
    const auto parent = e.value("parent_id", json(0));
    if (!parent.is_null() && !is_id(parent)) p.push_back("wall_removed.parent_id: neither null nor an id");
  } else if (type == "wall_reactions") {
    exact_keys(e, {"type", "event_id", "network", "message_id", "reactions"}, type, p);
    if (!is_id(e.value("message_id", json()))) p.push_back("wall_reactions.message_id: not an id");
    check_reactions(e.value("reactions", json()), "wall_reactions.reactions", p);
  } else {
    p.push_back("'" + type + "' is not a stored Wall event");
    return;
  }
  if (!is_id(e.value("event_id", json()))) p.push_back(type + ".event_id: not an id");
  if (!is_text(e.value("network", json()))) p.push_back(type + ".network: not a slug");
  if (type == "wall_message") check_wall_post(e.value("message", json()), e.value("network", ""), p);
}

// A list of stored events (a resume's, the history's): each well formed, ids strictly increasing.
void check_event_list(const json& events, const std::string& network, Problems& p) {
  if (!events.is_array()) {
    p.push_back("events: not a list");
    return;
  }
  std::int64_t previous = 0;
  for (const auto& e : events) {
    check_stored_event(e, p);
    if (e.value("network", "") != network) p.push_back("events: an event of another network: " + e.dump());
    const auto id = e.value("event_id", std::int64_t{0});
    if (id <= previous) p.push_back("events: event ids not strictly increasing at " + std::to_string(id));
    previous = id;
  }
}

// The problems of one frame from the socket; none for frames that are not the Wall's.
Problems wall_frame_problems(const json& frame) {
  Problems p;
  if (!frame.is_object() || !frame.contains("type") || !frame["type"].is_string()) return {"a frame without a type"};
  const auto type = frame["type"].get<std::string>();
  if (!type.starts_with("wall_")) return p;
  if (type == "wall_presence") {
    exact_keys(frame, {"type", "network", "peers", "staff", "on_shift"}, type, p);
    if (!is_count(frame.value("peers", json()))) p.push_back("wall_presence.peers: not a count");
    if (!is_count(frame.value("staff", json()))) p.push_back("wall_presence.staff: not a count");
    // Roles on shift, most clinical first, each once.
    const std::vector<std::string> order = {"Clinician", "Peer supporter", "Volunteer"};
    std::size_t next = 0;
    for (const auto& role : frame.value("on_shift", json::array())) {
      std::size_t at = next;
      while (at < order.size() && role != order[at]) ++at;
      if (at == order.size()) p.push_back("wall_presence.on_shift: " + role.dump() + " out of place or unknown");
      next = at + 1;
    }
    if (!frame.value("on_shift", json()).is_array()) p.push_back("wall_presence.on_shift: not a list");
  } else if (type == "wall_hours") {
    exact_keys(frame, {"type", "network", "open", "summary", "next_change"}, type, p);
    if (!frame.value("open", json()).is_boolean()) p.push_back("wall_hours.open: not a boolean");
    if (!frame.value("summary", json()).is_string()) p.push_back("wall_hours.summary: not text");
    const auto next = frame.value("next_change", json(0));
    if (!next.is_null() && !next.is_string()) p.push_back("wall_hours.next_change: neither null nor a time");
  } else if (type == "wall_resume") {
    exact_keys(frame, {"type", "network", "events", "last_event_id", "reset"}, type, p);
    if (!is_text(frame.value("network", json()))) p.push_back("wall_resume.network: not a slug");
    check_event_list(frame.value("events", json()), frame.value("network", ""), p);
    const auto last = frame.value("last_event_id", json());
    if (!is_count(last)) {
      p.push_back("wall_resume.last_event_id: not an event id");
    } else if (frame.value("events", json()).is_array() && !frame["events"].empty() &&
               frame["events"].back().value("event_id", std::int64_t{0}) > last.get<std::int64_t>()) {
      p.push_back("wall_resume.last_event_id: older than its own events");
    }
    if (!frame.value("reset", json()).is_boolean()) p.push_back("wall_resume.reset: not a boolean");
  } else {
    check_stored_event(frame, p);
  }
  return p;
}

// The answer of GET /wall/events: {events, last_event_id, reset} (more keys are allowed there).
Problems history_problems(const json& body, const std::string& network) {
  Problems p;
  if (!body.is_object()) return {"history: not an object"};
  check_event_list(body.value("events", json()), network, p);
  if (!is_count(body.value("last_event_id", json()))) p.push_back("history.last_event_id: not an event id");
  if (!body.value("reset", json()).is_boolean()) p.push_back("history.reset: not a boolean");
  return p;
}

// ---- reading the socket ------------------------------------------------------------------------

bool carries_events(const json& frame) {
  const auto type = frame.value("type", "");
  return type == "wall_message" || type == "wall_removed" || type == "wall_reactions" || type == "wall_resume";
}

std::int64_t message_id_of(const json& e) {
  if (e.value("type", "") == "wall_message") return e["message"].value("id", std::int64_t{0});
  return e.value("message_id", std::int64_t{0});
}

// "message 12 published", "removed 12", "reactions 12 s1 m0 t0", "resume [..]": what an event
// says, for comparing sequences with readable failures.
std::string brief(const json& e) {
  const auto type = e.value("type", "");
  if (type == "wall_message") {
    return "message " + id_text(message_id_of(e)) + " " + e["message"].value("state", "?");
  }
  if (type == "wall_removed") return "removed " + id_text(message_id_of(e));
  if (type == "wall_reactions") {
    const auto& r = e["reactions"];
    return "reactions " + id_text(message_id_of(e)) + " s" + id_text(r.value("support", -1)) + " m" +
           id_text(r.value("me_too", -1)) + " t" + id_text(r.value("thank_you", -1));
  }
  if (type == "wall_resume") {
    std::string out = "resume [";
    for (const auto& x : e.value("events", json::array())) out += (out.back() == '[' ? "" : ", ") + brief(x);
    return out + "]";
  }
  return type;
}

std::vector<std::string> briefs(const std::vector<json>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(brief(e));
  return out;
}

std::vector<std::int64_t> event_ids(const std::vector<json>& events) {
  std::vector<std::int64_t> out;
  for (const auto& e : events) out.push_back(e.value("event_id", std::int64_t{0}));
  return out;
}

// One WebSocket on the Wall. Every frame read is parsed and, when it is the Wall's, checked.
class WallSocket {
 public:
  WallSocket(std::string name, std::unique_ptr<WssClient> ws) : name_(std::move(name)), ws_(std::move(ws)) {}

  const std::string& name() const { return name_; }
  std::optional<WsClose> close_info() const { return ws_->close_info(); }

  // The next frame of any type; nullopt on timeout or close.
  std::optional<json> frame(std::chrono::milliseconds timeout) {
    const auto text = ws_->read(timeout);
    if (!text) return std::nullopt;
    auto j = json::parse(*text, nullptr, false);
    if (!j.is_object()) {
      ADD_FAILURE() << name_ << ": a frame that is not a JSON object: " << *text;
      return json::object();
    }
    for (const auto& problem : wall_frame_problems(j)) ADD_FAILURE() << name_ << ": " << problem << "\n  in " << *text;
    return j;
  }

  // The next frame that carries events (wall_message, wall_removed, wall_reactions, wall_resume);
  // anything else (heartbeats, presence, notifications, queue counts) is skipped.
  std::optional<json> event(std::chrono::milliseconds timeout = 3s) {
    const auto until = Clock::now() + timeout;
    for (;;) {
      auto f = frame(left_until(until));
      if (!f) return std::nullopt;
      if (carries_events(*f)) return f;
    }
  }

  // The next `n` event frames (fewer when they do not come within `timeout`).
  std::vector<json> events(std::size_t n, std::chrono::milliseconds timeout = 3s) {
    std::vector<json> out;
    const auto until = Clock::now() + timeout;
    while (out.size() < n) {
      auto e = event(left_until(until));
      if (!e) break;
      out.push_back(std::move(*e));
    }
    return out;
  }

  // The next frame of `type` (others skipped).
  std::optional<json> next_of_type(const std::string& type, std::chrono::milliseconds timeout) {
    const auto until = Clock::now() + timeout;
    for (;;) {
      auto f = frame(left_until(until));
      if (!f) return std::nullopt;
      if (f->value("type", "") == type) return f;
    }
  }

  // Reads until the server closes the socket (or `timeout`); true when it did.
  bool wait_closed(std::chrono::milliseconds timeout) {
    const auto until = Clock::now() + timeout;
    while (!close_info() && Clock::now() < until) frame(left_until(until));
    return close_info().has_value();
  }

 private:
  std::string name_;
  std::unique_ptr<WssClient> ws_;
};

std::string wall_target(std::optional<std::int64_t> after, const std::string& slug = "default") {
  return "/ws?wall=" + slug + (after ? "&after=" + id_text(*after) : "");
}

// `person`'s socket on a Wall, read past its hello; nullptr when the upgrade was refused (its
// status in *status).
std::unique_ptr<WallSocket> open_wall(const ServerProcess& s, const Person& person, std::optional<std::int64_t> after,
                                      int* status = nullptr, const std::string& slug = "default") {
  auto ws = std::make_unique<WssClient>(s.port(), TlsOptions{.ca_file = s.ca_file().string()});
  const int code = ws->connect(wall_target(after, slug), origin_of(s), person.cookie());
  if (status) *status = code;
  if (code != 101) return nullptr;
  auto socket = std::make_unique<WallSocket>(person.pseudonym(), std::move(ws));
  const auto hello = socket->frame(3s);
  EXPECT_TRUE(hello && hello->value("type", "") == "hello") << person.pseudonym() << ": no hello first";
  return socket;
}

// ---- people ------------------------------------------------------------------------------------

// A member of the default network registered from its own address (X-Forwarded-For through the
// trusted proxy 127.0.0.1), signed in. Same steps as join() in content_client.cpp.
Person join_member(const ServerProcess& server, const std::string& pseudonym, int address) {
  const auto [code, out] = run_harbour("invite create --data-dir " + server.data_dir().string() + " --network default --role member");
  const auto token = invitation_token(first_invitation_link(out));
  if (code != 0 || token.empty()) throw std::runtime_error("harbour invite create failed: " + out);
  HttpsClient c(server.port(), {.ca_file = server.ca_file().string()});
  c.connect();
  const std::map<std::string, std::string> headers = {{"Content-Type", "application/json"},
                                                      {"Origin", origin_of(server)},
                                                      {"X-Forwarded-For", "10.9.0." + std::to_string(address)}};
  auto preview = c.request("POST", "/api/v1/invitations/preview", json{{"token", token}}.dump(), headers);
  if (preview.status != 200) throw std::runtime_error("invitation preview: " + preview.body);
  const int version = json::parse(preview.body)["guidelines"]["version"].get<int>();
  auto created = c.request("POST", "/api/v1/accounts",
                           json{{"token", token}, {"pseudonym", pseudonym}, {"password", kTestPassword},
                                {"accepted_guidelines_version", version}}.dump(),
                           headers);
  if (created.status != 201) throw std::runtime_error("registration of " + pseudonym + ": " + created.body);
  const auto set_cookie = created.header("set-cookie");
  const auto body = json::parse(created.body);
  return Person(server, set_cookie.substr(0, set_cookie.find(';')), body.value("csrf_token", ""),
                body["user"].value("id", std::int64_t{0}), pseudonym);
}

const std::array<const char*, 24> kNames = {
    "Quiet Alder",  "Amber Heron",  "Slow Tide",    "Willow Finch", "Calm Meadow",  "Soft Lantern",
    "Grey Pebble",  "Bright Fern",  "Still Brook",  "Warm Ember",   "Pale Moss",    "Open Field",
    "Gentle Rain",  "Small Heron", "Kind Maple",   "Steady Oak",   "Silver Birch", "Low Cloud",
    "North Wind",   "Clear Pool",   "Morning Lark", "Hidden Cove",  "Long Shore",   "Blue Thistle"};

// A body of exactly `n` characters (ASCII).
std::string text_of_length(std::size_t n, const std::string& seed = "Calm water today, a walk by the sea. ") {
  std::string out;
  while (out.size() < n) out += seed;
  out.resize(n);
  if (out.back() == ' ') out.back() = '.';
  return out;
}

class WallLive : public ::testing::Test {
 protected:
  // A server (staff effectively unlimited, so sentinels never hit the limit; members 6,000 a
  // minute unless `env` says otherwise), an admin and a clinician of the default network.
  void start(std::map<std::string, std::string> env = {}, std::vector<std::string> args = {}) {
    env.emplace("HARBOUR_SECURITY_TRUSTED_PROXY", "127.0.0.1");
    env.emplace("HARBOUR_WALL_STAFF_MESSAGES_PER_MINUTE", "100000");
    env.emplace("HARBOUR_WALL_MEMBER_MESSAGES_PER_MINUTE", "6000");
    server_ = std::make_unique<ServerProcess>(ServerOptions{.args = std::move(args), .env = std::move(env)});
    admin_ = std::make_unique<Person>(join(*server_, "Pat Keeper", "admin"));
    clinician_ = std::make_unique<Person>(join(*server_, "Morgan Reed", "clinician"));
  }

  // A failed test shows the end of the server's log, and whether the server is still running.
  void TearDown() override {
    if (!HasFailure() || !server_) return;
    if (const auto code = server_->wait_exit(50ms)) std::cerr << "harbour exited with " << *code << "\n";
    const auto lines = server_->log_lines();
    std::cerr << "last lines of the server's log:\n";
    for (std::size_t i = lines.size() > 12 ? lines.size() - 12 : 0; i < lines.size(); ++i) std::cerr << "  " << lines[i] << "\n";
  }

  Person member(std::size_t index) { return join_member(*server_, kNames.at(index), static_cast<int>(index) + 1); }

  // Members' messages publish at once (the default policy holds a new member's first posts).
  void publish_members_at_once() {
    auto r = admin_->put("/api/v1/networks/default/moderation/policy", {{"mode", "post_moderate"}, {"first_posts", 0}});
    ASSERT_EQ(r.status, 200) << r.body;
  }

  static std::int64_t last_event_id(Person& p) {
    auto r = p.get(kWall);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json.value("last_event_id", std::int64_t{-1});
  }

  static ApiReply say(Person& p, const std::string& body, std::optional<std::int64_t> reply_to = std::nullopt) {
    json b = {{"body", body}};
    if (reply_to) b["reply_to"] = *reply_to;
    return p.post(kWallMessages, b);
  }

  // Posts and returns the new message's id (0 after a failure), checking the gate's outcome.
  static std::int64_t posted(Person& p, const std::string& body, const std::string& outcome = "published",
                             std::optional<std::int64_t> reply_to = std::nullopt) {
    auto r = say(p, body, reply_to);
    EXPECT_EQ(r.status, 201) << p.pseudonym() << ": " << r.body;
    EXPECT_EQ(r.json["moderation"].value("outcome", ""), outcome) << r.body;
    return r.json["post"].value("id", std::int64_t{0});
  }

  // GET /wall/events?after= as `p`, checked.
  static json history(Person& p, std::int64_t after) {
    auto r = p.get(kWall + "/events?after=" + id_text(after));
    EXPECT_EQ(r.status, 200) << r.body;
    for (const auto& problem : history_problems(r.json, "default")) ADD_FAILURE() << "history: " << problem << "\n  in " << r.body;
    return r.json;
  }

  static std::vector<json> history_events(Person& p, std::int64_t after) {
    const auto h = history(p, after);
    std::vector<json> out;
    for (const auto& e : h.value("events", json::array())) out.push_back(e);
    return out;
  }

  // A socket on the Wall after `after`, read past its resume, which must say nothing was missed.
  std::unique_ptr<WallSocket> on_wall(Person& p, std::int64_t after) {
    auto socket = open_wall(*server_, p, after);
    EXPECT_NE(socket, nullptr) << p.pseudonym() << ": the upgrade was refused";
    if (!socket) return nullptr;
    const auto resume = socket->event();
    EXPECT_TRUE(resume.has_value()) << p.pseudonym() << ": no wall_resume";
    if (resume) {
      EXPECT_EQ(brief(*resume), "resume []") << p.pseudonym();
      EXPECT_EQ(resume->value("last_event_id", std::int64_t{-1}), after);
      EXPECT_EQ(resume->value("reset", true), false);
    }
    return socket;
  }

  // The id of the open queue item of a post (0 when there is none).
  std::int64_t queue_item_of(std::int64_t post_id) {
    auto r = clinician_->get("/api/v1/networks/default/moderation/queue?state=open");
    EXPECT_EQ(r.status, 200) << r.body;
    for (const auto& item : r.json.value("items", json::array())) {
      if (item["post"].value("id", std::int64_t{0}) == post_id) return item.value("id", std::int64_t{0});
    }
    return 0;
  }

  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<Person> admin_;
  std::unique_ptr<Person> clinician_;
};

bool wall_lists(const json& page, std::int64_t post_id) {
  for (const auto& m : page.value("messages", json::array())) {
    if (m.value("id", std::int64_t{0}) == post_id) return true;
    for (const auto& r : m.value("replies", json::array())) {
      if (r.value("id", std::int64_t{0}) == post_id) return true;
    }
  }
  return false;
}

bool mentions(const std::vector<json>& events, std::int64_t post_id) {
  return std::any_of(events.begin(), events.end(), [&](const json& e) { return message_id_of(e) == post_id; });
}

// ---- a socket that stops reading ---------------------------------------------------------------
// A wss client with a tiny TCP receive buffer that reads nothing until told to: what the server
// writes to it backs up after a few kilobytes, as with a phone that went into a tunnel.

template <class Pred>
void run_until(asio::io_context& ioc, Pred done, std::chrono::milliseconds timeout) {
  ioc.restart();
  const auto deadline = Clock::now() + timeout;
  while (!done() && Clock::now() < deadline) {
    ioc.run_for(10ms);
    if (ioc.stopped()) ioc.restart();
  }
}

class StalledSocket {
 public:
  StalledSocket(const ServerProcess& s, const std::string& target, const std::string& cookie) {
    ctx_.load_verify_file(s.ca_file().string());
    ctx_.set_verify_mode(asio::ssl::verify_peer);
    static const unsigned char kAlpn[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
    SSL_CTX_set_alpn_protos(ctx_.native_handle(), kAlpn, sizeof kAlpn);
    ws_ = std::make_unique<Stream>(ioc_, ctx_);
    ws_->next_layer().set_verify_callback(asio::ssl::host_name_verification("127.0.0.1"));
    auto& socket = beast::get_lowest_layer(*ws_).socket();
    socket.open(tcp::v4());
    socket.set_option(asio::socket_base::receive_buffer_size(4096));  // before connecting: a small window
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), s.port()));
    const std::string origin = origin_of(s);
    ws_->set_option(websocket::stream_base::decorator([origin, cookie](websocket::request_type& req) {
      req.set(beast::http::field::origin, origin);
      req.set(beast::http::field::cookie, cookie);
    }));
    bool done = false;
    websocket::response_type response;
    auto& ws = *ws_;
    const std::string host = "127.0.0.1:" + std::to_string(s.port());
    ws.next_layer().async_handshake(asio::ssl::stream_base::client, [&](beast::error_code ec) {
      if (ec) {
        done = true;
        return;
      }
      ws.async_handshake(response, host, target, [&](beast::error_code) { done = true; });
    });
    run_until(ioc_, [&] { return done; }, 6s);
    status_ = static_cast<int>(response.result_int());
  }

  int status() const { return status_; }

  // Starts reading at last: every frame the server still sends, until it closes (or `timeout`).
  std::vector<json> read_until_closed(std::chrono::milliseconds timeout) {
    std::vector<json> frames;
    bool finished = false;
    std::function<void()> read_next = [&] {
      ws_->async_read(buffer_, [&](beast::error_code ec, std::size_t) {
        if (ec) {
          finished = true;
          if (ws_->reason().code != websocket::close_code::none) close_code_ = static_cast<int>(ws_->reason().code);
          return;
        }
        frames.push_back(json::parse(beast::buffers_to_string(buffer_.data()), nullptr, false));
        buffer_.consume(buffer_.size());
        read_next();
      });
    };
    read_next();
    run_until(ioc_, [&] { return finished; }, timeout);
    if (!finished) {
      beast::get_lowest_layer(*ws_).cancel();
      run_until(ioc_, [&] { return finished; }, 2s);
    }
    return frames;
  }

  std::optional<int> close_code() const { return close_code_; }

 private:
  using Stream = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;
  asio::io_context ioc_;
  asio::ssl::context ctx_{asio::ssl::context::tls_client};
  std::unique_ptr<Stream> ws_;
  beast::flat_buffer buffer_;
  int status_ = 0;
  std::optional<int> close_code_;
};

}  // namespace

// ---- 1. fan-out ---------------------------------------------------------------------------------

TEST_F(WallLive, OneMessageReachesEverySocketExactlyOnceWithTheServersBadge) {
  start();
  publish_members_at_once();
  std::vector<Person> members;
  for (std::size_t i = 0; i < 20; ++i) members.push_back(member(i));
  const auto start_id = last_event_id(members[0]);
  ASSERT_GE(start_id, 0);

  std::vector<std::unique_ptr<WallSocket>> sockets;
  sockets.push_back(on_wall(*clinician_, start_id));
  for (auto& m : members) sockets.push_back(on_wall(m, start_id));
  for (const auto& s : sockets) ASSERT_NE(s, nullptr);

  // A member says something, then the clinician: both reach every socket once, in that order,
  // the author's own socket included, with the same event ids everywhere.
  const auto said = posted(members[3], "A first hello to everyone on the Wall this morning.");
  const auto answered = posted(*clinician_, "Welcome, it is good to see you here.");
  ASSERT_GT(said, 0);
  ASSERT_GT(answered, 0);
  const std::vector<std::string> expected = {"message " + id_text(said) + " published",
                                             "message " + id_text(answered) + " published"};
  std::vector<std::int64_t> ids;
  for (auto& s : sockets) {
    const auto got = s->events(2);
    EXPECT_EQ(briefs(got), expected) << s->name();
    if (got.size() != 2) continue;
    if (ids.empty()) ids = event_ids(got);
    EXPECT_EQ(event_ids(got), ids) << s->name() << ": another event id than the others got";
    EXPECT_GT(got[0].value("event_id", std::int64_t{0}), start_id) << s->name();
    EXPECT_LT(got[0].value("event_id", std::int64_t{0}), got[1].value("event_id", std::int64_t{0})) << s->name();
    // The badge is the server's: none for a member, "Clinician" for the clinician.
    EXPECT_TRUE(got[0]["message"]["author"]["badge"].is_null()) << got[0].dump();
    EXPECT_EQ(got[0]["message"]["author"].value("id", std::int64_t{0}), members[3].id());
    EXPECT_EQ(got[0]["message"].value("body", ""), "A first hello to everyone on the Wall this morning.");
    EXPECT_EQ(got[1]["message"]["author"]["badge"], "Clinician") << got[1].dump();
    EXPECT_EQ(got[1]["message"]["author"].value("id", std::int64_t{0}), clinician_->id());
  }

  // A badge sent by a client is ignored.
  auto forged = members[4].post(kWallMessages, {{"body", "Trying a badge of my own."}, {"badge", "Clinician"}});
  if (forged.status == 201) {
    EXPECT_TRUE(forged.json["post"]["author"]["badge"].is_null()) << forged.body;
    const auto e = sockets[1]->event();
    ASSERT_TRUE(e.has_value());
    EXPECT_TRUE((*e)["message"]["author"]["badge"].is_null()) << e->dump();
  } else {
    EXPECT_EQ(forged.status, 400) << forged.body;
  }

  // The HTTP history says the same.
  const auto h = history_events(members[7], start_id);
  ASSERT_GE(h.size(), 2u);
  EXPECT_EQ(briefs({h[0], h[1]}), expected);
  EXPECT_EQ(event_ids({h[0], h[1]}), ids);
}

// ---- 2. held messages ---------------------------------------------------------------------------

TEST_F(WallLive, AHeldMessageReachesOnlyItsAuthorAndStaffUntilApprovedThenEveryone) {
  start();  // the default policy: a new member's first posts are held
  auto author = member(0);
  auto other = member(1);
  auto third = member(2);
  const auto start_id = last_event_id(author);
  auto author_ws = on_wall(author, start_id);
  auto other_ws = on_wall(other, start_id);
  auto third_ws = on_wall(third, start_id);
  auto staff_ws = on_wall(*clinician_, start_id);
  auto admin_ws = on_wall(*admin_, start_id);
  ASSERT_TRUE(author_ws && other_ws && third_ws && staff_ws && admin_ws);

  const std::string text = "My first time writing here, a little nervous.";
  const auto held = posted(author, text, "held");
  ASSERT_GT(held, 0);

  // The author and staff see it, waiting for a moderator, with its text.
  std::int64_t held_event = 0;
  for (auto* s : {author_ws.get(), staff_ws.get(), admin_ws.get()}) {
    const auto got = s->events(1);
    ASSERT_EQ(briefs(got), std::vector<std::string>{"message " + id_text(held) + " held"}) << s->name();
    EXPECT_EQ(got[0]["message"].value("body", ""), text) << s->name();
    if (!held_event) held_event = got[0].value("event_id", std::int64_t{0});
    EXPECT_EQ(got[0].value("event_id", std::int64_t{0}), held_event) << s->name();
  }
  // Other members hear nothing of it: not within 1.5 s, not before the next published message,
  // not in their page and not in their history.
  const auto nothing = other_ws->event(1500ms);
  EXPECT_FALSE(nothing.has_value()) << "another member got: " << (nothing ? nothing->dump() : "");
  const auto marker = posted(*clinician_, "Good morning from the team.");
  for (auto* s : {other_ws.get(), third_ws.get()}) {
    EXPECT_EQ(briefs(s->events(1)), std::vector<std::string>{"message " + id_text(marker) + " published"}) << s->name();
  }
  for (auto* s : {author_ws.get(), staff_ws.get(), admin_ws.get()}) {
    EXPECT_EQ(briefs(s->events(1)), std::vector<std::string>{"message " + id_text(marker) + " published"}) << s->name();
  }
  const auto page = other.get(kWall);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_FALSE(wall_lists(page.json, held)) << page.body;
  EXPECT_FALSE(mentions(history_events(other, start_id), held));
  const auto own_page = author.get(kWall);
  EXPECT_TRUE(wall_lists(own_page.json, held)) << "the author does not see their held message: " << own_page.body;
  EXPECT_TRUE(mentions(history_events(author, start_id), held));
  EXPECT_TRUE(mentions(history_events(*clinician_, start_id), held));

  // A moderator approves it: now everyone gets it, once, published.
  const auto item = queue_item_of(held);
  ASSERT_GT(item, 0) << "the held message is not in the queue";
  auto approved = clinician_->post("/api/v1/moderation/items/" + id_text(item) + "/approve");
  ASSERT_EQ(approved.status, 200) << approved.body;
  const auto after_marker = posted(*clinician_, "Thank you all.");
  std::int64_t approval_event = 0;
  for (auto* s : {author_ws.get(), other_ws.get(), third_ws.get(), staff_ws.get(), admin_ws.get()}) {
    const auto got = s->events(2);
    EXPECT_EQ(briefs(got), (std::vector<std::string>{"message " + id_text(held) + " published",
                                                     "message " + id_text(after_marker) + " published"}))
        << s->name();
    if (got.empty()) continue;
    if (!approval_event) approval_event = got[0].value("event_id", std::int64_t{0});
    EXPECT_EQ(got[0].value("event_id", std::int64_t{0}), approval_event) << s->name();
    EXPECT_GT(approval_event, held_event);
    EXPECT_EQ(got[0]["message"].value("body", ""), text) << s->name();
  }
  EXPECT_TRUE(wall_lists(other.get(kWall).json, held));

  // Their next message is held too (first posts); rejected, it is removed where it was shown,
  // and nobody else hears of it.
  const auto second = posted(author, "A second try at saying something.", "held");
  ASSERT_GT(second, 0);
  const auto second_item = queue_item_of(second);
  ASSERT_GT(second_item, 0);
  auto rejected = clinician_->post("/api/v1/moderation/items/" + id_text(second_item) + "/reject",
                                   {{"reason", "Please say this in your own space."}});
  ASSERT_EQ(rejected.status, 200) << rejected.body;
  const auto last_marker = posted(*clinician_, "Have a calm evening.");
  for (auto* s : {author_ws.get(), staff_ws.get(), admin_ws.get()}) {
    EXPECT_EQ(briefs(s->events(3)), (std::vector<std::string>{"message " + id_text(second) + " held", "removed " + id_text(second),
                                                              "message " + id_text(last_marker) + " published"}))
        << s->name();
  }
  for (auto* s : {other_ws.get(), third_ws.get()}) {
    EXPECT_EQ(briefs(s->events(1)), std::vector<std::string>{"message " + id_text(last_marker) + " published"}) << s->name();
  }
}

// ---- 3. removal ---------------------------------------------------------------------------------

TEST_F(WallLive, StaffRemovalAndTheAuthorsDeletionReachEverySocket) {
  start();
  publish_members_at_once();
  auto author = member(0);
  auto other = member(1);
  const auto start_id = last_event_id(author);
  std::vector<std::unique_ptr<WallSocket>> sockets;
  sockets.push_back(on_wall(author, start_id));
  sockets.push_back(on_wall(other, start_id));
  sockets.push_back(on_wall(*clinician_, start_id));
  for (const auto& s : sockets) ASSERT_NE(s, nullptr);

  const auto hidden = posted(author, "Something I would rather have said differently.");
  const auto deleted = posted(author, "Posted this twice by mistake.");
  const auto kept = posted(author, "A quieter week, slowly getting there.");
  const auto reply = posted(other, "Glad to hear it, one step at a time.", "published", kept);
  ASSERT_TRUE(hidden && deleted && kept && reply);

  auto r = clinician_->post("/api/v1/posts/" + id_text(hidden) + "/hide", {{"reason", "Removed while the team takes a look."}});
  ASSERT_EQ(r.status, 200) << r.body;
  r = author.del("/api/v1/posts/" + id_text(deleted));
  ASSERT_EQ(r.status, 200) << r.body;
  r = clinician_->post("/api/v1/posts/" + id_text(reply) + "/hide", {{"reason", "Removed while the team takes a look."}});
  ASSERT_EQ(r.status, 200) << r.body;

  const std::vector<std::string> expected = {
      "message " + id_text(hidden) + " published", "message " + id_text(deleted) + " published",
      "message " + id_text(kept) + " published",   "message " + id_text(reply) + " published",
      "removed " + id_text(hidden),                "removed " + id_text(deleted),
      "removed " + id_text(reply)};
  for (auto& s : sockets) {
    const auto got = s->events(expected.size());
    EXPECT_EQ(briefs(got), expected) << s->name();
    if (got.size() != expected.size()) continue;
    EXPECT_EQ(got[3]["message"].value("kind", ""), "wall_reply");
    EXPECT_EQ(got[3]["message"].value("parent_id", std::int64_t{0}), kept);
    EXPECT_TRUE(got[4]["parent_id"].is_null()) << got[4].dump();
    EXPECT_TRUE(got[5]["parent_id"].is_null()) << got[5].dump();
    EXPECT_EQ(got[6].value("parent_id", std::int64_t{0}), kept) << got[6].dump();
    // Nothing else follows.
    const auto extra = s->event(300ms);
    EXPECT_FALSE(extra.has_value()) << s->name() << ": " << (extra ? extra->dump() : "");
  }
  // The page no longer lists them.
  const auto page = other.get(kWall).json;
  EXPECT_FALSE(wall_lists(page, hidden));
  EXPECT_FALSE(wall_lists(page, deleted));
  EXPECT_FALSE(wall_lists(page, reply));
  EXPECT_TRUE(wall_lists(page, kept));
}

// ---- 4. reactions ------------------------------------------------------------------------------

TEST_F(WallLive, ReactionsArriveAsNewCountsOnEverySocket) {
  start();
  publish_members_at_once();
  auto author = member(0);
  auto b = member(1);
  auto c = member(2);
  const auto start_id = last_event_id(author);
  std::vector<std::unique_ptr<WallSocket>> sockets;
  sockets.push_back(on_wall(author, start_id));
  sockets.push_back(on_wall(b, start_id));
  sockets.push_back(on_wall(c, start_id));
  sockets.push_back(on_wall(*clinician_, start_id));
  for (const auto& s : sockets) ASSERT_NE(s, nullptr);

  const auto m = posted(author, "Three months since I left the ward today.");
  const auto path = "/api/v1/posts/" + id_text(m) + "/reactions/";
  auto r = b.put(path + "support");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(b.put(path + "support").status, 200);  // again: nothing changes, so no event
  EXPECT_NE(author.put(path + "support").status, 200) << "a reaction to one's own message";
  r = c.put(path + "me_too");
  ASSERT_EQ(r.status, 200) << r.body;
  r = b.del(path + "support");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto marker = posted(*clinician_, "That is a real milestone.");

  const std::vector<std::string> expected = {"message " + id_text(m) + " published", "reactions " + id_text(m) + " s1 m0 t0",
                                             "reactions " + id_text(m) + " s1 m1 t0", "reactions " + id_text(m) + " s0 m1 t0",
                                             "message " + id_text(marker) + " published"};
  for (auto& s : sockets) EXPECT_EQ(briefs(s->events(expected.size())), expected) << s->name();
}

// ---- 5. resume ---------------------------------------------------------------------------------

TEST_F(WallLive, AReconnectingClientGetsExactlyWhatItMissedThenLiveEvents) {
  start();
  publish_members_at_once();
  auto reader = member(0);
  auto poster = member(1);
  auto newcomer = member(2);
  const auto start_id = last_event_id(reader);

  auto ws = on_wall(reader, start_id);
  ASSERT_NE(ws, nullptr);
  const auto m1 = posted(poster, "First message while you are here.");
  const auto m2 = posted(*clinician_, "Second message while you are here.");
  const auto seen = ws->events(2);
  ASSERT_EQ(briefs(seen), (std::vector<std::string>{"message " + id_text(m1) + " published", "message " + id_text(m2) + " published"}));
  const auto last_seen = seen.back().value("event_id", std::int64_t{0});
  ws.reset();  // away

  const auto m3 = posted(poster, "Third, while you are away.");
  ASSERT_EQ(clinician_->put("/api/v1/posts/" + id_text(m1) + "/reactions/thank_you").status, 200);
  const auto m4 = posted(*clinician_, "Fourth, while you are away.", "published", m1);
  // Something the reader may not see: a held message of another member.
  ASSERT_EQ(admin_->put("/api/v1/networks/default/moderation/policy", {{"mode", "pre_moderate_all"}, {"first_posts", 0}}).status, 200);
  const auto held = posted(newcomer, "Waiting for a moderator, this one.", "held");
  ASSERT_EQ(admin_->put("/api/v1/networks/default/moderation/policy", {{"mode", "post_moderate"}, {"first_posts", 0}}).status, 200);
  const auto m5 = posted(poster, "Fifth, the last one before you are back.");
  const std::vector<std::string> missed = {"message " + id_text(m3) + " published", "reactions " + id_text(m1) + " s0 m0 t1",
                                           "message " + id_text(m4) + " published", "message " + id_text(m5) + " published"};

  // Back: hello, then one wall_resume with exactly what was missed, then live events.
  auto back = open_wall(*server_, reader, last_seen);
  ASSERT_NE(back, nullptr);
  const auto resume = back->event();
  ASSERT_TRUE(resume.has_value());
  ASSERT_EQ(resume->value("type", ""), "wall_resume") << resume->dump();
  std::vector<json> resumed;
  for (const auto& e : (*resume)["events"]) resumed.push_back(e);
  EXPECT_EQ(briefs(resumed), missed) << resume->dump();
  EXPECT_FALSE(mentions(resumed, held)) << "someone else's held message in the resume";
  EXPECT_EQ(resume->value("reset", true), false);
  for (const auto& e : resumed) EXPECT_GT(e.value("event_id", std::int64_t{0}), last_seen) << "an event it already had";
  // The same as the HTTP history for the same `after`.
  auto h = history(reader, last_seen);
  EXPECT_EQ(h["events"], (*resume)["events"]);
  EXPECT_EQ(h["last_event_id"], (*resume)["last_event_id"]);

  const auto m6 = posted(poster, "Sixth, live again.");
  const auto live = back->events(1);
  ASSERT_EQ(briefs(live), std::vector<std::string>{"message " + id_text(m6) + " published"});
  EXPECT_GT(live[0].value("event_id", std::int64_t{0}), resume->value("last_event_id", std::int64_t{0}));
  const auto extra = back->event(300ms);
  EXPECT_FALSE(extra.has_value()) << "after the live event: " << (extra ? extra->dump() : "");

  // An `after` the server never gave out cannot be resumed from: reset, reload /wall.
  auto future = open_wall(*server_, reader, 1'000'000);
  ASSERT_NE(future, nullptr);
  const auto reset = future->event();
  ASSERT_TRUE(reset.has_value());
  EXPECT_EQ(brief(*reset), "resume []");
  EXPECT_EQ(reset->value("reset", false), true) << reset->dump();
  // Without `after` no resume is sent: the first event frame is the next live one.
  auto plain = open_wall(*server_, reader, std::nullopt);
  ASSERT_NE(plain, nullptr);
  const auto m7 = posted(poster, "Seventh, for the socket without after.");
  EXPECT_EQ(briefs(plain->events(1)), std::vector<std::string>{"message " + id_text(m7) + " published"});
}

TEST_F(WallLive, ReconnectingOverAndOverWhileMessagesPourInLosesAndRepeatsNothing) {
  start();
  auto reader = member(0);
  const auto start_id = last_event_id(reader);

  // The clinician posts continuously (staff publish at once; their limit is raised here), and a
  // member reacts now and then: 150 messages (fewer than the history's 500 events a page).
  std::atomic<bool> posting{true};
  std::atomic<int> posts{0};
  std::thread poster([&] {
    auto reactor = member(1);
    const auto until = Clock::now() + 10s;
    std::int64_t previous = 0;
    for (int i = 0; i < 150 && Clock::now() < until; ++i) {
      auto r = say(*clinician_, "Message number " + std::to_string(i) + " from the team.");
      if (r.status != 201) {
        ADD_FAILURE() << "posting: " << r.body;
        break;
      }
      ++posts;
      if (i % 5 == 4 && previous) reactor.put("/api/v1/posts/" + id_text(previous) + "/reactions/support");
      previous = r.json["post"].value("id", std::int64_t{0});
      std::this_thread::sleep_for(8ms);
    }
    posting = false;
  });

  // The reader keeps dropping and coming back with the newest event id it has seen.
  std::vector<json> received;
  std::int64_t last = start_id;
  int connects = 0;
  std::size_t resumed_events = 0;  // how many came in a wall_resume rather than live
  const auto take = [&](const json& e) {
    const auto id = e.value("event_id", std::int64_t{0});
    EXPECT_GT(id, last) << "duplicate or out of order after a reconnect: " << e.dump();
    received.push_back(e);
    last = std::max(last, id);
  };
  const auto visit = [&](std::chrono::milliseconds stay) {
    auto ws = open_wall(*server_, reader, last);
    ++connects;
    if (!ws) {
      ADD_FAILURE() << "reconnect refused";
      return;
    }
    const auto until = Clock::now() + stay;
    bool resumed = false;
    for (;;) {
      const auto e = ws->event(resumed ? left_until(until) : std::max(left_until(until), std::chrono::milliseconds(3000)));
      if (!e) break;
      if (e->value("type", "") == "wall_resume") {
        EXPECT_FALSE(resumed) << "a second wall_resume on one socket";
        resumed = true;
        EXPECT_EQ(e->value("reset", true), false) << e->dump();
        for (const auto& x : (*e)["events"]) take(x);
        resumed_events += (*e)["events"].size();
        last = std::max(last, e->value("last_event_id", std::int64_t{0}));
        continue;
      }
      EXPECT_TRUE(resumed) << "a live event before the wall_resume: " << e->dump();
      take(*e);
      if (Clock::now() >= until) break;
    }
  };
  for (int i = 0; posting; ++i) visit(std::chrono::milliseconds(40 + (i * 37) % 160));
  poster.join();
  ASSERT_GT(posts.load(), 20) << "too few messages to mean anything";
  EXPECT_GE(connects, 6);
  EXPECT_GT(resumed_events, 0u) << "nothing was ever missed: the test did not test resuming";
  EXPECT_LT(resumed_events, received.size()) << "nothing arrived live";

  // Caught up at the end: everything the server has after start_id, in order, once each.
  const auto full = history(reader, start_id);
  ASSERT_EQ(full.value("reset", true), false) << "the history was reset: too many events for one page";
  std::vector<json> expected;
  for (const auto& e : full["events"]) expected.push_back(e);
  const auto final_id = expected.empty() ? start_id : expected.back().value("event_id", std::int64_t{0});
  for (int i = 0; i < 5 && last < final_id; ++i) visit(500ms);
  EXPECT_EQ(event_ids(received), event_ids(expected)) << connects << " connects";
  // The kinds match too (reaction counts are rendered as they are now in the history).
  std::vector<std::string> got_types, want_types;
  for (const auto& e : received) got_types.push_back(e.value("type", "") + " " + id_text(message_id_of(e)));
  for (const auto& e : expected) want_types.push_back(e.value("type", "") + " " + id_text(message_id_of(e)));
  EXPECT_EQ(got_types, want_types);
}

// ---- 6. the HTTP history -----------------------------------------------------------------------

TEST_F(WallLive, TheHttpHistorySaysWhatTheSocketSaid) {
  start();
  publish_members_at_once();
  auto a = member(0);
  auto b = member(1);
  const auto start_id = last_event_id(a);
  auto ws = on_wall(b, start_id);
  ASSERT_NE(ws, nullptr);

  const auto m1 = posted(a, "Back at the allotment, first time in months.");
  const auto m2 = posted(*clinician_, "Lovely to hear. What are you growing?");
  const auto reply = posted(a, "Beans, mostly, and some hopeful sunflowers.", "published", m2);
  ASSERT_EQ(b.put("/api/v1/posts/" + id_text(m1) + "/reactions/support").status, 200);
  const auto removed = posted(a, "Oops, meant to put that somewhere else.");
  ASSERT_EQ(a.del("/api/v1/posts/" + id_text(removed)).status, 200);

  const auto live = ws->events(6);
  ASSERT_EQ(live.size(), 6u);
  const auto h = history(b, start_id);
  std::vector<json> past;
  for (const auto& e : h["events"]) past.push_back(e);
  // The removed message's own event is not in the history (it is no longer shown to anyone);
  // its removal is. Everything else is the same, field for field.
  std::vector<json> live_shown;
  for (const auto& e : live) {
    if (!(e.value("type", "") == "wall_message" && message_id_of(e) == removed)) live_shown.push_back(e);
  }
  EXPECT_EQ(briefs(past), briefs(live_shown));
  ASSERT_EQ(past.size(), live_shown.size());
  for (std::size_t i = 0; i < past.size(); ++i) {
    auto x = past[i];
    auto y = live_shown[i];
    // A message event shows the message as it is when read: its reaction counts may have moved on.
    if (x.contains("message")) x["message"].erase("reactions");
    if (y.contains("message")) y["message"].erase("reactions");
    EXPECT_EQ(x, y) << "event " << i;
  }
  EXPECT_EQ(h.value("last_event_id", std::int64_t{0}), live.back().value("event_id", std::int64_t{0}));
  EXPECT_EQ(h.value("reset", true), false);
  EXPECT_TRUE(mentions(past, reply));
  // From the newest event on, there is nothing.
  const auto none = history(b, h.value("last_event_id", std::int64_t{0}));
  EXPECT_TRUE(none["events"].empty()) << none.dump();
}

// ---- 7. slow consumers -------------------------------------------------------------------------

TEST_F(WallLive, ASocketThatStopsReadingIsClosedWith1013AndHoldsNobodyBack) {
  start({{"HARBOUR_LIMITS_WS_QUEUE_FRAMES", "8"}});
  std::vector<Person> readers;
  for (std::size_t i = 0; i < 3; ++i) readers.push_back(member(i));
  auto sleeper = member(3);

  StalledSocket stalled(*server_, wall_target(std::nullopt), sleeper.cookie());
  ASSERT_EQ(stalled.status(), 101);

  // Three readers, each on its own thread, read everything until told how much there is.
  std::vector<std::unique_ptr<WallSocket>> sockets;
  for (auto& r : readers) sockets.push_back(open_wall(*server_, r, std::nullopt));
  for (const auto& s : sockets) ASSERT_NE(s, nullptr);
  std::atomic<std::size_t> total{SIZE_MAX};
  std::vector<std::vector<std::int64_t>> heard(sockets.size());
  // How far each reader has got, so the poster waits for them: with a queue of 8 frames a reader
  // on a busy machine must not be mistaken for a slow consumer.
  std::vector<std::atomic<std::size_t>> progress(sockets.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < sockets.size(); ++i) {
    threads.emplace_back([&, i] {
      const auto until = Clock::now() + 40s;
      while (heard[i].size() < total.load() && Clock::now() < until) {
        const auto e = sockets[i]->event(200ms);
        if (e && e->value("type", "") == "wall_message") {
          heard[i].push_back(message_id_of(*e));
          progress[i].store(heard[i].size());
        }
      }
    });
  }

  // Large messages until the server gives up on the sleeper (bounded), then a few more.
  std::vector<std::int64_t> sent;
  const std::string body = text_of_length(1000);
  const auto until = Clock::now() + 25s;
  bool gave_up = false;
  while (Clock::now() < until && sent.size() < 4000) {
    auto r = say(*clinician_, body);
    if (r.status != 201) {
      ADD_FAILURE() << r.body;
      break;
    }
    sent.push_back(r.json["post"].value("id", std::int64_t{0}));
    const auto caught_up = Clock::now() + 2s;
    for (std::size_t i = 0; i < progress.size(); ++i) {
      while (progress[i].load() < sent.size() && Clock::now() < caught_up) std::this_thread::sleep_for(1ms);
    }
    if (sent.size() % 25 == 0 && server_->wait_for_log("ws_slow_consumer", 0ms)) {
      gave_up = true;
      break;
    }
  }
  EXPECT_TRUE(gave_up) << "no ws_slow_consumer after " << sent.size() << " messages";
  for (int i = 0; i < 5; ++i) sent.push_back(posted(*clinician_, "And after that, " + std::to_string(i) + "."));
  total = sent.size();
  for (auto& t : threads) t.join();
  for (std::size_t i = 0; i < heard.size(); ++i) {
    EXPECT_EQ(heard[i].size(), sent.size()) << sockets[i]->name() << " missed messages";
    EXPECT_TRUE(heard[i] == sent) << sockets[i]->name() << ": not every message, in order, once";
    EXPECT_FALSE(sockets[i]->close_info().has_value()) << sockets[i]->name() << " was closed";
  }

  // The sleeper wakes: what was already on its way, a prefix of the messages with no gap, then
  // the close frame 1013 ("reconnect and resume").
  const auto frames = stalled.read_until_closed(10s);
  ASSERT_TRUE(stalled.close_code().has_value()) << "not closed by the server; " << frames.size() << " frames";
  EXPECT_EQ(*stalled.close_code(), 1013);
  std::vector<std::int64_t> got;
  for (const auto& f : frames) {
    for (const auto& problem : wall_frame_problems(f)) ADD_FAILURE() << "sleeper: " << problem;
    if (f.value("type", "") == "wall_message") got.push_back(message_id_of(f));
  }
  ASSERT_LT(got.size(), sent.size());
  EXPECT_TRUE(std::equal(got.begin(), got.end(), sent.begin())) << "the sleeper's messages are not a prefix of those sent";

  // The server is still well: alive, answering, and a new socket hears new messages.
  ASSERT_FALSE(server_->wait_exit(50ms).has_value()) << "the server exited";
  auto fresh = open_wall(*server_, sleeper, std::nullopt);
  ASSERT_NE(fresh, nullptr);
  const auto last = posted(*clinician_, "Still here.");
  EXPECT_EQ(briefs(fresh->events(1)), std::vector<std::string>{"message " + id_text(last) + " published"});
}

// ---- 8. suspension and sign-out ---------------------------------------------------------------

TEST_F(WallLive, SuspensionAndSignOutCloseTheWallSocketWith4001WithinASecond) {
  start();
  auto suspended = member(0);
  auto leaving = member(1);
  auto staying = member(2);
  const auto start_id = last_event_id(staying);
  auto s_ws = on_wall(suspended, start_id);
  auto l_ws = on_wall(leaving, start_id);
  auto k_ws = on_wall(staying, start_id);
  ASSERT_TRUE(s_ws && l_ws && k_ws);

  auto t0 = Clock::now();
  auto r = admin_->post("/api/v1/admin/users/" + id_text(suspended.id()) + "/suspend", {{"reason", "Testing the Wall's door."}});
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(s_ws->wait_closed(2s)) << "the suspended member's Wall socket is still open";
  EXPECT_LT(Clock::now() - t0, 1s);
  EXPECT_EQ(s_ws->close_info()->code, 4001);
  int status = 0;
  EXPECT_EQ(open_wall(*server_, suspended, start_id, &status), nullptr);
  EXPECT_TRUE(status == 401 || status == 403) << status;

  t0 = Clock::now();
  ASSERT_EQ(leaving.del("/api/v1/session").status, 204);
  ASSERT_TRUE(l_ws->wait_closed(2s)) << "the signed-out member's Wall socket is still open";
  EXPECT_LT(Clock::now() - t0, 1s);
  EXPECT_EQ(l_ws->close_info()->code, 4001);

  // Everyone else stays.
  const auto m = posted(*clinician_, "Still open for everyone else.");
  EXPECT_EQ(briefs(k_ws->events(1)), std::vector<std::string>{"message " + id_text(m) + " published"});
  EXPECT_FALSE(k_ws->close_info().has_value());
}

// ---- 9. office hours ---------------------------------------------------------------------------

TEST_F(WallLive, OutsideOfficeHoursMembersReadOnlyAndStaffStillPost) {
  start();
  publish_members_at_once();
  auto m = member(0);
  const auto start_id = last_event_id(m);
  auto ws = on_wall(m, start_id);
  ASSERT_NE(ws, nullptr);

  auto r = admin_->put("/api/v1/networks/default/office-hours", {{"week", week_around_now(false)}, {"closures", json::array()}});
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json["status"].value("open", true), false) << r.body;

  auto refused = say(m, "Is anyone around tonight?");
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_EQ(refused.code(), "wall_closed") << refused.body;
  auto page = m.get(kWall);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.json.value("can_post", true), false) << page.body;
  EXPECT_EQ(page.json["office"].value("open", true), false) << page.body;
  const auto reason = page.json.value("read_only_reason", "");
  EXPECT_NE(reason.find("We are back at"), std::string::npos) << page.body;
  EXPECT_TRUE(page.json["office"]["next_change"].is_string()) << page.body;

  // The team can: a clinician's message is on the Wall, live.
  auto staff_page = clinician_->get(kWall);
  EXPECT_EQ(staff_page.json.value("can_post", false), true) << staff_page.body;
  const auto note = posted(*clinician_, "We are closed now, back in the morning. In an emergency call 999.");
  EXPECT_EQ(briefs(ws->events(1)), std::vector<std::string>{"message " + id_text(note) + " published"});
  // The socket is told that the office closed (within the feed's two-second tick).
  const auto hours = ws->next_of_type("wall_hours", 4500ms);
  ASSERT_TRUE(hours.has_value()) << "no wall_hours after the office closed";
  EXPECT_EQ(hours->value("open", true), false) << hours->dump();

  // Open again: members post again, and are told so.
  r = admin_->put("/api/v1/networks/default/office-hours", {{"week", week_around_now(true)}, {"closures", json::array()}});
  ASSERT_EQ(r.status, 200) << r.body;
  const auto reopened = ws->next_of_type("wall_hours", 4500ms);
  ASSERT_TRUE(reopened.has_value()) << "no wall_hours after the office opened";
  EXPECT_EQ(reopened->value("open", false), true) << reopened->dump();
  EXPECT_EQ(m.get(kWall).json.value("can_post", false), true);
  posted(m, "Good morning, glad you are back.");
}

// ---- 10. limits --------------------------------------------------------------------------------

TEST_F(WallLive, RateLengthCarersOtherNetworksAndOriginAreRefused) {
  // --demo adds a 'perinatal' network (and office hours, cleared below); members at the
  // default rate of 6 a minute.
  start({{"HARBOUR_WALL_MEMBER_MESSAGES_PER_MINUTE", "6"}}, {"--demo"});
  ASSERT_EQ(admin_->put("/api/v1/networks/default/office-hours", {{"week", json::array()}, {"closures", json::array()}}).status, 200);
  publish_members_at_once();
  auto writer = member(0);
  auto hurried = member(1);
  auto crosser = member(2);
  auto replier = member(3);

  // Length: 1 to 1,000 characters (characters, not bytes).
  std::string thousand;
  for (int i = 0; i < 1000; ++i) thousand += "é";
  EXPECT_EQ(say(writer, thousand).status, 201);
  auto too_long = say(writer, thousand + "é");
  EXPECT_EQ(too_long.status, 400) << too_long.body;
  EXPECT_EQ(too_long.code(), "text_too_long") << too_long.body;
  auto empty = say(writer, "   ");
  EXPECT_EQ(empty.status, 400) << empty.body;

  // Rate: six a minute, then 429 rate_limited with Retry-After.
  const auto session = hurried.get("/api/v1/session");
  ASSERT_EQ(session.status, 200) << session.body;
  HttpsClient c(server_->port(), {.ca_file = server_->ca_file().string()});
  c.connect();
  const std::map<std::string, std::string> headers = {{"Cookie", hurried.cookie()},
                                                      {"Origin", origin_of(*server_)},
                                                      {"Content-Type", "application/json"},
                                                      {"X-CSRF-Token", session.json.value("csrf_token", "")}};
  std::vector<int> statuses;
  HttpReply limited;
  for (int i = 0; i < 8; ++i) {
    auto reply = c.request("POST", kWallMessages, json{{"body", "Quick note " + std::to_string(i) + "."}}.dump(), headers);
    statuses.push_back(reply.status);
    if (reply.status == 429) {
      limited = reply;
      break;
    }
  }
  ASSERT_EQ(limited.status, 429) << "no 429 within 8 messages";
  EXPECT_EQ(statuses.front(), 201);
  EXPECT_LE(statuses.size(), 7u) << "more than six messages in a minute";
  EXPECT_EQ(json::parse(limited.body, nullptr, false)["error"].value("code", ""), "rate_limited") << limited.body;
  const auto retry = limited.header("retry-after");
  ASSERT_FALSE(retry.empty()) << "no Retry-After";
  EXPECT_GE(std::stoi(retry), 1);
  EXPECT_LE(std::stoi(retry), 60);
  // Staff have their own (larger) allowance.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(say(*clinician_, "From the team " + std::to_string(i) + ".").status, 201);

  // Carers: not on the Wall, by REST or by socket (while their plain socket works).
  auto carer = join(*server_, "Devoted Aunt", "carer");
  auto page = carer.get(kWall);
  EXPECT_EQ(page.status, 403) << page.body;
  EXPECT_EQ(page.code(), "not_allowed") << page.body;
  EXPECT_EQ(carer.get(kWall + "/events?after=0").status, 403);
  EXPECT_EQ(say(carer, "Hello from a carer.").status, 403);
  int status = 0;
  EXPECT_EQ(open_wall(*server_, carer, 0, &status), nullptr);
  EXPECT_EQ(status, 403);
  EXPECT_NE(carer.open_socket(), nullptr) << "the carer's plain socket should open";

  // Another network's message cannot be replied to from here: 404 as if it did not exist. (A
  // refused message counts against the limit too, hence a member for each check.)
  auto perinatal = join(*server_, "Sage Holloway", "clinician", "perinatal");
  auto there = perinatal.post("/api/v1/networks/perinatal/wall/messages", {{"body", "Hello to the perinatal Wall."}});
  ASSERT_EQ(there.status, 201) << there.body;
  const auto foreign = there.json["post"].value("id", std::int64_t{0});
  auto cross = say(crosser, "Replying across networks.", foreign);
  EXPECT_EQ(cross.status, 404) << cross.body;
  EXPECT_EQ(cross.code(), "post_not_found") << cross.body;
  EXPECT_EQ(open_wall(*server_, writer, 0, &status, "perinatal"), nullptr);
  EXPECT_TRUE(status == 403 || status == 404) << status;
  // A reply to a reply, or to something that is not a Wall message, is not possible either.
  const auto top = posted(*clinician_, "A message to reply to.");
  const auto first_reply = posted(crosser, "A reply.", "published", top);
  auto deeper = say(replier, "A reply to a reply.", first_reply);
  EXPECT_EQ(deeper.status, 404) << deeper.body;
  EXPECT_EQ(deeper.code(), "post_not_found") << deeper.body;

  // The upgrade: a foreign Origin is refused, and so is a Wall that does not exist.
  WssClient evil(server_->port(), {.ca_file = server_->ca_file().string()});
  EXPECT_EQ(evil.connect(wall_target(0), std::string("https://evil.example"), writer.cookie()), 403);
  EXPECT_EQ(open_wall(*server_, writer, 0, &status, "nowhere"), nullptr);
  EXPECT_EQ(status, 404);
  // And a good one opens.
  EXPECT_NE(open_wall(*server_, writer, std::nullopt), nullptr);
}

// ---- presence ------------------------------------------------------------------------------------

TEST_F(WallLive, PresenceCountsPeopleAndIsSentOnEveryConnect) {
  start();
  auto a = member(0);
  auto a_ws = open_wall(*server_, a, std::nullopt);
  auto staff_ws = open_wall(*server_, *clinician_, std::nullopt);
  ASSERT_TRUE(a_ws && staff_ws);
  // Within a tick or two both are counted: one peer, one of the team.
  std::optional<json> presence;
  const auto until = Clock::now() + 5s;
  while (Clock::now() < until) {
    presence = a_ws->next_of_type("wall_presence", left_until(until));
    if (!presence || (presence->value("peers", 0) == 1 && presence->value("staff", 0) == 1)) break;
  }
  ASSERT_TRUE(presence.has_value()) << "no wall_presence with one peer and one of the team";
  EXPECT_EQ(presence->value("peers", -1), 1) << presence->dump();
  EXPECT_EQ(presence->value("staff", -1), 1) << presence->dump();
  EXPECT_EQ(presence->value("network", ""), "default");

  // A second tab of the same person: the same people, but "sent again on every connect".
  auto second = open_wall(*server_, a, std::nullopt);
  ASSERT_NE(second, nullptr);
  const auto again = second->next_of_type("wall_presence", 3000ms);
  ASSERT_TRUE(again.has_value()) << "a new socket got no wall_presence (wall.md: sent on connect)";
  EXPECT_EQ(again->value("peers", -1), 1) << "people are counted, not sockets: " << again->dump();
  EXPECT_EQ(again->value("staff", -1), 1) << again->dump();
}
