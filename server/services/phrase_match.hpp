#pragma once
// Whole-word phrase matching for the risk lexicon (and, later, watched words): text and phrase
// are cut into words the same way, so "skilled" never holds "kill", and an occurrence is known
// by its word positions, which lets an exception ("kill myself laughing") cancel only the
// occurrence it covers.
//
// How text becomes words:
//  - NFKC with Unicode case folding; default-ignorable code points (zero-width space, soft
//    hyphen) dropped, so "ＫＩＬＬ" and "Kill" are "kill";
//  - a word is a run of letters, digits or '_' in any script; an apostrophe between two word
//    characters (' ’ ‘ ʼ ` ´) stays inside the word and is left out of its key, so "can't",
//    "can’t" and "cant" are one word "cant";
//  - words of a phrase must follow each other across white space or hyphens only ("self-harm"
//    is "self harm"; "want to\ndie" holds "want to die"; "I can't. Go on" does not hold
//    "can't go on").
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace harbour::services {

// The keys of a phrase's words: "Can’t  go-on" -> {"cant", "go", "on"}; {} when it has none.
std::vector<std::string> phrase_words(std::string_view phrase);

// Whether the phrase is nothing but words joined by white space or hyphens (what a lexicon
// entry must be: punctuation between its words could never match).
bool is_plain_phrase(std::string_view phrase);

// One occurrence: words [first, last) of the text.
struct WordSpan {
  std::size_t first = 0;
  std::size_t last = 0;
  bool covers(const WordSpan& inner) const { return first <= inner.first && inner.last <= last; }
};

class PhraseText {
 public:
  explicit PhraseText(std::string_view text);

  // Every occurrence of the phrase `words` (from phrase_words), in order; {} for no words.
  std::vector<WordSpan> find(std::span<const std::string> words) const;
  bool contains(std::span<const std::string> words) const { return !find(words).empty(); }
  std::size_t size() const { return words_.size(); }

 private:
  std::vector<std::string> words_;
  std::vector<bool> joined_;  // joined_[i]: only white space or hyphens between words i-1 and i
  std::unordered_map<std::string, std::vector<std::size_t>> positions_;
};

}  // namespace harbour::services
