#include "live/hub.hpp"
#include "live/outbound_queue.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

using namespace harbour::live;

namespace {
struct Recorder : Subscriber {
  std::vector<std::string> got;
  std::vector<int> ended;
  void deliver(const Payload& event) override { got.push_back(*event); }
  void end(int code, const std::string&) override { ended.push_back(code); }
};
}  // namespace

TEST(Hub, PublishReachesOnlySubscribersOfTheTopic) {
  Hub hub;
  auto a = std::make_shared<Recorder>();
  auto b = std::make_shared<Recorder>();
  hub.subscribe("wall:1", a);
  hub.subscribe("wall:2", b);
  EXPECT_EQ(hub.publish("wall:1", make_payload("hello")), 1u);
  EXPECT_EQ(a->got, std::vector<std::string>{"hello"});
  EXPECT_TRUE(b->got.empty());
}

// Several events at once reach each subscriber together, in order: one deliver_all call for a
// subscriber that batches, one deliver per event for one that does not.
TEST(Hub, PublishAllDeliversEveryEventInOrderAndTogether) {
  struct Batcher : Recorder {
    int calls = 0;
    void deliver_all(const std::vector<Payload>& events) override {
      ++calls;
      for (const auto& e : events) got.push_back(*e);
    }
  };
  Hub hub;
  auto batcher = std::make_shared<Batcher>();
  auto plain = std::make_shared<Recorder>();
  hub.subscribe("wall:1", batcher);
  hub.subscribe("wall:1", plain);
  const std::vector<Payload> events{make_payload("a"), make_payload("b"), make_payload("c")};
  EXPECT_EQ(hub.publish_all("wall:1", events), 2u);
  EXPECT_EQ(batcher->got, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(batcher->calls, 1);
  EXPECT_EQ(plain->got, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(hub.publish_all("wall:2", events), 0u) << "nobody listens there";
}

TEST(Hub, EventIsSerialisedOnceAndShared) {
  Hub hub;
  struct Keeper : Subscriber {
    std::vector<Payload> kept;
    void deliver(const Payload& e) override { kept.push_back(e); }
    void end(int, const std::string&) override {}
  };
  auto a = std::make_shared<Keeper>();
  auto b = std::make_shared<Keeper>();
  hub.subscribe("t", a);
  hub.subscribe("t", b);
  hub.publish("t", make_payload("x"));
  ASSERT_EQ(a->kept.size(), 1u);
  EXPECT_EQ(a->kept[0].get(), b->kept[0].get());
}

TEST(Hub, GoneSubscribersAreDroppedNotDelivered) {
  Hub hub;
  auto a = std::make_shared<Recorder>();
  hub.subscribe("t", a);
  a.reset();
  EXPECT_EQ(hub.publish("t", make_payload("x")), 0u);
  EXPECT_EQ(hub.subscriber_count("t"), 0u);
  EXPECT_EQ(hub.topic_count(), 0u);
}

TEST(Hub, SubscribingTwiceDeliversOnceAndUnsubscribeAllLeavesEveryTopic) {
  Hub hub;
  auto a = std::make_shared<Recorder>();
  hub.subscribe("t", a);
  hub.subscribe("t", a);
  hub.subscribe("u", a);
  hub.publish("t", make_payload("1"));
  EXPECT_EQ(a->got.size(), 1u);
  hub.unsubscribe_all(a.get());
  EXPECT_EQ(hub.publish("t", make_payload("2")), 0u);
  EXPECT_EQ(hub.publish("u", make_payload("3")), 0u);
}

TEST(Hub, ConcurrentPublishAndSubscribeIsSafe) {
  Hub hub;
  struct Counter : Subscriber {
    std::atomic<int> n{0};
    void deliver(const Payload&) override { n.fetch_add(1); }
    void end(int, const std::string&) override {}
  };
  auto c = std::make_shared<Counter>();
  hub.subscribe("t", c);
  std::atomic<bool> stop{false};
  std::thread churn([&] {
    while (!stop) {
      auto tmp = std::make_shared<Recorder>();
      hub.subscribe("t", tmp);
      hub.unsubscribe("t", tmp.get());
    }
  });
  for (int i = 0; i < 20000; ++i) hub.publish("t", make_payload("e"));
  stop = true;
  churn.join();
  EXPECT_EQ(c->n.load(), 20000);
}

TEST(Hub, EndTopicEndsItsSubscribersAndForgetsTheTopic) {
  Hub hub;
  auto a = std::make_shared<Recorder>();
  auto b = std::make_shared<Recorder>();
  hub.subscribe("session:1", a);
  hub.subscribe("session:2", b);
  EXPECT_EQ(hub.end_topic("session:1", 4001, "signed out"), 1u);
  EXPECT_EQ(a->ended, std::vector<int>{4001});
  EXPECT_TRUE(b->ended.empty());
  EXPECT_EQ(hub.subscriber_count("session:1"), 0u);
  EXPECT_EQ(hub.end_topic("session:1", 4001, "again"), 0u);
}

TEST(OutboundQueue, RefusesFramesBeyondTheFrameLimit) {
  OutboundQueue q(2, 1 << 20);
  EXPECT_TRUE(q.push(make_payload("a")));
  EXPECT_TRUE(q.push(make_payload("b")));
  EXPECT_FALSE(q.push(make_payload("c")));
  EXPECT_EQ(q.size(), 2u);
  q.pop();
  EXPECT_TRUE(q.push(make_payload("c")));
}

TEST(OutboundQueue, RefusesFramesBeyondTheByteLimitAndTracksBytes) {
  OutboundQueue q(100, 10);
  EXPECT_TRUE(q.push(make_payload(std::string(6, 'x'))));
  EXPECT_FALSE(q.push(make_payload(std::string(5, 'y'))));
  EXPECT_EQ(q.bytes(), 6u);
  q.pop();
  EXPECT_EQ(q.bytes(), 0u);
  EXPECT_TRUE(q.empty());
}

// A close while a frame is being written must not free that frame's buffer under the write.
TEST(OutboundQueue, ClearingCanKeepTheFrameBeingWritten) {
  OutboundQueue q(10, 1 << 20);
  const auto writing = make_payload("being written");
  q.push(writing);
  q.push(make_payload("next"));
  q.push(make_payload("after"));
  q.clear(/*keep_front=*/true);
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q.front(), writing);
  EXPECT_EQ(q.bytes(), writing->size());
  q.clear();
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.bytes(), 0u);
  q.clear(/*keep_front=*/true);  // nothing to keep
  EXPECT_TRUE(q.empty());
}

// Presence counts people, not tabs.
TEST(Hub, OwnersOfATopicAreDistinctPeople) {
  class Owned final : public Subscriber {
   public:
    explicit Owned(std::int64_t id) : id_(id) {}
    void deliver(const Payload&) override {}
    void end(int, const std::string&) override {}
    std::int64_t owner_id() const noexcept override { return id_; }

   private:
    std::int64_t id_;
  };
  Hub hub;
  auto a1 = std::make_shared<Owned>(7);
  auto a2 = std::make_shared<Owned>(7);
  auto b = std::make_shared<Owned>(9);
  auto nobody = std::make_shared<Owned>(0);
  for (const auto& s : {std::shared_ptr<Subscriber>(a1), std::shared_ptr<Subscriber>(a2), std::shared_ptr<Subscriber>(b),
                        std::shared_ptr<Subscriber>(nobody)}) {
    hub.subscribe("wall:1", s);
  }
  EXPECT_EQ(hub.owners_of("wall:1"), (std::vector<std::int64_t>{7, 9}));
  b.reset();  // a closed socket no longer counts
  EXPECT_EQ(hub.owners_of("wall:1"), (std::vector<std::int64_t>{7}));
  EXPECT_TRUE(hub.owners_of("wall:2").empty());
}

TEST(Hub, EventIdOfReadsOnlyAStoredEventsLeadingId) {
  EXPECT_EQ(event_id_of(R"({"event_id":150,"network":"default","type":"wall_removed"})"), 150);
  EXPECT_EQ(event_id_of(R"({"events":[],"last_event_id":9,"type":"wall_resume"})"), 0);
  EXPECT_EQ(event_id_of(R"({"type":"heartbeat","seq":3})"), 0);
  EXPECT_EQ(event_id_of(R"({"event_id":)"), 0);
  EXPECT_EQ(event_id_of(R"({"event_id":"7"})"), 0);
  EXPECT_EQ(event_id_of(""), 0);
}
