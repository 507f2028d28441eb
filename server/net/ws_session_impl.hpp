#pragma once
// The WebSocket session template (over TLS or plain TCP). Included only by ws_session_tls.cpp and
// ws_session_plain.cpp.
//
// Outbound: events from the live hub arrive on any thread, are posted to this session's strand
// and queued in a bounded OutboundQueue; a client that falls too far behind is closed with 1013.
// Below the WebSocket stream a CoalescingStream sends every frame queued since the last write in
// one TLS write and one system call.
// Inbound: small JSON control messages only ("ping", "echo"); writes go through the REST API.
// Beast answers pings, sends keep-alive pings when idle, validates UTF-8 (close 1007) and enforces
// the message size limit (close 1009).
#include "core/clock.hpp"
#include "core/log.hpp"
#include "live/hub.hpp"
#include "live/outbound_queue.hpp"
#include "net/beast_convert.hpp"
#include "net/coalescing_stream.hpp"
#include "http/app.hpp"
#include "net/sessions.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <mutex>
#include <optional>
#include <vector>
#include <type_traits>

namespace harbour::net {

namespace beast = boost::beast;
namespace asio = boost::asio;
namespace websocket = boost::beast::websocket;

inline constexpr const char* kHeartbeatTopic = "heartbeat";
inline constexpr int kSessionExpiredCloseCode = 4001;  // as services::kSessionEndedCloseCode

// Live events reach a socket at most this often: what arrives within the window after a drain
// waits for the next one and leaves in the same write. A quiet socket is never delayed (the first
// event after a pause goes at once); a busy Wall trades up to 10 ms, which nobody can see in a
// chat, for one TLS record and one send per window instead of one per event (tests/bench: the
// Wall's capacity at 1,000 receivers).
inline constexpr std::chrono::milliseconds kLiveDrainInterval{10};

// Client messages are small control objects ("ping", "echo"); nesting past this is refused.
inline constexpr int kMaxMessageDepth = 16;

template <class NextLayer>
class WsSession : public live::Subscriber, public Closable, public std::enable_shared_from_this<WsSession<NextLayer>> {
  static constexpr bool kTls = std::is_same_v<NextLayer, TlsStream>;

 public:
  WsSession(NextLayer stream, ServerContext& ctx, ConnectionLimiter::Slot slot, WsIdentity who)
      : ws_(std::move(stream)),
        ctx_(ctx),
        open_count_(ctx.open_websockets),
        slot_(std::move(slot)),
        who_(who),
        expiry_(ws_.get_executor()),
        drain_timer_(ws_.get_executor()),
        queue_(ctx.config.limits.ws_queue_frames, ctx.config.limits.ws_queue_bytes),
        id_(ctx.next_socket_id.fetch_add(1)) {}

  ~WsSession() override {
    ctx_.hub.unsubscribe_all(this);
    ctx_.registry.remove(this);
  }

  void start(UpgradeRequest request) {
    ctx_.registry.add(this->shared_from_this());
    ws_.next_layer().keep_alive_with(this->weak_from_this());
    if (!who_.resume_target.empty()) {
      // The resume is read as the same person: the same cookie, the same address.
      resume_request_.emplace();
      resume_request_->method(beast::http::verb::get);
      resume_request_->target(who_.resume_target);
      resume_request_->version(11);
      resume_request_->set(beast::http::field::host, request[beast::http::field::host]);
      resume_request_->set(beast::http::field::cookie, request[beast::http::field::cookie]);
    }
    const auto& limits = ctx_.config.limits;
    websocket::stream_base::timeout timeout{};
    timeout.handshake_timeout = limits.header_timeout;
    timeout.idle_timeout = limits.ws_ping_interval * 2;  // ping after half of it, close if no answer
    timeout.keep_alive_pings = true;
    ws_.set_option(timeout);
    websocket::permessage_deflate pmd;  // off: compression + secrets = CRIME-style leaks, and CPU
    pmd.server_enable = false;
    pmd.client_enable = false;
    ws_.set_option(pmd);
    ws_.read_message_max(limits.ws_message_bytes);
    ws_.auto_fragment(false);
    ws_.text(true);
    ws_.async_accept(request, [self = this->shared_from_this()](beast::error_code ec) { self->on_accept(ec); });
  }

  std::int64_t owner_id() const noexcept override { return who_.user_id; }

  // Any thread. Must not block and must not call into the hub. Events wait in a small inbox and
  // one posted drain takes all of them: when the I/O thread falls behind a busy Wall, a socket's
  // events arrive together and leave in one write, so the cost per event falls as the load rises.
  void deliver(const live::Payload& event) override { to_inbox(&event, &event + 1); }
  void deliver_all(const std::vector<live::Payload>& events) override {
    to_inbox(events.data(), events.data() + events.size());
  }

  void to_inbox(const live::Payload* first, const live::Payload* last) {
    {
      std::lock_guard lock(inbox_mutex_);
      for (const auto* event = first; event != last; ++event) {
        if (inbox_.size() >= ctx_.config.limits.ws_queue_frames) {
          inbox_overflowed_ = true;  // the drain closes the socket: it is too far behind
          break;
        }
        inbox_.push_back(*event);
      }
      if (drain_posted_) return;
      drain_posted_ = true;
    }
    asio::post(ws_.get_executor(), [self = this->shared_from_this()] { self->schedule_drain(); });
  }

  // The person's session ended or their account was suspended: close at once.
  void end(int code, const std::string& reason) override {
    asio::post(ws_.get_executor(), [self = this->shared_from_this(), code, reason] {
      websocket::close_reason why(static_cast<std::uint16_t>(code));
      why.reason = reason.substr(0, why.reason.max_size());
      self->close(std::move(why));
    });
  }

  void shutdown() override {
    asio::post(ws_.get_executor(), [self = this->shared_from_this()] {
      self->close(websocket::close_reason(websocket::close_code::going_away, "server restarting"));
    });
  }

 private:
  void on_accept(beast::error_code ec) {
    if (ec) return;
    open_ = true;
    ctx_.hub.subscribe(kHeartbeatTopic, this->shared_from_this());
    ctx_.hub.subscribe("session:" + std::to_string(who_.session_id), this->shared_from_this());
    ctx_.hub.subscribe("user:" + std::to_string(who_.user_id), this->shared_from_this());
    for (const auto& topic : who_.topics) ctx_.hub.subscribe(topic, this->shared_from_this());
    // The session's absolute expiry closes the socket too. A weak reference: the timer must not
    // keep a closed session (and its connection slot) alive until then.
    expiry_.expires_after(who_.lifetime);
    expiry_.async_wait([weak = this->weak_from_this()](beast::error_code ec) {
      auto self = weak.lock();
      if (ec || !self) return;
      websocket::close_reason why(static_cast<std::uint16_t>(kSessionExpiredCloseCode));
      why.reason = "session expired";
      self->close(std::move(why));
    });
    enqueue(live::make_payload(nlohmann::json{
        {"type", "hello"},
        {"socket", id_},
        {"user_id", who_.user_id},
        {"server_time", core::format_utc(std::chrono::system_clock::now())},
        {"heartbeat_interval_ms", ctx_.config.heartbeat_interval.count()}}.dump()));
    if (resume_request_) start_resume();
    do_read();
  }

  // Subscribed first, read second: whatever is committed from now on arrives live, whatever was
  // committed before is in the answer, and what is in both is dropped below.
  void start_resume() {
    http::Request request;
    if (!to_harbour_request(std::move(*resume_request_), slot_.ip(), kTls, request)) {
      return close(websocket::close_reason(websocket::close_code::internal_error, "resume failed"));
    }
    resume_request_.reset();
    resuming_ = true;
    ctx_.app.dispatch(std::move(request), [self = this->shared_from_this()](http::Response response) {
      asio::post(self->ws_.get_executor(), [self, r = std::move(response)]() { self->on_resumed(r); });
    });
  }

  void on_resumed(const http::Response& response) {
    if (!open_ || closing_) return;
    resuming_ = false;
    const auto answer = nlohmann::json::parse(response.body_view(), nullptr, false);
    if (response.status != 200 || !answer.is_object()) {
      held_.clear();
      return close(websocket::close_reason(websocket::close_code::policy_error, "resume refused"));
    }
    // From now on, a stored event this answer already holds is never sent again: it may still be
    // on its way from the live feed (which can publish an event after the resume read it).
    resumed_through_ = answer.value("last_event_id", std::int64_t{0});
    enqueue(live::make_payload(std::string(response.body_view())));
    auto waiting = std::move(held_);
    held_.clear();
    for (auto& frame : waiting) enqueue(frame);
  }

  // On the strand: drain now, or when the window after the last drain ends (kLiveDrainInterval).
  void schedule_drain() {
    const auto due = last_drain_ + kLiveDrainInterval;
    if (std::chrono::steady_clock::now() >= due) return drain_inbox();
    drain_timer_.expires_at(due);
    // Also when cancelled: the drain then finds the socket closing and drops what waited.
    drain_timer_.async_wait([self = this->shared_from_this()](beast::error_code) { self->drain_inbox(); });
  }

  void drain_inbox() {
    last_drain_ = std::chrono::steady_clock::now();
    bool overflowed = false;
    {
      std::lock_guard lock(inbox_mutex_);
      drained_.swap(inbox_);
      overflowed = inbox_overflowed_;
      inbox_overflowed_ = false;
      drain_posted_ = false;
    }
    for (const auto& frame : drained_) enqueue(frame);
    drained_.clear();  // keeps its capacity for the next drain
    if (overflowed) slow_consumer();
  }

  void do_read() {
    ws_.async_read(in_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec) {
      // Closed by the peer, a timeout, a too-big message (Beast sent 1009) or bad UTF-8 (1007).
      open_ = false;
      queue_.clear(/*keep_front=*/writing_);
      ctx_.hub.unsubscribe_all(this);
      return;
    }
    if (!ws_.got_text()) {
      in_.consume(in_.size());
      return close(websocket::close_reason(websocket::close_code::unknown_data, "text messages only"));
    }
    const auto text = beast::buffers_to_string(in_.data());
    in_.consume(in_.size());
    handle_message(text);
    if (open_) do_read();
  }

  void handle_message(const std::string& text) {
    // nlohmann parses without recursion but copies and prints with it: an echo of 32,000 nested
    // arrays (64 KiB) overflowed a 1 MiB stack. Deeper values are dropped while parsing (the
    // callback's false) and the message refused.
    bool too_deep = false;
    const nlohmann::json msg = nlohmann::json::parse(  // not auto: the lambda makes it dependent
        text,
        [&too_deep](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
          if (depth > kMaxMessageDepth) too_deep = true;
          return !too_deep;
        },
        false);
    nlohmann::json reply;
    if (too_deep || msg.is_discarded() || !msg.is_object() || !msg.contains("type") || !msg["type"].is_string()) {
      reply = {{"type", "error"}, {"code", "invalid_message"}, {"message", "Messages are JSON objects with a \"type\"."}};
    } else if (const auto type = msg["type"].get<std::string>(); type == "ping") {
      reply = {{"type", "pong"}};
      if (msg.contains("id")) reply["id"] = msg["id"];
    } else if (type == "echo") {
      reply = {{"type", "echo"}, {"data", msg.value("data", nlohmann::json())}};
    } else {
      reply = {{"type", "error"}, {"code", "unknown_type"}, {"message", "This message type is not known."}};
    }
    enqueue(live::make_payload(reply.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
  }

  void enqueue(const live::Payload& frame) {
    if (!open_ || closing_) return;
    if (resumed_through_ > 0 && frame) {
      const auto id = live::event_id_of(*frame);
      if (id > 0 && id <= resumed_through_) return;
    }
    if (resuming_) {
      // Bounded like the queue itself: a resume that takes too long ends like a slow consumer.
      if (held_.size() + 1 > ctx_.config.limits.ws_queue_frames) {
        held_.clear();
        return close(websocket::close_reason(websocket::close_code::try_again_later, "too slow: reconnect to resume"));
      }
      held_.push_back(frame);
      return;
    }
    if (!queue_.push(frame)) return slow_consumer();
    if (!writing_) {
      // Corked until the queue is empty: every frame queued meanwhile joins the same TLS write.
      ws_.next_layer().cork();
      do_write();
    }
  }

  void slow_consumer() {
    if (!open_ || closing_) return;
    core::log::warn("ws_slow_consumer", {{"socket", id_}, {"queued_frames", queue_.size()}, {"queued_bytes", queue_.bytes()}});
    close(websocket::close_reason(websocket::close_code::try_again_later, "too slow: reconnect to resume"));
  }

  void do_write() {
    writing_ = true;
    const auto& frame = queue_.front();
    ws_.async_write(asio::buffer(*frame), [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      self->on_write(ec);
    });
  }

  void on_write(beast::error_code ec) {
    writing_ = false;
    if (ec) {
      open_ = false;
      queue_.clear();
      return;
    }
    if (!queue_.empty()) queue_.pop();
    if (pending_close_) return start_close();
    if (!queue_.empty()) return do_write();
    ws_.next_layer().uncork();
  }

  // Beast allows one write at a time and a close is a write: wait for the current one.
  void close(websocket::close_reason reason) {
    if (!open_ || closing_) return;
    closing_ = true;
    expiry_.cancel();
    drain_timer_.cancel();
    ctx_.hub.unsubscribe_all(this);
    queue_.clear(/*keep_front=*/writing_);
    close_reason_ = std::move(reason);
    if (writing_) {
      pending_close_ = true;
      return;
    }
    start_close();
  }

  void start_close() {
    pending_close_ = false;
    ws_.next_layer().uncork();
    ws_.async_close(close_reason_, [self = this->shared_from_this()](beast::error_code) { self->open_ = false; });
  }

  // Frames queued while a write is in flight leave together in the next one (coalescing_stream.hpp).
  websocket::stream<CoalescingStream<NextLayer>> ws_;
  ServerContext& ctx_;
  OpenCount open_count_;
  ConnectionLimiter::Slot slot_;
  WsIdentity who_;
  asio::steady_timer expiry_;
  asio::steady_timer drain_timer_;
  std::chrono::steady_clock::time_point last_drain_{};  // strand only
  live::OutboundQueue queue_;
  std::optional<UpgradeRequest> resume_request_;
  bool resuming_ = false;
  std::int64_t resumed_through_ = 0;  // the resume's last_event_id: events up to it were sent
  std::mutex inbox_mutex_;
  std::vector<live::Payload> inbox_;    // delivered, not yet drained (guarded by inbox_mutex_)
  bool drain_posted_ = false;           // guarded by inbox_mutex_
  bool inbox_overflowed_ = false;       // guarded by inbox_mutex_
  std::vector<live::Payload> drained_;  // the strand's side of the swap
  std::vector<live::Payload> held_;  // live frames that arrived while the resume was read (a vector: no allocation while empty, unlike a deque)
  beast::flat_buffer in_;
  websocket::close_reason close_reason_;
  std::uint64_t id_;
  bool open_ = false;
  bool closing_ = false;
  bool writing_ = false;
  bool pending_close_ = false;
};

}  // namespace harbour::net
