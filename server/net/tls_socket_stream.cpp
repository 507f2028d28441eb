#include "net/tls_socket_stream.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <sys/socket.h>
#include <sys/types.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace harbour::net {
namespace tls_detail {
namespace {

namespace asio = boost::asio;
using error_code = boost::system::error_code;

// OpenSSL's own socket BIO writes with write(2), which raises SIGPIPE when the peer has gone and
// would end the process (Asio does not ignore SIGPIPE on Linux). This one sends with MSG_NOSIGNAL
// and keeps errno for the error report, which later OpenSSL calls may overwrite.
int bio_write(BIO* bio, const char* data, std::size_t size, std::size_t* written) {
  auto* io = static_cast<Core::SocketIo*>(BIO_get_data(bio));
  BIO_clear_retry_flags(bio);
  *written = 0;
  for (;;) {
    const ssize_t n = ::send(io->fd, data, size, MSG_NOSIGNAL);
    if (n >= 0) {
      *written = static_cast<std::size_t>(n);
      return 1;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      BIO_set_retry_write(bio);
    } else {
      io->error = errno;
    }
    return 0;
  }
}

int bio_read(BIO* bio, char* data, std::size_t size, std::size_t* read) {
  auto* io = static_cast<Core::SocketIo*>(BIO_get_data(bio));
  BIO_clear_retry_flags(bio);
  *read = 0;
  for (;;) {
    const ssize_t n = ::recv(io->fd, data, size, 0);
    if (n > 0) {
      *read = static_cast<std::size_t>(n);
      return 1;
    }
    if (n == 0) {
      // OpenSSL asks BIO_eof() to tell a peer that closed without close_notify (a truncation)
      // from an error.
      if (size > 0) BIO_set_flags(bio, BIO_FLAGS_IN_EOF);
      return 0;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      BIO_set_retry_read(bio);
    } else {
      io->error = errno;
    }
    return 0;
  }
}

long bio_ctrl(BIO* bio, int cmd, long, void*) {
  switch (cmd) {
    case BIO_CTRL_FLUSH:
      return 1;  // nothing is buffered here
    case BIO_CTRL_EOF:
      return BIO_test_flags(bio, BIO_FLAGS_IN_EOF) != 0 ? 1 : 0;
    default:
      return 0;
  }
}

int bio_create(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}

BIO_METHOD* socket_bio_method() {
  static BIO_METHOD* const method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "harbour socket");
    if (m == nullptr || BIO_meth_set_write_ex(m, bio_write) != 1 || BIO_meth_set_read_ex(m, bio_read) != 1 ||
        BIO_meth_set_ctrl(m, bio_ctrl) != 1 || BIO_meth_set_create(m, bio_create) != 1) {
      throw std::runtime_error("TLS: cannot create the socket BIO method");
    }
    return m;
  }();
  return method;
}

error_code last_ssl_error() {
  const unsigned long e = ERR_get_error();
  return {static_cast<int>(e), asio::error::get_ssl_category()};
}

// A per-thread buffer of kRecordBytes that gathers a write's buffers into one record. Used only
// inside one SSL_write call; a repeated call gathers the same bytes again, possibly into another
// thread's buffer (SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER allows the new address). Allocated on
// first use, so only the I/O threads that write TLS ever hold one.
char* gather_buffer() {
  thread_local std::unique_ptr<char[]> buffer;
  if (!buffer) buffer.reset(new char[kRecordBytes]);
  return buffer.get();
}

}  // namespace

Step WriteAction::step(Core& core) {
  const asio::const_buffer first = buffers_[index_] + offset_;
  const std::size_t want = std::min(kRecordBytes, total_ - written_);
  if (first.size() >= want) return core.write_step(first.data(), want);
  // Several small buffers (an HTTP header and its body, say): one record, not one each.
  char* gathered = gather_buffer();
  std::size_t n = 0;
  for (std::size_t i = index_, off = offset_; n < want; ++i, off = 0) {
    const std::size_t take = std::min(buffers_[i].size() - off, want - n);
    std::memcpy(gathered + n, static_cast<const char*>(buffers_[i].data()) + off, take);
    n += take;
  }
  return core.write_step(gathered, n);
}

bool WriteAction::advance(const Step& step) noexcept {
  written_ += step.bytes;
  for (std::size_t n = step.bytes; n > 0;) {
    const std::size_t left = buffers_[index_].size() - offset_;
    if (n < left) {
      offset_ += n;
      break;
    }
    n -= left;
    ++index_;
    offset_ = 0;
  }
  return written_ < total_;
}

Core::Core(socket_type s, asio::ssl::context& ctx, bool read_ahead)
    : socket(std::move(s)), timer_(socket.get_executor()) {
  ssl_ = SSL_new(ctx.native_handle());
  if (ssl_ == nullptr) throw boost::system::system_error(last_ssl_error(), "SSL_new");
  BIO* bio = BIO_new(socket_bio_method());
  if (bio == nullptr) {
    SSL_free(ssl_);
    throw boost::system::system_error(last_ssl_error(), "BIO_new");
  }
  io_.fd = socket.native_handle();
  BIO_set_data(bio, &io_);
  SSL_set_bio(ssl_, bio, bio);  // one reference for both directions
  // Partial writes: SSL_write returns after each record, so a write never waits for more than the
  // record in flight. Moving buffer: a repeated SSL_write passes the same bytes, possibly from
  // another thread's gather buffer.
  SSL_set_mode(ssl_, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  SSL_set_read_ahead(ssl_, read_ahead ? 1 : 0);
  error_code ec;
  socket.non_blocking(true, ec);
  if (ec) {
    SSL_free(ssl_);
    throw boost::system::system_error(ec, "TLS stream socket");
  }
}

Core::~Core() { SSL_free(ssl_); }

// ---- deadline -----------------------------------------------------------------------------------

void Core::expires_at(clock::time_point when) {
  deadline_ = when;
  if (pending_ > 0) arm_timer();
}

void Core::expires_never() {
  deadline_ = clock::time_point::max();
  if (timer_armed_) {
    ++timer_generation_;
    timer_armed_ = false;
    timer_.cancel();
  }
}

// The timer is set lazily: a deadline moved later (the usual case, one per request phase) does
// not re-arm it; when it fires early it re-arms for the new deadline.
void Core::arm_timer() {
  if (deadline_ == clock::time_point::max()) return;
  if (timer_armed_ && armed_at_ <= deadline_) return;
  timer_armed_ = true;
  armed_at_ = deadline_;
  const auto generation = ++timer_generation_;
  timer_.expires_at(deadline_);
  // Weak: the timer must not keep a closed connection's state alive until it fires.
  timer_.async_wait([weak = weak_from_this(), generation](error_code ec) {
    if (auto self = weak.lock()) self->on_timer(ec, generation);
  });
}

void Core::on_timer(error_code ec, std::uint64_t generation) {
  if (generation != timer_generation_) return;  // re-armed or cancelled since
  timer_armed_ = false;
  if (ec || pending_ == 0 || deadline_ == clock::time_point::max()) return;
  if (clock::now() < deadline_) return arm_timer();
  timed_out_ = true;
  close();
}

void Core::cancel() {
  // Also stops an operation whose wait had completed but whose handler had not run yet.
  ++cancel_epoch_;
  error_code ignored;
  socket.cancel(ignored);
}

void Core::close() {
  // Once the descriptor is closed its number may be reused by another connection: OpenSSL must
  // never read or write it again. begin_op/resume_error check is_open(); this is the backstop.
  io_.fd = -1;
  error_code ignored;
  socket.close(ignored);
  if (timer_armed_) {
    ++timer_generation_;
    timer_armed_ = false;
    timer_.cancel();
  }
}

// ---- operations ---------------------------------------------------------------------------------

Core::error_code Core::begin_op() {
  if (!socket.is_open()) {
    return timed_out_ ? error_code(boost::beast::error::timeout) : error_code(asio::error::bad_descriptor);
  }
  if (deadline_ != clock::time_point::max() && clock::now() >= deadline_) {
    // Expired while nothing was running: the next operation times out at once (as tcp_stream).
    timed_out_ = true;
    close();
    return boost::beast::error::timeout;
  }
  ++pending_;
  arm_timer();
  return {};
}

void Core::end_op(Side side) {
  --pending_;
  // An operation that ends (cancelled, timed out) with its record unfinished gives the write path
  // up; whatever OpenSSL says to the next writer then ends that writer with an error.
  if (write_owner_ == side) write_owner_ = Side::none;
}

Core::error_code Core::resume_error(error_code wait_ec, std::uint64_t epoch) const {
  if (timed_out_) return boost::beast::error::timeout;
  if (wait_ec) return wait_ec;
  if (epoch != cancel_epoch_ || !socket.is_open()) return asio::error::operation_aborted;
  return {};
}

void Core::track(Side side, Step::Kind kind) noexcept {
  if (kind == Step::want_write) {
    write_owner_ = side;
  } else if (write_owner_ == side) {
    write_owner_ = Side::none;
  }
}

void Core::set_handshake_role(asio::ssl::stream_base::handshake_type type) {
  if (type == asio::ssl::stream_base::client) {
    SSL_set_connect_state(ssl_);
  } else {
    SSL_set_accept_state(ssl_);
  }
}

Step Core::handshake_step() {
  if (fatal_) return {Step::failed, 0, fatal_};
  ERR_clear_error();
  io_.error = 0;
  return finish(SSL_do_handshake(ssl_), 0);
}

Step Core::read_step(void* data, std::size_t size) {
  if (fatal_) return {Step::failed, 0, fatal_};
  ERR_clear_error();
  io_.error = 0;
  std::size_t n = 0;
  const int ret = SSL_read_ex(ssl_, data, size, &n);
  return finish(ret, n);
}

Step Core::write_step(const void* data, std::size_t size) {
  if (fatal_) return {Step::failed, 0, fatal_};
  ERR_clear_error();
  io_.error = 0;
  std::size_t n = 0;
  const int ret = SSL_write_ex(ssl_, data, size, &n);
  return finish(ret, n);
}

Step Core::shutdown_step() {
  // OpenSSL forbids SSL_shutdown after a fatal error; there is nothing left to say anyway.
  if (fatal_) return {Step::failed, 0, fatal_};
  ERR_clear_error();
  io_.error = 0;
  int ret = SSL_shutdown(ssl_);
  if (ret == 0) {
    // Our close_notify is out; the second call reads the peer's.
    ERR_clear_error();
    ret = SSL_shutdown(ssl_);
  }
  if (ret == 1) return {Step::done, 0, {}};
  if (ret == 0) return {Step::want_read, 0, {}};
  return finish(ret, 0);
}

Step Core::drain_step() {
  char buf[2048];
  error_code ec;
  const std::size_t n = socket.read_some(asio::buffer(buf), ec);
  if (ec == asio::error::would_block || ec == asio::error::try_again) return {Step::want_read, 0, {}};
  if (!ec) return {Step::done, n, {}};
  close();
  if (ec == asio::error::eof) return {Step::done, 0, {}};
  return {Step::failed, 0, ec};
}

void Core::shutdown_send() {
  error_code ignored;
  socket.shutdown(asio::socket_base::shutdown_send, ignored);
}

Step Core::finish(int ret, std::size_t bytes) {
  const int err = SSL_get_error(ssl_, ret);
  switch (err) {
    case SSL_ERROR_NONE:
      return {Step::done, bytes, {}};
    case SSL_ERROR_WANT_READ:
      return {Step::want_read, 0, {}};
    case SSL_ERROR_WANT_WRITE:
      return {Step::want_write, 0, {}};
    case SSL_ERROR_ZERO_RETURN:
      return {Step::failed, 0, asio::error::eof};  // close_notify: the end of the stream
    default:
      break;
  }
  error_code ec;
  const unsigned long e = ERR_peek_error();
  if (err == SSL_ERROR_SSL && ERR_GET_LIB(e) == ERR_LIB_SSL && ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
    ec = asio::ssl::error::stream_truncated;  // the peer closed TCP without close_notify
  } else if (err == SSL_ERROR_SSL) {
    ec = error_code(static_cast<int>(e), asio::error::get_ssl_category());
  } else if (err == SSL_ERROR_SYSCALL && io_.error != 0) {
    ec = error_code(io_.error, asio::error::get_system_category());
  } else if (err == SSL_ERROR_SYSCALL && e != 0) {
    ec = error_code(static_cast<int>(e), asio::error::get_ssl_category());
  } else if (err == SSL_ERROR_SYSCALL) {
    ec = asio::ssl::error::stream_truncated;
  } else {
    ec = asio::ssl::error::unexpected_result;
  }
  ERR_clear_error();
  fatal_ = ec;
  return {Step::failed, 0, ec};
}

}  // namespace tls_detail

TlsSocketStream::TlsSocketStream(socket_type socket, boost::asio::ssl::context& ctx)
    : TlsSocketStream(std::move(socket), ctx, Options{}) {}

TlsSocketStream::TlsSocketStream(socket_type socket, boost::asio::ssl::context& ctx, Options options)
    : executor_(socket.get_executor()),
      core_(std::make_shared<tls_detail::Core>(std::move(socket), ctx, options.read_ahead)) {}

TlsSocketStream::~TlsSocketStream() {
  if (core_) core_->close();
}

void TlsSocketStream::expires_after(std::chrono::steady_clock::duration after) {
  core_->expires_at(std::chrono::steady_clock::now() + after);
}

void beast_close_socket(TlsSocketStream& stream) { stream.close(); }

}  // namespace harbour::net
