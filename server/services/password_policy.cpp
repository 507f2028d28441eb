#include "services/password_policy.hpp"

#include "core/app_error.hpp"
#include "services/pseudonym_policy.hpp"

#include <utf8proc.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace harbour::services {
namespace {

[[noreturn]] void refuse(const char* code, const char* message) {
  throw core::AppError(core::ErrorKind::BadRequest, code, message);
}

// The embedded list split into lines, sorted and without duplicates, built on first use.
const std::vector<std::string_view>& sorted_list() {
  static const std::vector<std::string_view> list = [] {
    std::vector<std::string_view> out;
    out.reserve(50000);
    for (std::string_view chunk : detail::embedded_common_password_chunks()) {
      while (!chunk.empty()) {
        const std::size_t nl = chunk.find('\n');
        const std::string_view line = chunk.substr(0, nl);
        if (!line.empty()) out.push_back(line);
        if (nl == std::string_view::npos) break;
        chunk.remove_prefix(nl + 1);
      }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }();
  return list;
}

// The code points of `s`; false when it is not valid UTF-8.
bool decode_utf8(std::string_view s, std::vector<utf8proc_int32_t>& out) {
  out.clear();
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(s.size());
  while (left > 0) {
    utf8proc_int32_t cp = 0;
    const utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
    if (n <= 0 || cp < 0) return false;
    out.push_back(cp);
    p += n;
    left -= n;
  }
  return true;
}

// NFKC + Unicode case folding, the form compared against the (lowercase ASCII) list.
std::string fold(std::string_view s) {
  if (s.empty()) return {};
  utf8proc_uint8_t* mapped = nullptr;
  const utf8proc_ssize_t n =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s.data()),
                   static_cast<utf8proc_ssize_t>(s.size()), &mapped,
                   static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPAT |
                                                  UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD));
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owned(mapped, &std::free);
  if (n < 0) return std::string(s);  // only for invalid UTF-8, which is refused before this
  return std::string(reinterpret_cast<const char*>(mapped), static_cast<std::size_t>(n));
}

bool is_strippable(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u < 0x80 && (std::isdigit(u) || std::ispunct(u) || std::isspace(u));
}

// Without digits, ASCII punctuation and spaces at the end ("password123!" -> "password").
std::string_view strip_end(std::string_view s) {
  while (!s.empty() && is_strippable(s.back())) s.remove_suffix(1);
  return s;
}

// ... and at the start too ("!!password2024" -> "password").
std::string_view strip_ends(std::string_view s) {
  s = strip_end(s);
  while (!s.empty() && is_strippable(s.front())) s.remove_prefix(1);
  return s;
}

// Without spaces and the separators people put between words ("tiger tiger tiger").
std::string compact(std::string_view s) {
  std::string out;
  for (const char c : s) {
    if (c != ' ' && c != '-' && c != '_' && c != '.') out += c;
  }
  return out;
}

// Undoes the usual character swaps; `one` says what '1' and '!' stand for ('i' or 'l').
std::string unswap(std::string_view s, char one) {
  std::string out(s);
  for (char& c : out) {
    switch (c) {
      case '@': case '4': c = 'a'; break;
      case '0': c = 'o'; break;
      case '3': c = 'e'; break;
      case '$': case '5': c = 's'; break;
      case '7': case '+': c = 't'; break;
      case '8': c = 'b'; break;
      case '1': case '!': case '|': c = one; break;
      default: break;
    }
  }
  return out;
}

// True when `s` is a list entry, or a list entry written two or more times over.
bool common_or_repeated_common(std::string_view s) {
  if (s.empty()) return false;
  if (is_common_password(s)) return true;
  for (std::size_t unit = 1; unit <= s.size() / 2; ++unit) {
    if (s.size() % unit != 0) continue;
    bool repeats = true;
    for (std::size_t i = unit; i < s.size() && repeats; ++i) repeats = s[i] == s[i - unit];
    if (!repeats) continue;
    const std::string_view unit_text = s.substr(0, unit);  // "dragon!" in "dragon!dragon!"
    if (is_common_password(unit_text) || is_common_password(strip_ends(unit_text))) return true;
  }
  return false;
}

bool too_common(std::string_view folded) {
  const std::string compacted = compact(folded);
  const std::string_view bases[] = {folded, strip_end(folded), strip_ends(folded), compacted,
                                    strip_ends(compacted)};
  for (const std::string_view base : bases) {
    // Swaps are undone after stripping, so "$unsh1ne2024" -> "$unsh1ne" -> "sunshine".
    if (common_or_repeated_common(base) || common_or_repeated_common(unswap(base, 'i')) ||
        common_or_repeated_common(unswap(base, 'l'))) {
      return true;
    }
  }
  return false;
}

// Characters that mostly run in sequence or repeat: "abcdefghijkl", "1234567890ab",
// "zyxwvutsrqpo". At most two places where the next character is not the same, one after or one
// before.
bool runs_in_sequence(const std::vector<utf8proc_int32_t>& cps) {
  int breaks = 0;
  for (std::size_t i = 1; i < cps.size(); ++i) {
    const auto step = cps[i] - cps[i - 1];
    if (step < -1 || step > 1) ++breaks;
  }
  return breaks <= 2;
}

}  // namespace

bool is_common_password(std::string_view lowercase) {
  const auto& list = sorted_list();
  return std::binary_search(list.begin(), list.end(), lowercase);
}

std::size_t common_password_count() { return sorted_list().size(); }

void check_password(std::string_view password, std::string_view pseudonym) {
  std::vector<utf8proc_int32_t> code_points;
  if (!decode_utf8(password, code_points)) {
    refuse("password_invalid_utf8",
           "Your password has characters we cannot read. Please type it again.");
  }
  if (code_points.size() < kPasswordMinCodePoints) {
    refuse("password_too_short",
           "Your password must be at least 12 characters long. Three or four random words "
           "together make a strong password that is easy to remember.");
  }
  if (code_points.size() > kPasswordMaxCodePoints) {
    refuse("password_too_long", "Your password must be 128 characters or fewer.");
  }

  if (!pseudonym.empty()) {
    const std::string name_key = pseudonym_key(pseudonym);
    if (name_key.size() >= 3 && pseudonym_key(password).find(name_key) != std::string::npos) {
      refuse("password_contains_pseudonym",
             "Your password must not contain your name on Harbour. Please choose something "
             "else.");
    }
  }

  const std::string folded = fold(password);
  std::vector<utf8proc_int32_t> folded_points;
  decode_utf8(folded, folded_points);
  const std::set<utf8proc_int32_t> distinct(folded_points.begin(), folded_points.end());
  if (distinct.size() < kPasswordMinDistinct || runs_in_sequence(folded_points)) {
    refuse("password_repetitive",
           "Your password repeats characters or runs through them in order, which makes it "
           "easy to guess. "
           "Three or four random words together make a strong password.");
  }

  if (too_common(folded)) {
    refuse("password_too_common",
           "That password is very common, so it would be easy to guess. Please choose "
           "something less predictable: three or four random words together work well.");
  }
}

}  // namespace harbour::services
