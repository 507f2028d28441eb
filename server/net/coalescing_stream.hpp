#pragma once
// A stream layer that coalesces writes (DESIGN.md §5, write coalescing).
//
// Beast's WebSocket stream writes one message per async_write, so a session with k frames queued
// would pay k TLS records and k sendmsg calls (about 4-5 µs of kernel time each on loopback). This
// layer sits under the WebSocket stream and behaves like a socket's send buffer: a write is copied
// into a pending buffer and reported done at once (write(2) also returns once the bytes are in the
// kernel's buffer), and the pending bytes go to the next layer in one write. Whatever arrives while
// that write is in flight goes out together in the next one: under load, every frame queued since
// the last write leaves in one gather write, one TLS record per 16 KiB and one system call.
//
// cork()/uncork() (like TCP_CORK): a session about to write several frames corks the stream, so
// even the first frame waits for the others, and uncorks when its queue is empty; more than
// `limit` bytes are sent even while corked.
//
// Bounded: while more than `limit` bytes wait behind the write in flight, the next write is not
// reported done until that write finishes. A slow reader therefore backs up into the session's
// bounded OutboundQueue, which closes it with 1013, instead of growing this buffer.
// Errors: a failed write is kept and reported to every later write and to the teardown.
// Lifetime: the write in flight holds the owner given to keep_alive_with() (the session), so the
// stream cannot be destroyed under it. Like any Asio stream, used from one strand only.
#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/websocket/teardown.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>

namespace harbour::net {

template <class Next>
class CoalescingStream {
 public:
  using next_layer_type = Next;
  using executor_type = typename Next::executor_type;
  using error_code = boost::beast::error_code;

  // 16 KiB: one full TLS record may wait behind the write in flight.
  static constexpr std::size_t kDefaultLimit = 16 * 1024;

  explicit CoalescingStream(Next&& next, std::size_t limit = kDefaultLimit)
      : next_(std::move(next)), limit_(limit) {}

  CoalescingStream(CoalescingStream&&) = default;
  CoalescingStream& operator=(CoalescingStream&&) = delete;

  executor_type get_executor() noexcept { return next_.get_executor(); }
  Next& next_layer() noexcept { return next_; }
  const Next& next_layer() const noexcept { return next_; }

  // The object whose lifetime contains this stream; held while a write is in flight.
  void keep_alive_with(std::weak_ptr<void> owner) { owner_ = std::move(owner); }

  // Hold accepted bytes until uncork() (or until more than the limit are waiting).
  void cork() noexcept { corked_ = true; }
  void uncork() {
    corked_ = false;
    if (!flushing_ && !pending_.empty()) start_flush();
  }

  // Bytes accepted but not yet written to the next layer (in flight or pending).
  std::size_t buffered() const noexcept { return flight_.size() + pending_.size(); }

  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    return next_.async_read_some(buffers, std::forward<Token>(token));
  }

  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(error_code, std::size_t)>(
        [this](auto handler, const ConstBuffers& b) { this->accept(std::move(handler), b); }, token, buffers);
  }

  // Completes once every byte accepted so far has been written to the next layer, or has failed.
  template <class Token>
  auto async_flush(Token&& token) {
    return boost::asio::async_initiate<Token, void(error_code)>(
        [this](auto handler) {
          uncork();
          if (error_ || !flushing_) return post(std::move(handler), error_);
          flush_waiter_.emplace(std::move(handler));  // one at a time: the teardown
        },
        token);
  }

 private:
  using WriteHandler = boost::asio::any_completion_handler<void(error_code, std::size_t)>;
  using FlushHandler = boost::asio::any_completion_handler<void(error_code)>;

  template <class Handler, class... Args>
  void post(Handler handler, Args... args) {
    // Never complete inside the initiating call; bind_front_handler keeps the handler's executor.
    boost::asio::post(get_executor(), boost::beast::bind_front_handler(std::move(handler), args...));
  }

  template <class Handler, class ConstBuffers>
  void accept(Handler handler, const ConstBuffers& buffers) {
    if (error_) return post(std::move(handler), error_, std::size_t{0});
    std::size_t n = 0;
    for (const auto b : boost::beast::buffers_range_ref(buffers)) {
      pending_.append(static_cast<const char*>(b.data()), b.size());
      n += b.size();
    }
    if (!flushing_ && (!corked_ || pending_.size() > limit_)) start_flush();
    if (pending_.size() <= limit_) return post(std::move(handler), error_code{}, n);
    // Beast has at most one write outstanding on its next layer, so at most one waits here.
    parked_.emplace(std::move(handler));
    parked_bytes_ = n;
  }

  void start_flush() {
    auto owner = owner_.lock();  // empty when never set (a test owning the stream itself)
    flight_.swap(pending_);
    pending_.clear();
    flushing_ = true;
    boost::asio::async_write(next_, boost::asio::buffer(flight_),
                             [this, owner = std::move(owner)](error_code ec, std::size_t) { on_flushed(ec); });
  }

  void on_flushed(error_code ec) {
    flushing_ = false;
    std::string().swap(flight_);  // an idle socket keeps no buffer
    if (ec) {
      error_ = ec;
      std::string().swap(pending_);
    } else if (!pending_.empty() && (!corked_ || pending_.size() > limit_)) {
      start_flush();
    }
    if (parked_) {
      auto handler = std::move(*parked_);
      parked_.reset();
      post(std::move(handler), error_, error_ ? std::size_t{0} : parked_bytes_);
    }
    if (flush_waiter_ && (error_ || !flushing_)) {
      auto handler = std::move(*flush_waiter_);
      flush_waiter_.reset();
      post(std::move(handler), error_);
    }
  }

  Next next_;
  std::size_t limit_;
  std::weak_ptr<void> owner_;
  std::string flight_;   // being written to the next layer
  std::string pending_;  // accepted since that write started
  bool flushing_ = false;
  bool corked_ = false;
  error_code error_;
  std::optional<WriteHandler> parked_;
  std::size_t parked_bytes_ = 0;
  std::optional<FlushHandler> flush_waiter_;
};

// The WebSocket closing handshake ends with a teardown of the next layer (TLS close_notify, then
// the TCP shutdown): first let the bytes accepted before it, the close frame among them, go out.
template <class Next, class Handler>
void async_teardown(boost::beast::role_type role, CoalescingStream<Next>& stream, Handler&& handler) {
  stream.async_flush([&stream, role, handler = std::forward<Handler>(handler)](boost::beast::error_code) mutable {
    using boost::beast::websocket::async_teardown;
    async_teardown(role, stream.next_layer(), std::move(handler));
  });
}

}  // namespace harbour::net
