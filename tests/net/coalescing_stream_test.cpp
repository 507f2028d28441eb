// CoalescingStream (server/net/coalescing_stream.hpp) over a next layer whose writes the test
// completes by hand, so "a write in flight" is a state the test controls, not a race.
#include "net/coalescing_stream.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/buffers_to_string.hpp>

#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using harbour::net::CoalescingStream;
using error_code = beast::error_code;

// Records every write it is given; each stays in flight until finish_write().
class ManualStream {
 public:
  using executor_type = asio::io_context::executor_type;
  explicit ManualStream(asio::io_context& io) : io_(&io) {}
  executor_type get_executor() noexcept { return io_->get_executor(); }

  template <class Buffers, class Token>
  auto async_write_some(const Buffers& buffers, Token&& token) {
    return asio::async_initiate<Token, void(error_code, std::size_t)>(
        [this](auto handler, const Buffers& b) {
          writes.push_back(beast::buffers_to_string(b));
          in_flight_.emplace(std::move(handler));
        },
        token, buffers);
  }

  template <class Buffers, class Token>
  auto async_read_some(const Buffers& buffers, Token&& token) {
    return asio::async_initiate<Token, void(error_code, std::size_t)>(
        [](auto handler, const Buffers&) { reads_never_complete(std::move(handler)); }, token, buffers);
  }

  bool writing() const { return in_flight_.has_value(); }

  // Completes the write in flight (all of it, or with `ec`).
  void finish_write(error_code ec = {}) {
    ASSERT_TRUE(in_flight_);
    auto handler = std::move(*in_flight_);
    in_flight_.reset();
    const auto n = ec ? 0 : writes.back().size();
    asio::post(*io_, [h = std::move(handler), ec, n]() mutable { std::move(h)(ec, n); });
  }

  std::vector<std::string> writes;

 private:
  template <class Handler>
  static void reads_never_complete(Handler&&) {}
  asio::io_context* io_;
  std::optional<asio::any_completion_handler<void(error_code, std::size_t)>> in_flight_;
};

struct CoalescingStreamTest : ::testing::Test {
  asio::io_context io;
  CoalescingStream<ManualStream> stream{ManualStream(io), 64};
  ManualStream& next() { return stream.next_layer(); }

  // Starts a write of `text`; the returned flag turns true when it is reported done.
  std::shared_ptr<std::optional<error_code>> write(const std::string& text) {
    auto done = std::make_shared<std::optional<error_code>>();
    stream.async_write_some(asio::buffer(text), [done](error_code ec, std::size_t) { *done = ec; });
    return done;
  }
  void settle() {
    io.restart();
    io.poll();
  }
};

TEST_F(CoalescingStreamTest, WritesQueuedWhileOneIsInFlightLeaveTogetherInOrder) {
  auto a = write("one;");
  settle();
  ASSERT_TRUE(*a) << "accepted into the buffer: reported done at once";
  ASSERT_EQ(next().writes, std::vector<std::string>{"one;"});  // the first goes straight out
  auto b = write("two;");
  settle();
  auto c = write("three;");
  settle();
  auto d = write("four;");
  settle();
  EXPECT_TRUE(*b && *c && *d);
  EXPECT_EQ(next().writes.size(), 1u) << "nothing more is written while the first write is in flight";
  next().finish_write();
  settle();
  ASSERT_EQ(next().writes.size(), 2u);
  EXPECT_EQ(next().writes[1], "two;three;four;") << "one write for everything queued meanwhile";
  EXPECT_EQ(stream.buffered(), next().writes[1].size());
  next().finish_write();
  settle();
  EXPECT_FALSE(next().writing());
  EXPECT_EQ(stream.buffered(), 0u);
}

TEST_F(CoalescingStreamTest, AWriteBeyondTheLimitWaitsForTheWriteInFlight) {
  write(std::string(10, 'a'));
  settle();
  auto big = write(std::string(100, 'b'));  // 100 > the limit of 64 waiting bytes
  settle();
  EXPECT_FALSE(*big) << "a slow reader backs up into the caller's bounded queue";
  next().finish_write();
  settle();
  EXPECT_TRUE(*big);
  EXPECT_FALSE(**big);
  ASSERT_EQ(next().writes.size(), 2u);
  EXPECT_EQ(next().writes[1], std::string(100, 'b'));
}

TEST_F(CoalescingStreamTest, AFailedWriteIsReportedToTheWaitingWriteAndEveryLaterOne) {
  write("first");
  settle();
  auto parked = write(std::string(100, 'x'));
  settle();
  next().finish_write(asio::error::connection_reset);
  settle();
  ASSERT_TRUE(*parked);
  EXPECT_EQ(**parked, asio::error::connection_reset);
  auto later = write("later");
  settle();
  ASSERT_TRUE(*later);
  EXPECT_EQ(**later, asio::error::connection_reset);
  EXPECT_EQ(next().writes.size(), 1u) << "nothing is written after a failure";
}

TEST_F(CoalescingStreamTest, FlushCompletesWhenEveryAcceptedByteIsWritten) {
  std::optional<error_code> idle;
  stream.async_flush([&](error_code ec) { idle = ec; });
  settle();
  EXPECT_TRUE(idle) << "nothing buffered: done at once";

  write("a");
  settle();
  write("b");
  settle();
  std::optional<error_code> flushed;
  stream.async_flush([&](error_code ec) { flushed = ec; });
  settle();
  EXPECT_FALSE(flushed);
  next().finish_write();  // "a"; "b" goes next
  settle();
  EXPECT_FALSE(flushed);
  next().finish_write();  // "b"
  settle();
  ASSERT_TRUE(flushed);
  EXPECT_FALSE(*flushed);
}

TEST_F(CoalescingStreamTest, CorkedWritesWaitForUncorkUnlessTheyPassTheLimit) {
  stream.cork();
  auto a = write("a;");
  settle();
  auto b = write("b;");
  settle();
  EXPECT_TRUE(*a && *b) << "accepted while corked";
  EXPECT_TRUE(next().writes.empty()) << "nothing leaves while corked";
  stream.uncork();
  settle();
  ASSERT_EQ(next().writes, std::vector<std::string>{"a;b;"}) << "even the first frame joined the others";
  next().finish_write();
  settle();

  stream.cork();
  write(std::string(100, 'z'));  // more than the limit of 64: sent although corked
  settle();
  ASSERT_EQ(next().writes.size(), 2u);
  EXPECT_EQ(next().writes[1], std::string(100, 'z'));
  next().finish_write();
  settle();
  stream.uncork();
  settle();
  EXPECT_EQ(next().writes.size(), 2u) << "uncork with nothing pending writes nothing";
}

TEST_F(CoalescingStreamTest, FlushSendsWhatACorkHolds) {
  stream.cork();
  write("held");
  settle();
  std::optional<error_code> flushed;
  stream.async_flush([&](error_code ec) { flushed = ec; });
  settle();
  ASSERT_EQ(next().writes, std::vector<std::string>{"held"}) << "a flush (the teardown) never waits on a cork";
  next().finish_write();
  settle();
  EXPECT_TRUE(flushed);
}

TEST_F(CoalescingStreamTest, TheWriteInFlightHoldsTheOwner) {
  auto owner = std::make_shared<int>(1);
  stream.keep_alive_with(owner);
  std::weak_ptr<int> watch = owner;
  write("x");
  settle();
  owner.reset();
  EXPECT_FALSE(watch.expired()) << "the owner (the session) outlives the write in flight";
  next().finish_write();
  settle();
  EXPECT_TRUE(watch.expired());
}

// Beast's WebSocket write op writes each frame with asio::async_write on its next layer (header and
// payload as one buffer sequence): three frames in a row become two writes, bytes unchanged.
TEST(CoalescingComposedWrites, FramesWrittenAsBeastWritesThemKeepTheirBytes) {
  asio::io_context io;
  CoalescingStream<ManualStream> layer{ManualStream(io)};
  int done = 0;
  for (const std::string payload : {"a", "b", "c"}) {
    const std::string header = "\x81\x01";
    const std::array<asio::const_buffer, 2> frame{asio::buffer(header), asio::buffer(payload)};
    asio::async_write(layer, frame, [&](error_code ec, std::size_t n) {
      EXPECT_FALSE(ec);
      EXPECT_EQ(n, 3u);
      ++done;
    });
    io.restart();
    io.poll();
  }
  EXPECT_EQ(done, 3);
  layer.next_layer().finish_write();
  io.restart();
  io.poll();
  ASSERT_EQ(layer.next_layer().writes.size(), 2u);
  EXPECT_EQ(layer.next_layer().writes[0], "\x81\x01" "a");
  EXPECT_EQ(layer.next_layer().writes[1], "\x81\x01" "b" "\x81\x01" "c");
}

}  // namespace
