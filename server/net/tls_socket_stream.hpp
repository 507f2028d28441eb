#pragma once
// A lean TLS stream for the server's HTTPS and WSS connections (DESIGN.md §5, idle memory).
//
// asio::ssl::stream keeps OpenSSL behind a BIO pair and copies every record through four buffers
// of about 17 KiB each (two in the engine, two in the pair), and Beast's ssl_stream adds a
// flat_stream buffer on top: together about 51 KiB per connection, held for as long as it lives.
// Here OpenSSL reads and writes the non-blocking socket itself. When it answers WANT_READ or
// WANT_WRITE the operation waits for the socket to become readable or writable
// (socket.async_wait) and calls OpenSSL again. With SSL_MODE_RELEASE_BUFFERS (tls_context.cpp) an
// idle connection then holds no record buffer at all: OpenSSL's own read and write buffers exist
// only while a record is on its way.
//
// The stream is its own lowest layer and keeps the timeout API the sessions use on
// beast::tcp_stream: expires_after / expires_at / expires_never, cancel, close, socket(). A
// deadline applies to the operations running or started while it is set; when it passes while
// one runs, the socket is closed and every running operation completes with
// beast::error::timeout. Beast's WebSocket stream closes it through beast_close_socket and tears
// it down through async_teardown (both below, found by argument-dependent lookup).
//
// Full duplex: one read (async_read_some) and one write (async_write_some) may be outstanding at
// once, as the WebSocket stream needs; the handshake and the shutdown run alone. All of it from one
// strand, like any Asio stream: OpenSSL's object is never touched by two threads.
//
// Movable while no operation is outstanding (a WebSocket upgrade moves it from the HTTP session
// into the WebSocket session); the state lives in one shared object that outstanding operations
// and the deadline timer keep alive, so a moved or destroyed stream never leaves them dangling.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/role.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>

namespace harbour::net {

namespace tls_detail {

// The largest TLS record payload: a write gathers up to this many bytes into one SSL_write, so
// one record leaves in one send().
inline constexpr std::size_t kRecordBytes = 16 * 1024;
// At most this much is encrypted and sent in one async_write_some before its handler runs, so a
// large body does not keep the connection's strand (and its reader) waiting.
inline constexpr std::size_t kMaxWriteBytes = 64 * 1024;

// The outcome of one call into OpenSSL.
struct Step {
  enum Kind : std::uint8_t { done, want_read, want_write, failed };
  Kind kind = done;
  std::size_t bytes = 0;
  boost::system::error_code ec;
};

// Who an OpenSSL call belongs to. A record OpenSSL could not finish sending stays in its write
// buffer and only the call that started it may finish it (SSL_write must be repeated as it was;
// a record of another kind would fail with "bad write retry"). SSL_read may always run: what it
// has to send while a record is stuck (an alert; a TLS 1.3 KeyUpdate answer) OpenSSL defers to
// the next write, and a reader that waited for the writer could deadlock with a peer that only
// reads once its own write is through. One case OpenSSL does not report: a TLS 1.2 peer that
// tries the renegotiation we refuse while our send buffer is full leaves its no_renegotiation
// alert stuck behind a WANT_READ; the next write then fails ("bad write retry") and that
// connection closes.
enum class Side : std::uint8_t { none, reader, writer, control };

// The shared state of one TlsSocketStream: the socket, OpenSSL's object, the deadline.
class Core : public std::enable_shared_from_this<Core> {
 public:
  using socket_type = boost::asio::ip::tcp::socket;
  using clock = std::chrono::steady_clock;
  using error_code = boost::system::error_code;

  Core(socket_type socket, boost::asio::ssl::context& ctx, bool read_ahead);
  ~Core();
  Core(const Core&) = delete;
  Core& operator=(const Core&) = delete;

  socket_type socket;

  SSL* native_handle() const noexcept { return ssl_; }

  // Deadline (see the header comment).
  void expires_at(clock::time_point when);
  void expires_never();
  void cancel();
  void close();

  // Operation bookkeeping, called by the composed operations below.
  error_code begin_op();
  void end_op(Side side);
  // After a wait: the error the operation completes with, if it must stop.
  error_code resume_error(error_code wait_ec, std::uint64_t epoch) const;
  std::uint64_t epoch() const noexcept { return cancel_epoch_; }
  // Whether a record of another side is stuck in OpenSSL's write buffer: then a writer must wait
  // for the socket to become writable (and that side to finish it) before calling OpenSSL.
  bool write_blocked_for(Side side) const noexcept {
    return side != Side::reader && write_owner_ != Side::none && write_owner_ != side;
  }
  void track(Side side, Step::Kind kind) noexcept;

  void set_handshake_role(boost::asio::ssl::stream_base::handshake_type type);
  Step handshake_step();
  Step read_step(void* data, std::size_t size);
  Step write_step(const void* data, std::size_t size);
  Step shutdown_step();
  // The TCP half of a teardown: read and drop bytes until the peer closes, then close. done with
  // bytes > 0 while bytes arrive, done with 0 once closed; want_read while the peer is silent.
  Step drain_step();
  void shutdown_send();

  // What a socket BIO needs (tls_socket_stream.cpp); public for the BIO callbacks only.
  struct SocketIo {
    int fd = -1;
    int error = 0;  // errno of the last failed send/recv other than EAGAIN
  };

 private:
  Step finish(int ret, std::size_t bytes);
  void arm_timer();
  void on_timer(error_code ec, std::uint64_t generation);

  SSL* ssl_ = nullptr;
  SocketIo io_;
  boost::asio::steady_timer timer_;
  clock::time_point deadline_ = clock::time_point::max();
  clock::time_point armed_at_ = clock::time_point::max();
  std::uint64_t timer_generation_ = 0;
  std::uint64_t cancel_epoch_ = 0;
  unsigned pending_ = 0;  // operations begun and not ended
  Side write_owner_ = Side::none;
  bool timer_armed_ = false;
  bool timed_out_ = false;
  error_code fatal_;  // OpenSSL's object is unusable after SSL_ERROR_SSL or SSL_ERROR_SYSCALL
};

// One composed operation: calls Action::step() until it is done, waiting on the socket whenever
// OpenSSL asks for it. Action provides kSide, kHasBytes, empty(), step(Core&), advance(Step&)
// (after a done step; true: call step() again), result(Step&) (the error the operation ends with
// after that step) and bytes().
template <class Action>
class Op {
 public:
  Op(std::shared_ptr<Core> core, Action action) : core_(std::move(core)), action_(std::move(action)) {}

  template <class Self>
  void operator()(Self& self, boost::system::error_code ec = {}) {
    switch (state_) {
      case State::start:
        state_ = State::run;
        if (action_.empty()) return finish(self, {}, false);
        if (auto e = core_->begin_op()) return finish(self, e, false);
        epoch_ = core_->epoch();
        break;
      case State::run:  // back from a wait
        if (auto e = core_->resume_error(ec, epoch_)) return finish(self, e, true);
        break;
      case State::deferred:
        return complete(self, result_);
    }
    for (;;) {
      if (core_->write_blocked_for(Action::kSide)) return wait(self, boost::asio::socket_base::wait_write);
      Step step = action_.step(*core_);
      core_->track(Action::kSide, step.kind);
      switch (step.kind) {
        case Step::done:
          if (action_.advance(step)) continue;
          return finish(self, action_.result(step), true);
        case Step::want_read:
          return wait(self, boost::asio::socket_base::wait_read);
        case Step::want_write:
          return wait(self, boost::asio::socket_base::wait_write);
        case Step::failed:
          return finish(self, action_.result(step), true);
      }
    }
  }

 private:
  enum class State : std::uint8_t { start, run, deferred };

  template <class Self>
  void wait(Self& self, boost::asio::socket_base::wait_type type) {
    waited_ = true;
    core_->socket.async_wait(type, std::move(self));
  }

  template <class Self>
  void finish(Self& self, boost::system::error_code ec, bool begun) {
    if (begun) core_->end_op(Action::kSide);
    if (waited_) return complete(self, ec);
    // Still inside the initiating function: a handler must never run from there.
    result_ = ec;
    state_ = State::deferred;
    boost::asio::post(std::move(self));
  }

  template <class Self>
  void complete(Self& self, boost::system::error_code ec) {
    if constexpr (Action::kHasBytes) {
      self.complete(ec, action_.bytes());
    } else {
      self.complete(ec);
    }
  }

  std::shared_ptr<Core> core_;
  Action action_;
  boost::system::error_code result_;
  std::uint64_t epoch_ = 0;
  State state_ = State::start;
  bool waited_ = false;
};

struct HandshakeAction {
  static constexpr Side kSide = Side::control;
  static constexpr bool kHasBytes = false;
  bool empty() const noexcept { return false; }
  Step step(Core& core) { return core.handshake_step(); }
  bool advance(const Step&) noexcept { return false; }
  boost::system::error_code result(const Step& step) const { return step.ec; }
  std::size_t bytes() const noexcept { return 0; }
};

struct ShutdownAction {
  static constexpr Side kSide = Side::control;
  static constexpr bool kHasBytes = false;
  bool empty() const noexcept { return false; }
  Step step(Core& core) { return core.shutdown_step(); }
  bool advance(const Step&) noexcept { return false; }
  boost::system::error_code result(const Step& step) const { return step.ec; }
  std::size_t bytes() const noexcept { return 0; }
};

// close_notify both ways, then the TCP teardown Beast does for a socket: shut down sending (as
// the server) and read until the peer closes, so closing never resets a connection the peer is
// still writing to; then close.
class TeardownAction {
 public:
  static constexpr Side kSide = Side::control;
  static constexpr bool kHasBytes = false;
  explicit TeardownAction(boost::beast::role_type role) : role_(role) {}
  bool empty() const noexcept { return false; }
  Step step(Core& core) {
    if (!tls_done_) {
      Step s = core.shutdown_step();
      if (s.kind == Step::want_read || s.kind == Step::want_write) return s;
      end_tls(core, s.ec);
    }
    return core.drain_step();
  }
  bool advance(const Step& step) noexcept { return step.bytes > 0; }  // bytes read: drain more
  boost::system::error_code result(const Step& step) const { return tls_error_ ? tls_error_ : step.ec; }
  std::size_t bytes() const noexcept { return 0; }

 private:
  void end_tls(Core& core, boost::system::error_code ec) {
    tls_done_ = true;
    // The peer closing first is the normal end of a WebSocket's closing handshake.
    if (ec && ec != boost::asio::error::eof) tls_error_ = ec;
    if (role_ == boost::beast::role_type::server) core.shutdown_send();
  }

  boost::beast::role_type role_;
  boost::system::error_code tls_error_;
  bool tls_done_ = false;
};

class ReadAction {
 public:
  static constexpr Side kSide = Side::reader;
  static constexpr bool kHasBytes = true;
  template <class MutableBuffers>
  explicit ReadAction(const MutableBuffers& buffers) {
    // Like any TLS stream: one read fills the first non-empty buffer.
    for (auto it = boost::asio::buffer_sequence_begin(buffers); it != boost::asio::buffer_sequence_end(buffers); ++it) {
      boost::asio::mutable_buffer b = *it;
      if (b.size() > 0) {
        buffer_ = b;
        break;
      }
    }
  }
  bool empty() const noexcept { return buffer_.size() == 0; }
  Step step(Core& core) { return core.read_step(buffer_.data(), buffer_.size()); }
  bool advance(const Step& step) noexcept {
    bytes_ = step.bytes;
    return false;
  }
  boost::system::error_code result(const Step& step) const { return step.ec; }
  std::size_t bytes() const noexcept { return bytes_; }

 private:
  boost::asio::mutable_buffer buffer_;
  std::size_t bytes_ = 0;
};

class WriteAction {
 public:
  static constexpr Side kSide = Side::writer;
  static constexpr bool kHasBytes = true;
  // Enough for an HTTP response's status line, every header field and its body; the rest of a
  // longer sequence goes in the next call.
  static constexpr std::size_t kMaxBuffers = 64;

  // Beast's serializer sequences are slow to walk (nested variant iterators), so they are walked
  // once, here, into a plain array.
  template <class ConstBuffers>
  explicit WriteAction(const ConstBuffers& buffers) {
    const auto end = boost::asio::buffer_sequence_end(buffers);
    for (auto it = boost::asio::buffer_sequence_begin(buffers);
         it != end && count_ < kMaxBuffers && total_ < kMaxWriteBytes; ++it) {
      const boost::asio::const_buffer b(*it);
      if (b.size() == 0) continue;
      const std::size_t take = std::min(b.size(), kMaxWriteBytes - total_);
      buffers_[count_++] = boost::asio::const_buffer(b.data(), take);
      total_ += take;
    }
  }
  bool empty() const noexcept { return total_ == 0; }

  // One record. Repeated after WANT_WRITE with the same bytes, as OpenSSL requires: the position
  // only moves once a record has gone.
  Step step(Core& core);
  bool advance(const Step& step) noexcept;
  // On an error, the bytes already sent are still reported.
  boost::system::error_code result(const Step& step) const { return step.ec; }
  std::size_t bytes() const noexcept { return written_; }

 private:
  std::array<boost::asio::const_buffer, kMaxBuffers> buffers_;
  std::size_t count_ = 0;
  std::size_t total_ = 0;
  std::size_t index_ = 0;   // where the next record starts: this buffer...
  std::size_t offset_ = 0;  // ...at this offset
  std::size_t written_ = 0;
};

}  // namespace tls_detail

class TlsSocketStream {
 public:
  using socket_type = boost::asio::ip::tcp::socket;
  using executor_type = socket_type::executor_type;
  using error_code = boost::system::error_code;

  struct Options {
    // Let OpenSSL read as much as the socket has in one recv() rather than a record header and
    // its body in two.
    bool read_ahead = true;
  };

  // Takes an open TCP socket (made non-blocking here) and a new SSL object from `ctx`.
  TlsSocketStream(socket_type socket, boost::asio::ssl::context& ctx);
  TlsSocketStream(socket_type socket, boost::asio::ssl::context& ctx, Options options);
  // The executor stays with the moved-from stream too: a session whose stream moved on (a
  // WebSocket upgrade) may still be asked to post work to its strand.
  TlsSocketStream(TlsSocketStream&& other) noexcept : executor_(other.executor_), core_(std::move(other.core_)) {}
  TlsSocketStream& operator=(TlsSocketStream&&) = delete;
  // Closes the socket, as beast::tcp_stream does: outstanding operations end with
  // operation_aborted.
  ~TlsSocketStream();

  executor_type get_executor() const noexcept { return executor_; }
  socket_type& socket() noexcept { return core_->socket; }
  const socket_type& socket() const noexcept { return core_->socket; }
  SSL* native_handle() const noexcept { return core_->native_handle(); }

  void expires_after(std::chrono::steady_clock::duration after);
  void expires_at(std::chrono::steady_clock::time_point when) { core_->expires_at(when); }
  void expires_never() { core_->expires_never(); }
  // Outstanding operations complete with operation_aborted; the connection stays usable as far
  // as TLS allows (a write cut off mid-record is not).
  void cancel() { core_->cancel(); }
  void close() { core_->close(); }

  template <class Token>
  auto async_handshake(boost::asio::ssl::stream_base::handshake_type type, Token&& token) {
    core_->set_handshake_role(type);
    return start<void(error_code)>(tls_detail::HandshakeAction{}, std::forward<Token>(token));
  }

  // Sends close_notify and waits for the peer's (asio::ssl::stream's meaning).
  template <class Token>
  auto async_shutdown(Token&& token) {
    return start<void(error_code)>(tls_detail::ShutdownAction{}, std::forward<Token>(token));
  }

  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    return start<void(error_code, std::size_t)>(tls_detail::ReadAction(buffers), std::forward<Token>(token));
  }

  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    return start<void(error_code, std::size_t)>(tls_detail::WriteAction(buffers), std::forward<Token>(token));
  }

  // The WebSocket closing handshake's last step (async_teardown below).
  template <class Token>
  auto async_teardown(boost::beast::role_type role, Token&& token) {
    return start<void(error_code)>(tls_detail::TeardownAction(role), std::forward<Token>(token));
  }

 private:
  template <class Signature, class Action, class Token>
  auto start(Action action, Token&& token) {
    return boost::asio::async_compose<Token, Signature>(tls_detail::Op<Action>(core_, std::move(action)), token,
                                                        core_->socket);
  }

  executor_type executor_;
  std::shared_ptr<tls_detail::Core> core_;
};

// Beast's customization points, found by argument-dependent lookup: the WebSocket stream's own
// timeouts close the connection, and its closing handshake ends with a teardown.
void beast_close_socket(TlsSocketStream& stream);

template <class Handler>
void async_teardown(boost::beast::role_type role, TlsSocketStream& stream, Handler&& handler) {
  stream.async_teardown(role, std::forward<Handler>(handler));
}

}  // namespace harbour::net
