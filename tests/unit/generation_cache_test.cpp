// core::GenerationCache: entries live until the generation moves or max_age passes.
#include "core/generation_cache.hpp"

#include <gtest/gtest.h>

namespace {

using harbour::core::GenerationCache;
using namespace std::chrono_literals;
using Clock = GenerationCache<int>::Clock;

TEST(GenerationCache, HitsOnlyWithinTheGenerationItWasComputedFor) {
  GenerationCache<int> cache(8, 1s);
  const auto t = Clock::now();
  cache.put("a", 1, 5, t);
  EXPECT_EQ(cache.get("a", 5, t), 1);
  EXPECT_FALSE(cache.get("a", 6, t)) << "a commit since: the entry may be stale";
  EXPECT_FALSE(cache.get("b", 5, t));
}

TEST(GenerationCache, AValueReadBeforeTheLastCommitIsNeverStored) {
  GenerationCache<int> cache(8, 1s);
  const auto t = Clock::now();
  cache.put("new", 2, 7, t);
  cache.put("old", 1, 6, t);  // computed from generation 6's data, finished after 7 was stored
  EXPECT_FALSE(cache.get("old", 7, t));
  EXPECT_FALSE(cache.get("old", 6, t));
  EXPECT_EQ(cache.get("new", 7, t), 2);
}

TEST(GenerationCache, ANewGenerationDropsEveryOlderEntry) {
  GenerationCache<int> cache(8, 1s);
  const auto t = Clock::now();
  cache.put("a", 1, 1, t);
  cache.put("b", 2, 1, t);
  cache.put("c", 3, 2, t);
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_FALSE(cache.get("a", 1, t)) << "generation 1 is gone once 2 was seen";
}

TEST(GenerationCache, EntriesExpireAfterMaxAge) {
  GenerationCache<int> cache(8, 1s);
  const auto t = Clock::now();
  cache.put("a", 1, 1, t);
  EXPECT_EQ(cache.get("a", 1, t + 999ms), 1);
  EXPECT_FALSE(cache.get("a", 1, t + 1001ms)) << "a change the generation cannot see shows within max_age";
}

TEST(GenerationCache, NeverHoldsMoreThanMaxEntries) {
  GenerationCache<int> cache(3, 1s);
  const auto t = Clock::now();
  for (int i = 0; i < 10; ++i) {
    cache.put("k" + std::to_string(i), i, 1, t);
    EXPECT_LE(cache.size(), 3u);
  }
  EXPECT_EQ(cache.get("k9", 1, t), 9);
}

}  // namespace
