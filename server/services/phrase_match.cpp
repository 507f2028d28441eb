#include "services/phrase_match.hpp"

#include <utf8proc.h>

#include <cstdlib>
#include <memory>

namespace harbour::services {
namespace {

// Before normalisation: every apostrophe look-alike becomes ', every dash a hyphen, so the
// rules below need to know only those two.
utf8proc_int32_t unify_marks(utf8proc_int32_t cp, void*) {
  switch (cp) {
    case 0x2018: case 0x2019: case 0x201b: case 0x02bc: case 0x0060: case 0x00b4: case 0xff07:
      return '\'';
    case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2015: case 0x2212: case 0xfe63:
    case 0xff0d:
      return '-';
    default:
      return cp;
  }
}

std::string normalised(std::string_view text) {
  utf8proc_uint8_t* out = nullptr;
  const auto n = utf8proc_map_custom(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                                     static_cast<utf8proc_ssize_t>(text.size()), &out,
                                     static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPAT |
                                                                    UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD |
                                                                    UTF8PROC_IGNORE),
                                     unify_marks, nullptr);
  if (n < 0) {
    // Not valid UTF-8 (callers check text first; this is the fallback): ASCII folding only.
    std::string s(text);
    for (auto& ch : s) {
      if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    }
    return s;
  }
  const std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owned(out, &std::free);
  return std::string(reinterpret_cast<const char*>(out), static_cast<std::size_t>(n));
}

enum class Kind { Word, Apostrophe, Space, Other };

Kind kind_of(utf8proc_int32_t cp) {
  if (cp == '\'') return Kind::Apostrophe;
  if (cp == '-' || cp == ' ' || (cp >= '\t' && cp <= '\r') || cp == 0x85) return Kind::Space;
  if (cp == '_') return Kind::Word;
  switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
      return Kind::Word;
    case UTF8PROC_CATEGORY_ZS: case UTF8PROC_CATEGORY_ZL: case UTF8PROC_CATEGORY_ZP:
      return Kind::Space;
    default:
      return Kind::Other;
  }
}

struct Scan {
  std::vector<std::string> words;
  std::vector<bool> joined;
  bool punctuation = false;  // anything but words, white space and hyphens
};

Scan scan(std::string_view raw) {
  const std::string s = normalised(raw);
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  const auto size = static_cast<utf8proc_ssize_t>(s.size());
  // The code point at `pos` and its length; a stray byte is read as one Other code point.
  auto at = [&](utf8proc_ssize_t pos) -> std::pair<Kind, utf8proc_ssize_t> {
    if (pos >= size) return {Kind::Space, 0};
    utf8proc_int32_t cp = 0;
    const auto len = utf8proc_iterate(p + pos, size - pos, &cp);
    if (len <= 0) return {Kind::Other, 1};
    return {kind_of(cp), len};
  };

  Scan out;
  bool clean_gap = true;
  utf8proc_ssize_t pos = 0;
  while (pos < size) {
    auto [kind, len] = at(pos);
    if (kind != Kind::Word) {
      if (kind != Kind::Space) {
        clean_gap = false;
        out.punctuation = true;
      }
      pos += len;
      continue;
    }
    std::string key;
    while (true) {
      key.append(s, static_cast<std::size_t>(pos), static_cast<std::size_t>(len));
      pos += len;
      auto next = at(pos);
      if (pos < size && next.first == Kind::Apostrophe && at(pos + next.second).first == Kind::Word) {
        pos += next.second;  // inside the word, out of its key
        next = at(pos);
      }
      if (pos >= size || next.first != Kind::Word) break;
      len = next.second;
    }
    out.joined.push_back(!out.words.empty() && clean_gap);
    out.words.push_back(std::move(key));
    clean_gap = true;
  }
  return out;
}

}  // namespace

std::vector<std::string> phrase_words(std::string_view phrase) { return scan(phrase).words; }

bool is_plain_phrase(std::string_view phrase) {
  const auto s = scan(phrase);
  return !s.words.empty() && !s.punctuation;
}

PhraseText::PhraseText(std::string_view text) {
  auto s = scan(text);
  words_ = std::move(s.words);
  joined_ = std::move(s.joined);
  for (std::size_t i = 0; i < words_.size(); ++i) positions_[words_[i]].push_back(i);
}

std::vector<WordSpan> PhraseText::find(std::span<const std::string> words) const {
  std::vector<WordSpan> found;
  if (words.empty()) return found;
  const auto it = positions_.find(words.front());
  if (it == positions_.end()) return found;
  for (const auto first : it->second) {
    if (first + words.size() > words_.size()) break;  // positions are ascending
    bool whole = true;
    for (std::size_t k = 1; k < words.size() && whole; ++k) {
      whole = joined_[first + k] && words_[first + k] == words[k];
    }
    if (whole) found.push_back({first, first + words.size()});
  }
  return found;
}

}  // namespace harbour::services
