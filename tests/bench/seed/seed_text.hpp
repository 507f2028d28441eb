#pragma once
// Forum text for the bench seed: topic titles and Markdown bodies that read like a peer-support
// community (paragraphs, emphasis, lists, the odd link or quote), from a fixed bank of sentences
// shuffled by a seeded generator, so the same seed gives the same database.
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>

namespace harbour::bench {

class TextGenerator {
 public:
  explicit TextGenerator(std::uint64_t seed) : rng_(seed) {}

  // 3..120 characters, no trailing full stop.
  std::string title();
  // Markdown of about `target` characters (at least min_chars, at most max_chars).
  std::string body(std::size_t target, std::size_t min_chars, std::size_t max_chars, bool reply);

  std::mt19937_64& rng() { return rng_; }

 private:
  std::size_t pick(std::size_t n);
  std::string sentence(bool reply);

  std::mt19937_64 rng_;
};

}  // namespace harbour::bench
