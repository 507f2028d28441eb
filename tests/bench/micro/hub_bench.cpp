// Live fan-out: live::Hub::publish of one ~1 KB payload (a Wall event frame) to one topic with
// 10,000 subscribers, single-threaded. Per delivery that is the weak_ptr lock under the hub's
// mutex (into the snapshot), the virtual deliver() outside it, and the snapshot's release.
// Subscribers stand in for ws sessions and do the least a session could:
//   BM_Hub_publish_10k/copy:0  deliver() increments a counter;
//   BM_Hub_publish_10k/copy:1  deliver() also keeps a copy of the shared payload pointer (an atomic
//                          increment, and a decrement of the one it replaces), as a session
//                          queueing the frame would.
// items/s = deliveries/s.
#include "live/hub.hpp"

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace {

using harbour::live::Payload;

class CountingSubscriber final : public harbour::live::Subscriber {
 public:
  explicit CountingSubscriber(bool keep) : keep_(keep) {}
  void deliver(const Payload& event) override {
    ++delivered_;
    if (keep_) last_ = event;
  }
  void end(int, const std::string&) override {}
  std::uint64_t delivered() const noexcept { return delivered_; }

 private:
  bool keep_;
  std::uint64_t delivered_ = 0;
  Payload last_;
};

constexpr std::size_t kSubscribers = 10'000;

std::string wall_frame() {
  std::string frame = R"({"event_id":123456,"type":"wall.message","message":{"id":98765,"network":"default",)"
                      R"("author":{"id":42,"pseudonym":"Quiet Harbour 7","badge":null},"body_html":"<p>)";
  while (frame.size() < 1000) frame += "Checking in before the day gets going, sending warmth to everyone. ";
  frame += R"(</p>"}})";
  return frame;
}

void BM_Hub_publish_10k(benchmark::State& state) {
  const bool keep = state.range(0) != 0;
  harbour::live::Hub hub;
  const std::string topic = "wall:1";
  std::vector<std::shared_ptr<CountingSubscriber>> subscribers;
  subscribers.reserve(kSubscribers);
  for (std::size_t i = 0; i < kSubscribers; ++i) {
    subscribers.push_back(std::make_shared<CountingSubscriber>(keep));
    hub.subscribe(topic, subscribers.back());
  }
  const Payload payload = harbour::live::make_payload(wall_frame());
  if (hub.publish(topic, payload) != kSubscribers) {
    state.SkipWithError("not every subscriber was reached");
    return;
  }
  for (auto _ : state) {
    auto reached = hub.publish(topic, payload);
    benchmark::DoNotOptimize(reached);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kSubscribers));
  state.counters["payload_bytes"] = static_cast<double>(payload->size());
  benchmark::DoNotOptimize(subscribers.front()->delivered());
}
BENCHMARK(BM_Hub_publish_10k)->ArgName("copy")->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

}  // namespace
